"""`turva load` and `turva export`: the turva/1 data format in and out.

Both are thin: reading and writing the formats is :mod:`turva.graph.domain.formats`,
importing and exporting (validation, one transaction, the change history) is
:mod:`turva.graph.store.documents`, the same service the HTTP API uses.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

import typer
from neo4j import Driver
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from turva.api.cli.common import app, driver_session, settings, stderr, stdout
from turva.api.cli.language import _, help_text, ngettext
from turva.graph.domain.formats import format_for_path, read_document_data, suffix_text
from turva.graph.domain.schema import apply_schema
from turva.graph.errors import Word
from turva.graph.store.documents import ImportResult, export_file, import_document
from turva.graph.store.load import BATCH_SIZE
from turva.graph.store.load import Progress as OnProgress


def _summary(result: ImportResult) -> str:
    """``loaded 15 records (15 new, 0 updated) and 20 relationships``, in the command's
    language."""
    report = result.report
    created, updated = sum(report.created.values()), sum(report.updated.values())
    deleted = sum(report.deleted.values())
    records = created + updated
    if result.dry_run:
        loaded = ngettext("would load %(n)s record", "would load %(n)s records", records)
    else:
        loaded = ngettext("loaded %(n)s record", "loaded %(n)s records", records)
    counts = [
        ngettext("%(n)s new", "%(n)s new", created) % {"n": created},
        ngettext("%(n)s updated", "%(n)s updated", updated) % {"n": updated},
    ]
    if deleted:
        counts.append(ngettext("%(n)s deleted", "%(n)s deleted", deleted) % {"n": deleted})
    relationships = ngettext(
        "and %(n)s relationship", "and %(n)s relationships", report.relationships
    ) % {"n": report.relationships}
    head = loaded % {"n": records}
    return f"{head} ({', '.join(counts)}) {relationships}"


def _plain_progress(done: int, total: int) -> None:
    # without a terminal, one line per written batch, and none for small files
    if total > BATCH_SIZE:
        print(
            _("loading: %(done)s/%(total)s") % {"done": done, "total": total},
            file=sys.stderr,
            flush=True,
        )


def _document_file(words: str) -> Any:
    """The FILE argument of ``load`` and ``export``: ``words`` (its help, in the command's
    language) name the file suffixes turva reads and writes as ``%(suffixes)s``."""
    suffixes = suffix_text()  # ".yaml, .yml or .json": its "or" in the help's language too
    shown = suffixes.text(help_text) if isinstance(suffixes, Word) else suffixes
    return typer.Argument(help=words % {"suffixes": shown})


LOAD_FILE = _document_file(help_text("A turva/1 document (%(suffixes)s)."))
EXPORT_FILE = _document_file(help_text("Where to write: %(suffixes)s."))


def _flag(declarations: str, help: str, default: bool = False) -> Any:
    """A boolean option: ``declarations`` as Typer takes them, ``help`` already translated."""
    return typer.Option(default, declarations, help=help)


@app.command(
    help=help_text(
        "Validate a whole turva/1 file, then write it in one transaction (upsert by id)."
    )
)
def load(
    file: Path = LOAD_FILE,
    replace: bool = _flag("--replace", help_text("Make the graph equal to the file.")),
    dry_run: bool = _flag("--dry-run", help_text("Validate only; write nothing.")),
    if_empty: bool = _flag("--if-empty", help_text("Load only when the graph has no records yet.")),
) -> None:
    """Validate a whole turva/1 file, then write it in one transaction (upsert by id)."""
    config = settings()
    data = read_document_data(file)  # a bad file is refused before Neo4j is started

    def run(driver: Driver, progress: OnProgress | None) -> ImportResult:
        return import_document(
            driver,
            data,
            who=f"cli:{getpass.getuser()}",
            replace=replace,
            dry_run=dry_run,
            if_empty=if_empty,
            database=config.neo4j_database,
            progress=progress,
        )

    with driver_session(config) as driver:
        apply_schema(driver, config.neo4j_database)
        if dry_run or not sys.stderr.isatty():
            result = run(driver, None if dry_run else _plain_progress)
        else:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=stderr,
                transient=True,
            ) as bar:
                task = bar.add_task(_("loading %(file)s") % {"file": file.name}, total=None)
                result = run(
                    driver, lambda done, total: bar.update(task, completed=done, total=total)
                )
    if result.skipped:
        stdout.print(_("the graph already has data; %(file)s was not loaded") % {"file": file})
    elif result.dry_run:
        stdout.print(
            _("%(file)s: valid; %(summary)s") % {"file": file, "summary": _summary(result)}
        )
    else:
        stdout.print(f"{file}: {_summary(result)}")


@app.command(
    help=help_text(
        "Write the whole graph as a sorted turva/1 document (the same bytes as the API's)."
    )
)
def export(
    file: Path = EXPORT_FILE,
    history: bool = _flag(
        "--history/--no-history",
        help_text("Include the change history (`changes:`)."),
        default=True,
    ),
    token_changes: bool = _flag(
        "--token-changes", help_text("Also include the history of API tokens (names, roles).")
    ),
) -> None:
    """Write the whole graph as a sorted turva/1 document (the same bytes as the API's)."""
    format_for_path(file, "export to")  # a wrong name is refused before Neo4j is started
    config = settings()
    # a workbook's sheets and headers: Finnish unless a language was asked for
    from turva.api.cli.template import sheet_language
    from turva.graph.domain.workbook import written_in

    with driver_session(config) as driver, written_in(sheet_language()):
        count = export_file(
            driver,
            file,
            history=history,
            include_token_changes=token_changes,
            database=config.neo4j_database,
        )
    stdout.print(
        ngettext("exported %(n)s record to %(file)s", "exported %(n)s records to %(file)s", count)
        % {"n": count, "file": file}
    )
