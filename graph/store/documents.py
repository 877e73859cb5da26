"""Whole turva/1 documents in and out: the one service under ``turva load|export`` and
``POST /api/v1/import`` / ``GET /api/v1/export``.

An import reads the document in a registered format (:mod:`turva.graph.domain.formats`),
validates all of it, then writes it in one transaction together with its entry in the
change history, so on any error nothing is written. An export is the sorted document
(:mod:`turva.graph.store.export`) written in a registered format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from neo4j import Driver, ManagedTransaction, RoutingControl

from turva.graph.domain.formats import (
    DocumentFormat,
    decode_document,
    dump_document,
    encode_document,
    format_for_path,
)
from turva.graph.domain.schema import NODE_TYPES, label
from turva.graph.domain.workbook import locate_issues
from turva.graph.errors import ValidationFailed
from turva.graph.store.export import export_document
from turva.graph.store.history import document_counts, record_load
from turva.graph.store.load import LoadReport, Progress, check_document, load_document

__all__ = [
    "HAS_RECORDS",
    "ImportResult",
    "graph_has_records",
    "import_document",
    "import_bytes",
    "ExportOptions",
    "export_bytes",
    "export_file",
    "record_count",
]

#: whether the graph holds any turva/1 record (tokens and the change history do not count)
HAS_RECORDS = (
    "RETURN EXISTS { MATCH (n:" + "|".join(label(nt.label) for nt in NODE_TYPES) + ") } AS any"
)


@dataclass(frozen=True)
class ImportResult:
    """What an import did or, for a dry run, would do."""

    replace: bool
    dry_run: bool
    #: ``if_empty`` was asked and the graph already had records: nothing was read or written
    skipped: bool = False
    report: LoadReport = field(default_factory=LoadReport)

    @property
    def mode(self) -> str:
        return "replace" if self.replace else "merge"

    @property
    def written(self) -> bool:
        return self.report.written


def graph_has_records(driver: Driver, database: str | None = None) -> bool:
    """True when the graph holds any theme, branch, organisation... (see HAS_RECORDS)."""
    records, _, _ = driver.execute_query(
        HAS_RECORDS, database_=database, routing_=RoutingControl.READ
    )
    return bool(records[0]["any"])


def import_document(
    driver: Driver,
    data: Any,
    *,
    who: str,
    replace: bool = False,
    dry_run: bool = False,
    if_empty: bool = False,
    database: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate a raw document whole, then write it and its history entry in one transaction.

    ``who`` is recorded in the change history (``cli:<user>``, a token's name).
    ``replace`` makes the graph equal to the document; ``dry_run`` validates (against the
    graph too) and writes nothing; ``if_empty`` does nothing when the graph already has
    records. Raises :class:`~turva.graph.errors.ValidationFailed` listing every problem.
    """
    if if_empty and graph_has_records(driver, database):
        return ImportResult(replace=replace, dry_run=dry_run, skipped=True)
    try:
        return _import_document(driver, data, who, replace, dry_run, database, progress)
    except ValidationFailed as e:
        # a document read from a workbook names the cells of its issues (Toimenpiteet!D12)
        located = locate_issues(e, data)
        if located is e:
            raise
        raise located from e


def _import_document(
    driver: Driver,
    data: Any,
    who: str,
    replace: bool,
    dry_run: bool,
    database: str | None,
    progress: Progress | None,
) -> ImportResult:
    if dry_run:
        _, report, _ = check_document(driver, data, replace=replace, database=database)
        return ImportResult(replace=replace, dry_run=True, report=report)
    counts = document_counts(data)

    def record(tx: ManagedTransaction) -> None:
        # the import's own entry in the change history commits with the data
        record_load(tx, who, counts, replace=replace)

    report = load_document(
        driver,
        data,
        replace=replace,
        database=database,
        progress=progress,
        in_transaction=record,
        imported_by=who,
    )
    return ImportResult(replace=replace, dry_run=False, report=report)


def import_bytes(
    driver: Driver,
    raw: bytes,
    fmt: DocumentFormat,
    *,
    name: str = "the document",
    who: str,
    replace: bool = False,
    dry_run: bool = False,
    if_empty: bool = False,
    database: str | None = None,
) -> ImportResult:
    """:func:`import_document` of ``raw`` read in ``fmt`` (``name`` is for messages).

    CPU-bound (parsing, validating) and blocking (Neo4j): run it in a worker thread
    when an event loop is waiting.
    """
    data = decode_document(raw, fmt, name=name)
    return import_document(
        driver,
        data,
        who=who,
        replace=replace,
        dry_run=dry_run,
        if_empty=if_empty,
        database=database,
    )


class ExportOptions(TypedDict, total=False):
    """What every export takes besides where it goes: the change history along (``history``,
    default True), token changes in it (``include_token_changes``, default False: only an
    admin may see them) and the ``database``."""

    history: bool
    include_token_changes: bool
    database: str | None


def export_bytes(driver: Driver, fmt: DocumentFormat, **options: Unpack[ExportOptions]) -> bytes:
    """The whole graph, sorted, as a document in ``fmt`` (with the change history).

    Token changes (names, roles, organisations) stay out unless asked for: only an admin
    may see them.
    """
    return encode_document(export_document(driver, **options), fmt)


def export_file(driver: Driver, path: Path, **options: Unpack[ExportOptions]) -> int:
    """Write the whole graph to ``path`` (its suffix says the format); the records written.

    Gives the same bytes as :func:`export_bytes` in that format.
    """
    format_for_path(path, "export to")  # before asking the graph anything
    data = export_document(driver, **options)
    dump_document(data, path)
    return record_count(data)


def record_count(data: dict[str, Any]) -> int:
    """The records of a document (every section but the ``changes`` history)."""
    return sum(len(v) for k, v in data.items() if isinstance(v, list) and k != "changes")
