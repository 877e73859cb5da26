"""CRUD of the eight record types under ``/api/v1/<resource>``; bodies are turva/1 records.

One router per resource, made from the same functions: list (``limit``/``offset`` and
the filters of :data:`turva.graph.store.records.FILTERS`), get, create (201 + ``Location``), replace
(PUT) and delete. Writes need a token; editors are checked inside the write transaction.
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at runtime,
# and they name the model class of each resource through a closure.

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, create_model

from turva.api.auth import ReaderDep, WriterDep, record_authorizer
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem_responses
from turva.graph.domain.model import ID_PATTERN
from turva.graph.domain.schema import node_type
from turva.graph.store import records as store

__all__ = ["routers", "RESOURCE_TAGS"]

RESOURCE_TAGS = {
    "themes": "themes",
    "branches": "administrative branches",
    "organisations": "organisations",
    "phenomena": "phenomena",
    "priority_groups": "priority groups",
    "bodies": "cooperation bodies",
    "goals": "goals",
    "measures": "measures",
}

IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64, description="the record's id")]


def _list_model(name: str, item: type[BaseModel]) -> type[BaseModel]:
    return create_model(f"{name}List", data=(list[item], ...), count=(int, ...))  # type: ignore[valid-type]


def _router(section: str) -> APIRouter:
    nt = node_type(section)
    resource = store.resource_name(section)
    model = nt.model
    name = model.__name__
    router = APIRouter(prefix=f"/{resource}", tags=[RESOURCE_TAGS[section]])
    list_model = _list_model(name, model)
    read_errors = problem_responses(401, 422, 503)

    def list_records(
        driver: DriverDep,
        settings: SettingsDep,
        _: ReaderDep,
        limit: Annotated[int, Query(ge=1, le=1000, description="page size")] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="records to skip")] = 0,
        **filters: Any,
    ) -> Any:
        data, count = store.list_records(
            driver, section, filters, limit=limit, offset=offset, database=settings.neo4j_database
        )
        return {"data": data, "count": count}

    # the filters become named query parameters of the endpoint's signature
    params = [
        p for p in inspect.signature(list_records).parameters.values() if p.kind != p.VAR_KEYWORD
    ]
    for fname, flt in store.FILTERS[section].items():
        annotation = Annotated[  # type: ignore[valid-type]
            flt.type | None,  # type: ignore[name-defined]
            Query(
                description=flt.help,
                **({"ge": 1900, "le": 2200} if flt.type is int else {"max_length": 64}),
            ),
        ]
        params.append(
            inspect.Parameter(
                fname, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
            )
        )
    list_records.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]

    router.add_api_route(
        "",
        list_records,
        methods=["GET"],
        response_model=list_model,
        response_model_exclude_none=True,
        operation_id=f"list_{section}",
        summary=f"List {section.replace('_', ' ')}",
        description=f"{nt.noun.capitalize()} records sorted by id, a page at a time; "
        "`count` is the total that match the filters.",
        responses=read_errors,
    )

    @router.get(
        "/{id}",
        response_model=model,
        response_model_exclude_none=True,
        operation_id=f"get_{section}",
        summary=f"Get a {nt.noun}",
        responses=problem_responses(401, 404, 422, 503),
    )
    def get_record(id: IdPath, driver: DriverDep, settings: SettingsDep, _: ReaderDep) -> Any:
        return store.get_record(driver, section, id, settings.neo4j_database)

    write_errors = problem_responses(400, 401, 403, 409, 413, 422, 503)

    @router.post(
        "",
        status_code=201,
        response_model=model,
        response_model_exclude_none=True,
        operation_id=f"create_{section}",
        summary=f"Create a {nt.noun}",
        description="Needs a token: an admin, or an editor within its organisations. "
        "409 if the id exists; 422 names every invalid field or unknown reference.",
        responses=write_errors,
    )
    def create(
        record: Annotated[model, Body()],  # type: ignore[valid-type]
        response: Response,
        driver: DriverDep,
        settings: SettingsDep,
        who: WriterDep,
    ) -> Any:
        saved = store.create_record(
            driver,
            section,
            record,
            who=who.who,
            authorize=record_authorizer(who, section),
            database=settings.neo4j_database,
        )
        response.headers["Location"] = f"/api/v1/{resource}/{record.id}"  # type: ignore[attr-defined]
        return saved

    @router.put(
        "/{id}",
        response_model=model,
        response_model_exclude_none=True,
        operation_id=f"replace_{section}",
        summary=f"Replace a {nt.noun}",
        description="The body is the whole record; its `id` must equal the path's.",
        responses={**write_errors, **problem_responses(404)},
    )
    def replace(
        id: IdPath,
        record: Annotated[model, Body()],  # type: ignore[valid-type]
        driver: DriverDep,
        settings: SettingsDep,
        who: WriterDep,
    ) -> Any:
        body_id: str = record.id  # type: ignore[attr-defined]
        if body_id != id:
            from turva.graph.errors import ValidationFailed, ValidationIssue

            raise ValidationFailed(
                [
                    ValidationIssue(
                        ("id",), f"the body's id {body_id!r} differs from the URL's {id!r}"
                    )
                ]
            )
        return store.replace_record(
            driver,
            section,
            record,
            who=who.who,
            authorize=record_authorizer(who, section),
            database=settings.neo4j_database,
        )

    @router.delete(
        "/{id}",
        status_code=204,
        operation_id=f"delete_{section}",
        summary=f"Delete a {nt.noun}",
        description="Refused (409, with `referenced_by`) while other records refer to it.",
        responses={**write_errors, **problem_responses(404)},
    )
    def delete(id: IdPath, driver: DriverDep, settings: SettingsDep, who: WriterDep) -> Response:
        store.delete_record(
            driver,
            section,
            id,
            who=who.who,
            authorize=record_authorizer(who, section),
            database=settings.neo4j_database,
        )
        return Response(status_code=204)

    return router


def routers() -> list[APIRouter]:
    """One router per record type, in document order."""
    return [_router(section) for section in RESOURCE_TAGS]
