"""The analyses over HTTP: the same JSON as ``turva ... --format json``, or a table.

``?format=csv`` (or ``Accept: text/csv``) and ``?format=md`` (or ``Accept:
text/markdown``) give the renderings of :mod:`turva.queries.tables`, byte for byte what
``turva ... --format csv|md`` prints: ``section=<name>`` gives that section's table;
without it CSV stacks every section in one table whose first column is ``section``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from turva.api.auth import ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.domain.formats import iso_date
from turva.graph.domain.model import ID_PATTERN
from turva.graph.errors import BadArgument
from turva.queries import Analyses, AnalysisResult
from turva.queries.results import (
    Connection,
    Coverage,
    Gaps,
    Overlaps,
    PeriodChanges,
    Profile,
    WhoAddresses,
)
from turva.queries.tables import TABLE_FORMATS, TableFormat, render_table

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
#: a date exactly as turva reads dates everywhere (``YYYY-MM-DD``), for ``as_of``
IsoDateQuery = Annotated[dt.date, BeforeValidator(iso_date)]
_TABLE_RESPONSE = {
    "content": {f.mime: {"schema": {"type": "string"}} for f in TABLE_FORMATS.values()},
}


def _table_format(request: Request, format: str | None) -> TableFormat | None:
    """The table rendering asked for by ``?format=`` or else ``Accept``; None for JSON."""
    if format is not None:
        return TABLE_FORMATS.get(format)
    accept = request.headers.get("accept", "")
    if "application/json" in accept:
        return None
    return next((f for f in TABLE_FORMATS.values() if f.mime in accept), None)


def analysis_response(
    request: Request,
    result: AnalysisResult,
    format: str | None = None,
    section: str | None = None,
    filename: str = "analysis",
) -> Response:
    """JSON, or a table rendering when asked for; the JSON is ``result.model_dump(mode="json")``."""
    rendering = _table_format(request, format)
    if rendering is not None:
        try:
            content = render_table(result, rendering.name, section)
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


_ERRORS = problem_responses(401, 404, 422, 503)


@router.get(
    "/phenomena/{id}/actors",
    response_model=WhoAddresses,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="who_addresses",
    summary="Who addresses a phenomenon (or a narrower one): organisations, branches, how",
)
def who_addresses(
    request: Request,
    id: IdPath,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    period: Period = None,
    format: Format = None,
) -> Response:
    result = _analyses(driver, settings).who_addresses(id, period)
    return analysis_response(request, result, format, filename=f"actors-{id}")


@router.get(
    "/analysis/gaps",
    response_model=Gaps,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="gaps",
    summary="Gaps: unaddressed phenomena, single-branch work, missing owners, overdue measures",
)
def gaps(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    period: Period = None,
    as_of: Annotated[
        IsoDateQuery | None, Query(description="the day (YYYY-MM-DD) to judge 'overdue' by")
    ] = None,
    format: Format = None,
    section: Section = None,
) -> Response:
    result = _analyses(driver, settings).gaps(period, as_of)
    return analysis_response(request, result, format, section, filename="gaps")


@router.get(
    "/analysis/overlaps",
    response_model=Overlaps,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="overlaps",
    summary="Overlaps: multi-branch phenomena, uncoordinated measures, overlapping groups",
)
def overlaps(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    period: Period = None,
    min_branches: Annotated[int, Query(ge=1, le=1000)] = 3,
    min_groups: Annotated[int, Query(ge=1, le=1000)] = 3,
    format: Format = None,
    section: Section = None,
) -> Response:
    result = _analyses(driver, settings).overlaps(period, min_branches, min_groups)
    return analysis_response(request, result, format, section, filename="overlaps")


@router.get(
    "/analysis/coverage",
    response_model=Coverage,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="coverage",
    summary="Coverage: active measures per phenomenon and administrative branch",
)
def coverage(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    format: Format = None,
) -> Response:
    result = _analyses(driver, settings).coverage()
    return analysis_response(request, result, format, filename="coverage")


@router.get(
    "/analysis/changes",
    response_model=PeriodChanges,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="period_changes",
    summary="How the priority groups changed from one period to another",
)
def period_changes(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    from_: Annotated[int, Query(alias="from", ge=1900, le=2200, description="earlier period")],
    to: Annotated[int, Query(ge=1900, le=2200, description="later period")],
    format: Format = None,
    section: Section = None,
) -> Response:
    result = _analyses(driver, settings).changes(from_, to)
    return analysis_response(request, result, format, section, filename=f"changes-{from_}-{to}")


@router.get(
    "/analysis/periods",
    response_model=list[int],
    responses=problem_responses(401, 503),
    operation_id="periods",
    summary="The periods (years) of the priority groups in the graph",
)
def periods(driver: DriverDep, settings: SettingsDep, _: ReaderDep) -> Any:
    return _analyses(driver, settings).periods()


@router.get(
    "/organisations/{id}/profile",
    response_model=Profile,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="profile",
    summary="An organisation's profile: branch, groups, bodies, measures, phenomena",
)
def profile(
    request: Request,
    id: IdPath,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    format: Format = None,
    section: Section = None,
) -> Response:
    result = _analyses(driver, settings).profile(id)
    return analysis_response(request, result, format, section, filename=f"profile-{id}")


@router.get(
    "/organisations/{a}/path/{b}",
    response_model=Connection,
    responses={200: _TABLE_RESPONSE, **_ERRORS},
    operation_id="path",
    summary="A shortest connection between two organisations (length null if none)",
)
def path(
    request: Request,
    a: IdPath,
    b: IdPath,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    format: Format = None,
) -> Response:
    result = _analyses(driver, settings).path(a, b)
    return analysis_response(request, result, format, filename=f"path-{a}-{b}")
