"""Analysis results as tables: the one tabular rendering for the CLI, the API and the pages.

Every result (:mod:`turva.queries.results`) has named **sections** (``overdue_measures``,
``rows``...), each a flat table of scalar cells: a list of ids becomes one cell of ids
separated by spaces (ids never contain spaces), a date its ``YYYY-MM-DD``.
:func:`tables` gives them; every rendering here is built on it, so ``turva gaps -f csv``
and ``GET /api/v1/analysis/gaps?format=csv`` are the same bytes.

- **CSV** (:func:`to_csv`): one table. One section (a result with one, or the one asked
  for) is that section's table; all sections of a result with several are stacked in one
  table whose first column is ``section`` and whose other columns are every section's
  columns in order of first appearance (cells a section lacks are empty). UTF-8, ``,``,
  ``"`` quoting only where needed, ``\\n`` line ends, a header row always. Text cells that
  a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return) get a leading ``'`` (:func:`neutralise`); numbers stay numbers.
- **Markdown** (:func:`to_markdown`): a ``## section`` heading and a table per section
  (``_none_`` for an empty one).

:data:`TABLE_FORMATS` lists the renderings by name with their media type and suffix; the
CLI's ``--format`` and the API's ``?format=`` offer them. A spreadsheet rendering plugs
in there: one sheet per :class:`Table` of :func:`tables`, numbers as numbers, text
through :func:`neutralise`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.queries.results import AnalysisResult

__all__ = [
    "Cell",
    "Table",
    "TableFormat",
    "TABLE_FORMATS",
    "FORMULA_PREFIXES",
    "section_names",
    "tables",
    "table",
    "neutralise",
    "to_csv",
    "to_markdown",
    "render_table",
]

#: a table cell: text, a number, a truth value or nothing
Cell = str | int | float | bool | None

#: what makes a spreadsheet read a text cell as a formula (OWASP, "CSV injection")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One section of a result: its name, its columns, its rows (cells in column order)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def dicts(self) -> list[dict[str, Cell]]:
        """The rows as column -> cell mappings."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return " ".join(str(_cell(v)) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def section_names(result: AnalysisResult) -> tuple[str, ...]:
    """The result's sections, in their documented order."""
    return tuple(result.columns())


def _chosen(result: AnalysisResult, section: str | None) -> dict[str, tuple[str, ...]]:
    columns = result.columns()
    if section is None:
        return columns
    if section not in columns:
        raise BadArgument.said(
            N_("unknown section %(section)s; the sections of this analysis are: %(known)s"),
            section=repr(section),
            known=", ".join(columns),
        )
    return {section: columns[section]}


def tables(result: AnalysisResult, section: str | None = None) -> list[Table]:
    """Every section of ``result`` as a :class:`Table`, or only ``section``.

    Raises :class:`~turva.graph.errors.BadArgument` for a section the result lacks.
    """
    chosen = _chosen(result, section)
    rows = result.tables()
    return [
        Table(name, columns, tuple(tuple(_cell(r.get(c)) for c in columns) for r in rows[name]))
        for name, columns in chosen.items()
    ]


def table(result: AnalysisResult, section: str | None = None) -> Table:
    """The one flat table of ``result``: a single section's, or every section stacked
    under a first column ``section`` (see the module's description)."""
    parts = tables(result, section)
    if len(parts) == 1:
        return parts[0]
    columns: list[str] = ["section"]
    for part in parts:
        columns += [c for c in part.columns if c not in columns]
    rows = []
    for part in parts:
        where = [columns.index(c) for c in part.columns]
        for row in part.rows:
            out: list[Cell] = [part.name] + [None] * (len(columns) - 1)
            for i, value in zip(where, row, strict=True):
                out[i] = value
            rows.append(tuple(out))
    return Table("all", tuple(columns), tuple(rows))


def neutralise(cell: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; others as
    they are, so a number stays a number:

    >>> neutralise("=HYPERLINK(x)"), neutralise("-3"), neutralise(-3), neutralise("a=b")
    ("'=HYPERLINK(x)", "'-3", -3, 'a=b')
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(neutralise(cell))


def to_csv(result: AnalysisResult, section: str | None = None) -> str:
    """CSV of :func:`table` (see the module's description)."""
    flat = table(result, section)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_text(c) for c in flat.columns])
    writer.writerows([_csv_text(c) for c in row] for row in flat.rows)
    return out.getvalue()


def _md_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def to_markdown(result: AnalysisResult, section: str | None = None) -> str:
    """Markdown: per section a ``## section`` heading and a table, ``_none_`` if empty."""
    blocks = []
    for part in tables(result, section):
        lines = [f"## {part.name}", ""]
        if part.rows:
            lines.append("| " + " | ".join(_md_text(c) for c in part.columns) + " |")
            lines.append("|" + "|".join(" --- " for _ in part.columns) + "|")
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in part.rows]
        else:
            lines.append("_none_")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class TableFormat:
    """A rendering of a result's tables as a file: ``csv``, ``md``..."""

    name: str
    #: the HTTP media type, with its charset for text
    media_type: str
    suffix: str
    render: Callable[[AnalysisResult, str | None], bytes]

    @property
    def mime(self) -> str:
        """The media type without parameters, as an ``Accept`` header names it."""
        return self.media_type.split(";")[0]


#: the renderings by name; the CLI's --format and the API's ?format= offer these
TABLE_FORMATS: dict[str, TableFormat] = {
    "csv": TableFormat(
        "csv", "text/csv; charset=utf-8", ".csv", lambda r, s: to_csv(r, s).encode("utf-8")
    ),
    "md": TableFormat(
        "md",
        "text/markdown; charset=utf-8",
        ".md",
        lambda r, s: to_markdown(r, s).encode("utf-8"),
    ),
}


def render_table(result: AnalysisResult, fmt: str, section: str | None = None) -> bytes:
    """``result`` (or one ``section``) in the table format named ``fmt``, as bytes."""
    try:
        rendering = TABLE_FORMATS[fmt]
    except KeyError:
        raise BadArgument(
            f"unknown table format {fmt!r}; use one of: {', '.join(TABLE_FORMATS)}"
        ) from None
    return rendering.render(result, section)
