"""Phenomena (read-only list for now)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from neo4j import RoutingControl
from pydantic import BaseModel

from api.deps import DriverDep, SettingsDep
from graph.model import Phenomenon
from graph.properties import record_dict
from graph.schema import node_type

router = APIRouter(prefix="/phenomena", tags=["phenomena"])


class PhenomenaPublic(BaseModel):
    data: list[Phenomenon]
    count: int


@router.get("", response_model=PhenomenaPublic)
def list_phenomena(
    driver: DriverDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """List phenomena, sorted by id."""
    records, _, _ = driver.execute_query(
        """
        MATCH (p:Phenomenon)
        WITH p ORDER BY p.id
        WITH collect(p) AS all
        UNWIND all[$offset..$offset + $limit] AS p
        OPTIONAL MATCH (p)-[:PART_OF]->(parent:Phenomenon)
        OPTIONAL MATCH (p)-[:IN_THEME]->(t:Theme)
        WITH size(all) AS count, p, parent, t ORDER BY t.id
        RETURN count, properties(p) AS props, parent.id AS parent, collect(t.id) AS themes
        ORDER BY p.id
        """,
        offset=offset,
        limit=limit,
        database_=settings.neo4j_database,
        routing_=RoutingControl.READ,
    )
    nt = node_type("phenomena")
    data = [
        record_dict(nt, r["props"], {"parent": [r["parent"]] if r["parent"] else [], "themes": r["themes"]})
        for r in records
    ]
    count = records[0]["count"] if records else 0
    return {"data": data, "count": count}
