"""Whole documents: ``POST /api/v1/import`` (admin) and ``GET /api/v1/export``.

The formats are those of :mod:`turva.graph.domain.formats` (chosen by ``Content-Type`` on
import and by ``?format=`` on export); importing and exporting is
:mod:`turva.graph.store.documents`, the same service as ``turva load`` and ``turva export``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from turva.api.auth import AdminDep, ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError, problem_responses
from turva.graph.domain.formats import (
    DocumentContentError,
    DocumentFormat,
    document_formats,
    format_for_media_type,
    format_named,
)
from turva.graph.domain.model import Document
from turva.graph.store.documents import export_bytes, import_bytes

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


def _content(schema: str) -> dict[str, Any]:
    """An OpenAPI ``content`` entry per registered format."""
    return {
        fmt.media_type: {
            "schema": {"type": "string", "format": "binary"}
            if fmt.binary
            else {"$ref": f"#/components/schemas/{schema}"}
        }
        for fmt in document_formats()
    }


def _names(formats: tuple[DocumentFormat, ...]) -> str:
    items = [f.media_type for f in formats]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


_DOCUMENT_SCHEMA = {
    "requestBody": {
        "required": True,
        "description": "A turva/1 document, sent with the `Content-Type` of its format: "
        + _names(document_formats())
        + " (JSON when none is given).",
        "content": _content("Document"),
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
        "export) restores that history. A body that is not its format at all is `400`; "
        "one that is, but repeats a key in a mapping, nests too deep or holds a number "
        "that is not finite, is `422`."
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
    content_type = request.headers.get("content-type", "application/json")
    fmt = format_for_media_type(content_type)
    if fmt is None:
        raise ProblemError(
            415,
            f"Send the document as {_names(document_formats())}, "
            f"not {content_type.split(';')[0].strip()}.",
        )
    raw = await request.body()
    try:
        # parsing and validating 10 MB takes seconds: never on the event loop
        result = await run_in_threadpool(
            import_bytes,
            driver,
            raw,
            fmt,
            name="the request body",
            who=who.who,
            replace=mode == "replace",
            dry_run=dry_run,
            database=settings.neo4j_database,
        )
    except DocumentContentError as e:
        raise ProblemError(422, str(e)) from e
    report = result.report
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


_FORMAT_NAMES = [fmt.name for fmt in document_formats()]


@router.get(
    "/export",
    operation_id="export_document",
    summary="Export the whole graph as a turva/1 document",
    description=(
        "Sorted, so two exports compare line by line; `changes` carries the history. "
        "The same bytes as `turva export FILE` writes to a file of that format."
    ),
    responses={
        200: {"description": "the document", "content": _content("Export")},
        **problem_responses(401, 403, 422, 503),
    },
)
def export(
    driver: DriverDep,
    settings: SettingsDep,
    who: ReaderDep,
    format: Annotated[
        str,
        Query(
            description="the document format: " + ", ".join(_FORMAT_NAMES),
            pattern="^(" + "|".join(_FORMAT_NAMES) + ")$",
            json_schema_extra={"enum": _FORMAT_NAMES},
        ),
    ] = "json",
    history: Annotated[bool, Query(description="include the change history")] = True,
    tokens: Annotated[
        bool, Query(description="admin only: include the changes of API tokens")
    ] = False,
) -> Response:
    if tokens and who.role != "admin":
        raise ProblemError(403, "Token changes are exported to admin tokens only.")
    fmt = format_named(format)
    content = export_bytes(
        driver,
        fmt,
        history=history,
        include_token_changes=tokens,
        database=settings.neo4j_database,
    )
    return Response(
        content,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{fmt.filename("turva")}"'},
    )


class Export(Document):
    """A turva/1 document as exported, with the optional change history."""

    changes: list[dict[str, Any]] | None = None


def export_schema_models() -> list[type[BaseModel]]:
    return [Document, Export]
