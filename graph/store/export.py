"""Exporting the whole graph as a turva/1 document, sorted so exports are comparable.

``load -> export -> load into an empty graph -> export`` gives identical files.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from neo4j import Driver, RoutingControl

from turva.graph.domain.model import FORMAT
from turva.graph.domain.properties import owned_rel_types, record_dict
from turva.graph.domain.schema import NODE_TYPES, OBSERVATION_LABEL, label, rel_type
from turva.graph.store.history import export_changes

__all__ = ["export_document"]


def _sort_key(value: Any) -> Any:
    return value["organisation"] if isinstance(value, dict) else value


def export_document(
    driver: Driver,
    database: str | None = None,
    *,
    history: bool = True,
    include_token_changes: bool = False,
) -> dict[str, Any]:
    """The graph's domain records as a ``turva/1`` mapping, every list sorted.

    With ``history`` (the default) the change history follows as a top-level
    ``changes:`` list, oldest first, when there is any; loading the document restores it.
    Changes of API tokens (their names, roles, organisations and makers) stay out unless
    ``include_token_changes`` (which the service allows admins only).
    """
    out: dict[str, Any] = {"format": FORMAT}
    for nt in NODE_TYPES:
        nodes, _, _ = driver.execute_query(
            f"MATCH (n:{label(nt.label)}) RETURN properties(n) AS props ORDER BY n.id",
            database_=database,
            routing_=RoutingControl.READ,
        )
        relations: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for rt in owned_rel_types(nt.label):
            owner, other = ("a", "b") if rt.owner_is_start else ("b", "a")
            rows, _, _ = driver.execute_query(
                f"MATCH (a:{label(rt.start)})-[r:{rel_type(rt.type)}]->(b:{label(rt.end)}) "
                f"RETURN {owner}.id AS owner, {other}.id AS other, properties(r) AS props",
                database_=database,
                routing_=RoutingControl.READ,
            )
            for row in rows:
                props = row["props"]
                value: Any = (
                    {"organisation": row["other"], **_ordered_entry(props)}
                    if rt.field in ("members", "responsible")
                    else row["other"]
                )
                relations[row["owner"]][rt.field].append(value)
        records = []
        for node in nodes:
            props = node["props"]
            rels = {k: sorted(v, key=_sort_key) for k, v in relations[props["id"]].items()}
            records.append(record_dict(nt, props, rels))
        out[nt.section] = records
    observations = _observations(driver, database)
    if observations:
        out["observations"] = observations
    if history:
        changes = export_changes(driver, database, include_tokens=include_token_changes)
        if changes:
            out["changes"] = changes
    return out


def _observations(driver: Driver, database: str | None) -> list[dict[str, Any]]:
    """The indicators' yearly values, by indicator and year (``source`` left out when none)."""
    rows, _, _ = driver.execute_query(
        f"MATCH (o:{label(OBSERVATION_LABEL)}) "
        "RETURN o.indicator AS indicator, o.year AS year, o.value AS value, o.source AS source "
        "ORDER BY indicator, year",
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [
        {k: row[k] for k in ("indicator", "year", "value", "source") if row[k] is not None}
        for row in rows
    ]


def _ordered_entry(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in ("role", "source") if props.get(k) is not None}
