"""API tokens over HTTP (admin only): create, list, revoke; and ``whoami`` for anyone."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from turva.api.auth import AdminDep, ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem_responses
from turva.graph.domain.model import Id
from turva.graph.store.tokens import create_token, list_tokens, revoke_token

router = APIRouter(tags=["tokens"])


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
    role: Literal["reader", "editor", "admin"]
    organisations: list[Id] = Field(
        default_factory=list, max_length=100, description="editor only: whose records it writes"
    )


class TokenOut(BaseModel):
    id: str
    name: str
    role: str
    organisations: list[str]
    created: str | None
    created_by: str | None
    revoked: str | None


class NewToken(TokenOut):
    secret: str = Field(description="shown once; only its hash is stored")


class TokenList(BaseModel):
    data: list[TokenOut]
    count: int


class WhoAmI(BaseModel):
    role: str
    name: str
    organisations: list[str]


@router.get(
    "/whoami",
    response_model=WhoAmI,
    operation_id="whoami",
    summary="The caller's token: role, name and organisations",
    responses=problem_responses(401, 503),
)
def whoami(who: ReaderDep) -> Any:
    return {"role": who.role, "name": who.name, "organisations": sorted(who.organisations)}


@router.post(
    "/tokens",
    status_code=201,
    response_model=NewToken,
    operation_id="create_token",
    summary="Create a token (admin)",
    responses=problem_responses(400, 401, 403, 409, 413, 422, 503),
)
def create(body: TokenIn, driver: DriverDep, settings: SettingsDep, who: AdminDep) -> Any:
    token, secret = create_token(
        driver,
        name=body.name,
        role=body.role,
        organisations=body.organisations,
        who=who.who,
        database=settings.neo4j_database,
    )
    return {**token.public(), "secret": secret}


@router.get(
    "/tokens",
    response_model=TokenList,
    operation_id="list_tokens",
    summary="List active tokens (admin)",
    responses=problem_responses(401, 403, 503),
)
def tokens(driver: DriverDep, settings: SettingsDep, _: AdminDep) -> Any:
    found = list_tokens(driver, database=settings.neo4j_database)
    return {"data": [t.public() for t in found], "count": len(found)}


@router.delete(
    "/tokens/{token}",
    response_model=TokenOut,
    operation_id="revoke_token",
    summary="Revoke a token by id or name (admin)",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def revoke(
    token: Annotated[str, Path(min_length=1, max_length=100)],
    driver: DriverDep,
    settings: SettingsDep,
    who: AdminDep,
) -> Any:
    return revoke_token(driver, token, who=who.who, database=settings.neo4j_database).public()
