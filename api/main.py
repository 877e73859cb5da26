"""The FastAPI application: routers, error handling, hardening (security headers, access
log) and the Neo4j driver's life cycle."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from neo4j import Driver
from pydantic import BaseModel
from starlette.types import ASGIApp

from turva.api.auth import LoginRequired
from turva.api.limits import BodyLimit
from turva.api.problems import Problem, install_problem_handlers
from turva.api.routes import (
    analyses,
    changes,
    documents,
    health,
    maps,
    records,
    search,
    tokens,
)
from turva.api.security import harden
from turva.api.web import router as web_router
from turva.graph.domain.schema import apply_schema
from turva.graph.server.connection import open_driver
from turva.graph.settings import Settings

__all__ = ["create_app", "service_driver", "API_PREFIX"]

API_PREFIX = "/api/v1"
STATIC = Path(__file__).resolve().parent / "static"
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
        docs = [p for p in (self.docs_url, self.swagger_ui_oauth2_redirect_url) if p]
        return harden(super().build_middleware_stack(), self.state.settings, docs_paths=docs)


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
        docs_url="/docs",
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
    app.include_router(health.router)
    app.include_router(search.router, prefix=API_PREFIX)
    app.include_router(analyses.router, prefix=API_PREFIX)
    for router in records.routers():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(changes.router, prefix=API_PREFIX)
    app.include_router(documents.router, prefix=API_PREFIX)
    app.include_router(tokens.router, prefix=API_PREFIX)
    # the maps router serves both /api/v1/maps/... and the /maps/... pages
    app.include_router(maps.router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _register_problem_schema(app)
    return app


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
