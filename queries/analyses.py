"""The analyses of the cooperation model: who works on what, gaps, overlaps, changes.

Each analysis is one Cypher file in ``queries/`` run in a read transaction with values as
parameters (the runner supplies ``$active``, the one definition of an active measure);
this module checks the arguments, picks the defaults (the latest period in
the graph, today's date) and wraps the rows in the models of :mod:`queries.results`.
The definitions are the contract of ``docs/analyses.md``.

>>> from queries import Analyses                            # doctest: +SKIP
>>> Analyses(driver).who_addresses("money-laundering").actors[0].organisation  # doctest: +SKIP
'EK'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from neo4j import Driver

from turva.graph.errors import BadArgument, NotFound
from turva.graph.messages import N_
from turva.queries.results import (
    Attention,
    Connection,
    Coverage,
    CoverageRow,
    Gaps,
    GoalProgress,
    Overlaps,
    PeriodChanges,
    Profile,
    WhatIf,
    WhoAddresses,
)
from turva.queries.runner import run_query

__all__ = ["Analyses", "FilterParams", "Filters"]

#: filter parameter -> the error for an id the graph does not have (one message each, so
#: that every language can inflect its noun)
_UNKNOWN_FILTER = {
    "branch": N_("%(parameter)s: there is no administrative branch with the id %(id)s"),
    "theme": N_("%(parameter)s: there is no theme with the id %(id)s"),
    "group": N_("%(parameter)s: there is no priority group with the id %(id)s"),
}


class FilterParams(TypedDict):
    """The filters as query parameters, and as the fields of a filtered result."""

    branch: str | None
    theme: str | None
    group: str | None


@dataclass(frozen=True)
class Filters:
    """The filters of gaps, overlaps and coverage: ids, or None for "no filter".

    >>> Filters(branch="SM").params()
    {'branch': 'SM', 'theme': None, 'group': None}
    >>> Filters().active
    False
    """

    branch: str | None = None
    theme: str | None = None
    group: str | None = None

    @property
    def active(self) -> bool:
        """Whether any filter is given."""
        return any(self.params().values())

    def params(self) -> FilterParams:
        """The query parameters ``$branch``, ``$theme``, ``$group`` (and the fields of the
        same names that each filtered result carries)."""
        return {"branch": self.branch, "theme": self.theme, "group": self.group}


def _filter_id(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadArgument.said(
            N_("%(parameter)s must be an id, e.g. %(example)s; got %(value)s"),
            parameter=name,
            example={"branch": "SM", "theme": "internal-security", "group": "PG2021-6"}[name],
            value=repr(value),
        )
    return value


def _native(value: Any) -> Any:
    """Neo4j temporal values as Python ones, inside lists and maps too."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _whole_number(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadArgument(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return value


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise BadArgument(f"{name} must be a date YYYY-MM-DD, not a date and time: {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise BadArgument(f"{name} must be a date YYYY-MM-DD, e.g. 2025-12-31; got {value!r}")


class Analyses:
    """The analyses over one graph.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (injected; this class never opens or closes one).
    database : str, optional
        The Neo4j database, the server's default when omitted.
    """

    def __init__(self, driver: Driver, database: str | None = None):
        self._driver = driver
        self._database = database

    def _run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return _native(run_query(self._driver, name, self._database, **params))

    def _one(self, name: str, **params: Any) -> dict[str, Any]:
        return self._run(name, **params)[0]

    # --- periods ---------------------------------------------------------------------

    def periods(self) -> list[int]:
        """The periods of the priority groups in the graph, ascending."""
        return [row["period"] for row in self._run("periods")]

    def _period(self, period: Any) -> int | None:
        """The period to use: ``period`` if the graph has it, else the latest one."""
        periods = self.periods()
        if period is None:
            return periods[-1] if periods else None
        return self._known_period("period", period, periods)

    @staticmethod
    def _known_period(name: str, period: Any, periods: list[int]) -> int:
        if isinstance(period, bool) or not isinstance(period, int):
            raise BadArgument(f"{name} must be a year such as 2021, got {period!r}")
        if period not in periods:
            which = "" if name == "period" else f" ({name})"
            if not periods:
                raise BadArgument.said(
                    N_("no priority groups for period %(period)s%(which)s; the graph has none"),
                    period=period,
                    which=which,
                )
            raise BadArgument.said(
                N_(
                    "no priority groups for period %(period)s%(which)s; "
                    "periods in the graph: %(periods)s"
                ),
                period=period,
                which=which,
                periods=", ".join(str(p) for p in periods),
            )
        return period

    # --- the analyses ----------------------------------------------------------------

    def who_addresses(self, phenomenon: str, period: int | None = None) -> WhoAddresses:
        """Organisations working on ``phenomenon`` (or a narrower one) and how.

        Raises :class:`~turva.graph.errors.NotFound` for an unknown phenomenon and
        :class:`~turva.graph.errors.BadArgument` for a period the graph does not have.
        """
        used = self._period(period)
        row = self._one("who_addresses", phenomenon=phenomenon, period=used)
        if not row["found"]:
            raise NotFound.said(N_("unknown phenomenon %(id)s"), id=repr(phenomenon))
        return WhoAddresses(phenomenon=phenomenon, actors=row["actors"], period=used)

    def _filters(
        self, branch: Any, theme: Any, group: Any, period: Any = None, *, periods: bool = True
    ) -> tuple[Filters, int | None]:
        """The checked filters and the period to use (a group's own when none is given).

        Raises :class:`~turva.graph.errors.BadArgument` naming the parameter for an id
        the graph does not have, or a group of another period than ``period``.
        """
        filters = Filters(
            branch=_filter_id("branch", branch),
            theme=_filter_id("theme", theme),
            group=_filter_id("group", group),
        )
        if filters.active:
            found = self._one("analysis_filters", **filters.params())
            for name, message in _UNKNOWN_FILTER.items():
                if not found[f"{name}_found"]:
                    raise BadArgument.said(message, parameter=name, id=repr(getattr(filters, name)))
            group_period = found["group_period"]
            if periods and group_period is not None:
                if period is None:
                    period = group_period
                elif period != group_period:
                    raise BadArgument.said(
                        N_(
                            "group: priority group %(group)s is of period %(group_period)s, "
                            "not %(period)s; leave out the period or choose %(group_period)s"
                        ),
                        group=filters.group,
                        group_period=group_period,
                        period=period,
                    )
        return filters, self._period(period) if periods else None

    def gaps(
        self,
        period: int | None = None,
        as_of: dt.date | None = None,
        *,
        branch: str | None = None,
        theme: str | None = None,
        group: str | None = None,
    ) -> Gaps:
        """Unaddressed phenomena, single-branch work, missing owners, overdue measures...

        ``branch``, ``theme`` and ``group`` (ids) keep only the rows that concern them
        (docs/analyses.md, "Filters"): a filtered answer is part of the unfiltered one.
        With ``group`` and no ``period``, the group's period is used.
        """
        day = dt.date.today() if as_of is None else _date("as_of", as_of)
        filters, used = self._filters(branch, theme, group, period)
        row = self._one("gaps", period=used, as_of=day, without=[], **filters.params())
        del row["orphaned_measures"]  # none: nobody has stepped out
        return Gaps(**row, period=used, as_of=day, **filters.params())

    def what_if(
        self, without: list[str], period: int | None = None, as_of: dt.date | None = None
    ) -> WhatIf:
        """What would be left uncovered if the organisations ``without`` stepped out.

        Read-only: the gap lists are computed as if their responsibilities and memberships
        were gone (docs/analyses.md, "what-if"); the graph does not change. Raises
        :class:`~turva.graph.errors.BadArgument` for no organisation, or one the graph
        does not have.
        """
        if any(not isinstance(org, str) or not org.strip() for org in without):
            raise BadArgument.said(
                N_("without: each organisation must be an id, e.g. %(example)s"), example="POHA"
            )
        ids = sorted(set(without))
        if not ids:
            raise BadArgument.said(
                N_("without: give at least one organisation id, e.g. %(example)s"), example="POHA"
            )
        day = dt.date.today() if as_of is None else _date("as_of", as_of)
        used = self._period(period)
        extra = self._one("what_if", period=used, without=ids)
        if extra["unknown"]:
            raise BadArgument.said(
                N_("without: there is no organisation with the id %(ids)s"),
                ids=", ".join(repr(i) for i in extra["unknown"]),
            )
        unfiltered = {"branch": None, "theme": None, "group": None}
        today = self._one("gaps", period=used, as_of=day, without=[], **unfiltered)
        then = self._one("gaps", period=used, as_of=day, without=ids, **unfiltered)

        def new(section: str) -> list[dict[str, Any]]:
            before = {row["id"] for row in today[section]}
            return [row for row in then[section] if row["id"] not in before]

        return WhatIf.model_validate(
            {
                "without": ids,
                "orphaned_measures": then["orphaned_measures"],
                "new_unaddressed_phenomena": new("unaddressed_phenomena"),
                "new_single_branch_phenomena": new("single_branch_phenomena"),
                "new_goals_without_measures": new("goals_without_measures"),
                "groups_without_lead": extra["groups_without_lead"],
                "period": used,
                "as_of": day,
            }
        )

    def goal_progress(self, as_of: dt.date | None = None) -> GoalProgress:
        """Every goal with a target: its latest observation by ``as_of``, progress, status.

        The latest observation is the target indicator's with the greatest year after the
        baseline year and not after the year of ``as_of`` (default today); the definitions
        of ``progress`` and ``status`` are docs/analyses.md's, "goal-progress".

        >>> Analyses(driver).goal_progress(dt.date(2025, 7, 1)).goals[0].status  # doctest: +SKIP
        'on_track'
        """
        day = dt.date.today() if as_of is None else _date("as_of", as_of)
        rows = self._run("goal_progress", year=day.year)
        return GoalProgress.model_validate({"as_of": day, "goals": rows})

    def attention(self, as_of: dt.date | None = None, period: int | None = None) -> Attention:
        """The phenomena that need attention: measured by a worsening indicator (its three
        latest observations by the year of ``as_of`` each worse than the one before) and
        unaddressed or single-branch by :meth:`gaps` of ``period`` and ``as_of``
        (docs/analyses.md, "attention").

        Raises :class:`~turva.graph.errors.BadArgument` for a period the graph does not
        have.
        """
        day = dt.date.today() if as_of is None else _date("as_of", as_of)
        used = self._period(period)
        worsening = self._run("attention", year=day.year)
        gaps = self.gaps(used, day) if worsening else None
        unaddressed = {r.id for r in gaps.unaddressed_phenomena} if gaps else set()
        single = {r.id for r in gaps.single_branch_phenomena} if gaps else set()
        rows = [
            {
                "phenomenon": row["phenomenon"],
                "indicators": row["indicators"],
                "reason": "unaddressed" if row["phenomenon"] in unaddressed else "single_branch",
            }
            for row in worsening
            if row["phenomenon"] in unaddressed or row["phenomenon"] in single
        ]
        return Attention.model_validate({"as_of": day, "phenomena": rows, "period": used})

    def overlaps(
        self,
        period: int | None = None,
        min_branches: int = 3,
        min_groups: int = 3,
        *,
        branch: str | None = None,
        theme: str | None = None,
        group: str | None = None,
    ) -> Overlaps:
        """Multi-branch phenomena, uncoordinated measures, overlapping groups, busy members.

        ``branch``, ``theme`` and ``group`` (ids) keep only the rows that concern them
        (docs/analyses.md, "Filters"); with ``group`` and no ``period``, the group's period.
        """
        min_branches = _whole_number("min_branches", min_branches, 1)
        min_groups = _whole_number("min_groups", min_groups, 1)
        filters, used = self._filters(branch, theme, group, period)
        row = self._one(
            "overlaps",
            period=used,
            min_branches=min_branches,
            min_groups=min_groups,
            **filters.params(),
        )
        return Overlaps(
            **row, period=used, min_branches=min_branches, min_groups=min_groups, **filters.params()
        )

    def coverage(
        self,
        *,
        branch: str | None = None,
        theme: str | None = None,
        group: str | None = None,
    ) -> Coverage:
        """Active measures per phenomenon (with its descendants) and branch, zeros included.

        Each row's ``total`` counts its distinct active measures (a measure of two
        branches counts in both columns, once in the total). ``theme`` and ``group``
        keep rows, ``branch`` keeps that branch's column; counts and totals stay.
        """
        filters, _ = self._filters(branch, theme, group, periods=False)
        row = self._one("coverage", **filters.params())
        branches: list[str] = row["branches"]
        counted = {r["phenomenon"]: r for r in row["counted"]}
        rows = []
        for phenomenon in row["phenomena"]:
            found = counted.get(phenomenon)
            counts = dict.fromkeys(branches, 0)
            counts.update({cell["branch"]: cell["n"] for cell in found["counts"]} if found else {})
            total = found["total"] if found else 0
            rows.append(CoverageRow(phenomenon=phenomenon, counts=counts, total=total))
        return Coverage(branches=branches, rows=rows, **filters.params())

    def profile(self, organisation: str) -> Profile:
        """One organisation: its branch, groups by period, bodies, measures, phenomena."""
        rows = self._run("profile", organisation=organisation)
        if not rows:
            raise NotFound.said(N_("unknown organisation %(id)s"), id=repr(organisation))
        return Profile(**rows[0])

    def path(self, a: str, b: str) -> Connection:
        """A shortest path from organisation ``a`` to ``b``; ``length`` is None if none."""
        row = self._one("path", a=a, b=b)
        for found, org in ((row["found_a"], a), (row["found_b"], b)):
            if not found:
                raise NotFound.said(N_("unknown organisation %(id)s"), id=repr(org))
        nodes = row["path"]
        return Connection(a=a, b=b, length=len(nodes) - 1 if nodes else None, path=nodes)

    def changes(self, from_period: int, to_period: int) -> PeriodChanges:
        """How the priority groups changed from ``from_period`` to ``to_period``."""
        periods = self.periods()
        from_period = self._known_period("from_period", from_period, periods)
        to_period = self._known_period("to_period", to_period, periods)
        row = self._one("changes", from_period=from_period, to_period=to_period)
        return PeriodChanges(from_period=from_period, to_period=to_period, **row)
