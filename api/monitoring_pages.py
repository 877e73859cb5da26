"""The monitoring page, ``/monitoring``: every indicator with its sparkline, latest value
and the change from the year before in words; the goals with a target by their status
(:meth:`turva.queries.Analyses.goal_progress`); and the phenomena that need attention
(:meth:`turva.queries.Analyses.attention`) with the reason for each.

Query parameters: ``as_of`` (a date, default today: the year whose values count) and
``period`` (the priority groups' period for the attention list, default the latest). Like
the other analysis pages it opens with its definitions, shows names rather than ids, marks
illustrative values and links both analyses as CSV, CSV for Excel and XLSX.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from turva.api.auth import PAGE_GUARD
from turva.api.indicator_views import (
    STATUS_ORDER,
    STATUS_WORDS,
    goal_progress_rows,
    number,
    series_of,
    with_targets,
)
from turva.api.web import (
    AsOfQuery,
    PageDep,
    PeriodQuery,
    _bad_input,
    _definitions,
    _downloads,
    _illustrative,
    render,
)
from turva.graph.domain.provenance import provenance
from turva.graph.domain.words import DIRECTIONS
from turva.graph.errors import TurvaError
from turva.graph.messages import N_
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS

__all__ = ["router", "REASON_WORDS"]

#: the monitoring page; when reads need a token, it needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)

#: why a phenomenon needs attention, in words (docs/analyses.md, "attention")
REASON_WORDS = {
    "unaddressed": N_("no active measure"),
    "single_branch": N_("rests on a single administrative branch"),
}
#: the headings of the goal status groups
STATUS_HEADINGS = {
    "off_track": N_("Off track"),
    "on_track": N_("On track"),
    "achieved": N_("Achieved"),
    "no_data": N_("No data"),
}


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(page: PageDep, as_of: AsOfQuery = None, period: PeriodQuery = None) -> Response:
    """Indicators, goals' progress and the phenomena that need attention."""
    day = as_of or dt.date.today()
    analyses = Analyses(page.driver, page.settings.neo4j_database)
    try:
        progress = analyses.goal_progress(day)
        attention = analyses.attention(day, period)
    except TurvaError as e:
        return _bad_input(page.request, e)
    # the values the analyses count: up to the year of as_of
    series = [series_of(row) for row in page.read("monitoring_indicators")]
    for s in series:
        s.observations = [o for o in s.observations if o[0] <= day.year]
    series = with_targets(series, progress.goals)
    goals = goal_progress_rows(progress.goals)
    by_status = [(status, [g for g in goals if g["status"] == status]) for status in STATUS_ORDER]
    named = page.names(
        {
            "indicators": [
                *(s.id for s in series),
                *(g["indicator"] for g in goals),
                *(i for r in attention.phenomena for i in r.indicators),
            ],
            "phenomena": [
                *(p for s in series for p in s.phenomena),
                *(r.phenomenon for r in attention.phenomena),
            ],
            "goals": [g["goal"] for g in goals],
        }
    )
    lang = page.lang
    # by the name the reader sees, as the other pages list records
    series.sort(key=lambda s: page.shown("indicators", s.id).casefold())
    observations = [src for s in series for _, _, src in s.observations]
    definitions = _definitions(
        *ANALYSIS_DEFINITIONS.get("goal-progress", ()), *ANALYSIS_DEFINITIONS.get("attention", ())
    )
    return render(
        page.request,
        "monitoring.html",
        as_of=day,
        chosen_period=attention.period,
        periods=analyses.periods(),
        series=series,
        goals=goals,
        by_status=by_status,
        attention=attention.phenomena,
        named=named,
        definitions=definitions,
        shares=[
            (
                len(observations),
                sum(1 for s in observations if provenance(s) == "illustrative"),
                N_("observations"),
            ),
            (
                *_illustrative(named["goals"].get(g["goal"], {}).get("source") for g in goals),
                N_("goals"),
            ),
        ],
        downloads={
            "goals": _downloads("goal-progress", {"as_of": day, "lang": lang}),
            "attention": _downloads(
                "attention", {"as_of": day, "period": attention.period, "lang": lang}
            ),
        },
        number=lambda value: number(value, lang),
        STATUS_WORDS=STATUS_WORDS,
        STATUS_HEADINGS=STATUS_HEADINGS,
        REASON_WORDS=REASON_WORDS,
        DIRECTIONS=DIRECTIONS,
    )
