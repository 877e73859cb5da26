"""`turva load` and `turva export`: the turva/1 data format in and out."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from neo4j import ManagedTransaction
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from turva.api.cli.common import app, driver_session, settings, stderr, stdout
from turva.graph.domain.formats import dump_document, read_document_data
from turva.graph.domain.schema import apply_schema
from turva.graph.errors import DataFileError
from turva.graph.store.export import export_document
from turva.graph.store.history import document_counts, record_load
from turva.graph.store.load import BATCH_SIZE, LoadReport, check_document, load_document


def _summary(report: LoadReport, dry_run: bool) -> str:
    created, updated = sum(report.created.values()), sum(report.updated.values())
    deleted = sum(report.deleted.values())
    verb = "would load" if dry_run else "loaded"
    text = f"{verb} {created + updated} records ({created} new, {updated} updated"
    text += f", {deleted} deleted)" if deleted else ")"
    return text + f" and {report.relationships} relationships"


def _plain_progress(done: int, total: int) -> None:
    # without a terminal, one line per written batch, and none for small files
    if total > BATCH_SIZE:
        print(f"loading: {done}/{total}", file=sys.stderr, flush=True)


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="A turva/1 document (.yaml, .yml or .json).")],
    replace: bool = typer.Option(False, "--replace", help="Make the graph equal to the file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate only; write nothing."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Load only when the graph has no records yet."
    ),
) -> None:
    """Validate a whole turva/1 file, then write it in one transaction (upsert by id)."""
    config = settings()
    data = read_document_data(file)
    who = f"cli:{getpass.getuser()}"

    def record(tx: ManagedTransaction) -> None:
        # the load's own entry in the change history commits with the data
        record_load(tx, who, document_counts(data), replace=replace)

    with driver_session(config) as driver:
        apply_schema(driver, config.neo4j_database)
        if if_empty:
            records, _, _ = driver.execute_query(
                "MATCH (n:Phenomenon|Organisation|Measure) RETURN count(n) > 0 AS any",
                database_=config.neo4j_database,
            )
            if records[0]["any"]:
                stdout.print(f"the graph already has data; {file} was not loaded")
                return
        if dry_run:
            _, report, _ = check_document(
                driver, data, replace=replace, database=config.neo4j_database
            )
            stdout.print(f"{file}: valid; " + _summary(report, dry_run=True))
            return
        if sys.stderr.isatty():
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=stderr,
                transient=True,
            ) as bar:
                task = bar.add_task(f"loading {file.name}", total=None)
                report = load_document(
                    driver,
                    data,
                    replace=replace,
                    database=config.neo4j_database,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    in_transaction=record,
                )
        else:
            report = load_document(
                driver,
                data,
                replace=replace,
                database=config.neo4j_database,
                progress=_plain_progress,
                in_transaction=record,
            )
    stdout.print(f"{file}: " + _summary(report, dry_run=False))


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Where to write: .yaml, .yml or .json.")],
    history: bool = typer.Option(
        True, "--history/--no-history", help="Include the change history (`changes:`)."
    ),
) -> None:
    """Write the whole graph as a sorted turva/1 document."""
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise DataFileError(f"Cannot export to {file}: use a .yaml, .yml or .json file name.")
    config = settings()
    with driver_session(config) as driver:
        data = export_document(driver, config.neo4j_database, history=history)
    dump_document(data, file)
    count = sum(len(v) for k, v in data.items() if isinstance(v, list) and k != "changes")
    stdout.print(f"exported {count} records to {file}")
