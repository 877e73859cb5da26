"""turva/1 documents as workbooks: ``.xlsx`` and the same sheets as CSV files in a ``.csv.zip``.

The layout (sheets, columns, their words in Finnish, Swedish and English) is
:mod:`turva.graph.domain.workbook_layout`; ``docs/spreadsheet.md`` describes it for people.
Both formats are registered in :mod:`turva.graph.domain.formats`, so ``turva load`` and
``turva export``, the import endpoint and the export's ``?format=`` use them like YAML.

Writing (:func:`write_xlsx`, :func:`write_csv_zip`) is lossless: reading the bytes back gives
a document that loads into the same graph, and whatever a sheet cannot hold (a key turva/1
does not define) goes to the document sheet as JSON. A whole float such as ``3.0`` is
written as the text ``3.0`` so that it reads back as a float, not as the whole number 3.

Reading (:func:`read_xlsx`, :func:`read_csv_zip`) accepts sheet names and headers in any of
the three languages (each header row in one of them), enumeration words in any language
(or the codes), and ids or names in reference cells. Every problem is reported at once
with its cell, ``Toimenpiteet!D12``, and the validation issues of the document (paths such
as ``measures[3].status``) are mapped back to cells by :func:`locate_issues`.

>>> doc = {"format": "turva/1", "themes": [{"id": "t1", "name": {"fi": "arki"}}]}
>>> read_xlsx(write_xlsx(doc), "x.xlsx")["themes"]
[{'id': 't1', 'name': {'fi': 'arki'}}]
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import datetime as dt
import difflib
import functools
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from turva.graph.domain import words as enum_words
from turva.graph.domain.formats import MAX_FILE_BYTES, DocumentContentError, json_text
from turva.graph.domain.workbook_layout import (
    INSTRUCTIONS,
    LANGS,
    SHEETS,
    Column,
    SheetSpec,
    sheet_spec,
)
from turva.graph.domain.xlsx import FORMULA_PREFIXES, Dropdown, Sheet, workbook
from turva.graph.errors import DataFileError, ValidationFailed, ValidationIssue, Word
from turva.graph.messages import N_, gettext_for

__all__ = [
    "CSV_ZIP_MEDIA_TYPE",
    "WorkbookDocument",
    "document_sheets",
    "locate_issues",
    "read_csv_zip",
    "read_xlsx",
    "template_bytes",
    "workbook_language",
    "written_in",
    "write_csv_zip",
    "write_xlsx",
]

CSV_ZIP_MEDIA_TYPE = "application/zip"

#: the language workbooks are written in (:func:`written_in`); Finnish unless asked
_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("workbook_lang", default="fi")

#: Excel's limit on a cell's text
MAX_CELL_TEXT = 32_767
#: how much a workbook's parts may unpack to: far more than any turva/1 document needs
MAX_UNPACKED_BYTES = 8 * MAX_FILE_BYTES
#: the rows a pick list of ids reaches down to on the other sheet
_ID_ROWS = 20_000

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SECTION_AT = re.compile(r"([a-z_]+)\[([0-9]+)\]")


@contextlib.contextmanager
def written_in(lang: str) -> Iterator[None]:
    """Workbooks written inside are in ``lang`` (``fi``, ``sv`` or ``en``)."""
    token = _LANG.set(lang if lang in LANGS else "fi")
    try:
        yield
    finally:
        _LANG.reset(token)


def workbook_language() -> str:
    """The language workbooks are written in here (see :func:`written_in`)."""
    return _LANG.get()


# --- enumerations ----------------------------------------------------------------------

_ENUM_CODES: dict[str, tuple[str, ...]] = {
    "status": tuple(enum_words.STATUSES),
    "kind": tuple(enum_words.ORGANISATION_KINDS),
    "body_kind": tuple(enum_words.BODY_KINDS),
    "member_role": ("lead", "member"),
    "responsible_role": ("lead", "partner"),
    "direction": tuple(enum_words.DIRECTIONS),
}
_ENUM_WORDS: dict[str, dict[str, str]] = {
    "status": enum_words.STATUSES,
    "kind": enum_words.ORGANISATION_KINDS,
    "body_kind": enum_words.BODY_KINDS,
    "member_role": enum_words.ROLES,
    "responsible_role": enum_words.ROLES,
    "direction": enum_words.DIRECTIONS,
}
#: what an enumeration is called in messages
_ENUM_NOUNS = {
    "status": Word(N_("status")),
    "kind": Word(N_("kind")),
    "body_kind": Word(N_("kind")),
    "member_role": Word(N_("role")),
    "responsible_role": Word(N_("role")),
    "direction": Word(N_("direction")),
}


def enum_word(enum: str, code: str, lang: str) -> str:
    """The word of ``code`` in ``lang`` (the code itself when it is none of them).

    >>> enum_word("status", "ongoing", "fi"), enum_word("member_role", "lead", "en")
    ('käynnissä', 'lead')
    """
    words = _ENUM_WORDS[enum]
    if code not in _ENUM_CODES[enum]:
        return code
    return gettext_for(lang)(words[code])


@functools.cache
def _enum_lookup(enum: str) -> dict[str, str]:
    """Every word (in every language) and code of ``enum``, folded, -> its code."""
    out: dict[str, str] = {}
    for code in _ENUM_CODES[enum]:
        out[code.casefold()] = code
        for lang in LANGS:
            out.setdefault(enum_word(enum, code, lang).casefold(), code)
    return out


# --- writing ---------------------------------------------------------------------------


def _escape(text: str, xlsx: bool) -> str:
    """Text for a cell: a leading ``'`` when a spreadsheet would take it for a formula (or
    it starts with ``'`` itself: the reader takes one away); in ``.xlsx`` the characters XML
    cannot hold and ``_xHHHH_`` look-alikes as the format's own ``_xHHHH_`` escapes."""
    if text.startswith((*FORMULA_PREFIXES, "'")):
        text = "'" + text
    if xlsx:
        text = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(), text)
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _unescape(text: str) -> str:
    return text[1:] if text.startswith("'") else text


class _Unwritable(Exception):
    """A section or history the sheets cannot hold as rows (it goes as JSON instead)."""


def _cell_value(column: Column, value: Any, lang: str, xlsx: bool) -> Any:
    """The cell of ``value`` in ``column``; raises _Unwritable when it does not fit."""
    if value is None:
        return None
    kind = column.kind
    if kind == "json":
        return _escape(json_text(value), xlsx)
    if kind in ("text", "id"):
        if not isinstance(value, str):
            raise _Unwritable
        return _escape(value, xlsx)
    if kind in ("ref", "owner"):
        if not isinstance(value, str) or ";" in value:
            raise _Unwritable
        return _escape(value, xlsx)
    if kind == "refs":
        if not isinstance(value, list) or not all(
            isinstance(v, str) and _ID.fullmatch(v) for v in value
        ):
            raise _Unwritable
        return "; ".join(value) if value else None
    if kind == "enum":
        if not isinstance(value, str) or value not in _ENUM_CODES[column.enum or ""]:
            raise _Unwritable
        return enum_word(column.enum or "", value, lang)
    if kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Unwritable
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _Unwritable
            if value.is_integer():
                return repr(value)  # "3.0": text, so that it reads back as a float
        return value if xlsx else repr(value)
    if kind == "date":
        day = value
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise _Unwritable from None
            if day.isoformat() != value:
                raise _Unwritable
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise _Unwritable
        return day if xlsx else day.isoformat()
    raise _Unwritable


def _get(record: dict[str, Any], column: Column) -> Any:
    value: Any = record
    for part in column.path:
        if not isinstance(value, dict):
            raise _Unwritable
        value = value.get(part)
        if value is None:
            return None
    return value


def _record_keys(spec: SheetSpec) -> set[str]:
    keys = {column.path[0] for column in spec.columns}
    for other in SHEETS:
        if other.section == spec.section and other.field:
            keys.add(other.field)
    return keys


def _check_nested(record: dict[str, Any], spec: SheetSpec) -> None:
    """Refuse mappings with keys the columns do not cover (``name: {de: ...}``)."""
    covered: dict[str, set[str]] = {}
    for column in spec.columns:
        if len(column.path) == 2:
            covered.setdefault(column.path[0], set()).add(column.path[1])
    for key, subkeys in covered.items():
        value = record.get(key)
        if value is not None and (not isinstance(value, dict) or not value or set(value) - subkeys):
            raise _Unwritable


def _section_rows(
    spec: SheetSpec, records: Any, lang: str, xlsx: bool
) -> tuple[list[list[Any]], dict[str, list[list[Any]]]]:
    """The rows of a record sheet and of its relationship sheets; _Unwritable if a record
    holds what the columns cannot."""
    if not isinstance(records, list):
        raise _Unwritable
    rows: list[list[Any]] = []
    entries: dict[str, list[list[Any]]] = {}
    entry_specs = [s for s in SHEETS if s.section == spec.section and s.field]
    allowed = _record_keys(spec)
    for record in records:
        if not isinstance(record, dict) or set(record) - allowed or "id" not in record:
            raise _Unwritable
        _check_nested(record, spec)
        rows.append([_cell_value(c, _get(record, c), lang, xlsx) for c in spec.columns])
        for entry_spec in entry_specs:
            field_name = entry_spec.field or ""
            if field_name not in record:
                raise _Unwritable  # a list the sheet would give back as empty
            items = record[field_name]
            if not isinstance(items, list):
                raise _Unwritable
            sheet_rows = entries.setdefault(entry_spec.key, [])
            for item in items:
                if not isinstance(item, dict) or set(item) - {"organisation", "role", "source"}:
                    raise _Unwritable
                values = {"owner": record["id"], **item}
                sheet_rows.append(
                    [_cell_value(c, values.get(c.key), lang, xlsx) for c in entry_spec.columns]
                )
    return rows, entries


_OBSERVATION_KEYS = frozenset({"indicator", "year", "value", "source"})


def _observation_rows(observations: Any, lang: str, xlsx: bool) -> list[list[Any]]:
    """The rows of the observations sheet; _Unwritable when one holds what the columns
    cannot (another key, or a key whose value is null: an empty cell reads as no key)."""
    spec = sheet_spec("observations")
    if not isinstance(observations, list):
        raise _Unwritable
    rows = []
    for observation in observations:
        if not isinstance(observation, dict) or set(observation) - _OBSERVATION_KEYS:
            raise _Unwritable
        if any(v is None for v in observation.values()):
            raise _Unwritable
        rows.append([_cell_value(c, observation.get(c.key), lang, xlsx) for c in spec.columns])
    return rows


_CHANGE_KEYS = ("change", "at", "who", "type", "id", "action", "before", "after")


def _change_rows(changes: Any, lang: str, xlsx: bool) -> list[list[Any]]:
    spec = sheet_spec("changes")
    if not isinstance(changes, list):
        raise _Unwritable
    rows = []
    for change in changes:
        if not isinstance(change, dict) or tuple(change) != _CHANGE_KEYS:
            raise _Unwritable
        if any(change[k] is not None and not isinstance(change[k], str) for k in _CHANGE_KEYS[:6]):
            raise _Unwritable
        if any(change[k] == "" for k in _CHANGE_KEYS[:6]):
            raise _Unwritable
        rows.append([_cell_value(c, change[c.key], lang, xlsx) for c in spec.columns])
    return rows


def _header(spec: SheetSpec, lang: str) -> list[str]:
    return [column.words[lang] for column in spec.columns]


def _quoted(name: str) -> str:
    """A sheet's name as a formula or a cell reference writes it."""
    if re.fullmatch(r"[^\W\d][\w.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _dropdowns(spec: SheetSpec, lang: str) -> list[Dropdown]:
    out = []
    for i, column in enumerate(spec.columns):
        if column.kind == "enum":
            choices = [
                enum_word(column.enum or "", c, lang) for c in _ENUM_CODES[column.enum or ""]
            ]
            out.append(Dropdown(i, '"' + ",".join(choices) + '"'))
        elif column.kind in ("ref", "refs", "owner") and column.target:
            other = sheet_spec(column.target).words[lang]
            # quoted unless plain ASCII: what every spreadsheet program reads in a formula
            plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", other)
            quoted = other if plain else "'" + other.replace("'", "''") + "'"
            out.append(Dropdown(i, f"{quoted}!$A$2:$A${_ID_ROWS}"))
    return out


def document_sheets(data: dict[str, Any], lang: str, *, xlsx: bool = True) -> list[Sheet]:
    """The sheets of ``data`` in ``lang``: instructions, the document, every record
    sheet (empty ones too: the workbook doubles as a form) and the change history."""
    document_rows: list[list[Any]] = []
    rows: dict[str, list[list[Any]]] = {}
    for key, value in data.items():
        if key in {s.key for s in SHEETS if s.section and not s.field}:
            try:
                section_rows, entry_rows = _section_rows(sheet_spec(key), value, lang, xlsx)
            except _Unwritable:
                document_rows.append([_escape(key, xlsx), _escape(json_text(value), xlsx)])
                continue
            rows[key] = section_rows
            rows.update(entry_rows)
        elif key == "changes":
            try:
                rows["changes"] = _change_rows(value, lang, xlsx)
            except _Unwritable:
                document_rows.append([_escape(key, xlsx), _escape(json_text(value), xlsx)])
        elif key == "observations":
            try:
                rows["observations"] = _observation_rows(value, lang, xlsx)
            except _Unwritable:
                document_rows.append([_escape(key, xlsx), _escape(json_text(value), xlsx)])
        elif key == "format" and isinstance(value, str):
            document_rows.append(["format", _escape(value, xlsx)])
        else:
            document_rows.append([_escape(key, xlsx), _escape(json_text(value), xlsx)])
    for row in document_rows:
        if any(isinstance(c, str) and len(c) > MAX_CELL_TEXT for c in row):
            raise DataFileError.said(
                N_(
                    "Cannot write %(key)s to a workbook: it is longer than a cell holds "
                    "(%(limit)s characters). Export it as YAML or JSON."
                ),
                key=repr(row[0]),
                limit=MAX_CELL_TEXT,
            )
    sheets = [
        Sheet(
            sheet_spec("instructions").words[lang],
            [INSTRUCTIONS[lang][0]],
            [[line] for line in INSTRUCTIONS[lang][1:]],
            table=False,
        )
    ]
    for spec in SHEETS[1:]:
        sheet_rows = document_rows if spec.key == "document" else rows.get(spec.key, [])
        dropdowns = _dropdowns(spec, lang) if xlsx else []
        sheets.append(Sheet(spec.words[lang], _header(spec, lang), sheet_rows, dropdowns))
    return sheets


def write_xlsx(data: dict[str, Any]) -> bytes:
    """``data`` as an ``.xlsx`` workbook in the language of :func:`written_in`."""
    return workbook(document_sheets(data, _LANG.get(), xlsx=True))


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def write_csv_zip(data: dict[str, Any]) -> bytes:
    """``data`` as a zip of CSV files, one a sheet (UTF-8 with a BOM, so that Excel reads
    it as UTF-8; commas; the same bytes for the same data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in document_sheets(data, _LANG.get(), xlsx=False):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(sheet.header)
            for row in sheet.rows:
                writer.writerow(["" if c is None else _csv_cell(c) for c in row])
            info = zipfile.ZipInfo(sheet.name + ".csv", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, ("\ufeff" + text.getvalue()).encode("utf-8"))
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def template_bytes(lang: str, fmt: str = "xlsx") -> bytes:
    """An empty workbook in ``lang``: headers, instructions and pick lists."""
    with written_in(lang):
        empty = {"format": "turva/1"}
        return write_csv_zip(empty) if fmt == "csv.zip" else write_xlsx(empty)


# --- reading: the sheets ---------------------------------------------------------------


def _letters(index: int) -> str:
    """``0`` -> ``A``, ``27`` -> ``AB``."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _check_zip(raw: bytes, name: str, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise DataFileError.said(
            N_("%(name)s is not a %(what)s file (%(reason)s). Save it as %(what)s again."),
            name=name,
            what=what,
            reason=str(e) or type(e).__name__,
        ) from e
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise DocumentContentError.said(
            N_("%(name)s unpacks to more than %(limit)s MiB; it cannot be a turva/1 workbook."),
            name=name,
            limit=MAX_UNPACKED_BYTES // 2**20,
        )
    return archive


def _xlsx_sheets(raw: bytes, name: str) -> list[tuple[str, list[list[Any]]]]:
    _check_zip(raw, name, "Excel (.xlsx)").close()
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            sheets.append((sheet_name, rows))
    except Exception as e:  # calamine's errors have no common base beyond Exception
        raise DataFileError.said(
            N_("%(name)s is not a %(what)s file (%(reason)s). Save it as %(what)s again."),
            name=name,
            what="Excel (.xlsx)",
            reason=str(e).splitlines()[0] if str(e) else type(e).__name__,
        ) from e
    return sheets


def _csv_sheets(raw: bytes, name: str) -> list[tuple[str, list[list[Any]]]]:
    archive = _check_zip(raw, name, "zip")
    sheets = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            base = info.filename.rsplit("/", 1)[-1]
            if not base.lower().endswith(".csv"):
                sheets.append((base, [["?"]]))  # reported as an unknown sheet
                continue
            try:
                text = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError as e:
                raise DataFileError.said(
                    N_(
                        "%(name)s: %(file)s is not UTF-8 text (byte %(byte)s is not valid). "
                        "Save it as CSV UTF-8."
                    ),
                    name=name,
                    file=info.filename,
                    byte=e.start,
                ) from e
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
                raise DataFileError.said(
                    N_("%(name)s is not a %(what)s file (%(reason)s). Save it as %(what)s again."),
                    name=name,
                    what="zip",
                    reason=str(e) or type(e).__name__,
                ) from e
            first = text.split("\n", 1)[0]
            delimiter = ";" if first.count(";") > first.count(",") else ","
            try:
                rows = [
                    list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                ]
            except csv.Error as e:
                raise DataFileError.said(
                    N_("%(name)s: %(file)s is not valid CSV: %(reason)s."),
                    name=name,
                    file=info.filename,
                    reason=str(e),
                ) from e
            sheets.append((base[:-4], rows))
    return sheets


# --- reading: cells to values ----------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message_id: str, **params: Any):
        self.message_id = message_id
        self.params = params


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return _unescape(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _number(value: Any, whole: bool) -> int | float:
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise _CellError(N_("expected a number, got %(value)s"), value=repr(_as_text(value)))
    if isinstance(value, int):
        number: int | float = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else value
    else:
        text = _unescape(str(value)).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma
        if text.lower().lstrip("+-.") in ("inf", "infinity", "nan"):
            raise _CellError(N_("expected a finite number, got %(value)s"), value=repr(value))
        if not _NUMBER_TEXT.fullmatch(text):
            raise _CellError(N_("expected a number, got %(value)s"), value=repr(value))
        if re.fullmatch(r"[+-]?[0-9]+", text):
            number = int(text)
        else:
            number = float(text)
            if not math.isfinite(number):
                raise _CellError(N_("expected a finite number, got %(value)s"), value=repr(value))
    if whole and isinstance(number, float):
        if not number.is_integer():
            raise _CellError(
                N_("expected a whole number, got %(value)s"), value=repr(_as_text(value))
            )
        number = int(number)
    return number


_FINNISH_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise _CellError(
                N_("expected a date, not a date and time: %(value)s"), value=value.isoformat()
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = _unescape(value).strip()
        shape = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
        finnish = _FINNISH_DATE.fullmatch(text)
        if shape or finnish:
            y, m, d = (
                (int(shape[1]), int(shape[2]), int(shape[3]))
                if shape
                else (int(finnish[3]), int(finnish[2]), int(finnish[1]))  # type: ignore[index]
            )
            try:
                return dt.date(y, m, d)
            except ValueError:
                raise _CellError(
                    N_("%(value)s is no day of the calendar"), value=repr(text)
                ) from None
    raise _CellError(
        N_("expected a date YYYY-MM-DD or D.M.YYYY, got %(value)s"), value=repr(_as_text(value))
    )


def _suggest(value: str, words: list[str]) -> str | None:
    close = difflib.get_close_matches(value.casefold(), [w.casefold() for w in words], n=1)
    if not close:
        return None
    return next(w for w in words if w.casefold() == close[0])


def _enum(value: Any, enum: str, lang: str) -> str:
    text = _as_text(value).strip()
    lookup = _enum_lookup(enum)
    code = lookup.get(text.casefold())
    if code is not None:
        return code
    shown = [enum_word(enum, c, lang) for c in _ENUM_CODES[enum]]
    everything = shown + [w for w in lookup if w not in {s.casefold() for s in shown}]
    suggestion = _suggest(text, everything)
    noun = _ENUM_NOUNS[enum]
    if suggestion:
        raise _CellError(
            N_("unknown %(what)s %(value)s (did you mean %(suggestion)s?)"),
            what=noun,
            value=repr(text),
            suggestion=repr(suggestion),
        )
    raise _CellError(
        N_("unknown %(what)s %(value)s; use one of %(choices)s"),
        what=noun,
        value=repr(text),
        choices=", ".join(shown),
    )


# --- reading: the workbook -------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _column_prefix(sheet: str, column: int) -> str:
    """``Toimenpiteet!D``: a cell's sheet and column, to which its row is added."""
    return f"{_quoted(sheet)}!{_letters(column)}"


def _cell(sheet: str, column: int, row: int) -> str:
    """``Toimenpiteet!D12``: a cell as a person finds it (0-based column, 1-based row)."""
    return _column_prefix(sheet, column) + str(row)


@dataclass
class _Place:
    """Where a record (or a relationship row, a change, a document key) is."""

    sheet: str
    row: int
    #: column key -> column letter
    letters: dict[str, str]
    default: str = "A"

    def cell(self, key: str | None) -> str:
        letter = self.default
        if key:
            letter = self.letters.get(key) or next(
                (v for k, v in self.letters.items() if k.startswith(key + ".")), self.default
            )
        return f"{_quoted(self.sheet)}!{letter}{self.row}"


class WorkbookDocument(dict[str, Any]):
    """A document read from a workbook: a plain turva/1 mapping that also knows the cell
    of each record, so that issues found later (by the load, against the graph) name
    cells too (:func:`locate_issues`)."""

    places: dict[tuple[str | int, ...], _Place]
    sheet_order: list[str]

    def locate(self, loc: tuple[str | int, ...]) -> str | None:
        """The cell of a validation path (``("measures", 3, "status")``), or None."""
        for n in range(len(loc), 0, -1):
            place = self.places.get(loc[:n])
            if place is not None:
                rest = [p for p in loc[n:] if isinstance(p, str)]
                return place.cell(".".join(rest) if rest else None)
        return None


def locate_issues(error: ValidationFailed, data: Any) -> ValidationFailed:
    """``error`` with each issue's path (``measures[3].status``) turned into its cell
    (``Toimenpiteet!D5``) when ``data`` was read from a workbook; else ``error`` itself."""
    if not isinstance(data, WorkbookDocument):
        return error
    issues = [_located(issue, data) for issue in error.issues]
    return ValidationFailed(_sorted(issues, data))


_MISSING = N_("required field is missing")


#: issues the model reports at a record (or a goal's ``target``) whose cell is one of its
#: fields: the cell a person changes to fix it
_AT_FIELD = {
    "end %(end)s is before start %(start)s": "end",
    "the target year %(year)s must be after the baseline year %(baseline_year)s": "year",
}


def _located(issue: ValidationIssue, data: WorkbookDocument) -> ValidationIssue:
    loc = issue.loc
    if issue.message_id in _AT_FIELD and loc and loc[-1] != _AT_FIELD[issue.message_id]:
        loc = (*loc, _AT_FIELD[issue.message_id])
    cell = data.locate(loc) if loc else None
    if cell is None:
        return issue
    params = dict(issue.params)
    for key, value in params.items():
        found = _SECTION_AT.fullmatch(value) if isinstance(value, str) else None
        if found:
            other = data.locate((found[1], int(found[2])))
            if other:
                params[key] = other
    message_id = issue.message_id
    if message_id == _MISSING:
        message_id = N_("required cell is empty")
    if message_id is None:
        return ValidationIssue((cell,), issue.message)
    return ValidationIssue.said((cell,), message_id, **params)


def _cell_key(issue: ValidationIssue, order: dict[str, int]) -> tuple[int, int, int, str]:
    text = str(issue.loc[0]) if issue.loc else ""
    sheet, _, ref = text.rpartition("!")
    found = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    sheet = sheet.strip("'").replace("''", "'")
    if not found:
        return (order.get(text.strip("'").replace("''", "'"), -1), 0, 0, text)
    column = 0
    for ch in found[1]:
        column = column * 26 + ord(ch) - 64
    return (order.get(sheet, len(order)), int(found[2]), column, text)


def _sorted(issues: list[ValidationIssue], data: WorkbookDocument) -> list[ValidationIssue]:
    order = {name: i for i, name in enumerate(data.sheet_order)}
    return sorted(issues, key=lambda issue: _cell_key(issue, order))


@dataclass
class _Reader:
    """One reading of a workbook's sheets into a :class:`WorkbookDocument`."""

    name: str
    issues: list[ValidationIssue] = field(default_factory=list)
    doc: WorkbookDocument = field(default_factory=WorkbookDocument)
    lang: str = "fi"
    #: references to resolve once every record is read: (cell, section, text, setter)
    pending: list[tuple[str, str, str, Any, Any]] = field(default_factory=list)
    bad_cells: set[str] = field(default_factory=set)

    def issue(self, cell: str, message_id: str, **params: Any) -> None:
        self.bad_cells.add(cell)
        self.issues.append(ValidationIssue.said((cell,), message_id, **params))

    # the sheets ---------------------------------------------------------------------

    def read(self, sheets: list[tuple[str, list[list[Any]]]]) -> WorkbookDocument:
        self.doc.places = {}
        self.doc.sheet_order = [sheet_name for sheet_name, _ in sheets]
        known: dict[str, tuple[str, list[list[Any]]]] = {}
        langs: dict[str, int] = {}
        unknown: list[str] = []
        for sheet_name, rows in sheets:
            folded = sheet_name.strip().casefold()
            spec = next(
                (s for s in SHEETS if folded in {w.casefold() for w in s.words.values()}),
                None,
            )
            if spec is None:
                unknown.append(sheet_name)
                continue
            for lang in LANGS:
                if spec.words[lang].casefold() == folded:
                    langs[lang] = langs.get(lang, 0) + 1
            if spec.key in known:
                self.issue(
                    _quoted(sheet_name),
                    N_("the sheet %(sheet)s holds what %(other)s holds; keep one of the two"),
                    sheet=repr(sheet_name),
                    other=repr(known[spec.key][0]),
                )
                continue
            known[spec.key] = (sheet_name, rows)
        if langs:
            self.lang = max(LANGS, key=lambda lang: (langs.get(lang, 0), lang == "fi"))
        for sheet_name in unknown:
            self.issue(
                _quoted(sheet_name),
                N_("unknown sheet %(sheet)s; a turva/1 workbook has the sheets %(expected)s"),
                sheet=repr(sheet_name),
                expected=", ".join(s.words[self.lang] for s in SHEETS),
            )
        tables: dict[str, tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]]] = {}
        for spec in SHEETS[1:]:
            if spec.key in known:
                sheet_name, rows = known[spec.key]
                tables[spec.key] = (sheet_name, *self._table(spec, sheet_name, rows))
        self._document(tables.get("document"))
        for spec in SHEETS:
            if spec.section and not spec.field and spec.key in tables:
                self._records(spec, tables[spec.key])
        for spec in SHEETS:
            if spec.field:
                self._entries(spec, tables.get(spec.key), known)
        self._observations(tables.get("observations"))
        self._changes(tables.get("changes"))
        self._resolve()
        return self.doc

    def _table(
        self, spec: SheetSpec, sheet_name: str, rows: list[list[Any]]
    ) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, int]]:
        """The sheet's data rows (1-based row number, column key -> raw cell) and the
        column of each key; header problems reported."""
        if not rows:
            return [], {}
        header = rows[0]
        columns: dict[str, int] = {}
        langs_of: list[tuple[int, str, set[str]]] = []
        for i, cell in enumerate(header):
            if _is_empty(cell):
                if any(len(r) > i and not _is_empty(r[i]) for r in rows[1:]):
                    self.issue(
                        _cell(sheet_name, i, 1),
                        N_("the column has values but no header; write its header or clear it"),
                    )
                continue
            text = _as_text(cell).strip()
            folded = text.casefold()
            column = next(
                (c for c in spec.columns if folded in {w.casefold() for w in c.words.values()}),
                None,
            )
            if column is None:
                self.issue(
                    _cell(sheet_name, i, 1),
                    N_("unknown column %(column)s; the columns of this sheet are %(expected)s"),
                    column=repr(text),
                    expected=", ".join(c.words[self.lang] for c in spec.columns),
                )
                continue
            if column.key in columns:
                self.issue(
                    _cell(sheet_name, i, 1),
                    N_("the column %(column)s is given twice (also in %(other)s)"),
                    column=repr(text),
                    other=_letters(columns[column.key]),
                )
                continue
            columns[column.key] = i
            langs_of.append(
                (i, text, {lang for lang in LANGS if column.words[lang].casefold() == folded})
            )
        if langs_of:
            common = set(LANGS)
            for _, _, langs in langs_of:
                common &= langs
            if not common:
                mostly = max(LANGS, key=lambda lang: sum(lang in ls for _, _, ls in langs_of))
                odd = [f"{_letters(i)}1 {text!r}" for i, text, ls in langs_of if mostly not in ls]
                self.issue(
                    _cell(sheet_name, 0, 1),
                    N_(
                        "the header row mixes languages (%(columns)s); write every header of "
                        "the sheet in one language: Finnish, Swedish or English"
                    ),
                    columns=", ".join(odd),
                )
        for column in spec.columns:
            if column.required and column.key not in columns:
                self.issue(
                    _cell(sheet_name, 0, 1),
                    N_("the column %(column)s is missing; add it to the header row"),
                    column=repr(column.words[self.lang]),
                )
        data = []
        for r, row in enumerate(rows[1:], start=2):
            if all(_is_empty(v) for v in row):
                continue
            data.append((r, {key: row[i] if i < len(row) else None for key, i in columns.items()}))
        return data, columns

    def _place(
        self, sheet_name: str, row: int, columns: dict[str, int], default: str = "id"
    ) -> _Place:
        letters = {key: _letters(i) for key, i in columns.items()}
        return _Place(sheet_name, row, letters, letters.get(default, "A"))

    def _convert(self, column: Column, raw: Any, cell: str, section: str | None = None) -> Any:
        """The value of one cell (None when empty or wrong; the wrong one reported)."""
        if raw is None or (isinstance(raw, str) and raw == ""):
            return None
        kind = column.kind
        try:
            if kind == "text":
                return _as_text(raw)
            if _is_empty(raw):
                return None
            if kind == "id":
                return _as_text(raw).strip()
            if kind == "json":
                text = _as_text(raw)
                try:
                    return json.loads(text)
                except ValueError as e:
                    raise _CellError(N_("not valid JSON: %(reason)s"), reason=str(e)) from e
            if kind == "enum":
                return _enum(raw, column.enum or "", self.lang)
            if kind == "int":
                return _number(raw, whole=True)
            if kind == "number":
                return _number(raw, whole=False)
            if kind == "date":
                return _date(raw)
            if kind in ("ref", "owner"):
                return _as_text(raw).strip()
            if kind == "refs":
                return [p.strip() for p in _as_text(raw).split(";") if p.strip()]
        except _CellError as e:
            self.issue(cell, e.message_id, **e.params)
            return None
        raise AssertionError(kind)

    def _document(
        self, table: tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]] | None
    ) -> None:
        self.doc["format"] = "turva/1"
        if table is None:
            return
        sheet_name, rows, columns = table
        value_column = sheet_spec("document").columns[1]
        for row, cells in rows:
            key = _as_text(cells.get("key")) if not _is_empty(cells.get("key")) else None
            cell = _cell(sheet_name, columns.get("value", 1), row)
            if key is None:
                self.issue(
                    _cell(sheet_name, columns.get("key", 0), row), N_("required cell is empty")
                )
                continue
            raw = cells.get("value")
            if key == "format":
                value: Any = _as_text(raw) if not _is_empty(raw) else None
            else:
                value = self._convert(Column("value", "json", value_column.words), raw, cell)
                if value is None and cell in self.bad_cells:
                    continue
            if key in self.doc and key != "format":
                self.issue(cell, N_("%(key)s is given twice"), key=repr(key))
                continue
            self.doc[key] = value
            self.doc.places[(key,)] = self._place(sheet_name, row, columns, "value")

    def _records(
        self, spec: SheetSpec, table: tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]]
    ) -> None:
        sheet_name, rows, columns = table
        section = spec.section or spec.key
        records: list[dict[str, Any]] = []
        entry_fields = [s.field for s in SHEETS if s.section == section and s.field]
        first: dict[str, str] = {}
        for row, cells in rows:
            record: dict[str, Any] = {}
            index = len(records)
            given = cells.get("id")
            if isinstance(given, str | int | float) and not _is_empty(given):
                rid, cell = _as_text(given).strip(), _cell(sheet_name, columns["id"], row)
                if rid in first:
                    self.issue(
                        cell,
                        N_("duplicate %(noun)s id %(id)s (first at %(first)s)"),
                        noun=_noun(section),
                        id=repr(rid),
                        first=first[rid],
                    )
                first.setdefault(rid, cell)
            for column in spec.columns:
                if column.key not in cells:
                    if column.kind == "refs" and column.key in _REQUIRED_LISTS:
                        record[column.key] = []
                    continue
                cell = _cell(sheet_name, columns[column.key], row)
                value = self._convert(column, cells[column.key], cell, section)
                if column.kind == "refs":
                    if value is None:
                        value = []
                    value = self._refs(cell, column.target or "", value)
                    if value or column.key in _REQUIRED_LISTS:
                        record[column.key] = value
                    continue
                if value is None:
                    continue
                head, *rest = column.path
                holder = record.setdefault(head, {}) if rest else record
                if column.kind == "ref":
                    # a goal's ``target.indicator`` goes into its target
                    self._ref(cell, column.target or "", value, holder, column.path[-1])
                    continue
                holder[column.path[-1]] = value
            for name in entry_fields:
                record[name or ""] = []
            records.append(record)
            self.doc.places[(section, index)] = self._place(sheet_name, row, columns)
        if records:
            self.doc[section] = records

    def _refs(self, cell: str, target: str, values: list[str]) -> list[str]:
        out = list(values)
        for i, text in enumerate(values):
            self.pending.append((cell, target, text, out, i))
        return out

    def _ref(self, cell: str, target: str, text: str, record: dict[str, Any], key: str) -> None:
        record[key] = text
        self.pending.append((cell, target, text, record, key))

    def _entries(
        self,
        spec: SheetSpec,
        table: tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]] | None,
        known: dict[str, tuple[str, list[list[Any]]]],
    ) -> None:
        section = spec.section or ""
        owners: list[dict[str, Any]] = self.doc.get(section) or []
        if table is None:
            if owners:
                owner_sheet = known[section][0]
                self.issue(
                    _quoted(owner_sheet),
                    N_(
                        "the sheet %(sheet)s is missing: without it the rows of %(owner)s "
                        "would lose their %(what)s. Add the sheet back (it may have no rows)"
                    ),
                    sheet=repr(spec.words[self.lang]),
                    owner=repr(owner_sheet),
                    what=spec.words[self.lang],
                )
            return
        sheet_name, rows, columns = table
        by_id: dict[str, int] = {}
        for i, record in enumerate(owners):
            if isinstance(record.get("id"), str):
                by_id.setdefault(record["id"], i)
        owner_sheet = (
            known[section][0] if section in known else sheet_spec(section).words[self.lang]
        )
        for row, cells in rows:
            entry: dict[str, Any] = {}
            owner_text = None
            for column in spec.columns:
                if column.key not in cells:
                    continue
                cell = _cell(sheet_name, columns[column.key], row)
                value = self._convert(column, cells[column.key], cell, section)
                if value is None:
                    continue
                if column.kind == "owner":
                    owner_text = value
                elif column.kind == "ref":
                    self._ref(cell, column.target or "", value, entry, column.key)
                else:
                    entry[column.key] = value
            owner_cell = _cell(sheet_name, columns.get("owner", 0), row)
            if owner_text is None:
                if owner_cell not in self.bad_cells and "owner" in columns:
                    self.issue(owner_cell, N_("required cell is empty"))
                continue
            index = self._owner(owner_cell, section, owner_text, by_id, owners, owner_sheet)
            if index is None:
                continue
            items = owners[index].setdefault(spec.field or "", [])
            self.doc.places[(section, index, spec.field or "", len(items))] = self._place(
                sheet_name, row, columns, "organisation"
            )
            items.append(entry)

    def _owner(
        self,
        cell: str,
        section: str,
        text: str,
        by_id: dict[str, int],
        owners: list[dict[str, Any]],
        owner_sheet: str,
    ) -> int | None:
        if text in by_id:
            return by_id[text]
        matches = self._by_name(section, text)
        if len(matches) == 1:
            return by_id.get(matches[0])
        if len(matches) > 1:
            self._ambiguous(cell, section, text, matches)
            return None
        self.issue(
            cell,
            N_("%(noun)s %(ref)s is not on the sheet %(sheet)s: add it there, or remove this row"),
            noun=_noun(section),
            ref=repr(text),
            sheet=repr(owner_sheet),
        )
        return None

    def _observations(
        self, table: tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]] | None
    ) -> None:
        """The observations sheet: a row an indicator's value in a year (the indicator by
        id or name, as every reference)."""
        if table is None:
            return
        sheet_name, rows, columns = table
        spec = sheet_spec("observations")
        observations: list[dict[str, Any]] = []
        for row, cells in rows:
            observation: dict[str, Any] = {}
            for column in spec.columns:
                if column.key not in cells:
                    continue
                cell = _cell(sheet_name, columns[column.key], row)
                value = self._convert(column, cells[column.key], cell)
                if value is None:
                    continue
                if column.kind == "ref":
                    self._ref(cell, column.target or "", value, observation, column.key)
                else:
                    observation[column.key] = value
            self.doc.places[("observations", len(observations))] = self._place(
                sheet_name, row, columns, "indicator"
            )
            observations.append(observation)
        if observations:
            if "observations" in self.doc:
                self.issue(
                    _quoted(sheet_name),
                    N_("%(key)s is given twice"),
                    key=repr("observations"),
                )
            self.doc["observations"] = observations

    def _changes(
        self, table: tuple[str, list[tuple[int, dict[str, Any]]], dict[str, int]] | None
    ) -> None:
        if table is None:
            return
        sheet_name, rows, columns = table
        spec = sheet_spec("changes")
        changes: list[dict[str, Any]] = []
        for row, cells in rows:
            change: dict[str, Any] = {}
            for column in spec.columns:
                raw = cells.get(column.key)
                cell = _cell(sheet_name, columns.get(column.key, 0), row)
                value = self._convert(column, raw, cell) if column.key in cells else None
                change[column.key] = value
            self.doc.places[("changes", len(changes))] = self._place(
                sheet_name, row, columns, "change"
            )
            changes.append(change)
        if changes:
            self.doc["changes"] = changes

    # names ----------------------------------------------------------------------------

    _names: dict[str, dict[str, list[str]]] | None = None

    def _by_name(self, section: str, text: str) -> list[str]:
        if self._names is None:
            self._names = {}
        index = self._names.get(section)
        if index is None:
            index = {}
            text_field = _TEXT_FIELDS[section]
            for record in self.doc.get(section) or []:
                rid = record.get("id")
                if not isinstance(rid, str):
                    continue
                names = dict(record.get(text_field) or {})
                candidates = set(names.values())
                if record.get("abbreviation"):
                    candidates.add(record["abbreviation"])
                for name in candidates:
                    ids = index.setdefault(name.strip().casefold(), [])
                    if rid not in ids:
                        ids.append(rid)
            self._names[section] = index
        return index.get(text.strip().casefold(), [])

    def _ambiguous(self, cell: str, section: str, text: str, ids: list[str]) -> None:
        self.issue(
            cell,
            N_("%(value)s is the name of several records (%(noun)s %(ids)s): write the id"),
            value=repr(text),
            noun=_noun(section),
            ids=", ".join(sorted(ids)),
        )

    def _resolve(self) -> None:
        ids: dict[str, set[str]] = {}
        for cell, section, text, holder, at in self.pending:
            if section not in ids:
                ids[section] = {
                    r["id"] for r in self.doc.get(section) or [] if isinstance(r.get("id"), str)
                }
            if text in ids[section]:
                continue
            matches = self._by_name(section, text)
            if len(matches) == 1:
                holder[at] = matches[0]
            elif len(matches) > 1:
                self._ambiguous(cell, section, text, matches)
            elif not _ID.fullmatch(text):
                # not an id, and no record of the workbook has this name; an id may be of a
                # record already in the graph, which the load checks
                self.issue(
                    cell, N_("unknown %(noun)s %(ref)s"), noun=_noun(section), ref=repr(text)
                )


#: list fields every record has (the export writes them even when empty)
_REQUIRED_LISTS = frozenset({"focuses_on", "targets", "addresses"})
_TEXT_FIELDS = {
    "themes": "name",
    "branches": "name",
    "organisations": "name",
    "phenomena": "name",
    "priority_groups": "name",
    "bodies": "name",
    "goals": "text",
    "measures": "title",
    "indicators": "name",
}


def _noun(section: str) -> Word:
    from turva.graph.domain.schema import node_type
    from turva.graph.domain.validate import noun

    return noun(node_type(section).noun)


_UNKNOWN_REFERENCE = "unknown %(noun)s %(ref)s"


def _read(sheets: list[tuple[str, list[list[Any]]]], name: str) -> WorkbookDocument:
    reader = _Reader(name)
    doc = reader.read(sheets)
    if reader.issues:
        # report the document's other problems with them, all at once
        from turva.graph.domain.validate import parse_document, reference_issues

        more: list[ValidationIssue] = []
        plain = {k: v for k, v in doc.items() if k != "changes"}
        try:
            more = reference_issues(parse_document(plain))
        except ValidationFailed as e:
            more = e.issues
        except Exception:  # what cannot be checked now is checked again by the load
            more = []
        located = [_located(i, doc) for i in more if i.message_id != _UNKNOWN_REFERENCE]
        extra = [i for i in located if not i.loc or str(i.loc[0]) not in reader.bad_cells]
        raise ValidationFailed(_sorted(reader.issues + extra, doc))
    return doc


def read_xlsx(raw: bytes, name: str) -> WorkbookDocument:
    """A turva/1 document from the bytes of an ``.xlsx`` workbook (``name`` for messages).

    Raises :class:`~turva.graph.errors.DataFileError` when it is no workbook, and
    :class:`~turva.graph.errors.ValidationFailed` naming the cell of every problem.
    """
    return _read(_xlsx_sheets(raw, name), name)


def read_csv_zip(raw: bytes, name: str) -> WorkbookDocument:
    """A turva/1 document from a zip of CSV files named as the sheets (see :func:`read_xlsx`)."""
    return _read(_csv_sheets(raw, name), name)


def sheet_names(lang: str) -> list[str]:
    """The sheet names of a workbook in ``lang``, in order."""
    return [spec.words[lang] for spec in SHEETS]


def header_row(key: str, lang: str) -> list[str]:
    """The header row of the sheet ``key`` in ``lang``."""
    return _header(sheet_spec(key), lang)
