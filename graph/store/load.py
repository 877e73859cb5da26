"""Loading a turva/1 document into Neo4j: validated whole, then written in one transaction.

A record in the document replaces that record's properties and the relationships its
fields define (its "owned" relationships, see :mod:`turva.graph.domain.schema`). The write is a
single managed transaction of ``UNWIND`` batches, so a crash or a kill mid-way leaves
the graph as it was.

How it stays fast (``bench/README.md``, "Load"): every row to send is built before the
transaction opens, as a list rather than a mapping (no key strings to encode per row);
records new to the graph are ``CREATE``d and only existing ones ``MERGE``d and stripped of
what they owned before; the node queries return each record's Neo4j node id, and
relationships go as one row per owning record, ``[owner node, [target nodes]]``, found by
node id (no unique-index seek, which takes a lock per lookup, for either end; only a
target that is in the graph but not in the document is looked up by its ``id``); each
query text is the same for every batch (planned once); and Python's cycle collector is
paused meanwhile.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl
from neo4j.exceptions import ConstraintError

from turva.graph.domain.model import SECTIONS, Document
from turva.graph.domain.properties import (
    owned_rel_types,
    owned_targets,
    property_keys,
    property_row,
)
from turva.graph.domain.schema import (
    NODE_TYPES,
    OBSERVATION_LABEL,
    REL_TYPES,
    NodeType,
    RelType,
    label,
    node_type,
    rel_type,
)
from turva.graph.domain.validate import KnownGraph, parse_document, reference_issues
from turva.graph.errors import Conflict, ValidationFailed
from turva.graph.messages import N_
from turva.graph.store.history import parse_changes, restore_changes
from turva.graph.store.transactions import write_transaction

__all__ = [
    "LoadReport",
    "Progress",
    "known_graph",
    "check_document",
    "load_document",
    "BATCH_SIZE",
    "PHASES",
]

BATCH_SIZE = 5000

#: the phases of :attr:`LoadReport.seconds`, in order
PHASES = ("validate", "prepare", "write", "commit")

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
    #: wall seconds per phase of a written load: validate (the document and its
    #: references against the graph), prepare (rows to send), write (the queries inside
    #: the transaction), commit
    seconds: dict[str, float] = field(default_factory=dict)

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
    records, _, _ = driver.execute_query(
        f"MATCH (o:{label(OBSERVATION_LABEL)}) RETURN collect(o.id) AS ids",
        database_=database,
        routing_=RoutingControl.READ,
    )
    known.ids[OBSERVATION_LABEL] = set(records[0]["ids"])
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
    if doc.observations or replace:
        keys = {o.key for o in doc.observations}
        existing = known.ids.get(OBSERVATION_LABEL, set())
        report.created["observations"] = len(keys - existing)
        report.updated["observations"] = len(keys & existing)
        report.deleted["observations"] = len(existing - keys) if replace else 0
    report.changes = len(changes)
    return doc, report, known, changes


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _key(name: str) -> str:
    # property keys come from the model's field names; this guards the Cypher text
    if not name.isidentifier() or not name.isascii():
        raise ValueError(f"property key {name!r} is not a plain identifier")
    return name


def _node_queries(nt: NodeType) -> tuple[str, str]:
    """(create, merge) for rows shaped by :func:`property_row`; each returns two lists,
    the records' ids and their Neo4j node ids, in the same order.

    The merge's ``SET n = {...}`` replaces every property; keys whose value is null are not
    stored (nor are they by ``CREATE``).
    The record's ``_version`` (see :mod:`turva.graph.store.versions`) starts at 1 or goes
    up by one: a load is a write like any other, and stale ``If-Match`` values must fail.
    """
    props = ", ".join(f"`{_key(k)}`: row[{i}]" for i, k in enumerate(property_keys(nt)))
    lb = label(nt.label)
    return (
        # properties inside CREATE, not a SET after it: Neo4j writes each new node once
        # (a 100x load's commit ~0.1 s shorter, bench/README.md "Load")
        f"UNWIND $rows AS row CREATE (n:{lb} {{{props}, `_version`: 1}}) "
        "RETURN collect(row[0]) AS ids, collect(id(n)) AS nodes",
        f"UNWIND $rows AS row MERGE (n:{lb} {{id: row[0]}}) "
        "SET n._version = coalesce(n._version, 0) + 1 "
        f"WITH n, row SET n = {{{props}, `_version`: n._version}} "
        "RETURN collect(row[0]) AS ids, collect(id(n)) AS nodes",
    )


def _delete_owned_query(rt: RelType) -> str:
    """Drop the relationships of ``rt`` that the records ``$ids`` owned before."""
    pattern = (
        f"-[r:{rel_type(rt.type)}]->(:{label(rt.end)})"
        if rt.owner_is_start
        else f"<-[r:{rel_type(rt.type)}]-(:{label(rt.start)})"
    )
    return f"UNWIND $ids AS id MATCH (n:{label(rt.owner)} {{id: id}}){pattern} DELETE r"


def _rel_query(rt: RelType, *, by_node_id: bool = False) -> str:
    """Rows ``[owner, [target, ...]]``: one owner lookup per record, not per relationship.

    A target is an id, or ``[organisation, role, source]`` for member and responsible
    entries (their role and source become the relationship's properties). With
    ``by_node_id`` the owner and the targets are the Neo4j node ids that this
    transaction's own ``CREATE``/``MERGE`` returned: a direct lookup, where one by
    ``id`` is a unique index seek that also takes a lock per lookup. (``id()`` is
    deprecated because a deleted node's number is reused; these nodes were written,
    and so are locked, by this very transaction, so their numbers cannot change under it.)
    """
    other = rt.end if rt.owner_is_start else rt.start
    with_props = rt.field in _ENTRY_FIELDS
    target = "t[0]" if with_props else "t"
    if by_node_id:
        head = (
            f"UNWIND $rows AS row MATCH (o:{label(rt.owner)}) WHERE id(o) = row[0] "
            "UNWIND row[1] AS t "
            f"MATCH (x:{label(other)}) WHERE id(x) = {target} "
        )
    else:
        head = (
            f"UNWIND $rows AS row MATCH (o:{label(rt.owner)} {{id: row[0]}}) "
            "UNWIND row[1] AS t "
            f"MATCH (x:{label(other)} {{id: {target}}}) "
        )
    arrow = f"[r:{rel_type(rt.type)}]"
    create = f"CREATE (o)-{arrow}->(x)" if rt.owner_is_start else f"CREATE (x)-{arrow}->(o)"
    return head + create + (" SET r = {role: t[1], source: t[2]}" if with_props else "")


#: observations are keyed by ``<indicator>/<year>`` (their node id): a load replaces the
#: value and source of an indicator's year, and ``--replace`` drops the others
_MERGE_OBSERVATIONS = (
    f"UNWIND $rows AS row MERGE (o:{label(OBSERVATION_LABEL)} {{id: row[0]}}) "
    "SET o.indicator = row[1], o.year = row[2], o.value = row[3], o.source = row[4]"
)
_DELETE_OBSERVATIONS = (
    f"MATCH (o:{label(OBSERVATION_LABEL)}) WHERE NOT o.id IN $keys DETACH DELETE o"
)

#: reference fields whose entries carry properties onto the relationship
_ENTRY_FIELDS = frozenset({"members", "responsible"})


def load_document(
    driver: Driver,
    data: Any,
    *,
    replace: bool = False,
    database: str | None = None,
    progress: Progress | None = None,
    in_transaction: TxHook | None = None,
    batch_size: int = BATCH_SIZE,
    imported_by: str | None = None,
) -> LoadReport:
    """Validate and write a document (merge by id, or ``replace`` the whole graph).

    The document's own ``changes`` are added to the history marked as imported by
    ``imported_by`` (who loads it). Every record written gets a new ``_version``, so an
    ``If-Match`` taken before the load no longer matches.

    ``in_transaction`` runs inside the same write transaction after the data, so that
    e.g. a change record commits or rolls back together with the data.

    The write is one transaction of ``UNWIND`` batches of about ``batch_size`` records or
    relationships each. Records new to the graph are ``CREATE``d: if another writer creates
    one of their ids meanwhile, the id constraint fails the transaction and this raises
    :class:`~turva.graph.errors.Conflict`, as it does when a referenced record was deleted
    meanwhile (a relationship that could not be created); nothing is written then.
    ``report.seconds`` says where the time went.
    """
    with _no_gc():
        return _load(
            driver, data, replace, database, progress, in_transaction, batch_size, imported_by
        )


@contextmanager
def _no_gc() -> Iterator[None]:
    """Python's cycle collector paused.

    Validating and encoding a big document allocates millions of objects (models,
    rows), none of them in reference cycles; each time their number grows by a fraction
    the collector walks them all again, which cost more than half of the Python time
    of a 100x load. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    driver: Driver,
    data: Any,
    replace: bool,
    database: str | None,
    progress: Progress | None,
    in_transaction: TxHook | None,
    batch_size: int,
    imported_by: str | None,
) -> LoadReport:
    started = time.perf_counter()
    doc, report, known, changes = _check(driver, data, replace=replace, database=database)
    validated = time.perf_counter()
    plan = _write_plan(doc, known)
    report.relationships = plan.relationships
    total = plan.items
    written = 0.0

    def work(tx: ManagedTransaction) -> None:
        nonlocal written
        done = 0
        if replace:
            for section in SECTIONS:
                tx.run(
                    f"MATCH (n:{label(node_type(section).label)}) WHERE NOT n.id IN $ids "
                    "DETACH DELETE n",
                    ids=[r.id for r in getattr(doc, section)],
                ).consume()
        #: per label, record id -> the node id this transaction wrote it to
        node_ids: dict[str, dict[str, int]] = {}
        for nt, create, merge, new_rows, old_rows in plan.nodes:
            ids = node_ids[nt.label] = {}
            for query, rows in ((create, new_rows), (merge, old_rows)):
                for batch in _batches(rows, batch_size):
                    got = tx.run(query, rows=batch).single(strict=True)
                    ids.update(zip(got[0], got[1], strict=True))
                    done += len(batch)
                    if progress:
                        progress(done, total)
            # drop what existing records owned before; their fields say what they own now
            old_ids = [row[0] for row in old_rows]
            for rt in owned_rel_types(nt.label) if old_ids else ():
                for batch in _batches(old_ids, batch_size):
                    tx.run(_delete_owned_query(rt), ids=batch).consume()
        for rt, rows in plan.rels:
            by_node, by_key = _split_targets(rt, rows, node_ids)
            for query, split in (
                (_rel_query(rt, by_node_id=True), by_node),
                (_rel_query(rt), by_key),
            ):
                for batch, count in _rel_batches(split, batch_size):
                    summary = tx.run(query, rows=batch).consume()
                    if summary.counters.relationships_created != count:
                        # an end was deleted since the document was checked: write nothing
                        raise Conflict.said(
                            N_(
                                "a record that %(field)s refers to was deleted while the "
                                "document was being loaded; nothing was written. Load it again."
                            ),
                            field=rt.field,
                        )
                    done += count
                    if progress:
                        progress(done, total)
        if replace:
            tx.run(_DELETE_OBSERVATIONS, keys=[row[0] for row in plan.observations]).consume()
        for batch in _batches(plan.observations, batch_size):
            tx.run(_MERGE_OBSERVATIONS, rows=batch).consume()
            done += len(batch)
            if progress:
                progress(done, total)
        restore_changes(tx, changes, imported_by=imported_by)
        if in_transaction is not None:
            in_transaction(tx)
        written = time.perf_counter()

    prepared = time.perf_counter()
    try:
        write_transaction(driver, work, database=database)
    except ConstraintError as e:
        # a record of the same id was created since the document was checked
        raise Conflict.said(
            N_(
                "a record with an id in the document was created by someone else while the "
                "document was being loaded; nothing was written. Load it again. (%(reason)s)"
            ),
            reason=e.message,
        ) from e
    committed = time.perf_counter()
    if total >= FRESH_STATISTICS_AFTER:
        _refresh_statistics(driver, database)
    report.written = True
    report.seconds = {
        "validate": validated - started,
        "prepare": prepared - validated,
        "write": written - prepared,
        "commit": committed - written,
    }
    return report


#: a load writing this many records, relationships and observations or more refreshes the
#: planner's statistics before it returns (:func:`_refresh_statistics`)
FRESH_STATISTICS_AFTER = 10_000


def _refresh_statistics(driver: Driver, database: str | None) -> None:
    """Sample the indexes the load made outdated and forget the plans made before.

    Right after a big load Neo4j still plans with the old statistics (it samples indexes
    in the background), and a plan made then is cached: at 10x the first gaps analysis
    planned so ran out of transaction memory on a 1 GiB heap, and so did every retry
    with the cached plan (bench/README.md, "Monitoring"). About 0.25 s at 10x.
    """
    for statement in (
        "CALL db.resampleOutdatedIndexes()",
        "CALL db.awaitIndexes(300)",
        "CALL db.clearQueryCaches()",
    ):
        driver.execute_query(statement, database_=database)


def _split_targets(
    rt: RelType, rows: list[list[Any]], node_ids: dict[str, dict[str, int]]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """``rows`` as rows by node id (both ends written by this load) and rows by record id.

    The owner is always in the document; a target is too unless the document refers to a
    record already in the graph (a merge), which is then looked up by its id.
    """
    owners = node_ids[rt.owner]
    others = node_ids[rt.end if rt.owner_is_start else rt.start]
    with_props = rt.field in _ENTRY_FIELDS
    by_node: list[list[Any]] = []
    by_key: list[list[Any]] = []
    for owner, targets in rows:
        found: list[Any] = []
        missing: list[Any] = []
        for t in targets:
            node = others.get(t[0] if with_props else t)
            if node is None:
                missing.append(t)
            else:
                found.append([node, t[1], t[2]] if with_props else node)
        if found:
            by_node.append([owners[owner], found])
        if missing:
            by_key.append([owner, missing])
    return by_node, by_key


def _rel_batches(rows: list[list[Any]], size: int) -> Iterator[tuple[list[list[Any]], int]]:
    """Batches of ``[owner, [targets]]`` rows of about ``size`` relationships each."""
    batch: list[list[Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        count += len(row[1])
        if count >= size:
            yield batch, count
            batch, count = [], 0
    if batch:
        yield batch, count


@dataclass
class _WritePlan:
    """Everything to send, as rows of lists, built before the transaction opens."""

    #: per node type: (type, create query, merge query, rows of new records, rows of existing)
    nodes: list[tuple[NodeType, str, str, list[list[Any]], list[list[Any]]]]
    #: per relationship type: (type, rows ``[owner id, [targets]]``)
    rels: list[tuple[RelType, list[list[Any]]]]
    relationships: int
    #: rows ``[key, indicator, year, value, source]``
    observations: list[list[Any]]

    @property
    def items(self) -> int:
        return (
            sum(len(n[3]) + len(n[4]) for n in self.nodes)
            + self.relationships
            + len(self.observations)
        )


def _write_plan(doc: Document, known: KnownGraph) -> _WritePlan:
    nodes = []
    for section in SECTIONS:
        nt = node_type(section)
        existing = known.ids.get(nt.label, set())
        new_rows: list[list[Any]] = []
        old_rows: list[list[Any]] = []
        for record in getattr(doc, section):
            (old_rows if record.id in existing else new_rows).append(property_row(record, nt))
        nodes.append((nt, *_node_queries(nt), new_rows, old_rows))
    rels = []
    count = 0
    for rt in REL_TYPES:
        rows = []
        for record in getattr(doc, node_type_section(rt.owner)):
            targets = owned_targets(record, rt)
            if targets:
                rows.append([record.id, targets])
                count += len(targets)
        rels.append((rt, rows))
    observations = [[o.key, o.indicator, o.year, o.value, o.source] for o in doc.observations]
    return _WritePlan(nodes, rels, count, observations)


def node_type_section(label_name: str) -> str:
    return next(nt.section for nt in NODE_TYPES if nt.label == label_name)
