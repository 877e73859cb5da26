"""The analyses over HTTP: the same JSON as ``turva ... --format json``, or a table.

``?format=csv`` (or ``Accept: text/csv``), ``?format=md`` (or ``Accept:
text/markdown``) and ``?format=xlsx`` (or ``Accept: application/vnd.openxmlformats-
officedocument.spreadsheetml.sheet``) give the renderings of :mod:`turva.queries.tables`,
byte for byte what ``turva --lang L ... --format csv|md|xlsx`` prints: ``lang=fi|sv|en``
(Finnish by default) is the language of the headings, names and words,
``dialect=excel-fi`` gives CSV for a Finnish Excel, ``section=<name>`` gives that
section's table; without it CSV stacks every section in one table whose first column is
the section.

Answers are cached by the graph's version and revalidated with ``ETag`` /
``If-None-Match``; renders are limited per client (:mod:`turva.api.caching`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from turva.api.auth import ReaderDep, Reading, ReadingDep
from turva.api.caching import ANALYSES, CACHED_RESPONSES, cached
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.domain.formats import iso_date
from turva.graph.domain.model import ID_PATTERN
from turva.graph.errors import BadArgument
from turva.queries import Analyses, AnalysisResult, results
from turva.queries.tables import (
    TABLE_FORMATS,
    TableFormat,
    TableNames,
    TableOptions,
    names_for,
    render_table,
)

__all__ = ["router", "analysis_response", "IsoDateQuery"]

router = APIRouter(tags=["analyses"])

IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64)]
Period = Annotated[
    int | None,
    Query(ge=1900, le=2200, description="the period (year); the latest in the graph if omitted"),
]
_FORMATS = ["json", *TABLE_FORMATS]
Format = Annotated[
    str | None,
    Query(
        description="json (default), "
        + ", ".join(TABLE_FORMATS)
        + "; `Accept: "
        + "` or `Accept: ".join(f.mime for f in TABLE_FORMATS.values())
        + "` also give those",
        pattern="^(" + "|".join(_FORMATS) + ")$",
        json_schema_extra={"enum": _FORMATS},
    ),
]
Section = Annotated[
    str | None,
    Query(max_length=64, description="tables only: the one section to give, e.g. overdue_measures"),
]
TableLang = Annotated[
    Literal["fi", "sv", "en"],
    Query(description="tables only: the language of headings, names and words (fi default)"),
]
CsvDialect = Annotated[
    Literal["plain", "excel-fi"] | None,
    Query(
        description="CSV only: plain (default: `,`, UTF-8) or excel-fi (`;`, UTF-8 with "
        "a byte order mark, CRLF, decimal comma: what a Finnish Excel opens as it is)"
    ),
]
# the filters of gaps, overlaps and coverage (docs/analyses.md, "Filters")
BranchFilter = Annotated[
    str | None,
    Query(
        pattern=ID_PATTERN,
        max_length=64,
        description="only rows that concern this administrative branch (id, e.g. SM); "
        "see docs/analyses.md, Filters",
    ),
]
ThemeFilter = Annotated[
    str | None,
    Query(
        pattern=ID_PATTERN,
        max_length=64,
        description="only rows that concern phenomena with this theme (id)",
    ),
]
GroupFilter = Annotated[
    str | None,
    Query(
        pattern=ID_PATTERN,
        max_length=64,
        description="only rows within this priority group's scope (id, e.g. PG2021-6); "
        "the period defaults to the group's",
    ),
]
#: a date exactly as turva reads dates everywhere (``YYYY-MM-DD``), for ``as_of``
IsoDateQuery = Annotated[dt.date, BeforeValidator(iso_date)]
_TABLE_RESPONSE = {
    "content": {
        f.mime: {"schema": {"type": "string", **({"format": "binary"} if f.binary else {})}}
        for f in TABLE_FORMATS.values()
    },
}


def _table_format(request: Request, format: str | None) -> TableFormat | None:
    """The table rendering asked for by ``?format=`` or else ``Accept``; None for JSON."""
    if format is not None:
        return TABLE_FORMATS.get(format)
    accept = request.headers.get("accept", "")
    if "application/json" in accept:
        return None
    return next((f for f in TABLE_FORMATS.values() if f.mime in accept), None)


def analysis_response(asked: Asked, result: AnalysisResult, filename: str) -> Response:
    """JSON, or the table rendering ``asked`` for; the JSON is ``result.model_dump(mode="json")``.

    A table is in ``asked.lang`` (CSV in ``asked.dialect``), with the display names of
    the result's ids beside them.
    """
    rendering = _table_format(asked.reading.request, asked.format)
    if rendering is not None:
        try:
            options = TableOptions(
                lang=asked.lang, names=asked.names(result), dialect=asked.dialect or "plain"
            )
            content = render_table(result, rendering.name, asked.section, options)
        except BadArgument as e:
            raise ProblemError(
                422,
                str(e),
                errors=[{"parameter": "section", "in": "query", "detail": "unknown section"}],
            ) from e
        return Response(
            content,
            media_type=rendering.media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}{rendering.suffix}"'},
        )
    # pydantic's own serialiser: the same JSON as model_dump(mode="json"), much faster
    return Response(result.model_dump_json(), media_type="application/json")


def _analyses(driver: Any, settings: Any) -> Analyses:
    return Analyses(driver, settings.neo4j_database)


@dataclass(frozen=True)
class Asked:
    """What every analysis takes from its request besides its own parameters (who reads,
    the ``format`` and the ``section``), so that an endpoint names only its own."""

    reading: Reading
    format: str | None
    section: str | None = None
    #: the language of a table (``?lang=``) and the CSV dialect (``?dialect=``)
    lang: str = "fi"
    dialect: str | None = None

    def names(self, result: AnalysisResult) -> TableNames:
        """The display names a table of ``result`` shows beside its ids."""
        r = self.reading
        return names_for(r.driver, result, self.lang, r.settings.neo4j_database, self.section)

    async def answer(
        self,
        params: Mapping[str, Any],
        compute: Callable[[Analyses], AnalysisResult],
        filename: str,
    ) -> Response:
        """The answer of ``compute`` (``params``: the analysis' own, for the cache key),
        from the cache, or computed and rendered in a worker thread."""
        r = self.reading
        rendering = _table_format(r.request, self.format)
        return await cached(
            r.request,
            who=r.who,
            limit=ANALYSES,
            params={**params, "section": self.section, "lang": self.lang, "dialect": self.dialect},
            variant=rendering.name if rendering is not None else "json",
            vary="Accept",
            render=lambda: analysis_response(
                self, compute(_analyses(r.driver, r.settings)), filename
            ),
        )


# FastAPI lists a dependency's query parameters after the endpoint's own: ``format``, then
# ``section``, ``lang`` and ``dialect``, last
def _asked(
    reading: ReadingDep, format: Format = None, lang: TableLang = "fi", dialect: CsvDialect = None
) -> Asked:
    return Asked(reading, format, lang=lang, dialect=dialect)


def _asked_section(
    reading: ReadingDep,
    format: Format = None,
    section: Section = None,
    lang: TableLang = "fi",
    dialect: CsvDialect = None,
) -> Asked:
    return Asked(reading, format, section, lang=lang, dialect=dialect)


#: an analysis of one table
AskedDep = Annotated[Asked, Depends(_asked)]
#: an analysis of several sections, one of which ``?section=`` may pick
AskedSectionDep = Annotated[Asked, Depends(_asked_section)]

_ERRORS = {**problem_responses(401, 404, 422, 503), **CACHED_RESPONSES}


def _analysis(path: str, model: Any, operation_id: str, summary: str) -> Any:
    """``router.get`` for an analysis: JSON as ``model``, or a table; the usual errors."""
    return router.get(
        path,
        response_model=model,
        responses={200: _TABLE_RESPONSE, **_ERRORS},
        operation_id=operation_id,
        summary=summary,
    )


@_analysis(
    "/phenomena/{id}/actors",
    results.WhoAddresses,
    "who_addresses",
    "Who addresses a phenomenon (or a narrower one): organisations, branches, how",
)
async def who_addresses(id: IdPath, asked: AskedDep, period: Period = None) -> Response:
    return await asked.answer(
        {"period": period}, lambda a: a.who_addresses(id, period), f"actors-{id}"
    )


@_analysis(
    "/analysis/gaps",
    results.Gaps,
    "gaps",
    "Gaps: unaddressed phenomena, single-branch work, missing owners, overdue measures",
)
async def gaps(
    asked: AskedSectionDep,
    period: Period = None,
    as_of: Annotated[
        IsoDateQuery | None, Query(description="the day (YYYY-MM-DD) to judge 'overdue' by")
    ] = None,
    branch: BranchFilter = None,
    theme: ThemeFilter = None,
    group: GroupFilter = None,
) -> Response:
    return await asked.answer(
        {"period": period, "as_of": as_of, "branch": branch, "theme": theme, "group": group},
        lambda a: a.gaps(period, as_of, branch=branch, theme=theme, group=group),
        "gaps",
    )


@_analysis(
    "/analysis/overlaps",
    results.Overlaps,
    "overlaps",
    "Overlaps: multi-branch phenomena, uncoordinated measures, overlapping groups",
)
async def overlaps(
    asked: AskedSectionDep,
    period: Period = None,
    min_branches: Annotated[int, Query(ge=1, le=1000)] = 3,
    min_groups: Annotated[int, Query(ge=1, le=1000)] = 3,
    branch: BranchFilter = None,
    theme: ThemeFilter = None,
    group: GroupFilter = None,
) -> Response:
    return await asked.answer(
        {
            "period": period,
            "min_branches": min_branches,
            "min_groups": min_groups,
            "branch": branch,
            "theme": theme,
            "group": group,
        },
        lambda a: a.overlaps(
            period, min_branches, min_groups, branch=branch, theme=theme, group=group
        ),
        "overlaps",
    )


@_analysis(
    "/analysis/coverage",
    results.Coverage,
    "coverage",
    "Coverage: active measures per phenomenon and administrative branch",
)
async def coverage(
    asked: AskedDep,
    branch: BranchFilter = None,
    theme: ThemeFilter = None,
    group: GroupFilter = None,
) -> Response:
    return await asked.answer(
        {"branch": branch, "theme": theme, "group": group},
        lambda a: a.coverage(branch=branch, theme=theme, group=group),
        "coverage",
    )


@_analysis(
    "/analysis/what-if",
    results.WhatIf,
    "what_if",
    "What would be left uncovered if organisations stepped out (nothing changes)",
)
async def what_if(
    asked: AskedSectionDep,
    without: Annotated[
        list[Annotated[str, Query(pattern=ID_PATTERN, max_length=64)]],
        Query(
            min_length=1,
            max_length=50,
            description="an organisation id; repeat for several: ?without=A&without=B",
        ),
    ],
    period: Period = None,
    as_of: Annotated[
        IsoDateQuery | None, Query(description="the day (YYYY-MM-DD) the measures are judged on")
    ] = None,
) -> Response:
    ids = sorted(set(without))
    return await asked.answer(
        {"without": ids, "period": period, "as_of": as_of},
        lambda a: a.what_if(ids, period, as_of),
        "what-if",
    )


@_analysis(
    "/analysis/goal-progress",
    results.GoalProgress,
    "goal_progress",
    "Goal progress: each goal's target, latest value, progress and status",
)
async def goal_progress(
    asked: AskedDep,
    as_of: Annotated[
        IsoDateQuery | None,
        Query(
            description="the day (YYYY-MM-DD): observations up to its year count; today if omitted"
        ),
    ] = None,
) -> Response:
    return await asked.answer({"as_of": as_of}, lambda a: a.goal_progress(as_of), "goal-progress")


@_analysis(
    "/analysis/attention",
    results.Attention,
    "attention",
    "Phenomena that need attention: a worsening indicator, and unaddressed or single-branch",
)
async def attention(
    asked: AskedDep,
    as_of: Annotated[
        IsoDateQuery | None,
        Query(
            description="the day (YYYY-MM-DD): observations up to its year count; today if omitted"
        ),
    ] = None,
    period: Period = None,
) -> Response:
    return await asked.answer(
        {"as_of": as_of, "period": period}, lambda a: a.attention(as_of, period), "attention"
    )


@_analysis(
    "/analysis/changes",
    results.PeriodChanges,
    "period_changes",
    "How the priority groups changed from one period to another",
)
async def period_changes(
    asked: AskedSectionDep,
    from_: Annotated[int, Query(alias="from", ge=1900, le=2200, description="earlier period")],
    to: Annotated[int, Query(ge=1900, le=2200, description="later period")],
) -> Response:
    return await asked.answer(
        {"from": from_, "to": to}, lambda a: a.changes(from_, to), f"changes-{from_}-{to}"
    )


@router.get(
    "/analysis/periods",
    response_model=list[int],
    responses={**problem_responses(401, 503), **CACHED_RESPONSES},
    operation_id="periods",
    summary="The periods (years) of the priority groups in the graph",
)
async def periods(
    request: Request, driver: DriverDep, settings: SettingsDep, who: ReaderDep
) -> Response:
    def render() -> Response:
        years = _analyses(driver, settings).periods()
        return Response(json.dumps(years, separators=(",", ":")), media_type="application/json")

    return await cached(request, who=who, limit=ANALYSES, params={}, variant="json", render=render)


@_analysis(
    "/organisations/{id}/profile",
    results.Profile,
    "profile",
    "An organisation's profile: branch, groups, bodies, measures, phenomena",
)
async def profile(id: IdPath, asked: AskedSectionDep) -> Response:
    return await asked.answer({}, lambda a: a.profile(id), f"profile-{id}")


@_analysis(
    "/organisations/{a}/path/{b}",
    results.Connection,
    "path",
    "A shortest connection between two organisations (length null if none)",
)
async def path(a: IdPath, b: IdPath, asked: AskedDep) -> Response:
    return await asked.answer({}, lambda x: x.path(a, b), f"path-{a}-{b}")
