"""The change history: ``GET /api/v1/changes``.

Token changes (``type=tokens``: every token's name, role, organisations and maker) are
for admins only, like ``GET /api/v1/tokens``: left out for everyone else, and asking
for them by ``type`` is 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from turva.api.auth import ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.store.history import TOKEN_CHANGES, list_changes

router = APIRouter(tags=["changes"])


class Change(BaseModel):
    """One write: who, when, what and how, with the record before and after.

    ``imported_by``/``imported_at`` mark a change that a load brought from a document
    (its ``who`` and ``at`` are the document's word); both are null for changes made here.
    """

    change: str
    at: str
    who: str
    type: str
    id: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    imported_by: str | None = None
    imported_at: str | None = None


class ChangeList(BaseModel):
    data: list[Change]
    count: int


def _utc(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@router.get(
    "/changes",
    response_model=ChangeList,
    operation_id="list_changes",
    summary="The change history, newest first",
    responses=problem_responses(401, 403, 422, 503),
)
def changes(
    driver: DriverDep,
    settings: SettingsDep,
    who: ReaderDep,
    type: Annotated[
        str | None,
        Query(max_length=64, description="record type: measures, goals, ..., document, tokens"),
    ] = None,
    id: Annotated[str | None, Query(max_length=64, description="record id")] = None,
    since: Annotated[
        dt.datetime | dt.date | None,
        Query(description="only changes at or after this date or date-time (UTC if no zone)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    """Every write is recorded: `who` is the token's name, `before`/`after` the record.

    Token changes are shown to admins only. Changes brought by an import carry
    `imported_by` and `imported_at`.
    """
    admin = who.role == "admin"
    if type == TOKEN_CHANGES and not admin:
        raise ProblemError(403, "Token changes are visible to admin tokens only.")
    data, count = list_changes(
        driver,
        type=type,
        record_id=id,
        since=_utc(since),
        limit=limit,
        offset=offset,
        include_tokens=admin,
        database=settings.neo4j_database,
    )
    return {"data": data, "count": count}
