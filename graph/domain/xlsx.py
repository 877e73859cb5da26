"""Spreadsheet workbooks (``.xlsx``): sheets of a header row and rows of cells, both ways.

One writer for every workbook turva makes: the analyses' exports
(:mod:`turva.queries.tables`) and the graph as a workbook. :func:`workbook` gives each
:class:`Sheet` a bold header row that stays in view (frozen) and carries an autofilter,
column widths that fit the text, numbers as numbers, dates as dates (shown in the
reader's own short date format: ``d.m.yyyy`` in a Finnish Excel) and text through
:func:`neutralise`, so that no cell runs as a formula. The bytes depend only on the
sheets: the same sheets give the same file, whoever writes it and when.

:func:`read_workbook` reads a workbook back into :class:`Sheet` s.

>>> book = workbook([Sheet("Measures", ("Id", "Ends"), [("M01", dt.date(2025, 6, 30))])])
>>> read_workbook(book)[0].rows
[('M01', datetime.date(2025, 6, 30))]
>>> sheet_name("Stakeholders: missing from groups?", set())
'Stakeholders missing from grou…'
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_SHEET_NAME",
    "MEDIA_TYPE",
    "Cell",
    "Dropdown",
    "Sheet",
    "neutralise",
    "read_workbook",
    "sheet_name",
    "workbook",
]

#: a cell: text, a number, a truth value, a date, or nothing
Cell = str | int | float | bool | dt.date | None

#: the media type of an ``.xlsx`` file
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: what makes a spreadsheet read a text cell as a formula (OWASP, "CSV injection")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Excel's limit on a sheet's name
MAX_SHEET_NAME = 31
#: Excel's limit on a cell's text
_MAX_CELL_TEXT = 32_767
#: characters a sheet's name may not hold
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
#: control characters the file format cannot hold (tab, line feed and return it can)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: the widest a column is made, in characters; longer text wraps in the reader's view
_MAX_WIDTH = 60
#: the last row of a sheet (Excel's limit): pick lists reach down to it
_LAST_ROW = 1_048_576
#: every part of the file gets this time, so that the bytes depend only on the content
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def neutralise(cell: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; others as
    they are, so a number stays a number:

    >>> neutralise("=HYPERLINK(x)"), neutralise("-3"), neutralise(-3), neutralise("a=b")
    ("'=HYPERLINK(x)", "'-3", -3, 'a=b')
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class Dropdown:
    """A list to pick a column's cells from (Excel's data validation of type *list*).

    ``source`` is a list of words (``'"planned,ongoing"'``, quoted) or a range of another
    sheet (``"'Organisations'!$A$2:$A$10000"``). With ``strict`` a value not in the list is
    refused; otherwise Excel only warns, so that names and ``;`` lists still go in.
    """

    column: int
    source: str
    strict: bool = False


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name (made valid by :func:`workbook`), header row and rows.

    ``dropdowns`` add pick lists to columns (below the header); a sheet that is not a
    ``table`` (text to read, such as instructions) has no frozen header and no autofilter.
    """

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]] = field(default_factory=tuple)
    dropdowns: Sequence[Dropdown] = ()
    table: bool = True


def sheet_name(title: str, taken: set[str]) -> str:
    """``title`` as a valid sheet name not in ``taken`` (compared ignoring case).

    Excel's rules: at most 31 characters, none of ``[ ] : * ? / \\``, not starting or
    ending with ``'``, not empty, unique in the workbook. A shortened name ends in ``…``;
    a repeated one gets `` (2)``, `` (3)``...

    >>> sheet_name("a/b", set()), sheet_name("", set()), sheet_name("Gaps", {"gaps"})
    ('a b', 'Sheet', 'Gaps (2)')
    """
    base = " ".join(_NOT_IN_SHEET_NAME.sub(" ", title).split()).strip("'").strip() or "Sheet"
    folded = {t.casefold() for t in taken}
    n = 1
    while True:
        suffix = "" if n == 1 else f" ({n})"
        room = MAX_SHEET_NAME - len(suffix)
        name = (base if len(base) <= room else base[: room - 1].rstrip() + "…") + suffix
        if name.casefold() not in folded:
            return name
        n += 1


def _value(cell: Cell) -> Cell:
    if isinstance(cell, str):
        text = _ILLEGAL.sub("", str(neutralise(cell)))
        return text[:_MAX_CELL_TEXT]
    return cell


def _width(cell: Cell) -> int:
    if cell is None:
        return 0
    if isinstance(cell, dt.date):
        return 10
    text = str(cell)
    return max((len(line) for line in text.splitlines()), default=0)


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry's time fixed, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The ``.xlsx`` file of ``sheets``, in order (see the module's description).

    Sheet names are made valid and unique with :func:`sheet_name`. A workbook has at least
    one sheet: no sheets give one empty sheet named ``Sheet``.
    """
    # openpyxl is a few hundred milliseconds to import: only a workbook pays for it
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        name = sheet_name(sheet.name, taken)
        taken.add(name)
        ws = book.create_sheet(name)
        header = [_value(h) for h in sheet.header]
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        widths = [_width(h) for h in header]
        for row in sheet.rows:
            values = [_value(c) for c in row]
            ws.append(values)
            for i, value in enumerate(values):
                if i < len(widths):
                    widths[i] = max(widths[i], _width(value))
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.date):
                    # Excel's built-in short date (format 14): the reader's own date format
                    cell.number_format = "mm-dd-yy"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)
        if header and sheet.table:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
        for dropdown in sheet.dropdowns:
            letter = get_column_letter(dropdown.column + 1)
            validation = DataValidation(
                type="list",
                formula1=dropdown.source,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop" if dropdown.strict else "warning",
            )
            validation.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.add_data_validation(validation)
    if not book.worksheets:
        book.create_sheet("Sheet")
    fixed = dt.datetime(*_FIXED_TIME)
    book.properties.creator = "turva"
    book.properties.created = fixed
    book.properties.modified = fixed
    raw = io.BytesIO()
    with _FixedTimeZip(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        _memory_writer(ExcelWriter)(book, archive).write_data()
    return raw.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose every entry has the same time and mode (see :func:`_fixed_zip`)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def _memory_writer(base: type) -> type:
    """openpyxl's writer, writing each worksheet in memory instead of through a temporary
    file (which took most of the time of writing a small workbook)."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter

    class MemoryWriter(base):  # type: ignore[misc, valid-type]
        def write_worksheet(self, ws: Any) -> None:
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            out = io.BytesIO()
            writer = WorksheetWriter(ws, out=out)
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], out.getvalue())
            self.manifest.append(ws)

    return MemoryWriter


def _read_cell(value: object) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)


def read_workbook(data: bytes) -> list[Sheet]:
    """Every sheet of an ``.xlsx`` file: its name, first row as the header, other rows.

    Cells come back as written: text, numbers, truth values, dates (a date-time at
    midnight is a date), empty cells as None. Text is not un-neutralised.
    """
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            rows = [tuple(_read_cell(v) for v in row) for row in ws.iter_rows(values_only=True)]
            header = tuple("" if v is None else str(v) for v in rows[0]) if rows else ()
            sheets.append(Sheet(ws.title, header, rows[1:]))
        return sheets
    finally:
        book.close()
