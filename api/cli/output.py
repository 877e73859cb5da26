"""Printing analysis results: ``--format table|json|csv|md``.

``json`` prints exactly the documented JSON (``result.model_dump(mode="json")``);
``csv`` and ``md`` print the renderings of :mod:`turva.queries.tables` (the same bytes
as the API's ``?format=csv|md``, in every language); ``table`` (the default) draws the
sections of :func:`turva.queries.tables.tables` with rich for people, its titles and
headings in the command's language (the words of :mod:`turva.queries.words`).
``section`` picks one section.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from turva.api.cli.language import _
from turva.queries.results import AnalysisResult
from turva.queries.tables import TABLE_FORMATS, Cell, render_table, tables
from turva.queries.words import SECTION_TITLES, column_words

__all__ = [
    "Format",
    "column_title",
    "render",
    "section_title",
    "to_json",
]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def to_json(result: AnalysisResult) -> str:
    """The documented JSON of ``result``, indented."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)


def section_title(name: str) -> str:
    """A section's title in the command's language.

    >>> from turva.api.cli.language import use_lang
    >>> use_lang("en")
    'en'
    >>> section_title("overdue_measures"), section_title("a_new_section")
    ('Overdue measures', 'A new section')
    """
    words = SECTION_TITLES.get(name)
    return _(words) if words else name.replace("_", " ").capitalize()


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


def _rich_tables(
    console: Console, result: AnalysisResult, section: str | None, context: str | None
) -> None:
    if context:
        console.print(context, style="dim", markup=False)
    none = _("none")
    for part in tables(result, section):
        title = escape(section_title(part.name))
        if not part.rows:
            console.print(f"[bold]{title}[/]: {escape(none)}")
            continue
        drawn = RichTable(title=f"{title} ({len(part.rows)})", title_justify="left")
        for i, column in enumerate(part.columns):
            numeric = all(
                isinstance(row[i], int | float) and not isinstance(row[i], bool)
                for row in part.rows
            )
            drawn.add_column(
                column_title(part.name, column),
                justify="right" if numeric else "left",
                overflow="fold",
            )
        for row in part.rows:
            drawn.add_row(*(_text(c) for c in row))
        console.print(drawn)


def render(
    result: AnalysisResult,
    fmt: Format,
    *,
    console: Console,
    section: str | None = None,
    context: str | None = None,
) -> None:
    """Print ``result`` in ``fmt``; ``context`` (period, date) is shown only in tables."""
    tables(result, section)  # a wrong --section is an error in every format
    if fmt is Format.json:
        sys.stdout.write(to_json(result) + "\n")
    elif fmt.value in TABLE_FORMATS:
        # bytes, so the file is the API's byte for byte whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(render_table(result, fmt.value, section))
    else:
        _rich_tables(console, result, section, context)
    sys.stdout.flush()
