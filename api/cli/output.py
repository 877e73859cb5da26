"""Printing analysis results: ``--format table|json|csv|md``.

``json`` prints exactly the documented JSON (``result.model_dump(mode="json")``);
``csv`` and ``md`` print the flat sections of ``result.tables()`` (lists of ids as one
space-separated cell); ``table`` (the default) draws them with rich for people.
A result with several sections prints each one; ``section`` picks one of them.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from turva.graph.errors import BadArgument
from turva.queries.results import AnalysisResult

__all__ = ["Format", "render", "to_csv", "to_markdown", "to_json"]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _sections(result: AnalysisResult, section: str | None) -> dict[str, tuple[str, ...]]:
    columns = result.columns()
    if section is None:
        return columns
    if section not in columns:
        raise BadArgument(
            f"unknown section {section!r} for --section; choose one of: {', '.join(columns)}"
        )
    return {section: columns[section]}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def to_json(result: AnalysisResult) -> str:
    """The documented JSON of ``result``, indented."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)


def to_csv(result: AnalysisResult, section: str | None = None) -> str:
    """CSV of one section, or of every section as blocks headed by ``# section``."""
    sections = _sections(result, section)
    tables = result.tables()
    out = io.StringIO()
    for i, (name, columns) in enumerate(sections.items()):
        if len(sections) > 1:
            out.write(("\n" if i else "") + f"# {name}\n")
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(tables[name])
    return out.getvalue()


def _md_cell(value: Any) -> str:
    return _text(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: AnalysisResult, section: str | None = None) -> str:
    """Markdown tables, one per section, each under a ``## section`` heading."""
    sections = _sections(result, section)
    tables = result.tables()
    blocks = []
    for name, columns in sections.items():
        lines = [f"## {name}", ""]
        rows = tables[name]
        if rows:
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "|".join(" --- " for _ in columns) + "|")
            lines += ["| " + " | ".join(_md_cell(r.get(c)) for c in columns) + " |" for r in rows]
        else:
            lines.append("_none_")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _rich_tables(
    console: Console, result: AnalysisResult, section: str | None, context: str | None
) -> None:
    if context:
        console.print(context, style="dim")
    tables = result.tables()
    for name, columns in _sections(result, section).items():
        rows = tables[name]
        if not rows:
            console.print(f"[bold]{_title(name)}[/]: none")
            continue
        table = Table(title=f"{_title(name)} ({len(rows)})", title_justify="left", show_lines=False)
        for column in columns:
            numeric = all(isinstance(r.get(column), int | float) for r in rows)
            table.add_column(column, justify="right" if numeric else "left", overflow="fold")
        for row in rows:
            table.add_row(*(_text(row.get(c)) for c in columns))
        console.print(table)


def render(
    result: AnalysisResult,
    fmt: Format,
    *,
    console: Console,
    section: str | None = None,
    context: str | None = None,
) -> None:
    """Print ``result`` in ``fmt``; ``context`` (period, date) is shown only in tables."""
    _sections(result, section)  # a wrong --section is an error in every format
    if fmt is Format.json:
        sys.stdout.write(to_json(result) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(result, section))
    elif fmt is Format.md:
        sys.stdout.write(to_markdown(result, section))
    else:
        _rich_tables(console, result, section, context)
    sys.stdout.flush()
