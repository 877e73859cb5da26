"""``GET /api/v1/search?q=``: ranked full-text search across every record type."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

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
    type: str
    id: str
    name: dict[str, str]
    score: float
    page: str | None


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
        "Results are ranked best first; `page` is the record's web page, if it has one."
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
