"""The situation picture's reads: one call, the four ``situation_*.cypher`` files.

The key figures that are gaps come from :meth:`turva.queries.Analyses.gaps` itself (the
caller runs it), so the picture and the gap report cannot disagree; these queries add
what the gaps analysis does not count: per period (trends), per administrative branch,
per priority group (resources and coverage) and the timeline of the period's measures.
Every one of them uses the one definition of an active measure (``$active``).

>>> TIMELINE_ROWS
40
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from turva.queries.analyses import _native
from turva.queries.runner import run_query

__all__ = ["TIMELINE_ROWS", "SituationRows", "situation_rows"]

#: the most measures the timeline draws (overdue ones first, then those ending first)
TIMELINE_ROWS = 40


@dataclass(frozen=True)
class SituationRows:
    """What the situation picture reads for one period (rows as the queries name them)."""

    #: one row per period in the graph, ascending: period, groups, focus_phenomena,
    #: members, active_measures
    trends: list[dict[str, Any]]
    #: the period's active measures per branch (lead organisation's; null: none)
    branches: list[dict[str, Any]]
    #: the period's priority groups: measures, resources and coverage
    groups: list[dict[str, Any]]
    #: the timeline's measures (at most :data:`TIMELINE_ROWS`) and how many there are
    timeline: list[dict[str, Any]]
    timeline_total: int


def situation_rows(
    driver: Driver, database: str | None, period: int, as_of: dt.date
) -> SituationRows:
    """The rows of the situation picture of ``period`` on ``as_of`` (a period the graph
    has: the caller checks it with :meth:`turva.queries.Analyses.periods`)."""

    def read(name: str, **params: Any) -> list[dict[str, Any]]:
        return list(_native(run_query(driver, name, database, **params)))

    timeline = read("situation_timeline", period=period, as_of=as_of, limit=TIMELINE_ROWS)[0]
    return SituationRows(
        trends=read("situation_trends"),
        branches=read("situation_branches", period=period),
        groups=read("situation_groups", period=period),
        timeline=timeline["rows"],
        timeline_total=timeline["total"],
    )
