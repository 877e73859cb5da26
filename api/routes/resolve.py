"""``GET /api/v1/resolve?q=&type=``: the record a person means by an id, a name or an
abbreviation (:mod:`turva.queries.resolve`). The other endpoints take ids; a client turns
what a person typed into one here first."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from turva.api.auth import ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem_responses
from turva.api.routes.search import ResourceType
from turva.api.search import page_of
from turva.queries.resolve import Candidate, resolve

__all__ = ["router", "CandidatePublic", "CandidatesPublic", "ResolutionPublic"]

router = APIRouter(tags=["search"])


class CandidatePublic(BaseModel):
    """A record the input may mean."""

    id: str
    type: str = Field(description="the record's resource type, e.g. `organisations`")
    name: str = Field(description="its name (a measure's title, a goal's text)")
    lang: str = Field(description="the language of `name`: the one asked for, else fi")
    page: str | None = Field(description="the record's web page")


class CandidatesPublic(BaseModel):
    data: list[CandidatePublic]
    count: int


class ResolutionPublic(BaseModel):
    """What the input means: one `match`, or several `candidates`, or `suggestions`."""

    q: str = Field(description="the input, its spaces tidied")
    outcome: Literal["match", "ambiguous", "not_found"]
    match: CandidatePublic | None = Field(description="the one record meant, if found")
    candidates: CandidatesPublic = Field(
        description="the records the input fits (the match alone, or several when ambiguous)"
    )
    suggestions: CandidatesPublic = Field(
        description="up to three near records, when the input fits none"
    )


def _public(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "type": c.type,
        "name": c.name,
        "lang": c.lang,
        "page": page_of(c.type, c.id),
    }


def _many(candidates: tuple[Candidate, ...]) -> dict[str, Any]:
    return {"data": [_public(c) for c in candidates], "count": len(candidates)}


@router.get(
    "/resolve",
    response_model=ResolutionPublic,
    operation_id="resolve",
    summary="Turn an id, a name or an abbreviation (fi, sv, en) into a record's id",
    description=(
        "An exact id wins; then a name or an abbreviation equal to `q` ignoring case; then "
        "names whose words are those of `q` up to inflection (`rahanpesun` is Rahanpesu), "
        "then names holding every word of `q`. One record found is the `match`; several "
        "are `candidates` (`outcome: ambiguous`); none gives up to three `suggestions` "
        "(`outcome: not_found`). Always 200 for a well-formed request."
    ),
    responses=problem_responses(401, 422, 503),
)
def resolve_record(
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"\S",
            description="an id, a name or an abbreviation",
        ),
    ],
    type: Annotated[ResourceType | None, Query(description="only records of this type")] = None,
    lang: Annotated[
        Literal["fi", "sv", "en"], Query(description="the language of the names shown")
    ] = "fi",
) -> Any:
    found = resolve(driver, q, type=type, lang=lang, database=settings.neo4j_database)
    outcome = "match" if found.match else "ambiguous" if found.candidates else "not_found"
    return {
        "q": found.query,
        "outcome": outcome,
        "match": _public(found.match) if found.match else None,
        "candidates": _many(found.candidates),
        "suggestions": _many(found.suggestions),
    }
