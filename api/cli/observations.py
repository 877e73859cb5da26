"""`turva observations import`: indicators' yearly values from statistics.

A JSON-stat 2.0 file (Statistics Finland's PxWeb API answers in it) or a plain CSV
(``indicator,year,value,source``) becomes observations (:mod:`turva.graph.domain.jsonstat`),
merged into the graph as a turva/1 document with only ``observations``: validated whole
and written in one transaction with its entry in the change history
(:func:`turva.graph.store.documents.import_document`), so on any error nothing is written.
An observation of the same indicator and year is replaced.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer

from turva.api.cli.common import app, driver_session, settings, stdout
from turva.api.cli.language import _, help_text, ngettext
from turva.graph.domain.formats import check_file_size, read_file_bytes
from turva.graph.domain.jsonstat import (
    Observations,
    observations_from_csv,
    observations_from_jsonstat,
    parse_selections,
    relocate,
)
from turva.graph.domain.schema import apply_schema
from turva.graph.errors import BadArgument, DataFileError, ValidationFailed
from turva.graph.messages import N_
from turva.graph.store.documents import ImportResult, import_document

__all__ = ["observations_app", "read_observations"]

#: the suffixes read as JSON-stat
JSON_SUFFIXES = (".json", ".jsonstat", ".json-stat")

observations_app = typer.Typer(
    help=help_text("Indicators' yearly values: import them from statistics (JSON-stat, CSV)."),
    no_args_is_help=True,
)
app.add_typer(observations_app, name="observations")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _text(path: Path) -> str:
    """The file's UTF-8 text; a missing, huge or non-UTF-8 file is an error naming it."""
    check_file_size(path)
    raw = read_file_bytes(path)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise DataFileError.said(
            N_(
                "%(name)s is not UTF-8 text (byte %(byte)s is not valid). "
                "Save it as UTF-8 %(title)s."
            ),
            name=path,
            byte=e.start,
            title="CSV" if path.suffix.lower() == ".csv" else "JSON",
        ) from e


def read_observations(path: Path, indicator: str | None, select: list[str]) -> Observations:
    """The observations in ``path`` (JSON-stat by its suffix ``.json``, else ``.csv``).

    Raises :class:`~turva.graph.errors.ValidationFailed` for what the file says and
    :class:`~turva.graph.errors.TurvaError` kinds for a file that cannot be read at all.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if select:
            raise BadArgument.said(
                N_("--select picks categories of a JSON-stat dataset; a CSV file has none")
            )
        return observations_from_csv(_text(path), indicator)
    if suffix not in JSON_SUFFIXES:
        raise DataFileError.said(
            N_(
                "%(path)s: observations are read from JSON-stat 2.0 (.json) or CSV (.csv) "
                "files; rename it or save it in one of them"
            ),
            path=path,
        )
    selections = parse_selections(select)  # a malformed --select before the file is read
    if not indicator:
        raise BadArgument.said(
            N_("give the indicator the dataset's values belong to: --indicator ID")
        )
    text = _text(path)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataFileError.said(
            N_("%(path)s is not JSON: %(reason)s at line %(line)s, column %(column)s"),
            path=path,
            reason=e.msg,
            line=e.lineno,
            column=e.colno,
        ) from e
    return observations_from_jsonstat(data, indicator, selections)


def _summary(parsed: Observations, result: ImportResult) -> list[str]:
    """The lines printed after an import, in the command's language."""
    report = result.report
    n = len(parsed.observations)
    created = report.created.get("observations", 0)
    replaced = report.updated.get("observations", 0)
    if result.dry_run:
        head = ngettext("would import %(n)s observation", "would import %(n)s observations", n)
    else:
        head = ngettext("imported %(n)s observation", "imported %(n)s observations", n)
    counts = [
        ngettext("%(n)s new", "%(n)s new", created) % {"n": created},
        ngettext("%(n)s replaced", "%(n)s replaced", replaced) % {"n": replaced},
    ]
    years = sorted({o["year"] for o in parsed.observations})
    indicators = sorted({o["indicator"] for o in parsed.observations})
    first = f"{head % {'n': n}} ({', '.join(counts)})"
    if years:
        first += "; " + _("%(indicators)s, years %(first)s-%(last)s") % {
            "indicators": ", ".join(indicators),
            "first": years[0],
            "last": years[-1],
        }
    lines = [first]
    if parsed.missing:
        lines.append(
            ngettext(
                "%(n)s missing value was left out",
                "%(n)s missing values were left out",
                parsed.missing,
            )
            % {"n": parsed.missing}
        )
    if parsed.source:
        lines.append(_("source: %(source)s") % {"source": parsed.source})
    return lines


_FILE = typer.Argument(help=help_text("A JSON-stat 2.0 (.json) or CSV (.csv) file."))
_INDICATOR = typer.Option(
    None,
    "--indicator",
    metavar="ID",
    help=help_text(
        "The indicator's id. Required for JSON-stat; for CSV, imports only that indicator's rows."
    ),
)
_SELECT = typer.Option(
    [],
    "--select",
    metavar="DIMENSION=CODE",
    help=help_text(
        "DIMENSION=CODE: the category of a JSON-stat dimension (repeatable); not "
        "needed for a dimension with one category."
    ),
)
_DRY_RUN = typer.Option(False, "--dry-run", help=help_text("Validate only; write nothing."))


@observations_app.command(
    "import",
    help=help_text(
        "Import an indicator's yearly values from a JSON-stat 2.0 file (e.g. Statistics "
        "Finland's PxWeb) or a CSV file (indicator,year,value,source). Every other "
        "dimension than the years is fixed with --select; an observation of the same "
        "indicator and year is replaced; on any error nothing is written."
    ),
)
def import_(
    file: Path = _FILE,
    indicator: str | None = _INDICATOR,
    select: list[str] = _SELECT,
    dry_run: bool = _DRY_RUN,
) -> None:
    """Import an indicator's yearly values from a JSON-stat 2.0 or CSV file."""
    config = settings()
    parsed = read_observations(file, indicator, select)  # before Neo4j is started
    if not parsed.observations:
        raise BadArgument.said(
            N_("%(path)s has no values to import (%(n)s missing)"), path=file, n=parsed.missing
        )
    with driver_session(config) as driver:
        apply_schema(driver, config.neo4j_database)
        try:
            result = import_document(
                driver,
                parsed.document(),
                who=_who(),
                dry_run=dry_run,
                database=config.neo4j_database,
            )
        except ValidationFailed as e:
            raise relocate(e, parsed) from None
    lines = _summary(parsed, result)
    stdout.print(f"{file}: {lines[0]}")
    for line in lines[1:]:
        stdout.print(f"  {line}")
