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

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_SHEET_NAME",
    "MEDIA_TYPE",
    "Cell",
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
class Sheet:
    """One sheet: its name (made valid by :func:`workbook`), header row and rows."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]] = field(default_factory=tuple)


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
        if header:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    if not book.worksheets:
        book.create_sheet("Sheet")
    fixed = dt.datetime(*_FIXED_TIME)
    book.properties.creator = "turva"
    book.properties.created = fixed
    book.properties.modified = fixed
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _fixed_zip(raw.getvalue())


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
