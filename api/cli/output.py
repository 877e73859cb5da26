"""Printing analysis results: ``--format table|json|csv|md|xlsx``, ``-o FILE``,
``--csv-dialect plain|excel-fi``.

``json`` prints exactly the documented JSON (``result.model_dump(mode="json")``), the
same in every language. ``csv``, ``md`` and ``xlsx`` are the renderings of
:mod:`turva.queries.tables` in the command's language (``turva --lang fi|sv|en``): the
same bytes as the API's ``?format=csv|md|xlsx&lang=...&dialect=...``. ``table`` (the
default) draws the same readable tables with rich: titles and headings in the command's
language, names beside ids, enum codes as words, each record's source. ``section`` picks
one section.

``-o FILE`` writes the file instead of printing it (with ``--format table``, the format
is the file's suffix: ``-o gaps.xlsx``). A workbook is never printed to a terminal.

The options ``-o`` and ``--csv-dialect`` come with :func:`output_options`, a decorator
on each analysis command, so that every command offers them alike.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from turva.api.cli.common import stdout
from turva.api.cli.language import _, current_lang, help_text
from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.queries.results import AnalysisResult
from turva.queries.tables import (
    TABLE_FORMATS,
    TableNames,
    TableOptions,
    readable_tables,
    render_table,
    tables,
)
from turva.queries.tables import section_title as tables_section_title
from turva.queries.words import column_words

__all__ = [
    "CsvDialect",
    "Format",
    "Output",
    "column_title",
    "output_options",
    "render",
    "section_title",
    "to_json",
]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"


class CsvDialect(StrEnum):
    """``--csv-dialect``: ``plain`` (``,``) or ``excel-fi`` (``;``, BOM, CRLF)."""

    plain = "plain"
    excel_fi = "excel-fi"


@dataclass(frozen=True)
class Output:
    """Where and how a command writes its result: ``-o`` and ``--csv-dialect``."""

    path: Path | None = None
    dialect: CsvDialect = CsvDialect.plain


_asked: ContextVar[Output | None] = ContextVar("turva_cli_output", default=None)

F = TypeVar("F", bound=Callable[..., Any])


def output_options(command: F) -> F:
    """Give an analysis command the options ``-o/--output`` and ``--csv-dialect``.

    They are read by :func:`render`, so a command passes nothing along: put this
    decorator under ``@app.command()``.
    """
    signature = inspect.signature(command)
    extra = [
        inspect.Parameter(
            "output",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(
                None,
                "--output",
                "-o",
                dir_okay=False,
                help=help_text(
                    "Write to this file instead of printing; with --format table the "
                    "file's suffix (.csv, .md, .xlsx, .json) picks the format."
                ),
            ),
            annotation=Path | None,
        ),
        inspect.Parameter(
            "csv_dialect",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(
                CsvDialect.plain,
                "--csv-dialect",
                help=help_text(
                    "CSV for: plain (comma, UTF-8) or excel-fi (semicolon, UTF-8 with BOM, "
                    "CRLF, decimal comma: a Finnish Excel opens it as it is)."
                ),
            ),
            annotation=CsvDialect,
        ),
    ]

    @functools.wraps(command)
    def with_output(
        *args: Any,
        output: Path | None = None,
        csv_dialect: CsvDialect = CsvDialect.plain,
        **kwargs: Any,
    ) -> Any:
        token = _asked.set(Output(output, CsvDialect(csv_dialect)))
        try:
            return command(*args, **kwargs)
        finally:
            _asked.reset(token)

    # Typer reads the command's options from its signature: the command's own, then these
    with_output.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra]
    )
    return with_output  # type: ignore[return-value]


def to_json(result: AnalysisResult) -> str:
    """The documented JSON of ``result``, indented."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)


def section_title(name: str) -> str:
    """A section's title in the command's language (:func:`turva.queries.tables.section_title`).

    >>> from turva.api.cli.language import use_lang
    >>> use_lang("en")
    'en'
    >>> section_title("overdue_measures")
    'Overdue measures'
    """
    return tables_section_title(name, _)


def column_title(section: str, column: str) -> str:
    """A column's heading in the command's language; a column of data (coverage's
    branch ids) keeps its name.

    >>> from turva.api.cli.language import use_lang
    >>> use_lang("fi")
    'fi'
    >>> column_title("overdue_measures", "id"), column_title("rows", "SM")
    ('Toimenpide', 'SM')
    """
    words = column_words(section, column)
    return _(words) if words else column


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _rich_tables(
    console: Console,
    result: AnalysisResult,
    section: str | None,
    context: str | None,
    options: TableOptions,
) -> None:
    if context:
        console.print(context, style="dim", markup=False)
    none = _("none")
    for part in readable_tables(result, section, options):
        title = escape(part.title)
        if not part.rows:
            console.print(f"[bold]{title}[/]: {escape(none)}")
            continue
        drawn = RichTable(title=f"{title} ({len(part.rows)})", title_justify="left")
        for i, heading in enumerate(part.header):
            numeric = all(
                isinstance(row[i], int | float) and not isinstance(row[i], bool)
                for row in part.rows
            )
            drawn.add_column(
                escape(heading), justify="right" if numeric else "left", overflow="fold"
            )
        for row in part.rows:
            drawn.add_row(*(escape(_text(c)) for c in row))
        console.print(drawn)


_SUFFIXES = {".csv": Format.csv, ".md": Format.md, ".xlsx": Format.xlsx, ".json": Format.json}


def _file_format(fmt: Format, path: Path | None) -> Format:
    """The format to write: ``fmt``, or for ``table`` into a file, the file's suffix."""
    if fmt is not Format.table or path is None:
        return fmt
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise BadArgument.said(
            N_(
                "--output %(path)s: a file of tables needs a format; add --format csv, md, "
                "xlsx or json, or name the file .csv, .md, .xlsx or .json"
            ),
            path=str(path),
        ) from None


def _write(data: bytes, path: Path | None) -> None:
    if path is not None:
        try:
            path.write_bytes(data)
        except OSError as e:
            raise BadArgument.said(
                N_("--output %(path)s: cannot write the file: %(reason)s"),
                path=str(path),
                reason=e.strerror or str(e),
            ) from None
        return
    # bytes, so the file is the API's byte for byte whatever the terminal's encoding
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def render(
    result: AnalysisResult,
    fmt: Format,
    *,
    section: str | None = None,
    context: str | None = None,
    names: Callable[[str], TableNames] | None = None,
) -> None:
    """Print ``result`` in ``fmt`` (or write it to ``-o``); ``context`` (period, date) is
    shown only in tables. ``names`` looks up the names shown beside ids in a language,
    called only when a table is drawn (none without it).
    """
    tables(result, section)  # a wrong --section is an error in every format
    asked = _asked.get() or Output()
    fmt = _file_format(fmt, asked.path)
    rendering = TABLE_FORMATS.get(fmt.value)
    if rendering is not None and rendering.binary and asked.path is None and sys.stdout.isatty():
        raise BadArgument.said(
            N_(
                "--format %(format)s makes a binary file, not text for a terminal: "
                "add -o FILE%(suffix)s (or redirect the output to a file)"
            ),
            format=fmt.value,
            suffix=rendering.suffix,
        )
    if fmt is Format.json:
        _write((to_json(result) + "\n").encode("utf-8"), asked.path)
        return
    lang = current_lang()
    options = TableOptions(
        lang=lang, names=names(lang) if names else None, dialect=asked.dialect.value
    )
    if rendering is not None:
        _write(render_table(result, rendering.name, section, options), asked.path)
    else:
        _rich_tables(stdout, result, section, context, options)
        sys.stdout.flush()
