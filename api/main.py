"""The FastAPI application: routers, error handling, hardening (security headers, access
log) and the Neo4j driver's life cycle."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from neo4j import Driver
from pydantic import BaseModel
from starlette.types import ASGIApp

from turva.api.analysis_pages import router as analysis_pages_router
from turva.api.auth import LoginRequired
from turva.api.edit_pages import router as edit_pages_router
from turva.api.history_pages import router as history_pages_router
from turva.api.i18n import choose_lang
from turva.api.import_pages import router as import_pages_router
from turva.api.limits import BodyLimit
from turva.api.login_pages import router as login_pages_router
from turva.api.monitoring_pages import router as monitoring_pages_router
from turva.api.problems import Problem, ProblemError, install_problem_handlers
from turva.api.record_pages import router as record_pages_router
from turva.api.routes import (
    analyses,
    changes,
    documents,
    health,
    maps,
    records,
    resolve,
    search,
    tokens,
)
from turva.api.security import harden
from turva.api.sessions import SessionCookies
from turva.api.situation_pages import router as situation_pages_router
from turva.api.sso import router as sso_router
from turva.api.web import html_error
from turva.api.web import router as web_router
from turva.graph.domain.schema import apply_schema
from turva.graph.server.connection import open_driver
from turva.graph.settings import Settings

__all__ = ["create_app", "service_driver", "wants_html", "API_PREFIX", "DOCS_PATHS"]

API_PREFIX = "/api/v1"
STATIC = Path(__file__).resolve().parent / "static"
#: Swagger UI's and ReDoc's scripts and styles, from the fastapi-offline package (MIT), so
#: that /docs and /redoc work on a closed network
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
#: the pages that run the API documentation's own (inline) scripts: their own CSP
DOCS_PATHS = ("/docs", "/redoc")
#: paths that answer machines only: problem+json whatever the Accept header says
_MACHINE_PATHS = ("/api/", "/healthz", "/readyz")
log = logging.getLogger("turva.api")


def service_driver(settings: Settings) -> Driver:
    """A driver tuned for a service: when Neo4j is down, fail within seconds (503).

    The default driver retries a transaction for 30 s; a web request should not wait
    that long, the client retries after ``Retry-After``.
    """
    return open_driver(
        settings,
        verify=False,
        connection_timeout=3.0,
        connection_acquisition_timeout=5.0,
        max_transaction_retry_time=2.0,
        max_connection_pool_size=100,
    )


class _Service(FastAPI):
    """FastAPI with the access log and the security headers (:func:`harden`) outside every
    other layer, even the handler of last resort that answers 500: middleware added with
    ``add_middleware`` sits inside it and would miss those answers."""

    def build_middleware_stack(self) -> ASGIApp:
        return harden(super().build_middleware_stack(), self.state.settings, docs_paths=DOCS_PATHS)


def create_app(settings: Settings | None = None, driver: Driver | None = None) -> FastAPI:
    """The service. An injected ``driver`` stays the caller's to close."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # open a driver only if none was given; close only the one opened here
        opened = None
        if app.state.driver is None:
            opened = app.state.driver = service_driver(settings)
            # best effort: the service starts (and says "not ready") while Neo4j is down
            with contextlib.suppress(Exception):
                apply_schema(opened, settings.neo4j_database)
        try:
            yield
        finally:
            if opened is not None:
                opened.close()
                app.state.driver = None

    app = _Service(
        title="turva",
        version="1",
        summary="Knowledge graph of Finland's national cooperation model for internal security",
        description=(
            "Read the graph, run the analyses, and (with a token) change records. "
            "Errors are `application/problem+json`. Send tokens as "
            "`Authorization: Bearer <secret>`."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        # served below from packaged assets, not from a CDN
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.driver = driver
    install_problem_handlers(app)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        # a browser is sent to the login page, not shown a problem document
        location = (exc.headers or {}).get("Location", "/login")
        return RedirectResponse(location, status_code=303)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # sets the login form's CSRF cookie and clears a session cookie found to be over
    app.add_middleware(SessionCookies, settings=settings)
    app.include_router(health.router)
    app.include_router(search.router, prefix=API_PREFIX)
    app.include_router(resolve.router, prefix=API_PREFIX)
    app.include_router(analyses.router, prefix=API_PREFIX)
    for router in records.routers():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(changes.router, prefix=API_PREFIX)
    app.include_router(documents.router, prefix=API_PREFIX)
    app.include_router(tokens.router, prefix=API_PREFIX)
    # the maps router serves both /api/v1/maps/... and the /maps/... pages
    app.include_router(maps.router)
    # before the record pages: /measures/new is the form, not a measure with the id "new"
    app.include_router(edit_pages_router)
    app.include_router(web_router)
    app.include_router(situation_pages_router)
    app.include_router(record_pages_router)
    app.include_router(analysis_pages_router)
    app.include_router(monitoring_pages_router)
    app.include_router(history_pages_router)
    app.include_router(login_pages_router)
    app.include_router(sso_router)
    app.include_router(import_pages_router)
    _add_docs(app)
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _register_problem_schema(app)
    _pages_for_browsers(app)
    return app


def _add_docs(app: FastAPI) -> None:
    """/docs (Swagger UI), /redoc (ReDoc) and /favicon.ico, all from this service."""
    openapi_url = app.openapi_url or ""

    # FastAPI's two page builders, each with its assets from /static/docs (offline); the
    # pages reach no other origin (no validator.swagger.io badge, no Google fonts)
    builders: dict[str, Callable[..., HTMLResponse]] = {
        "/docs": functools.partial(
            get_swagger_ui_html,
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
            swagger_ui_parameters={"validatorUrl": None},
        ),
        "/redoc": functools.partial(
            get_redoc_html,
            redoc_js_url="/static/docs/redoc.standalone.js",
            redoc_favicon_url="/favicon.ico",
            with_google_fonts=False,
        ),
    }

    def docs_page(build: Callable[..., HTMLResponse]) -> Callable[[], Awaitable[HTMLResponse]]:
        async def page() -> HTMLResponse:
            return build(openapi_url=openapi_url, title="turva API")

        return page

    for path in DOCS_PATHS:
        app.add_api_route(path, docs_page(builders[path]), include_in_schema=False)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        # an SVG under the name browsers ask for unprompted; base.html links it by type
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


def wants_html(request: Request) -> bool:
    """Whether an error should be a page rather than problem+json: a browser (its
    ``Accept`` names ``text/html``) asking for a page (not under /api/ or a health check)
    and not asking for JSON. API clients keep RFC 9457 problem documents.

    >>> from starlette.requests import Request as R
    >>> def ask(path, accept):
    ...     return wants_html(R({"type": "http", "path": path, "query_string": b"",
    ...                          "headers": [(b"accept", accept.encode())]}))
    >>> ask("/gaps", "text/html,application/xhtml+xml,*/*;q=0.8")
    True
    >>> ask("/gaps", "application/problem+json"), ask("/api/v1/x", "text/html")
    (False, False)
    >>> ask("/gaps", "*/*")
    False
    """
    if request.url.path.startswith(_MACHINE_PATHS):
        return False
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and "json" not in accept


def _in_page_language(request: Request) -> Request:
    """The request as the problem handlers should see it for a page: the page's language
    (``?lang=``, then the cookie) as its only ``Accept-Language``, so that the details of
    a problem are in the language the rest of the page is."""
    scope = dict(request.scope)
    scope["headers"] = [
        (k, v) for k, v in request.scope["headers"] if k.lower() != b"accept-language"
    ] + [(b"accept-language", choose_lang(request).encode())]
    return Request(scope, request.receive)


def _without(request: Request, parameters: set[str]) -> str:
    """The request's URL without the query ``parameters`` that were wrong."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in parameters]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


Handler = Callable[[Request, Exception], Any]


def _as_page(handler: Handler) -> Handler:
    """``handler``, answering a browser with the error page (:func:`wants_html`)."""

    async def handle(request: Request, exc: Exception) -> Response:
        html = wants_html(request)
        answer = handler(_in_page_language(request) if html else request, exc)
        response = await answer if inspect.isawaitable(answer) else answer
        if not html or response.status_code < 400 or response.media_type is None:
            return response
        if "json" not in response.media_type:
            return response
        body = json.loads(bytes(response.body))
        detail = str(body.get("detail") or "")
        status = response.status_code
        if status >= 500 or detail == HTTPStatus(status).phrase:
            # the page explains these in the reader's language; a bare status phrase or
            # the English "unexpected error" would add nothing
            detail = ""
        errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
        wrong = {str(e["parameter"]) for e in errors if e.get("in") == "query"}
        kept = {k: v for k, v in response.headers.items() if k.lower() in ("retry-after", "allow")}
        page = ProblemError(
            status,
            detail,
            headers=kept,
            errors=errors,
            retry_url=_without(request, wrong) if wrong else None,
        )
        return html_error(request, page)

    return handle


def _pages_for_browsers(app: FastAPI) -> None:
    """Wrap every exception handler so that browsers get pages (see :func:`wants_html`)."""
    for key, handler in list(app.exception_handlers.items()):
        app.exception_handlers[key] = _as_page(handler)


def _register_problem_schema(app: FastAPI) -> None:
    """Add the schemas that responses and the import body refer to by name."""
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        models: list[type[BaseModel]] = [Problem, *documents.export_schema_models()]
        for model in models:
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in model_schema.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = model_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
