"""Whole documents: ``POST /api/v1/import`` (admin) and ``GET /api/v1/export``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from turva.api.auth import AdminDep, ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem_responses
from turva.graph.domain.formats import parse_document_text
from turva.graph.domain.model import Document
from turva.graph.store.export import export_document
from turva.graph.store.history import document_counts, record_load
from turva.graph.store.load import check_document, load_document

router = APIRouter(tags=["documents"])


class ImportReport(BaseModel):
    """What an import did, or (dry run) would do, per document section."""

    mode: Literal["merge", "replace"]
    dry_run: bool
    written: bool
    created: dict[str, int]
    updated: dict[str, int]
    deleted: dict[str, int]
    relationships: int
    changes: int


_DOCUMENT_SCHEMA = {
    "requestBody": {
        "required": True,
        "description": "A turva/1 document as JSON, or YAML with `Content-Type: application/yaml`.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Document"}},
            "application/yaml": {"schema": {"$ref": "#/components/schemas/Document"}},
        },
    }
}


@router.post(
    "/import",
    response_model=ImportReport,
    operation_id="import_document",
    summary="Import a turva/1 document (admin)",
    description=(
        "Validates the whole document first; `422` lists every problem with a JSON pointer "
        "and nothing is written. `mode=merge` upserts records by id; `mode=replace` makes "
        "the graph equal to the document (the change history and tokens are kept). "
        "`dry_run=true` returns the report without writing. A `changes:` list (from an "
        "export) restores that history."
    ),
    openapi_extra=_DOCUMENT_SCHEMA,
    responses=problem_responses(400, 401, 403, 413, 415, 422, 503),
)
async def import_document(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    who: AdminDep,
    mode: Annotated[Literal["merge", "replace"], Query()] = "merge",
    dry_run: Annotated[bool, Query()] = False,
) -> Any:
    from starlette.concurrency import run_in_threadpool

    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if content_type not in (
        "application/json",
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
    ):
        from turva.api.problems import ProblemError

        raise ProblemError(
            415, f"Send the document as application/json or application/yaml, not {content_type}."
        )
    raw = await request.body()
    data = parse_document_text(
        raw, name="the request body", as_json=content_type == "application/json"
    )
    replace = mode == "replace"

    def run() -> Any:
        if dry_run:
            return check_document(driver, data, replace=replace, database=settings.neo4j_database)[
                1
            ]
        counts = document_counts(data)

        def record(tx: Any) -> None:
            record_load(tx, who.who, counts, replace=replace)

        return load_document(
            driver,
            data,
            replace=replace,
            database=settings.neo4j_database,
            in_transaction=record,
        )

    report = await run_in_threadpool(run)
    return {
        "mode": mode,
        "dry_run": dry_run,
        "written": report.written,
        "created": report.created,
        "updated": report.updated,
        "deleted": report.deleted,
        "relationships": report.relationships,
        "changes": report.changes,
    }


@router.get(
    "/export",
    operation_id="export_document",
    summary="Export the whole graph as a turva/1 document",
    description="Sorted, so two exports compare line by line; `changes` carries the history.",
    responses={
        200: {
            "description": "the document",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Export"}},
                "application/yaml": {"schema": {"$ref": "#/components/schemas/Export"}},
            },
        },
        **problem_responses(401, 422, 503),
    },
)
def export(
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    format: Annotated[Literal["json", "yaml"], Query()] = "json",
    history: Annotated[bool, Query(description="include the change history")] = True,
) -> Response:
    data = export_document(driver, settings.neo4j_database, history=history)
    if format == "yaml":
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return Response(
            text,
            media_type="application/yaml",
            headers={"Content-Disposition": 'attachment; filename="turva.yaml"'},
        )
    return JSONResponse(data)


class Export(Document):
    """A turva/1 document as exported, with the optional change history."""

    changes: list[dict[str, Any]] | None = None


def export_schema_models() -> list[type[BaseModel]]:
    return [Document, Export]
