"""``GET /api/v1/search?q=``: ranked full-text search across every record type."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from turva.api.auth import ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem_responses
from turva.api.search import search

router = APIRouter(tags=["search"])

ResourceType = Literal[
    "themes",
    "branches",
    "organisations",
    "phenomena",
    "priority-groups",
    "bodies",
    "goals",
    "measures",
]


class Hit(BaseModel):
    type: str = Field(description="the record's resource type, e.g. `phenomena`")
    id: str
    name: dict[str, str] = Field(description="name, title or text by language (fi, sv, en)")
    score: float = Field(description="the full-text score (0 for a match by id or abbreviation)")
    page: str | None = Field(description="the record's web page")
    status: str | None = Field(
        None, description="a measure's status: planned, ongoing, done or cancelled"
    )
    abbreviation: str | None = Field(None, description="an organisation's abbreviation")
    exact: bool = Field(False, description="the id, the abbreviation or a name is the query itself")


class SearchResult(BaseModel):
    q: str
    data: list[Hit]
    count: int


@router.get(
    "/search",
    response_model=SearchResult,
    operation_id="search",
    summary="Search names, titles and texts in Finnish, Swedish and English",
    description=(
        "Inflected Finnish forms find their base word and a typo still finds its word. "
        "Results are ranked: the record whose id, abbreviation or name is the query first, "
        "then phenomena, organisations, priority groups, goals and measures (active "
        "measures above done and cancelled ones), then branches, themes and cooperation "
        "bodies; within a type, the best match first. `page` is the record's web page."
    ),
    responses=problem_responses(401, 422, 503),
)
def search_records(
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words to look for")],
    type: Annotated[list[ResourceType] | None, Query(description="only these types")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    hits = search(driver, q, types=type, limit=limit, database=settings.neo4j_database)
    return {"q": q, "data": [h.public() for h in hits], "count": len(hits)}
