"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import problem
from turva.graph.domain.schema import schema_in_place
from turva.graph.errors import DatabaseUnavailable
from turva.graph.server.connection import check_connection

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(driver: DriverDep, settings: SettingsDep) -> dict[str, str] | JSONResponse:
    """Neo4j is reachable and the schema is in place."""
    try:
        check_connection(driver, settings.neo4j_database)
        ready = schema_in_place(driver, settings.neo4j_database)
    except DatabaseUnavailable as e:
        return problem(503, "Not ready", str(e))
    if not ready:
        return problem(503, "Not ready", "The schema is not in place yet.")
    return {"status": "ready"}
