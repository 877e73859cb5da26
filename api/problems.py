"""Every error as ``application/problem+json`` (RFC 9457); no stack trace reaches a client.

A problem has ``type`` (a ``urn:turva:problem:*`` name for turva's own kinds),
``title``, ``status`` and ``detail``; a validation problem adds ``errors``, each with a
JSON pointer into the request body (``/addresses/1``) or the parameter it concerns; a
stale ``If-Match`` (412) adds the record's current ``etag`` and ``version`` (and sends
the ``ETag`` header).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ResultFailedError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from turva.graph.domain.validate import describe
from turva.graph.errors import (
    BadArgument,
    Conflict,
    DatabaseUnavailable,
    NotFound,
    TurvaError,
    ValidationFailed,
    render,
)
from turva.graph.messages import LANGS, N_, gettext_for, ngettext_for
from turva.graph.store.idempotency import IdempotencyKeyReused
from turva.graph.store.transactions import retryable_cause
from turva.graph.store.versions import StaleRecord

__all__ = [
    "problem",
    "install_problem_handlers",
    "PROBLEM_JSON",
    "Problem",
    "ProblemError",
    "problem_responses",
    "RETRY_AFTER_S",
]

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_S = 5
log = logging.getLogger("turva.api")

_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid",
    500: "internal",
    503: "unavailable",
}
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Internal error",
    503: "Service unavailable",
}


class ProblemItem(BaseModel):
    """One validation error: where (JSON pointer or parameter) and what."""

    model_config = ConfigDict(extra="allow")
    pointer: str | None = None
    parameter: str | None = None
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] | None = None
    referenced_by: list[str] | None = None
    etag: str | None = None
    version: int | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses."""
    return {
        status: {
            "description": _TITLES.get(status, "Error"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


class ProblemError(Exception):
    """Raise to answer with a problem (used for 401, 403, 413...)."""

    #: the catalogue's message id and its values when raised with :meth:`said`
    message_id: str | None = None
    params: dict[str, Any] = {}

    def __init__(
        self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    @classmethod
    def said(cls, status: int, message_id: str, **params: Any) -> ProblemError:
        """The problem whose detail is ``message_id % params``, said in the reader's
        language where it is shown (:meth:`text_in`)."""
        error = cls(status, message_id % params)
        error.message_id = message_id
        error.params = params
        return error

    def text_in(self, lang: str) -> str:
        """The detail in ``lang`` (as raised when it was not :meth:`said`)."""
        if self.message_id is None:
            return self.detail
        return render(self.message_id, self.params, gettext_for(lang))


def problem(
    status: int,
    title: str | None,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"urn:turva:problem:{_TYPES.get(status, 'error')}",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    all_headers = dict(headers or {})
    if status == 503:
        all_headers.setdefault("Retry-After", str(RETRY_AFTER_S))
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=all_headers)


_STATUS: dict[type[TurvaError], int] = {
    NotFound: 404,
    Conflict: 409,
    StaleRecord: 412,
    BadArgument: 422,
    ValidationFailed: 422,
    IdempotencyKeyReused: 422,
}
_UNION_NOISE = ("function-after[", "function-before[", "function-wrap[")


def _pointer(loc: tuple[Any, ...], *, keep_last: bool = False) -> str:
    """The JSON pointer of a pydantic ``loc``, without the union members pydantic adds
    (``keep_last``: the last part is a key of the body, an unknown one, whatever its name)."""
    head, tail = (loc[:-1], loc[-1:]) if keep_last else (loc, ())
    parts = [
        str(p).replace("~", "~0").replace("/", "~1")
        for p in head
        if not (isinstance(p, str) and (p in {"int", "float", "str"} or p.startswith(_UNION_NOISE)))
    ] + [str(p).replace("~", "~0").replace("/", "~1") for p in tail]
    return "".join("/" + p for p in parts)


def problem_lang(request: Request) -> str:
    """The language of a problem's ``detail``: ``?lang=``, then ``Accept-Language``, else
    English (an API client that asks nothing gets the English it always got).

    Field paths, pointers, ``type`` and ``title`` stay the same in every language.
    """
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    best, best_q = "en", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, param = part.strip().partition(";")
        code = tag.strip().split("-")[0].lower()
        try:
            q = float(param.strip()[2:]) if param.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if code in LANGS and q > best_q:
            best, best_q = code, q
    return best


def unavailable(lang: str = "en") -> JSONResponse:
    """503: the graph database cannot be reached (``detail`` in ``lang``)."""
    return problem(
        503,
        "Neo4j unavailable",
        gettext_for(lang)(N_("The graph database is unreachable; try again shortly.")),
    )


def internal_error(lang: str = "en") -> JSONResponse:
    """500: a bug, logged by the caller; the client learns nothing of it but that."""
    return problem(500, None, gettext_for(lang)(INTERNAL_DETAIL))


#: the detail of a 500, translated where it is answered
INTERNAL_DETAIL = N_("An unexpected error occurred; it has been logged.")

#: the details Starlette gives its own 404 and 405 (the status's phrase), in words a
#: reader of any language gets translated
_HTTP_DETAILS = {
    404: N_("There is nothing at this address."),
    405: N_("This address does not answer to this HTTP method."),
}


def _http_detail(status: int, detail: str, lang: str) -> str:
    """The detail of an HTTP error: Starlette's bare status phrase in ``lang``, else as is."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return detail
    if detail == phrase and status in _HTTP_DETAILS:
        return gettext_for(lang)(_HTTP_DETAILS[status])
    return detail


def install_problem_handlers(app: FastAPI) -> None:
    """Map every exception to a problem response."""

    @app.exception_handler(TurvaError)
    async def turva_error(request: Request, exc: TurvaError) -> JSONResponse:
        lang = problem_lang(request)
        if isinstance(exc, DatabaseUnavailable):
            return unavailable(lang)
        status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 400)
        extra: dict[str, Any] = {}
        if isinstance(exc, ValidationFailed):
            gettext, ngettext = gettext_for(lang), ngettext_for(lang)
            extra["errors"] = [
                {"pointer": i.pointer, "path": i.path, "detail": i.text(gettext)}
                for i in exc.issues
            ]
            n = len(exc.issues)
            head = ngettext(
                "%(n)s validation error; nothing was written.",
                "%(n)s validation errors; nothing was written.",
                n,
            ) % {"n": n}
            detail = head + " " + "; ".join(i.line(gettext) for i in exc.issues[:5])
        else:
            detail = exc.text_in(lang)
        headers: dict[str, str] = {}
        if isinstance(exc, Conflict):
            extra["referenced_by"] = exc.referenced_by
        if isinstance(exc, StaleRecord):
            extra.update(etag=exc.etag, version=exc.version)
            headers["ETag"] = exc.etag
        return problem(status, exc.title, detail, headers=headers, **extra)

    @app.exception_handler(ProblemError)
    async def problem_error(request: Request, exc: ProblemError) -> JSONResponse:
        detail = exc.text_in(problem_lang(request))
        return problem(exc.status, None, detail, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        gettext = gettext_for(problem_lang(request))
        errors = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            item: dict[str, Any] = {"detail": render(*describe(e), gettext)}
            if loc and loc[0] == "body":
                item["pointer"] = _pointer(loc[1:], keep_last=e["type"] == "extra_forbidden")
            elif loc and loc[0] in ("query", "path", "header", "cookie"):
                item["parameter"] = str(loc[1]) if len(loc) > 1 else ""
                item["in"] = loc[0]
            else:
                item["pointer"] = _pointer(loc)
            errors.append(item)
        where = ", ".join(
            f"{i.get('pointer') or i.get('parameter') or '/'}: {i['detail']}" for i in errors[:5]
        )
        detail = gettext(N_("The request is not valid: %(where)s")) % {"where": where}
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = _http_detail(exc.status_code, str(exc.detail), problem_lang(request))
        return problem(exc.status_code, None, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    @app.exception_handler(TransientError)
    async def neo4j_down(request: Request, exc: Exception) -> JSONResponse:
        log.warning("Neo4j unavailable: %s", type(exc).__name__)
        return unavailable(problem_lang(request))

    @app.exception_handler(ResultFailedError)
    async def result_failed(request: Request, exc: ResultFailedError) -> JSONResponse:
        # a deadlock or lost connection behind it is worth retrying; anything else a bug
        if retryable_cause(exc) is not None:
            log.warning("Neo4j transient failure: %r", exc.__cause__)
            return unavailable(problem_lang(request))
        log.exception("unhandled error", exc_info=exc)
        return internal_error(problem_lang(request))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return internal_error(problem_lang(request))
