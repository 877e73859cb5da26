"""Every error as ``application/problem+json`` (RFC 9457); no stack trace reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    BadArgument,
    Conflict,
    DatabaseUnavailable,
    NotFound,
    TurvaError,
    ValidationFailed,
)

__all__ = ["problem", "install_problem_handlers", "PROBLEM_JSON"]

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("turva.api")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_STATUS = {NotFound: 404, Conflict: 409, BadArgument: 422, ValidationFailed: 422}


def install_problem_handlers(app: FastAPI) -> None:
    """Map every exception to a problem response."""

    @app.exception_handler(TurvaError)
    async def turva_error(_: Request, exc: TurvaError) -> JSONResponse:
        if isinstance(exc, DatabaseUnavailable):
            return problem(503, exc.title, "Neo4j is unreachable; try again shortly.")
        status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 400)
        extra: dict[str, Any] = {}
        if isinstance(exc, ValidationFailed):
            extra["errors"] = [
                {"pointer": i.pointer, "path": i.path, "detail": i.message} for i in exc.issues
            ]
            detail = f"{len(exc.issues)} validation error(s); nothing was written."
        else:
            detail = str(exc)
        if isinstance(exc, Conflict) and exc.referenced_by:
            extra["referenced_by"] = exc.referenced_by
        return problem(status, exc.title, detail, **extra)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "pointer": "".join(f"/{p}" for p in e["loc"]),
                "detail": str(e["msg"]),
            }
            for e in exc.errors()
        ]
        return problem(422, "Invalid request", "The request is not valid.", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
        response = problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def neo4j_down(_: Request, exc: Exception) -> JSONResponse:
        return problem(503, "Neo4j unavailable", "Neo4j is unreachable; try again shortly.")

    @app.exception_handler(Exception)
    async def bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal error", "An unexpected error occurred; it has been logged.")
