"""The analyses over HTTP: the same JSON as ``turva ... --format json``, or CSV.

CSV (``?format=csv`` or ``Accept: text/csv``): ``section=<name>`` gives that section's
table; without it every section is stacked in one table whose first column is
``section``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from turva.api.auth import ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.domain.model import ID_PATTERN
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

__all__ = ["router", "to_csv", "analysis_response"]

router = APIRouter(tags=["analyses"])

IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64)]
Period = Annotated[
    int | None,
    Query(ge=1900, le=2200, description="the period (year); the latest in the graph if omitted"),
]
Format = Annotated[
    Literal["json", "csv"] | None,
    Query(description="json (default) or csv; `Accept: text/csv` also gives CSV"),
]
Section = Annotated[
    str | None,
    Query(max_length=64, description="CSV only: the one section to give, e.g. overdue_measures"),
]
_CSV_RESPONSE = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
    }
}


def to_csv(result: AnalysisResult, section: str | None = None) -> str:
    """The result's tables as CSV: one section, or all stacked with a ``section`` column."""
    tables = result.tables()
    columns = result.columns()
    out = io.StringIO()
    if section is not None:
        if section not in tables:
            raise ProblemError(
                422,
                f"unknown section {section!r}: use one of {', '.join(tables)}",
                errors=[{"parameter": "section", "in": "query", "detail": "unknown section"}],
            )
        writer = csv.DictWriter(out, fieldnames=list(columns[section]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(tables[section])
        return out.getvalue()
    if len(tables) == 1:
        (name,) = tables
        return to_csv(result, name)
    fields: list[str] = ["section"]
    for cols in columns.values():
        fields.extend(c for c in cols if c not in fields)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for name, rows in tables.items():
        for row in rows:
            writer.writerow({"section": name, **row})
    return out.getvalue()


def _wants_csv(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def analysis_response(
    request: Request,
    result: AnalysisResult,
    format: str | None = None,
    section: str | None = None,
    filename: str = "analysis",
) -> Response:
    """JSON, or CSV when asked for; the JSON is ``result.model_dump(mode="json")``."""
    if _wants_csv(request, format):
        return Response(
            to_csv(result, section),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    # pydantic's own serialiser: the same JSON as model_dump(mode="json"), much faster
    return Response(result.model_dump_json(), media_type="application/json")


def _analyses(driver: Any, settings: Any) -> Analyses:
    return Analyses(driver, settings.neo4j_database)


_ERRORS = problem_responses(401, 404, 422, 503)


@router.get(
    "/phenomena/{id}/actors",
    response_model=WhoAddresses,
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
    responses={200: _CSV_RESPONSE, **_ERRORS},
    operation_id="gaps",
    summary="Gaps: unaddressed phenomena, single-branch work, missing owners, overdue measures",
)
def gaps(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    period: Period = None,
    as_of: Annotated[dt.date | None, Query(description="the day to judge 'overdue' by")] = None,
    format: Format = None,
    section: Section = None,
) -> Response:
    result = _analyses(driver, settings).gaps(period, as_of)
    return analysis_response(request, result, format, section, filename="gaps")


@router.get(
    "/analysis/overlaps",
    response_model=Overlaps,
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
    responses={200: _CSV_RESPONSE, **_ERRORS},
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
