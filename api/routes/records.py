"""CRUD of the eight record types under ``/api/v1/<resource>``; bodies are turva/1 records.

One router per resource, made from the same functions: list (``limit``/``offset`` and
the filters of :data:`turva.graph.store.records.FILTERS`), get, create (201 + ``Location``),
replace (PUT), patch (a JSON merge patch) and delete. Writes need a token; editors are
checked inside the write transaction (:func:`turva.api.auth.record_authorizer`, and for
measures :func:`turva.graph.store.permissions.measure_refusal`).

``GET`` of a record answers with a strong ``ETag``; ``PUT``, ``PATCH`` and ``DELETE``
honour ``If-Match`` (412 when the record changed since). ``POST`` takes an
``Idempotency-Key``: the same request with the same key gets the first answer again.
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at runtime,
# and they name the model class of each resource through a closure.

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response
from neo4j import ManagedTransaction
from pydantic import BaseModel, create_model

from turva.api.auth import Principal, ReaderDep, WriterDep, record_authorizer
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.domain.model import ID_PATTERN
from turva.graph.domain.schema import node_type
from turva.graph.errors import ValidationFailed, ValidationIssue
from turva.graph.store import records as store
from turva.graph.store.idempotency import IdempotencyKey, request_fingerprint
from turva.graph.store.permissions import measure_refusal

__all__ = ["routers", "RESOURCE_TAGS"]

RESOURCE_TAGS = {
    "themes": "themes",
    "branches": "administrative branches",
    "organisations": "organisations",
    "phenomena": "phenomena",
    "indicators": "indicators",
    "priority_groups": "priority groups",
    "bodies": "cooperation bodies",
    "goals": "goals",
    "measures": "measures",
}

IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64, description="the record's id")]
IfMatch = Annotated[
    str | None,
    Header(
        max_length=1000,
        description="the record's ETag from a GET (or `*`): write only if it is still that "
        "version, else 412",
    ),
]
IdempotencyHeader = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[!-~]+$",
        description="any unique text (e.g. a UUID): sending the same request again with the "
        "same key within 24 hours returns the first answer instead of creating twice",
    ),
]


def _authorizer(who: Principal, section: str) -> store.Authorize | None:
    """The editor checks of a write: :func:`record_authorizer`, and for measures the
    lead/partner rule of :mod:`turva.graph.store.permissions`."""
    base = record_authorizer(who, section)
    if who.role != "editor" or section != "measures":
        return base
    organisations = who.organisations

    def check(
        tx: ManagedTransaction, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        if base is not None:
            base(tx, before, after)
        refusal = measure_refusal(organisations, before, after)
        if refusal:
            raise ProblemError.said(403, refusal[0], **refusal[1])

    return check


class Writing:
    """What every write takes from its request besides the record: the driver, the
    database and the token, passed to the store together so that no write can leave the
    editor checks out."""

    def __init__(self, driver: DriverDep, settings: SettingsDep, who: WriterDep) -> None:
        self.driver = driver
        self.who = who
        self.database = settings.neo4j_database

    def of(self, section: str) -> store.WriteAs:
        """The store's keyword arguments for a write of ``section``."""
        return {
            "who": self.who.who,
            "authorize": _authorizer(self.who, section),
            "database": self.database,
        }


WritingDep = Annotated[Writing, Depends()]

#: each record route's OpenAPI summary and description; ``{noun}`` is the record type's
_ROUTE_DOCS = {
    "get": (
        "Get a {noun}",
        "The answer's strong `ETag` goes in `If-Match` of a later PUT, PATCH or "
        "DELETE, so that it does not overwrite someone else's change.",
    ),
    "create": (
        "Create a {noun}",
        "Needs a token: an admin, or an editor within its organisations. "
        "409 if the id exists (of concurrent creates of one id exactly one succeeds); 422 "
        "names every invalid field or unknown reference. With `Idempotency-Key`, the same "
        "request sent again within 24 hours returns the first answer "
        "(`Idempotent-Replayed: true`); the key with another request is 422.",
    ),
    "replace": (
        "Replace a {noun}",
        "The body is the whole record; its `id` must equal the path's. "
        "With `If-Match`, only while the record is still that version (else 412).",
    ),
    "patch": (
        "Change some fields of a {noun}",
        "A JSON merge patch (RFC 7396) of the record: the fields given replace "
        "the record's, `null` removes a field, lists are replaced whole, texts merge by "
        "language. The result is validated whole (422). With `If-Match`, only while the "
        "record is still that version (else 412).",
    ),
    "delete": (
        "Delete a {noun}",
        "Refused (409, with `referenced_by`) while other records refer to it. "
        "With `If-Match`, only while the record is still that version (else 412).",
    ),
}


def _versioned(response: Response, stored: store.Stored) -> dict[str, Any]:
    response.headers["ETag"] = stored.etag
    return stored.record


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

    def docs(operation: str) -> dict[str, Any]:
        summary, description = _ROUTE_DOCS[operation]
        return {
            "operation_id": f"{operation}_{section}",
            "summary": summary.format(noun=nt.noun),
            "description": description,
        }

    #: the routes that answer with the record as stored
    as_record: dict[str, Any] = {"response_model": model, "response_model_exclude_none": True}

    @router.get(
        "/{id}", **as_record, responses=problem_responses(401, 404, 422, 503), **docs("get")
    )
    def get_record(
        id: IdPath, response: Response, driver: DriverDep, settings: SettingsDep, _: ReaderDep
    ) -> Any:
        return _versioned(response, store.get_stored(driver, section, id, settings.neo4j_database))

    write_errors = problem_responses(400, 401, 403, 409, 413, 422, 503)
    conditional_errors = {**write_errors, **problem_responses(404, 412)}

    @router.post("", status_code=201, **as_record, responses=write_errors, **docs("create"))
    def create(
        record: Annotated[model, Body()],  # type: ignore[valid-type]
        response: Response,
        writing: WritingDep,
        idempotency_key: IdempotencyHeader = None,
    ) -> Any:
        key = None
        token = writing.who.token
        if idempotency_key is not None and token is not None:
            body = record.model_dump(mode="json")  # type: ignore[attr-defined]
            fingerprint = request_fingerprint("POST", f"/api/v1/{resource}", body)
            key = IdempotencyKey(idempotency_key, token.id, fingerprint)
        saved = store.create_record(
            writing.driver, section, record, idempotency_key=key, **writing.of(section)
        )
        response.headers["Location"] = f"/api/v1/{resource}/{saved.record['id']}"
        if saved.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return _versioned(response, saved)

    @router.put("/{id}", **as_record, responses=conditional_errors, **docs("replace"))
    def replace(
        id: IdPath,
        record: Annotated[model, Body()],  # type: ignore[valid-type]
        response: Response,
        writing: WritingDep,
        if_match: IfMatch = None,
    ) -> Any:
        body_id: str = record.id  # type: ignore[attr-defined]
        if body_id != id:
            raise ValidationFailed(
                [
                    ValidationIssue(
                        ("id",), f"the body's id {body_id!r} differs from the URL's {id!r}"
                    )
                ]
            )
        saved = store.replace_record(
            writing.driver, section, record, if_match=if_match, **writing.of(section)
        )
        return _versioned(response, saved)

    @router.patch("/{id}", **as_record, responses=conditional_errors, **docs("patch"))
    def patch(
        id: IdPath,
        changes: Annotated[dict[str, Any], Body(media_type="application/merge-patch+json")],
        response: Response,
        writing: WritingDep,
        if_match: IfMatch = None,
    ) -> Any:
        saved = store.patch_record(
            writing.driver, section, id, changes, if_match=if_match, **writing.of(section)
        )
        return _versioned(response, saved)

    @router.delete("/{id}", status_code=204, responses=conditional_errors, **docs("delete"))
    def delete(id: IdPath, writing: WritingDep, if_match: IfMatch = None) -> Response:
        store.delete_record(writing.driver, section, id, if_match=if_match, **writing.of(section))
        return Response(status_code=204)

    return router


def routers() -> list[APIRouter]:
    """One router per record type, in document order."""
    return [_router(section) for section in RESOURCE_TAGS]
