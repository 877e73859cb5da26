"""Indicator values from where they live: JSON-stat 2.0 and plain CSV to observations.

Statistics Finland's PxWeb API (and most European statistical offices) answer in
`JSON-stat 2.0 <https://json-stat.org/format/>`_: a ``dataset`` with its dimensions in
``id`` order, their ``size``, each dimension's categories (``category.index`` and
``category.label``), ``role.time`` and the values as one flat array (the last dimension
varying fastest) or a sparse object ``{"flat index": value}``, ``null`` for a missing value.

:func:`observations_from_jsonstat` turns one slice of such a dataset into the
``observations`` of a turva/1 document: the time dimension (``role.time``, else the one
called Vuosi, År or Year) gives the years, every other dimension is fixed to one category
by a selection (``--select DIMENSION=CODE``) unless it has only one, and every value's
``source`` names the dataset (:func:`dataset_source`). :func:`observations_from_csv` reads
``indicator,year,value,source`` rows. Both are pure: no driver, nothing written. Every
problem is a :class:`~turva.graph.errors.ValidationIssue` whose path names the dimension
(``Rikoslaji``, ``Vuosi.2021M01``) or the CSV row (``row[5].value``, the row number as a
spreadsheet shows it: the header is row 1), all of them raised together as
:class:`~turva.graph.errors.ValidationFailed`.

Example
-------
>>> data = {
...     "version": "2.0", "class": "dataset", "label": "Offences", "source": "Statistics Finland",
...     "updated": "2024-03-20T06:00:00Z", "id": ["Vuosi", "Tiedot"], "size": [2, 1],
...     "dimension": {
...         "Vuosi": {"category": {"index": {"2022": 0, "2023": 1}}},
...         "Tiedot": {"category": {"index": {"lkm": 0}, "label": {"lkm": "Offences"}}},
...     },
...     "role": {"time": ["Vuosi"]},
...     "value": [475900, None],
... }
>>> parsed = observations_from_jsonstat(data, "offences")
>>> [(o["year"], o["value"]) for o in parsed.observations], parsed.missing
([(2022, 475900)], 1)
>>> parsed.source
'Statistics Finland: Offences, updated 2024-03-20'
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from turva.graph.errors import ValidationFailed, ValidationIssue
from turva.graph.messages import N_

__all__ = [
    "CSV_COLUMNS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_SOURCE",
    "TIME_NAMES",
    "Observations",
    "dataset_source",
    "observations_from_csv",
    "observations_from_jsonstat",
    "parse_selections",
    "relocate",
]

#: the names of a time dimension when the dataset has no ``role.time`` (case-insensitive)
TIME_NAMES = ("vuosi", "år", "year")
#: the years an observation may have (as the turva/1 model)
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: the longest ``source`` the model takes
MAX_SOURCE = 500
#: the columns of an observations CSV, in the order they are documented
CSV_COLUMNS = ("indicator", "year", "value", "source")
_REQUIRED_COLUMNS = ("indicator", "year", "value")
#: how many category codes an error lists
_SHOWN_CODES = 10
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_YEAR = re.compile(r"\d{4}")

Loc = tuple[str | int, ...]


@dataclass
class Observations:
    """Observation dicts ready for a turva/1 document, and where each came from.

    ``places[i]`` is the path of ``observations[i]`` in the file read (the time category
    or the CSV row) for messages; ``missing`` counts the values left out because they were
    missing (``null`` in JSON-stat, an empty ``value`` cell in CSV); ``source`` is the
    dataset's source text (JSON-stat only); ``indicator_place`` is where the indicator was
    named (``--indicator`` for JSON-stat).
    """

    observations: list[dict[str, Any]] = field(default_factory=list)
    places: list[Loc] = field(default_factory=list)
    missing: int = 0
    source: str | None = None
    indicator_place: Loc | None = None

    def document(self) -> dict[str, Any]:
        """The turva/1 document that merges these observations into the graph.

        >>> Observations([{"indicator": "x", "year": 2021, "value": 1}], [("row", 2)]).document()
        {'format': 'turva/1', 'observations': [{'indicator': 'x', 'year': 2021, 'value': 1}]}
        """
        return {"format": "turva/1", "observations": self.observations}


# --- selections ------------------------------------------------------------------------


def parse_selections(pairs: Iterable[str]) -> dict[str, str]:
    """``--select DIMENSION=CODE`` options as a mapping; a malformed or repeated one is an issue.

    >>> parse_selections(["Tiedot=rikokset_lkm", "Rikoslaji = 101"])
    {'Tiedot': 'rikokset_lkm', 'Rikoslaji': '101'}
    """
    chosen: dict[str, str] = {}
    issues: list[ValidationIssue] = []
    for pair in pairs:
        name, sep, code = pair.partition("=")
        name, code = name.strip(), code.strip()
        if not sep or not name or not code:
            issues.append(
                ValidationIssue.said(
                    ("--select",),
                    N_("%(value)s is not DIMENSION=CODE, e.g. --select Tiedot=rikokset_lkm"),
                    value=repr(pair),
                )
            )
        elif name in chosen and chosen[name] != code:
            issues.append(
                ValidationIssue.said(
                    ("--select", name),
                    N_("selected twice (%(first)s and %(second)s): choose one code"),
                    first=repr(chosen[name]),
                    second=repr(code),
                )
            )
        else:
            chosen[name] = code
    if issues:
        raise ValidationFailed(issues)
    return chosen


# --- JSON-stat 2.0 ---------------------------------------------------------------------


def dataset_source(label: str | None, updated: str | None, publisher: str | None = None) -> str:
    """The ``source`` of every observation read from a dataset: one fixed, language-neutral
    form, ``<publisher>: <label>, updated <date>`` (the parts there are; the date of
    ``updated`` when it is a timestamp), at most :data:`MAX_SOURCE` characters.

    >>> dataset_source("Offences by year", "2024-03-20T06:00:00Z", "Statistics Finland")
    'Statistics Finland: Offences by year, updated 2024-03-20'
    >>> dataset_source(None, None)
    'JSON-stat dataset'
    """
    text = " ".join((label or "").split()) or "JSON-stat dataset"
    if publisher and publisher.strip():
        text = f"{' '.join(publisher.split())}: {text}"
    date = (updated or "").strip()
    if re.match(r"\d{4}-\d{2}-\d{2}T", date):
        date = date[:10]
    tail = f", updated {date}" if date else ""
    if len(text) + len(tail) > MAX_SOURCE:
        text = text[: MAX_SOURCE - len(tail) - 3].rstrip() + "..."
    return text + tail


@dataclass(frozen=True)
class _Dimension:
    name: str
    label: str
    codes: list[str]  # in index order

    @property
    def is_time(self) -> bool:
        return self.name.casefold() in TIME_NAMES or self.label.casefold() in TIME_NAMES


def _codes(name: str, info: Any, size: int, issues: list[ValidationIssue]) -> list[str]:
    """The dimension's category codes in index order (``index`` as a list or a mapping;
    absent when the one category is named by ``label``)."""
    category = info.get("category") if isinstance(info, dict) else None
    if not isinstance(category, dict):
        issues.append(ValidationIssue.said((name,), N_("the dimension has no `category`")))
        return []
    index = category.get("index")
    labels = category.get("label")
    if index is None and isinstance(labels, dict) and len(labels) == 1:
        codes = [str(next(iter(labels)))]
    elif isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict) and all(isinstance(v, int) for v in index.values()):
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
        if sorted(index.values()) != list(range(len(index))):
            issues.append(
                ValidationIssue.said(
                    (name,), N_("`category.index` must number the categories 0, 1, 2...")
                )
            )
            return []
    else:
        issues.append(
            ValidationIssue.said(
                (name,), N_("`category.index` must be a list of codes or a mapping to positions")
            )
        )
        return []
    if len(codes) != size:
        issues.append(
            ValidationIssue.said(
                (name,),
                N_("`size` says %(size)s categories but the dimension has %(count)s"),
                size=size,
                count=len(codes),
            )
        )
        return []
    return codes


def _dataset(data: Any) -> dict[str, Any]:
    """The JSON-stat 2.0 dataset in ``data`` (also inside a ``{"dataset": ...}`` wrapper)."""
    if isinstance(data, dict) and "class" not in data and isinstance(data.get("dataset"), dict):
        data = data["dataset"]
    if not isinstance(data, dict) or data.get("class") != "dataset":
        raise ValidationFailed(
            [
                ValidationIssue.said(
                    ("class",),
                    N_(
                        "not a JSON-stat 2.0 dataset: the top level needs "
                        '`"class": "dataset"` (save the table as JSON-stat 2.0)'
                    ),
                )
            ]
        )
    missing = [key for key in ("id", "size", "dimension", "value") if key not in data]
    if missing:
        raise ValidationFailed(
            [
                ValidationIssue.said(
                    (key,), N_("required field of a JSON-stat 2.0 dataset is missing")
                )
                for key in missing
            ]
        )
    return data


def _dimensions(data: dict[str, Any]) -> list[_Dimension]:
    ids, sizes, infos = data["id"], data["size"], data["dimension"]
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or len(ids) != len(sizes)
        or not all(isinstance(s, int) and s >= 0 for s in sizes)
        or not isinstance(infos, dict)
    ):
        raise ValidationFailed(
            [
                ValidationIssue.said(
                    ("size",),
                    N_("`id` and `size` must be lists of the same length (names and counts)"),
                )
            ]
        )
    issues: list[ValidationIssue] = []
    dimensions = []
    for name, size in zip(ids, sizes, strict=True):
        name = str(name)
        info = infos.get(name)
        if not isinstance(info, dict):
            issues.append(
                ValidationIssue.said(
                    ("dimension", name), N_("the dataset's `id` names it but it is not described")
                )
            )
            continue
        label = info.get("label")
        codes = _codes(name, info, size, issues)
        dimensions.append(_Dimension(name, label if isinstance(label, str) else name, codes))
    if issues:
        raise ValidationFailed(issues)
    return dimensions


def _time_dimension(data: dict[str, Any], dimensions: list[_Dimension]) -> _Dimension:
    role = data.get("role")
    named = role.get("time") if isinstance(role, dict) else None
    by_name = {d.name: d for d in dimensions}
    if isinstance(named, list) and named:
        found = [by_name[str(n)] for n in named if str(n) in by_name]
    else:
        found = [d for d in dimensions if d.is_time]
    if len(found) == 1:
        return found[0]
    names = ", ".join(d.name for d in dimensions)
    if not found:
        message = N_(
            "no time dimension: the dataset needs `role.time` or a dimension called "
            "Vuosi, År or Year (its dimensions: %(names)s)"
        )
    else:
        message = N_("more than one time dimension (%(names)s): the importer needs exactly one")
        names = ", ".join(d.name for d in found)
    raise ValidationFailed([ValidationIssue.said(("role", "time"), message, names=names)])


def _listed(codes: Sequence[str]) -> str:
    """The first :data:`_SHOWN_CODES` codes, and how many more there are.

    >>> _listed([str(i) for i in range(12)])
    "'0', '1', '2', '3', '4', '5', '6', '7', '8', '9' (+2)"
    """
    shown = ", ".join(repr(c) for c in codes[:_SHOWN_CODES])
    more = len(codes) - _SHOWN_CODES
    return f"{shown} (+{more})" if more > 0 else shown


def _fixed_positions(
    dimensions: list[_Dimension], time: _Dimension, selections: Mapping[str, str]
) -> tuple[dict[str, int], list[ValidationIssue]]:
    """The chosen category's position in each dimension; issues for what cannot be chosen."""
    issues: list[ValidationIssue] = []
    chosen: dict[str, str] = {}
    for name, code in selections.items():
        # a dimension by its id, else by its label (PxWeb's English tables label "Vuosi" Year)
        found = next((d for d in dimensions if d.name == name), None) or next(
            (d for d in dimensions if name.casefold() in (d.name.casefold(), d.label.casefold())),
            None,
        )
        if found is not None:
            chosen[found.name] = code
        else:
            issues.append(
                ValidationIssue.said(
                    ("--select", name),
                    N_("the dataset has no dimension %(name)s; its dimensions are %(names)s"),
                    name=repr(name),
                    names=", ".join(repr(d.name) for d in dimensions),
                )
            )
    positions: dict[str, int] = {}
    for d in dimensions:
        picked = chosen.get(d.name)
        if picked is not None:
            if picked in d.codes:
                positions[d.name] = d.codes.index(picked)
            else:
                issues.append(
                    ValidationIssue.said(
                        (d.name,),
                        N_("unknown code %(code)s; the codes are %(codes)s"),
                        code=repr(picked),
                        codes=_listed(d.codes),
                    )
                )
        elif d is not time:
            if len(d.codes) == 1:
                positions[d.name] = 0
            else:
                issues.append(
                    ValidationIssue.said(
                        (d.name,),
                        N_(
                            "%(count)s categories: choose one with --select "
                            "%(select)s=CODE (the codes are %(codes)s)"
                        ),
                        count=len(d.codes),
                        select=d.name if d.name.isidentifier() else repr(d.name),
                        codes=_listed(d.codes),
                    )
                )
    return positions, issues


def _number(value: Any) -> int | float | None:
    """``value`` as a finite number (``bool`` is not one), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _value_at(values: Any, flat: int) -> Any:
    if isinstance(values, list):
        return values[flat] if flat < len(values) else None
    return values.get(str(flat))


def observations_from_jsonstat(
    data: Any, indicator: str, selections: Mapping[str, str] | None = None
) -> Observations:
    """One indicator's yearly values from a JSON-stat 2.0 dataset.

    Parameters
    ----------
    data
        The dataset as read from JSON (a PxWeb answer).
    indicator
        The id of the indicator the values belong to.
    selections
        The category code chosen for each dimension other than time (those with one
        category need none); a selected time category imports that one year.

    Returns
    -------
    Observations
        An observation per year with a value, in the dataset's time order; ``missing``
        counts the years whose value is ``null`` (or absent from a sparse ``value``).

    Raises
    ------
    ValidationFailed
        Every problem together, each at the dimension it concerns.
    """
    selections = selections or {}
    dataset = _dataset(data)
    dimensions = _dimensions(dataset)
    time = _time_dimension(dataset, dimensions)
    positions, issues = _fixed_positions(dimensions, time, selections)
    values = dataset["value"]
    total = math.prod(len(d.codes) for d in dimensions)
    if not isinstance(values, list | dict):
        issues.append(
            ValidationIssue.said(
                ("value",), N_("`value` must be a list or a mapping of positions to values")
            )
        )
    elif isinstance(values, list) and len(values) != total:
        issues.append(
            ValidationIssue.said(
                ("value",),
                N_("%(count)s values, but the dimensions' sizes multiply to %(total)s"),
                count=len(values),
                total=total,
            )
        )
    if issues:
        raise ValidationFailed(issues)
    # row-major: the last dimension varies fastest
    strides: dict[str, int] = {}
    step = 1
    for d in reversed(dimensions):
        strides[d.name] = step
        step *= len(d.codes)
    base = sum(strides[name] * position for name, position in positions.items())
    source = dataset_source(
        _text_or_none(dataset.get("label")),
        _text_or_none(dataset.get("updated")),
        _text_or_none(dataset.get("source")),
    )
    chosen_time = positions.get(time.name)
    steps = [chosen_time] if chosen_time is not None else range(len(time.codes))
    if chosen_time is not None:
        base -= strides[time.name] * chosen_time
    out = Observations(source=source, indicator_place=("--indicator",))
    seen: dict[int, str] = {}
    for t in steps:
        code = time.codes[t]
        place: Loc = (time.name, code)
        year = _year(code, place, issues)
        raw = _value_at(values, base + strides[time.name] * t)
        if raw is None:
            out.missing += 1
            continue
        value = _number(raw)
        if value is None:
            issues.append(
                ValidationIssue.said(
                    place,
                    N_("the value %(value)s is not a finite number"),
                    value=_shown(raw),
                )
            )
            continue
        if year is None:
            continue
        if year in seen:
            issues.append(
                ValidationIssue.said(
                    place,
                    N_("the year %(year)s is in the file twice (also %(first)s)"),
                    year=year,
                    first=seen[year],
                )
            )
            continue
        seen[year] = f"{time.name}.{code}"
        out.observations.append(
            {"indicator": indicator, "year": year, "value": value, "source": source}
        )
        out.places.append(place)
    if issues:
        raise ValidationFailed(issues)
    return out


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _year(code: str, place: Loc, issues: list[ValidationIssue]) -> int | None:
    """The year a time category or a CSV cell names; an issue when it is no whole year
    from :data:`FIRST_YEAR` to :data:`LAST_YEAR`."""
    text = code.strip()
    if not _YEAR.fullmatch(text):
        issues.append(
            ValidationIssue.said(
                place,
                N_(
                    "%(code)s is not a year: only yearly values can be imported "
                    "(choose a yearly table or give years such as 2021)"
                ),
                code=repr(code),
            )
        )
        return None
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        issues.append(
            ValidationIssue.said(
                place,
                N_("the year %(year)s is outside %(first)s-%(last)s"),
                year=year,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
        return None
    return year


# --- CSV ---------------------------------------------------------------------------------


def _delimiter(header: str) -> str:
    """``;`` when the header is separated by semicolons (a spreadsheet saved in a Finnish
    or Swedish locale), else ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def _csv_number(text: str, decimal_comma: bool) -> int | float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        text = text.replace(",", ".")
    if _WHOLE_NUMBER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def observations_from_csv(text: str, indicator: str | None = None) -> Observations:
    """Observations from CSV text with the header ``indicator,year,value,source``.

    The columns may come in any order; ``source`` may be left out or empty. A header
    separated by ``;`` makes ``;`` the separator and ``,`` the decimal mark (``12,5``).
    An empty ``value`` is a missing value: left out and counted. With ``indicator``, only
    that indicator's rows are read (the others are left out); it is an error when there
    are none.

    Raises
    ------
    ValidationFailed
        Every problem together, each at its row (``row[5].year``; the header is row 1).

    Examples
    --------
    >>> parsed = observations_from_csv("indicator,year,value,source\\nx,2021,12.5,\\nx,2022,,\\n")
    >>> parsed.observations, parsed.places, parsed.missing
    ([{'indicator': 'x', 'year': 2021, 'value': 12.5, 'source': None}], [('row', 2)], 1)
    """
    text = text.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    # a cell may hold a quoted line break: the reader, not splitlines, finds the rows
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(rows, [])]
    issues: list[ValidationIssue] = []
    missing = [name for name in _REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    expected = ",".join(CSV_COLUMNS)
    for name in missing:
        issues.append(
            ValidationIssue.said(
                ("row", 1),
                N_("the column %(column)s is missing: the header row must be %(header)s"),
                column=repr(name),
                header=expected,
            )
        )
    for name in unknown:
        issues.append(
            ValidationIssue.said(
                ("row", 1),
                N_("unknown column %(column)s: the columns are %(header)s"),
                column=repr(name),
                header=expected,
            )
        )
    if issues:
        raise ValidationFailed(issues)
    column = {name: i for i, name in enumerate(header)}
    out = Observations()
    first: dict[tuple[str, int], int] = {}
    others = 0
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line, e.g. at the end
        if len(row) > len(header):
            issues.append(
                ValidationIssue.said(
                    ("row", number),
                    N_("%(count)s cells but the header has %(columns)s columns"),
                    count=len(row),
                    columns=len(header),
                )
            )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in column.items()}
        if indicator is not None and cells["indicator"] != indicator:
            others += 1
            continue
        before = len(issues)
        if not cells["indicator"]:
            issues.append(
                ValidationIssue.said(("row", number, "indicator"), N_("required field is missing"))
            )
        year = _year(cells["year"], ("row", number, "year"), issues)
        if not cells["value"]:
            out.missing += 1
            continue
        value = _csv_number(cells["value"], decimal_comma=delimiter == ";")
        if value is None:
            issues.append(
                ValidationIssue.said(
                    ("row", number, "value"),
                    N_("the value %(value)s is not a finite number"),
                    value=_shown(cells["value"]),
                )
            )
        if len(issues) > before or year is None or value is None:
            continue
        key = (cells["indicator"], year)
        if key in first:
            issues.append(
                ValidationIssue.said(
                    ("row", number),
                    N_("indicator %(indicator)s has %(year)s already on row %(first)s"),
                    indicator=repr(key[0]),
                    year=year,
                    first=first[key],
                )
            )
            continue
        first[key] = number
        out.observations.append(
            {
                "indicator": cells["indicator"],
                "year": year,
                "value": value,
                "source": cells.get("source") or None,
            }
        )
        out.places.append(("row", number))
    if issues:
        raise ValidationFailed(issues)
    if indicator is not None and not out.observations and not out.missing:
        raise ValidationFailed(
            [
                ValidationIssue.said(
                    ("--indicator",),
                    N_("no row of the file is for indicator %(indicator)s"),
                    indicator=repr(indicator),
                )
            ]
        )
    if indicator is not None:
        out.indicator_place = ("--indicator",)
    return out


# --- the load's issues, at their place in the file read -------------------------------------


def relocate(error: ValidationFailed, parsed: Observations) -> ValidationFailed:
    """``error`` (the load's validation of :meth:`Observations.document`) with each issue
    at its place in the file read instead of ``observations[i]``, and an issue that every
    observation of an indicator shares (an unknown indicator) said once.

    >>> parsed = Observations([{"indicator": "x"}] * 2, [("Vuosi", "2021"), ("Vuosi", "2022")],
    ...                       indicator_place=("--indicator",))
    >>> issue = ValidationIssue.said(("observations", 1, "indicator"), "unknown %(x)s", x="x")
    >>> [str(i) for i in relocate(ValidationFailed([issue, issue]), parsed).issues]
    ['--indicator: unknown x']
    """
    issues: list[ValidationIssue] = []
    said: set[str] = set()
    for issue in error.issues:
        loc = issue.loc
        if len(loc) >= 2 and loc[0] == "observations" and isinstance(loc[1], int):
            index, rest = loc[1], loc[2:]
            if rest == ("indicator",) and parsed.indicator_place is not None:
                loc = parsed.indicator_place
            elif index < len(parsed.places):
                place = parsed.places[index]
                # a CSV row's cell is its column; a JSON-stat year's place is its category
                loc = place + rest if place and place[0] == "row" else place
        if issue.loc[-1:] == ("indicator",):
            # an unknown indicator is said once, at its first place (not once per year)
            if issue.message in said:
                continue
            said.add(issue.message)
        if issue.message_id is None:
            issues.append(ValidationIssue(loc, issue.message))
        else:
            issues.append(ValidationIssue.said(loc, issue.message_id, **issue.params))
    return ValidationFailed(issues)
