"""The FastAPI application: routers, error handling and the Neo4j driver's life cycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from neo4j import Driver

from api.problems import install_problem_handlers
from api.routes import health, maps, phenomena
from graph.connection import open_driver
from graph.settings import Settings

__all__ = ["create_app"]

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, driver: Driver | None = None) -> FastAPI:
    """The service. An injected ``driver`` stays the caller's to close."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = driver is None
        app.state.driver = driver or open_driver(settings, verify=False)
        try:
            yield
        finally:
            if own:
                app.state.driver.close()

    app = FastAPI(
        title="turva",
        version="1",
        summary="Knowledge graph of Finland's national cooperation model for internal security",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.driver = driver
    install_problem_handlers(app)
    app.include_router(health.router)
    app.include_router(phenomena.router, prefix=API_PREFIX)
    # the maps router serves both /api/v1/maps/... and the /maps/... pages
    app.include_router(maps.router)
    return app
