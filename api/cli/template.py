"""`turva template`: an empty turva/1 workbook to fill in.

The workbook has the instructions sheet first, then every sheet with its header row and
pick lists for the enumerations (status, kind, role) and for ids on other sheets; its
layout is :mod:`turva.graph.domain.workbook_layout` (``docs/spreadsheet.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from turva.api.cli.common import app, stdout
from turva.api.cli.language import (
    _,
    _asked_on_command_line,
    _configured_lang,
    current_lang,
    help_text,
    locale_lang,
)
from turva.graph.domain.formats import format_for_path
from turva.graph.domain.workbook import template_bytes
from turva.graph.errors import BadArgument, DataFileError
from turva.graph.messages import N_

__all__ = ["sheet_language", "template"]

#: the formats a template can be written in
TEMPLATE_FORMATS = ("xlsx", "csv.zip")


def sheet_language() -> str:
    """The language of the workbooks a command writes: the command's own when one was
    asked for (``--lang``, ``TURVA_LANG``, the locale), else Finnish (not English, the
    command's last resort: the people who fill the sheets in work in Finnish first)."""
    asked = _asked_on_command_line(sys.argv) or _configured_lang() or locale_lang()
    return current_lang() if asked else "fi"


OUTPUT = typer.Option(
    ..., "-o", "--output", help=help_text("The file to write: FILE.xlsx or FILE.csv.zip.")
)


@app.command(
    help=help_text(
        "Write an empty workbook to fill in: instructions, every sheet with its headers and "
        "pick lists (.xlsx, or .csv.zip)."
    )
)
def template(
    output: Path = OUTPUT,
) -> None:
    """Write an empty workbook to fill in."""
    fmt = format_for_path(output, "export to")
    if fmt.name not in TEMPLATE_FORMATS:
        raise BadArgument.said(
            N_("A template is a workbook: name the file %(example)s (or .csv.zip)."),
            example=output.with_suffix(".xlsx").name,
        )
    lang = sheet_language()
    content = template_bytes(lang, fmt.name)
    try:
        output.write_bytes(content)
    except OSError as e:
        raise DataFileError.said(
            N_("Cannot write %(path)s: %(reason)s."), path=output, reason=e.strerror
        ) from e
    stdout.print(_("wrote an empty workbook to %(file)s") % {"file": output})
