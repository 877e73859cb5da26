"""Loading a turva/1 document into Neo4j: validated whole, then written in one transaction.

A record in the document replaces that record's properties and the relationships its
fields define (its "owned" relationships, see :mod:`turva.graph.domain.schema`). The write is a
single managed transaction of ``UNWIND`` batches, so a crash or a kill mid-way leaves
the graph as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl

from turva.graph.domain.model import SECTIONS, Document
from turva.graph.domain.properties import owned_rel_types, relationship_rows, to_properties
from turva.graph.domain.schema import NODE_TYPES, REL_TYPES, label, node_type, rel_type
from turva.graph.domain.validate import KnownGraph, parse_document, reference_issues
from turva.graph.errors import ValidationFailed
from turva.graph.store.history import parse_changes, restore_changes
from turva.graph.store.transactions import write_transaction

__all__ = ["LoadReport", "known_graph", "check_document", "load_document", "BATCH_SIZE"]

BATCH_SIZE = 5000

Progress = Callable[[int, int], None]
TxHook = Callable[[ManagedTransaction], None]


@dataclass
class LoadReport:
    """What a load did (or, for a dry run, would do), per section."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    relationships: int = 0
    written: bool = False
    #: entries of the document's ``changes:`` history (kept; never deleted by a load)
    changes: int = 0

    @property
    def records(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def known_graph(driver: Driver, database: str | None = None) -> KnownGraph:
    """Ids per label and the ``parent`` links already in the graph."""
    known = KnownGraph()
    for nt in NODE_TYPES:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{label(nt.label)}) RETURN collect(n.id) AS ids",
            database_=database,
            routing_=RoutingControl.READ,
        )
        known.ids[nt.label] = set(records[0]["ids"])
    for name in ("Organisation", "Phenomenon"):
        records, _, _ = driver.execute_query(
            f"MATCH (c:{label(name)})-[:PART_OF]->(p:{label(name)}) RETURN c.id AS c, p.id AS p",
            database_=database,
            routing_=RoutingControl.READ,
        )
        known.parents[name] = {r["c"]: r["p"] for r in records}
    return known


def check_document(
    driver: Driver, data: Any, *, replace: bool = False, database: str | None = None
) -> tuple[Document, LoadReport, KnownGraph]:
    """Validate ``data`` against the format and (when merging) the graph; write nothing.

    Raises :class:`~turva.graph.errors.ValidationFailed` with every issue.
    """
    doc, report, known, _ = _check(driver, data, replace=replace, database=database)
    return doc, report, known


def _split_history(data: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The document without its optional ``changes:`` history, and that history parsed."""
    if not isinstance(data, dict) or "changes" not in data:
        return data, []
    rest = {k: v for k, v in data.items() if k != "changes"}
    try:
        changes = parse_changes(data["changes"])
    except ValidationFailed as history_error:
        try:
            parse_document(rest)
        except ValidationFailed as e:
            raise ValidationFailed(e.issues + history_error.issues) from e
        raise
    return rest, changes


def _check(
    driver: Driver, data: Any, *, replace: bool, database: str | None
) -> tuple[Document, LoadReport, KnownGraph, list[dict[str, Any]]]:
    data, changes = _split_history(data)
    doc = parse_document(data)
    known = known_graph(driver, database)
    # --replace makes the graph equal to the file, so the file must stand on its own
    issues = reference_issues(doc, None if replace else known)
    if issues:
        raise ValidationFailed(issues)
    report = LoadReport()
    for section in SECTIONS:
        nt = node_type(section)
        ids = {r.id for r in getattr(doc, section)}
        existing = known.ids.get(nt.label, set())
        report.created[section] = len(ids - existing)
        report.updated[section] = len(ids & existing)
        report.deleted[section] = len(existing - ids) if replace else 0
    report.changes = len(changes)
    return doc, report, known, changes


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def load_document(
    driver: Driver,
    data: Any,
    *,
    replace: bool = False,
    database: str | None = None,
    progress: Progress | None = None,
    in_transaction: TxHook | None = None,
    batch_size: int = BATCH_SIZE,
) -> LoadReport:
    """Validate and write a document (merge by id, or ``replace`` the whole graph).

    ``in_transaction`` runs inside the same write transaction after the data, so that
    e.g. a change record commits or rolls back together with the data.
    """
    doc, report, known, changes = _check(driver, data, replace=replace, database=database)
    node_rows = {
        section: [to_properties(r, node_type(section)) for r in getattr(doc, section)]
        for section in SECTIONS
    }
    rel_rows = {
        i: [
            row
            for record in getattr(doc, node_type_section(rt.owner))
            for row in relationship_rows(record, rt)
        ]
        for i, rt in enumerate(REL_TYPES)
    }
    total = sum(len(v) for v in node_rows.values()) + sum(len(v) for v in rel_rows.values())
    report.relationships = sum(len(v) for v in rel_rows.values())

    def work(tx: ManagedTransaction) -> None:
        done = 0
        if replace:
            for section in SECTIONS:
                ids = [row["id"] for row in node_rows[section]]
                tx.run(
                    f"MATCH (n:{label(node_type(section).label)}) WHERE NOT n.id IN $ids "
                    "DETACH DELETE n",
                    ids=ids,
                ).consume()
        for section in SECTIONS:
            nt = node_type(section)
            for batch in _batches(node_rows[section], batch_size):
                tx.run(
                    f"UNWIND $rows AS row MERGE (n:{label(nt.label)} {{id: row.id}}) SET n = row",
                    rows=batch,
                ).consume()
                # drop what these records owned before; their fields say what they own now
                # (only records that existed can own anything: a fresh load skips this)
                existing = known.ids.get(nt.label, set())
                old_ids = [row["id"] for row in batch if row["id"] in existing]
                for rt in owned_rel_types(nt.label) if old_ids else ():
                    pattern = (
                        f"-[r:{rel_type(rt.type)}]->(:{label(rt.end)})"
                        if rt.owner_is_start
                        else f"<-[r:{rel_type(rt.type)}]-(:{label(rt.start)})"
                    )
                    tx.run(
                        f"UNWIND $ids AS id MATCH (n:{label(nt.label)} {{id: id}}){pattern} "
                        "DELETE r",
                        ids=old_ids,
                    ).consume()
                done += len(batch)
                if progress:
                    progress(done, total)
        for i, rt in enumerate(REL_TYPES):
            with_props = any(row["props"] for row in rel_rows[i])
            for batch in _batches(rel_rows[i], batch_size):
                tx.run(
                    f"UNWIND $rows AS row MATCH (a:{label(rt.start)} {{id: row.start}}) "
                    f"MATCH (b:{label(rt.end)} {{id: row.end}}) "
                    f"CREATE (a)-[r:{rel_type(rt.type)}]->(b)"
                    + (" SET r = row.props" if with_props else ""),
                    rows=batch if with_props else [{**row, "props": None} for row in batch],
                ).consume()
                done += len(batch)
                if progress:
                    progress(done, total)
        restore_changes(tx, changes)
        if in_transaction is not None:
            in_transaction(tx)

    write_transaction(driver, work, database=database)
    report.written = True
    return report


def node_type_section(label_name: str) -> str:
    return next(nt.section for nt in NODE_TYPES if nt.label == label_name)
