"""Analysis results as tables: the one tabular rendering for the CLI, the API and the pages.

Every result (:mod:`turva.queries.results`) has named **sections** (``overdue_measures``,
``rows``...), each a flat table of scalar cells: a list of ids becomes one cell of ids
separated by spaces (ids never contain spaces). :func:`tables` gives them as they are.

People read them through :func:`readable_tables`, and every file rendering here is built
on it, so ``turva gaps -f csv`` and ``GET /api/v1/analysis/gaps?format=csv`` are the same
bytes for the same language and dialect:

- the section's **title** and every **heading** in the chosen language
  (:mod:`turva.queries.words` through the message catalogue);
- beside every column of ids, a column of their **names** in that language, else in
  Finnish (:func:`turva.queries.names.names_of`; several names joined by ``; ``). The ids
  keep their own column, headed ``<words>, id`` (fi ``Toimenpide, tunnus``), the names
  the column's words (``Toimenpide``);
- enum codes (a measure's status, a role, a kind, a path step's type) as **words** in
  that language (:mod:`turva.graph.domain.words`): the codes are in the JSON;
- where a row is a record (a phenomenon without measures, an overdue measure, a profile's
  group...), a last column **Source**: the record's ``source`` (a URL or document name),
  empty when it has none, or the word *illustrative* (fi *havainnollistava*) for content
  that is not from an official source (:mod:`turva.graph.domain.provenance`). Rows that
  pair two records (uncoordinated measures, overlapping groups) have none;
- dates as dates, numbers as numbers.

The renderings (:data:`TABLE_FORMATS`):

- **CSV** (:func:`to_csv`): one table. One section (a result with one, or the one asked
  for) is that section's table; all sections of a result with several are stacked in one
  table whose first column, *Section*, holds the section's title, and whose other columns
  are every section's columns by heading, in order of first appearance (cells a section
  lacks are empty). Text cells that a spreadsheet would run as a formula get a leading
  ``'`` (:func:`neutralise`); numbers stay numbers; dates are ``YYYY-MM-DD``.
  Dialects (:data:`CSV_DIALECTS`): ``plain`` (UTF-8, ``,``, ``"`` quoting only where
  needed, ``\\n``) and ``excel-fi`` (a UTF-8 byte order mark, ``;``, ``\\r\\n`` and decimal
  commas: what a Finnish Excel opens by double-click).
- **Markdown** (:func:`to_markdown`): a ``## title`` heading and a table per section
  (the word *none* in italics for an empty one).
- **XLSX** (:func:`to_xlsx`): a sheet per section named by its title, written by
  :func:`turva.graph.domain.xlsx.workbook` (frozen header row, autofilter, widths that
  fit, dates and numbers as such).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from turva.graph.domain import xlsx
from turva.graph.domain.provenance import PROVENANCE_WORDS, provenance
from turva.graph.domain.words import RECORD_TYPES, enum_word
from turva.graph.errors import BadArgument
from turva.graph.messages import LANGS, N_, gettext_for
from turva.queries.names import TYPE_OF_LABEL, Name, names_of
from turva.queries.results import AnalysisResult, Coverage
from turva.queries.words import (
    ANALYSIS_CODES,
    COLUMN_TITLES,
    ID_HEADING,
    SECTION_HEADING,
    SECTION_TITLES,
    SOURCE_HEADING,
    column_words,
)

__all__ = [
    "CSV_DIALECTS",
    "Cell",
    "FORMULA_PREFIXES",
    "ReadableTable",
    "TABLE_FORMATS",
    "Table",
    "TableFormat",
    "TableNames",
    "TableOptions",
    "names_for",
    "neutralise",
    "readable_tables",
    "render_table",
    "section_names",
    "section_title",
    "table",
    "tables",
    "to_csv",
    "to_markdown",
    "to_xlsx",
]

#: a cell of :func:`tables`: text, a number, a truth value or nothing
Cell = str | int | float | bool | None

FORMULA_PREFIXES = xlsx.FORMULA_PREFIXES
neutralise = xlsx.neutralise

#: the display names a rendering shows, by (resource type, id): :func:`names_for`
TableNames = Mapping[tuple[str, str], Name]

#: the CSV dialects: ``plain`` (the default) and ``excel-fi``
CSV_DIALECTS = ("plain", "excel-fi")

# --- what each column holds ------------------------------------------------------------

#: the ids of a path step are of the type its row's ``type`` column names
_ROW_TYPE = "row"
#: coverage's last column: the distinct active measures of its row
TOTAL = "total"


def _columns(table: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], str]:
    """A table of columns written by what they hold, keyed by (section, column): each
    column as ``section.column``, or a section alone for its ``id`` column.

    >>> _columns({"phenomena": ("phenomena", "rows.phenomenon")})
    {('phenomena', 'id'): 'phenomena', ('rows', 'phenomenon'): 'phenomena'}
    """
    return {
        (section, column or "id"): held
        for held, columns in table.items()
        for section, _, column in (c.partition(".") for c in columns)
    }


#: the record type of each column of ids, by (section, column); a section named alone is a
#: section whose rows are records of that type (by their ``id`` column)
ID_COLUMNS: dict[tuple[str, str], str] = _columns(
    {
        "organisations": (
            "actors.organisation",
            "groups_missing_stakeholders.organisation",
            "group_overlaps.shared_members",
            "busy_organisations",
            "organisation.organisation",
            "organisation.parent",
            "matched_groups.joined_members",
            "matched_groups.left_members",
        ),
        "branches": (
            "actors.branch",
            "single_branch_phenomena.branches",
            "new_single_branch_phenomena.branches",
            "multi_branch_phenomena.branches",
            "organisation.branch",
        ),
        "measures": (
            "actors.measures",
            "measures_without_owner",
            "measures_without_resources",
            "overdue_measures",
            "orphaned_measures",
            "uncoordinated_measures.a",
            "uncoordinated_measures.b",
            "measures",
        ),
        "priority-groups": (
            "actors.groups",
            "groups_missing_stakeholders.group",
            "group_overlaps.a",
            "group_overlaps.b",
            "busy_organisations.groups",
            "groups",
            "added_groups",
            "removed_groups",
            "matched_groups.from_group",
            "matched_groups.to_group",
            "groups_without_lead",
        ),
        "phenomena": (
            "unaddressed_phenomena",
            "single_branch_phenomena",
            "new_unaddressed_phenomena",
            "new_single_branch_phenomena",
            "groups_missing_stakeholders.phenomena",
            "phenomena_outside_groups",
            "multi_branch_phenomena",
            "uncoordinated_measures.phenomenon",
            "group_overlaps.shared_phenomena",
            "rows.phenomenon",
            "phenomena",
            "entered_phenomena",
            "left_phenomena",
            "matched_groups.entered_phenomena",
            "matched_groups.left_phenomena",
            "attention.phenomenon",
        ),
        "goals": ("goals_without_measures", "new_goals_without_measures", "goals.goal"),
        "indicators": ("goals.indicator", "attention.indicators"),
        "bodies": ("bodies",),
        _ROW_TYPE: ("path",),
    }
)

#: the column whose record a row is, by section: its source goes in the Source column;
#: a section whose rows have an ``id`` of a record is of those records
RECORD_COLUMNS: dict[str, str] = {
    "actors": "organisation",
    "rows": "phenomenon",
    "organisation": "organisation",
    "goals": "goal",
    "attention": "phenomenon",
    **{section: "id" for section, column in ID_COLUMNS if column == "id"},
}

#: columns of enum codes shown as words: the field of :data:`turva.graph.domain.words.ENUMS`
#: (``*``: in every section); a path step's ``type`` is a node label
ENUM_COLUMNS: dict[tuple[str, str], str] = _columns(
    {
        "status": ("*.status",),
        "role": ("*.role",),
        "kind": ("organisation.kind",),
        "body_kind": ("bodies.kind",),
        "label": ("path.type",),
        # the analyses' own codes (turva.queries.words.ANALYSIS_CODES)
        "goal_status": ("goals.status",),
        "attention_reason": ("attention.reason",),
    }
)

#: columns of dates (the results give them as ``YYYY-MM-DD``)
DATE_COLUMNS = frozenset({("overdue_measures", "end")})

#: sections whose rows carry their record's name themselves (``name``, in Finnish), by the
#: id column it names: that column's name column takes its place, in the language asked
#: for (the result's own name when the record has gone)
OWN_NAMES: dict[str, str] = {"organisation": "organisation", "path": "id"}


@dataclass(frozen=True)
class Table:
    """One section of a result: its name, its columns, its rows (cells in column order)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def dicts(self) -> list[dict[str, Cell]]:
        """The rows as column -> cell mappings."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class ReadableTable:
    """One section as people read it: its title and headings in a language, names beside
    ids, enum words, its source column (see the module's description)."""

    #: the section's name (``overdue_measures``)
    name: str
    #: its title in the language asked for
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[xlsx.Cell, ...], ...]

    def dicts(self) -> list[dict[str, xlsx.Cell]]:
        """The rows as heading -> cell mappings."""
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class TableOptions:
    """How a rendering speaks: its ``lang``, the display ``names`` (:func:`names_for`;
    None leaves the name columns empty) and the CSV ``dialect``."""

    lang: str = "fi"
    names: TableNames | None = None
    dialect: str = "plain"

    def __post_init__(self) -> None:
        # each field that has choices: whether it is one, and the error that names them
        for known, message, said in (
            (
                self.lang in LANGS,
                N_("unknown language %(lang)r; choose one of: %(langs)s"),
                {"lang": self.lang, "langs": ", ".join(LANGS)},
            ),
            (
                self.dialect in CSV_DIALECTS,
                N_("unknown CSV dialect %(dialect)s; use one of: %(known)s"),
                {"dialect": repr(self.dialect), "known": ", ".join(CSV_DIALECTS)},
            ),
        ):
            if not known:
                raise BadArgument.said(message, **said)


# --- the tables as they are -------------------------------------------------------------


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
    """Every section of ``result`` as a :class:`Table`, or only ``section``, as the result
    has them (ids, codes, column names).

    Raises :class:`~turva.graph.errors.BadArgument` for a section the result lacks.
    """
    chosen = _chosen(result, section)
    rows = result.tables()
    if isinstance(result, Coverage) and "rows" in chosen and TOTAL not in chosen["rows"]:
        # the row's distinct active measures: a measure of two branches counts once, so
        # the branch columns can add up to more (CoverageRow.total)
        chosen = {**chosen, "rows": (*chosen["rows"], TOTAL)}
        rows = {
            **rows,
            "rows": [{**r, TOTAL: c.total} for r, c in zip(rows["rows"], result.rows, strict=True)],
        }
    return [
        Table(name, columns, tuple(tuple(_cell(r.get(c)) for c in columns) for r in rows[name]))
        for name, columns in chosen.items()
    ]


def table(result: AnalysisResult, section: str | None = None) -> Table:
    """The one flat table of ``result`` as it is: a single section's, or every section
    stacked under a first column ``section`` (by column name)."""
    parts = tables(result, section)
    if len(parts) == 1:
        return parts[0]
    columns, rows = _stacked("section", [(p.name, p.columns, p.rows) for p in parts])
    return Table("all", tuple(columns), tuple(tuple(r) for r in rows))


def _stacked(
    first: str, parts: list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]
) -> tuple[list[str], list[list[Any]]]:
    """Several tables (label, header, rows) as one: a first column ``first`` holding each
    row's label, then every table's columns by heading, in order of first appearance
    (cells a table lacks are None).

    >>> _stacked("s", [("A", ["x"], [[1]]), ("B", ["y", "x"], [[2, 3]])])
    (['s', 'x', 'y'], [['A', 1, None], ['B', 3, 2]])
    """
    header = [first]
    for _, columns, _ in parts:
        header += [c for c in columns if c not in header]
    rows = []
    for label, columns, part_rows in parts:
        where = [header.index(c) for c in columns]
        for row in part_rows:
            out: list[Any] = [label] + [None] * (len(header) - 1)
            for i, value in zip(where, row, strict=True):
                out[i] = value
            rows.append(out)
    return header, rows


# --- the tables as people read them ----------------------------------------------------


def _id_type(section: str, column: str, row: Mapping[str, Cell]) -> str | None:
    kind = ID_COLUMNS.get((section, column))
    if kind == _ROW_TYPE:
        return TYPE_OF_LABEL.get(str(row.get("type")))
    return kind


def _ids(value: Cell) -> list[str]:
    return str(value).split() if value not in (None, "") else []


def _wanted(parts: list[Table]) -> dict[str, set[str]]:
    """The ids of every id column of ``parts``, by record type."""
    wanted: dict[str, set[str]] = {}
    for part in parts:
        for row in part.dicts():
            for column in part.columns:
                kind = _id_type(part.name, column, row)
                if kind is not None:
                    wanted.setdefault(kind, set()).update(_ids(row[column]))
    return wanted


def names_for(
    driver: Driver,
    result: AnalysisResult,
    lang: str = "fi",
    database: str | None = None,
    section: str | None = None,
) -> dict[tuple[str, str], Name]:
    """The display names every id of ``result`` (or of one ``section``) needs, by
    (resource type, id), in ``lang`` (Finnish unless asked, as :class:`TableOptions`'):
    one lookup per record type (ids are unique per type only)."""
    found: dict[tuple[str, str], Name] = {}
    for kind, ids in sorted(_wanted(tables(result, section)).items()):
        for id_, name in names_of(driver, ids, lang, database, types=[kind]).items():
            found[(kind, id_)] = name
    return found


def _enum_field(section: str, column: str) -> str | None:
    return ENUM_COLUMNS.get((section, column)) or ENUM_COLUMNS.get(("*", column))


def _enum_text(field: str, value: Cell, gettext: Callable[[str], str]) -> Cell:
    if not isinstance(value, str):
        return value
    if field == "label":
        resource = TYPE_OF_LABEL.get(value)
        return gettext(RECORD_TYPES[resource]) if resource in RECORD_TYPES else value
    if field in ANALYSIS_CODES:
        words = ANALYSIS_CODES[field].get(value)
        return gettext(words) if words else value
    return gettext(enum_word(field, value))


def _date(value: Cell) -> xlsx.Cell:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _source_text(source: str | None, gettext: Callable[[str], str]) -> str:
    kind = provenance(source)
    if kind == "unsourced" or source is None:
        return ""
    return gettext(PROVENANCE_WORDS["illustrative"]) if kind == "illustrative" else source


# one output column: its heading and how its cell is made from a row of the section
_Column = tuple[str, Callable[[Mapping[str, Cell]], xlsx.Cell]]


def _plan(section: str, columns: tuple[str, ...], options: TableOptions) -> Iterator[_Column]:
    """The output columns of ``section`` (see the module's description)."""
    gettext = gettext_for(options.lang)
    names = options.names or {}

    for column in columns:
        if column == "name" and section in OWN_NAMES:
            continue
        words = column_words(section, column)
        heading = gettext(words) if words else column
        id_heading = gettext(ID_HEADING) % {"column": heading}
        if words == COLUMN_TITLES["id"]:
            # an id of any type (a path's steps): "Id" beside "Name"
            id_heading, heading = heading, gettext(COLUMN_TITLES["name"])
        if (section, column) in ID_COLUMNS:

            def ids(row: Mapping[str, Cell], column: str = column) -> xlsx.Cell:
                return row[column]

            def named(row: Mapping[str, Cell], column: str = column) -> xlsx.Cell:
                kind = _id_type(section, column, row)
                texts = []
                for id_ in _ids(row[column]):
                    name = names.get((kind, id_)) if kind else None
                    own = row.get("name") if OWN_NAMES.get(section) == column else None
                    texts.append(name.text if name else str(own or ""))
                return "; ".join(t for t in texts if t) or None

            yield id_heading, ids
            yield heading, named
        elif field := _enum_field(section, column):

            def word(
                row: Mapping[str, Cell], column: str = column, field: str = field
            ) -> xlsx.Cell:
                return _enum_text(field, row[column], gettext)

            yield heading, word
        elif (section, column) in DATE_COLUMNS:
            yield heading, lambda row, column=column: _date(row[column])  # type: ignore[misc]
        else:
            yield heading, lambda row, column=column: row[column]  # type: ignore[misc]

    if section in RECORD_COLUMNS:
        record = RECORD_COLUMNS[section]

        def source(row: Mapping[str, Cell]) -> xlsx.Cell:
            kind = _id_type(section, record, row)
            name = names.get((kind, str(row[record]))) if kind else None
            return _source_text(name.source if name else None, gettext)

        yield gettext(SOURCE_HEADING), source


def section_title(name: str, gettext: Callable[[str], str]) -> str:
    """A section's title through ``gettext``; a section without words gets its name.

    >>> section_title("overdue_measures", str), section_title("a_new_section", str)
    ('Overdue measures', 'A new section')
    """
    words = SECTION_TITLES.get(name)
    return gettext(words) if words else name.replace("_", " ").capitalize()


def readable_tables(
    result: AnalysisResult, section: str | None = None, options: TableOptions | None = None
) -> list[ReadableTable]:
    """Every section of ``result`` (or only ``section``) as people read it, in
    ``options.lang`` with ``options.names`` (see the module's description)."""
    options = options or TableOptions()
    gettext = gettext_for(options.lang)
    out = []
    for part in tables(result, section):
        plan = list(_plan(part.name, part.columns, options))
        rows = tuple(tuple(make(row) for _, make in plan) for row in part.dicts())
        title = section_title(part.name, gettext)
        out.append(ReadableTable(part.name, title, tuple(h for h, _ in plan), rows))
    return out


# --- CSV ---------------------------------------------------------------------------------


def _flat(parts: list[ReadableTable], section_heading: str) -> tuple[list[str], list[list[Any]]]:
    """One table: one part as it is, several stacked by heading under a Section column."""
    if len(parts) == 1:
        return list(parts[0].header), [list(r) for r in parts[0].rows]
    return _stacked(section_heading, [(p.title, p.header, p.rows) for p in parts])


def _plain_text(cell: xlsx.Cell) -> str | None:
    """The text of an empty, true/false or date cell, written alike in CSV and Markdown;
    None for the other cells, each format writing them its own way.

    >>> _plain_text(None), _plain_text(True), _plain_text(dt.date(2025, 1, 2)), _plain_text(2)
    ('', 'true', '2025-01-02', None)
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return None


def _csv_text(cell: xlsx.Cell, dialect: str) -> str:
    plain = _plain_text(cell)
    if plain is not None:
        return plain
    if isinstance(cell, float) and dialect == "excel-fi":
        return repr(cell).replace(".", ",")  # a Finnish Excel reads "0,5" as a number
    return str(neutralise(cell))


def to_csv(
    result: AnalysisResult, section: str | None = None, options: TableOptions | None = None
) -> str:
    """CSV of :func:`readable_tables` (see the module's description), as text; the
    ``excel-fi`` dialect's text starts with the byte order mark."""
    options = options or TableOptions()
    header, rows = _flat(
        readable_tables(result, section, options), gettext_for(options.lang)(SECTION_HEADING)
    )
    excel = options.dialect == "excel-fi"
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(
        out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    writer.writerow([_csv_text(c, options.dialect) for c in header])
    writer.writerows([_csv_text(c, options.dialect) for c in row] for row in rows)
    return out.getvalue()


# --- Markdown ----------------------------------------------------------------------------


def _md_text(cell: xlsx.Cell) -> str:
    plain = _plain_text(cell)
    if plain is not None:
        return plain
    return str(cell).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def to_markdown(
    result: AnalysisResult, section: str | None = None, options: TableOptions | None = None
) -> str:
    """Markdown: per section a ``## title`` heading and a table, *none* if empty."""
    options = options or TableOptions()
    none = gettext_for(options.lang)("none")
    blocks = []
    for part in readable_tables(result, section, options):
        lines = [f"## {_md_text(part.title)}", ""]
        if part.rows:
            lines.append("| " + " | ".join(_md_text(c) for c in part.header) + " |")
            lines.append("|" + "|".join(" --- " for _ in part.header) + "|")
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in part.rows]
        else:
            lines.append(f"_{none}_")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- XLSX ---------------------------------------------------------------------------------


def to_xlsx(
    result: AnalysisResult, section: str | None = None, options: TableOptions | None = None
) -> bytes:
    """An ``.xlsx`` workbook: a sheet per section of :func:`readable_tables`, named by its
    title (:func:`turva.graph.domain.xlsx.workbook`)."""
    parts = readable_tables(result, section, options)
    return xlsx.workbook(xlsx.Sheet(p.title, p.header, p.rows) for p in parts)


# --- the formats -------------------------------------------------------------------------


@dataclass(frozen=True)
class TableFormat:
    """A rendering of a result's tables as a file: ``csv``, ``md``, ``xlsx``."""

    name: str
    #: the HTTP media type, with its charset for text
    media_type: str
    suffix: str
    render: Callable[[AnalysisResult, str | None, TableOptions], bytes]
    #: not text: never printed to a terminal
    binary: bool = False

    @property
    def mime(self) -> str:
        """The media type without parameters, as an ``Accept`` header names it."""
        return self.media_type.split(";")[0]


#: the renderings by name; the CLI's --format and the API's ?format= offer these
TABLE_FORMATS: dict[str, TableFormat] = {
    "csv": TableFormat(
        "csv",
        "text/csv; charset=utf-8",
        ".csv",
        lambda r, s, o: to_csv(r, s, o).encode("utf-8"),
    ),
    "md": TableFormat(
        "md",
        "text/markdown; charset=utf-8",
        ".md",
        lambda r, s, o: to_markdown(r, s, o).encode("utf-8"),
    ),
    "xlsx": TableFormat("xlsx", xlsx.MEDIA_TYPE, ".xlsx", to_xlsx, binary=True),
}


def render_table(
    result: AnalysisResult,
    fmt: str,
    section: str | None = None,
    options: TableOptions | None = None,
) -> bytes:
    """``result`` (or one ``section``) in the table format named ``fmt``, as bytes."""
    try:
        rendering = TABLE_FORMATS[fmt]
    except KeyError:
        raise BadArgument.said(
            N_("unknown table format %(format)s; use one of: %(known)s"),
            format=repr(fmt),
            known=", ".join(TABLE_FORMATS),
        ) from None
    return rendering.render(result, section, options or TableOptions())
