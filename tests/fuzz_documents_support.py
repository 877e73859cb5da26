"""Hypothesis strategies for the fuzz tests of loading and importing (tests/test_fuzz_documents.py).

:func:`valid_documents` draws small *valid* turva/1 documents (as the plain JSON-like
mappings a file holds: dates are strings), whose references may point at the records of
the base graph (``tests/fixtures/small.yaml``) as a merge allows. :func:`documents` then
applies a few :data:`MUTATIONS` to them: wrong types, values that are not finite or far
too large, impossible dates, unknown keys, dangling references, duplicate ids, ``parent``
cycles, empty, very long and odd texts (NUL, NEL, RTL marks, lone surrogates), bad ids,
missing fields, lists and mappings swapped, ``None`` and a bad ``changes:`` history.
Some mutations keep the document valid but odd (extreme numbers and dates, odd texts and
ids), so that accepted documents exercise the export too.

:func:`serialise` writes a drawn document as the bytes of a JSON or YAML body or file;
:class:`Raw` values are written out verbatim (``1e400``, a 5000-digit integer, ``NaN``),
which Python's own writers would refuse or change.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st
from neo4j import Driver

from turva.graph.domain.model import (
    BODY_KINDS,
    MEASURE_STATUSES,
    ORGANISATION_KINDS,
)

__all__ = [
    "BASE_IDS",
    "MUTATIONS",
    "SECTIONS",
    "Raw",
    "documents",
    "fingerprint",
    "measure_bodies",
    "normalise_records",
    "resolves",
    "serialise",
    "valid_documents",
]

#: the records of tests/fixtures/small.yaml, the base graph every example starts from
BASE_IDS: dict[str, list[str]] = {
    "themes": ["everyday-security"],
    "branches": ["SM", "OM"],
    "organisations": ["SM", "OM", "POHA", "SPR"],
    "phenomena": ["cybercrime", "online-fraud", "harassment"],
    "priority_groups": ["pg-2021-8"],
    "bodies": ["cooperation-group"],
    "goals": ["g-fraud"],
    "measures": ["m-campaign", "m-mediation"],
}

SECTIONS = tuple(BASE_IDS)


@dataclass(frozen=True)
class Raw:
    """A value written verbatim into the serialised document (per format)."""

    json: str
    yaml: str

    def __repr__(self) -> str:  # short, for hypothesis' falsifying examples
        return f"Raw({self.json[:30]!r})"


HUGE_INT = Raw("1" + "0" * 5000, "1" + "0" * 5000)
OVERFLOW_FLOAT = Raw("1e400", "1.0e+400")
NEG_OVERFLOW_FLOAT = Raw("-1e400", "-1.0e+400")
NAN = Raw("NaN", ".nan")
INF = Raw("Infinity", ".inf")
HEX_HUGE = Raw('"0x' + "f" * 60 + '"', "0x" + "f" * 60)  # YAML 1.1: an int of 240 bits
YAML_BAD_DATE = Raw('"2021-02-30"', "2021-02-30")  # YAML: a timestamp that is no day
YAML_YEAR_ZERO = Raw('"0000-01-01"', "0000-01-01")
YAML_DATETIME = Raw('"2021-01-01T10:00:00"', "2021-01-01T10:00:00")
YAML_DATE = Raw('"2021-06-01"', "2021-06-01")  # YAML: a real date, JSON: a string

# --- valid pieces ----------------------------------------------------------------------

#: valid ids that YAML or JSON tools like to read as something else
ODD_VALID_IDS = (
    "1e3",
    "0x1F",
    "1_000",
    "true",
    "null",
    "NaN",
    "inf",
    "yes",
    "off",
    "2021-01-01",
    "0",
    "007",
    "a." + "b" * 61,
    "Z" * 64,
    "a-_.",
)

plain_ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,8}\Z")
ids = st.one_of(plain_ids, plain_ids, plain_ids, st.sampled_from(ODD_VALID_IDS))

# every character but lone surrogates; some chosen for trouble
ODD_CHARS = (
    "\x00",
    "\x85",
    "\u2028",
    "\u2029",
    "\u200f",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\r",
    "\t",
    "\n",
    "\x1b",
    "\x7f",
    "\U0001f600",
    "\U0010ffff",
    "\ufffe",
    "e\u0301",
    "'",
    '"',
    "\\",
    "#",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!python/object",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "|",
    ">",
    "?",
    "~",
)
ODD_TEXTS = (
    "null",
    "~",
    "yes",
    "No",
    "true",
    "2021-01-01",
    "2021-02-30",
    "1e400",
    ".inf",
    "0x10",
    "1_000",
    "  leading and trailing  ",
    "line\nbreak",
    "\r\n",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "'; MATCH (n) DETACH DELETE n //",
    "ä" * 2000,
    "\U0001f600" * 2000,
)
characters = st.characters(exclude_categories=["Cs"])
some_text = st.one_of(
    st.text(characters, min_size=1, max_size=12),
    st.lists(st.sampled_from(ODD_CHARS), min_size=1, max_size=4).map(lambda p: "x" + "".join(p)),
    st.sampled_from(ODD_CHARS),
    st.sampled_from(ODD_TEXTS),
)


@st.composite
def texts(draw: st.DrawFn) -> dict[str, str]:
    out = {"fi": draw(some_text)}
    for lang in ("sv", "en"):
        if draw(st.booleans()):
            out[lang] = draw(some_text)
    return out


DATES = ("0001-01-01", "9999-12-31", "2024-02-29", "2021-03-01", "2025-12-31", "1970-01-01")
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)).map(dt.date.isoformat),
)
sources = st.one_of(st.just("illustrative"), some_text.map(lambda s: s[:500]))


def _maybe(draw: st.DrawFn, record: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        record[key] = draw(strategy)


def _fresh_ids(draw: st.DrawFn, section: str, low: int, high: int) -> list[str]:
    """Unique ids for a section, now and then one of the base graph's (a merge updates it;
    a replace keeps it)."""
    pool = st.one_of(ids, ids, ids, st.sampled_from(BASE_IDS[section]))
    drawn = list(dict.fromkeys(draw(st.lists(pool, min_size=high, max_size=high))))
    return drawn[: draw(st.integers(min(low, len(drawn)), len(drawn)))]


def _refs(
    draw: st.DrawFn,
    own: list[str],
    section: str,
    low: int,
    high: int,
    base: dict[str, list[str]] = BASE_IDS,
) -> list[str]:
    """Distinct references to records of the document or of the ``base`` graph."""
    pool = list(dict.fromkeys([*own, *base[section]]))
    if not pool:
        return []
    drawn = list(dict.fromkeys(draw(st.lists(st.sampled_from(pool), min_size=high, max_size=high))))
    return drawn[: draw(st.integers(min(low, len(drawn)), len(drawn)))]


def _entries(
    draw: st.DrawFn,
    orgs: list[str],
    roles: tuple[str, ...],
    low: int,
    high: int,
    base: dict[str, list[str]] = BASE_IDS,
) -> list[dict[str, Any]]:
    out = []
    for org in _refs(draw, orgs, "organisations", low, high, base):
        entry: dict[str, Any] = {"organisation": org}
        _maybe(draw, entry, "role", st.sampled_from(roles))
        if draw(st.integers(0, 3)) == 0:
            entry["source"] = draw(sources)
        out.append(entry)
    return out


def _record(draw: st.DrawFn, rid: str, **fields: Any) -> dict[str, Any]:
    record = {"id": rid, **fields}
    if draw(st.integers(0, 3)) == 0:
        record["source"] = draw(sources)
    return record


@st.composite
def valid_documents(draw: st.DrawFn, standalone: bool = False) -> dict[str, Any]:
    """A small valid turva/1 document: merged into the base graph, or (``standalone``)
    on its own, as ``--replace`` needs."""
    base = {section: [] for section in SECTIONS} if standalone else BASE_IDS
    doc: dict[str, Any] = {"format": "turva/1"}
    theme_ids = _fresh_ids(draw, "themes", 0, 2)
    doc["themes"] = [_record(draw, t, name=draw(texts())) for t in theme_ids]

    org_ids = _fresh_ids(draw, "organisations", 1, 4)
    branch_ids = _fresh_ids(draw, "branches", 0, 2)
    doc["branches"] = []
    for b in branch_ids:
        branch = _record(draw, b, name=draw(texts()))
        if draw(st.booleans()):
            branch["ministry"] = draw(st.sampled_from(org_ids))
        doc["branches"].append(branch)

    doc["organisations"] = []
    for i, o in enumerate(org_ids):
        org = _record(draw, o, name=draw(texts()), kind=draw(st.sampled_from(ORGANISATION_KINDS)))
        _maybe(draw, org, "abbreviation", some_text.map(lambda s: s[:50]))
        if draw(st.booleans()) and branch_ids:
            org["branch"] = draw(st.sampled_from(branch_ids))
        if i and draw(st.booleans()):  # parents only among earlier ones: no cycles
            org["parent"] = draw(st.sampled_from(org_ids[:i]))
        doc["organisations"].append(org)

    phen_ids = _fresh_ids(draw, "phenomena", 1, 4)
    doc["phenomena"] = []
    for i, p in enumerate(phen_ids):
        phen = _record(draw, p, name=draw(texts()))
        _maybe(draw, phen, "description", texts())
        if draw(st.booleans()):
            phen["themes"] = _refs(draw, theme_ids, "themes", 0, 2, base)
        if i and draw(st.booleans()):
            phen["parent"] = draw(st.sampled_from(phen_ids[:i]))
        doc["phenomena"].append(phen)

    group_ids = _fresh_ids(draw, "priority_groups", 0, 2)
    doc["priority_groups"] = []
    for g in group_ids:
        group = _record(
            draw,
            g,
            number=draw(st.one_of(st.integers(1, 12), st.sampled_from([1, 999]))),
            period=draw(st.one_of(st.sampled_from([2021, 2023, 1900, 2200]))),
            name=draw(texts()),
            focuses_on=_refs(draw, phen_ids, "phenomena", 0, 2, base),
            members=_entries(draw, org_ids, ("lead", "member"), 0, 3, base),
        )
        if draw(st.booleans()):
            group["themes"] = _refs(draw, theme_ids, "themes", 0, 2, base)
        doc["priority_groups"].append(group)

    doc["bodies"] = [
        _record(
            draw,
            b,
            kind=draw(st.sampled_from(BODY_KINDS)),
            name=draw(texts()),
            members=_entries(draw, org_ids, ("lead", "member"), 0, 2, base),
        )
        for b in _fresh_ids(draw, "bodies", 0, 1)
    ]

    goal_ids = _fresh_ids(draw, "goals", 0, 2)
    doc["goals"] = []
    for g in goal_ids:
        goal = _record(
            draw, g, text=draw(texts()), targets=_refs(draw, phen_ids, "phenomena", 0, 2, base)
        )
        groups = [*group_ids, *base["priority_groups"]]
        if draw(st.booleans()) and groups:
            goal["group"] = draw(st.sampled_from(groups))
        _maybe(draw, goal, "indicator", texts())
        _maybe(draw, goal, "deadline", dates)
        doc["goals"].append(goal)

    doc["measures"] = [
        draw(measures(org_ids, phen_ids, goal_ids, mid, base))
        for mid in _fresh_ids(draw, "measures", 1, 3)
    ]
    if draw(st.integers(0, 4)) == 0:
        doc["changes"] = draw(st.lists(changes(), min_size=1, max_size=2))
    # leave out some empty sections, as people do
    for section in SECTIONS:
        if not doc[section] and draw(st.booleans()):
            del doc[section]
    return doc


EURS = (0, 1, 120000, 10**12, 0.5, 1e12, 5e-324, 1.5e-10, -0.0)
PERSON_YEARS = (0, 1.5, 10**6, 1e6, 0.001)


@st.composite
def resources(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["eur"] = draw(st.one_of(st.sampled_from(EURS), st.integers(0, 10**12)))
    if not out or draw(st.booleans()):
        out["person_years"] = draw(
            st.one_of(
                st.sampled_from(PERSON_YEARS),
                st.floats(0, 10**6, allow_nan=False, allow_infinity=False),
            )
        )
    return out


@st.composite
def measures(
    draw: st.DrawFn,
    orgs: list[str] | None = None,
    phenomena: list[str] | None = None,
    goals: list[str] | None = None,
    mid: str | None = None,
    base: dict[str, list[str]] = BASE_IDS,
) -> dict[str, Any]:
    """A valid measure referring to ``orgs``... or to the ``base`` graph's records."""
    measure = _record(
        draw,
        mid or draw(ids),
        title=draw(texts()),
        status=draw(st.sampled_from(MEASURE_STATUSES)),
        responsible=_entries(draw, orgs or [], ("lead", "partner"), 0, 3, base),
        addresses=_refs(draw, phenomena or [], "phenomena", 0, 3, base),
    )
    if draw(st.booleans()):
        measure["advances"] = _refs(draw, goals or [], "goals", 0, 2, base)
    if draw(st.booleans()):
        start, end = sorted(draw(st.lists(dates, min_size=2, max_size=2)))
        if draw(st.booleans()):
            measure["start"] = start
        if draw(st.booleans()):
            measure["end"] = end
    _maybe(draw, measure, "resources", resources())
    _maybe(draw, measure, "indicator", texts())
    return measure


TIMES = (
    "2021-01-01T00:00:00+00:00",
    "2024-05-01T12:00:00.123456+03:00",
    "2021-01-01T00:00:00Z",
    "1970-01-01T00:00:00-12:00",
)


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid entry of a document's ``changes:`` history (as an export writes it)."""
    return {
        "change": draw(st.from_regex(r"\A[0-9]{8}T[0-9]{12}-[0-9a-f]{8}\Z")),
        "at": draw(st.sampled_from(TIMES)),
        "who": draw(some_text),
        "type": draw(st.sampled_from(["measures", "document", "goals"])),
        "id": draw(st.one_of(st.none(), ids)),
        "action": draw(st.sampled_from(["create", "replace", "load-merge"])),
        "before": draw(st.one_of(st.none(), st.just({"id": "x", "title": {"fi": "ö"}}))),
        "after": draw(st.one_of(st.none(), st.dictionaries(some_text, some_text, max_size=2))),
    }


# --- bad pieces ------------------------------------------------------------------------

#: bad values by kind; :data:`bad_values` picks a kind first, so that each is tried often
BAD_VALUES: dict[str, tuple[Any, ...]] = {
    "wrong type": (None, True, False, 0, -1, 1.5, [], {}, [None], [[]], [1, 2], {"0": "SM"}),
    "not finite": (
        float("inf"),
        float("-inf"),
        float("nan"),
        NAN,
        INF,
        OVERFLOW_FLOAT,
        NEG_OVERFLOW_FLOAT,
    ),
    "huge or negative": (
        -0.0,
        -1,
        -0.5,
        10**12 + 1,
        10**30,
        2**63,
        -(2**63) - 1,
        HUGE_INT,
        HEX_HUGE,
        1e308,
    ),
    "bad date": (
        "2021-02-30",
        "2021-13-01",
        "0000-01-01",
        "2021-1-1",
        "20210101",
        "2021-W01-1",
        "2021-01-01T00:00:00",
        "2021-01-01 ",
        YAML_BAD_DATE,
        YAML_YEAR_ZERO,
        YAML_DATETIME,
        YAML_DATE,
    ),
    "odd text": (
        "",
        " ",
        "x" * 2001,
        "y" * 20000,
        "\x00",
        "a\x00b",
        "\x85",
        "\u202eevil",
        "\ufeffbom",
        "a\nb",
        "\U0001f600" * 600,
    ),
    "lone surrogate": ("\ud800", "a\udc00b", "\udfff\ud800"),
    "bad id": ("i" * 65, "ab\n", "bad id!", "-x", ".x", "ä", "x/y", "١٢", "ＡＢ"),
    "markup": ("[/]", "[/x]", "[bold]b[/bold]", "[link=http://x]l", "%s %(x)s {0} {x}", "\\"),
    "wrong word": ("ongoing", "lead", "partner", "member", "turva/2", "Ongoing", "agency "),
    "bad container": (
        {"fi": ""},
        {"fi": "x", "de": "y"},
        {"fi": None},
        {"en": "only english"},
        {"fi": "\ud800"},
        {"eur": None},
        {"eur": -1},
        {},
        {"eur": 10**12 + 1},
        {"person_years": 10**6 + 1},
        {"eur": "100"},
        [{"organisation": "SM", "role": "boss"}],
        [{"organisation": "SM"}, {"organisation": "SM"}],
        ["cybercrime", "cybercrime"],
        ["nonexistent"],
    ),
}
bad_values = st.one_of(
    *(st.sampled_from(values).map(copy.deepcopy) for values in BAD_VALUES.values()),
    st.text(max_size=5),  # including lone surrogates
    st.integers(),
    st.floats(),
)

KNOWN_KEYS = (
    "id",
    "name",
    "text",
    "title",
    "description",
    "indicator",
    "source",
    "ministry",
    "abbreviation",
    "kind",
    "branch",
    "parent",
    "themes",
    "number",
    "period",
    "focuses_on",
    "members",
    "organisation",
    "role",
    "group",
    "targets",
    "deadline",
    "status",
    "responsible",
    "addresses",
    "advances",
    "start",
    "end",
    "resources",
    "eur",
    "person_years",
    "fi",
    "sv",
    "en",
    "format",
    "changes",
    "at",
    "who",
    "type",
    "action",
    "before",
    "after",
    "change",
)
UNKNOWN_KEYS = (
    "Id",
    "names",
    "extra",
    "",
    " ",
    "\x00",
    "\ud800",
    "a/b",
    "~0",
    "k" * 300,
    "fi ",
    "str",
    "int",
    "[/]",
    "[x]",
    "function-after[x]",
    "0",
)


# --- mutations -------------------------------------------------------------------------

Path = tuple[Any, ...]


def _containers(value: Any, path: Path = ()) -> list[Path]:
    """Paths of every mapping and list in ``value``, the root first."""
    out: list[Path] = []
    if isinstance(value, dict):
        out.append(path)
        for k, v in value.items():
            out += _containers(v, (*path, k))
    elif isinstance(value, list):
        out.append(path)
        for i, v in enumerate(value):
            out += _containers(v, (*path, i))
    return out


def _at(doc: Any, path: Path) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _records(doc: dict[str, Any], *sections: str) -> list[tuple[str, int]]:
    return [
        (s, i)
        for s in sections or SECTIONS
        if isinstance(doc.get(s), list)
        for i, r in enumerate(doc[s])
        if isinstance(r, dict)
    ]


Doc = dict[str, Any]
#: a mutation of one record: (draw, document, its section, its index, the record) -> what
RecordMutation = Callable[[st.DrawFn, Doc, str, int, Doc], str]


def _on_a_record(*sections: str) -> Callable[[RecordMutation], Callable[[st.DrawFn, Doc], str]]:
    """Make a mutation of one record, drawn from ``sections`` (from any when none), into a
    mutation of the document; it does nothing ("no record") when there is no record."""

    def wrap(mutate: RecordMutation) -> Callable[[st.DrawFn, Doc], str]:
        @functools.wraps(mutate)
        def mutation(draw: st.DrawFn, doc: Doc) -> str:
            records = _records(doc, *sections)
            if not records:
                return "no record"
            section, i = draw(st.sampled_from(records))
            return mutate(draw, doc, section, i, doc[section][i])

        return mutation

    return wrap


def set_value(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """A bad value for a key (a known field or any key) of some mapping, or a list item."""
    path = draw(st.sampled_from(_containers(doc)))
    target = _at(doc, path)
    value = draw(bad_values)
    if isinstance(target, dict):
        key = draw(st.sampled_from(sorted({*target, *KNOWN_KEYS}, key=str)))
        target[key] = value
        return f"set {path + (key,)} = {value!r:.60}"
    if not target:
        target.append(value)
        return f"append {value!r:.60} to {path}"
    i = draw(st.integers(0, len(target) - 1))
    target[i] = value
    return f"set {path + (i,)} = {value!r:.60}"


def delete_key(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """A missing field (required or not)."""
    paths = [p for p in _containers(doc) if isinstance(_at(doc, p), dict) and _at(doc, p)]
    if not paths:
        return "nothing"
    path = draw(st.sampled_from(paths))
    target = _at(doc, path)
    key = draw(st.sampled_from(sorted(target, key=str)))
    del target[key]
    return f"delete {path + (key,)}"


def unknown_key(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    paths = [p for p in _containers(doc) if isinstance(_at(doc, p), dict)]
    path = draw(st.sampled_from(paths))
    key = draw(st.one_of(st.sampled_from(UNKNOWN_KEYS), st.text(max_size=4)))
    _at(doc, path)[key] = draw(st.one_of(st.just(1), bad_values))
    return f"unknown key {path + (key,)!r:.80}"


REFERENCE_FIELDS = (
    "ministry",
    "branch",
    "parent",
    "themes",
    "focuses_on",
    "members",
    "group",
    "targets",
    "responsible",
    "addresses",
    "advances",
)


@_on_a_record()
def dangling(draw: st.DrawFn, doc: Doc, section: str, i: int, record: Doc) -> str:
    """A reference to a record that exists nowhere (or to one of another type)."""
    present = [f for f in REFERENCE_FIELDS if f in record]
    field = draw(st.sampled_from(present or list(REFERENCE_FIELDS)))
    ref = draw(st.sampled_from(["nowhere", "ZZZ-404", "m-campaign", "pg-2021-8", "SM "]))
    current = record.get(field)
    if field in ("members", "responsible"):
        entries = current if isinstance(current, list) else []
        record[field] = [*entries, {"organisation": ref}]
    elif isinstance(current, list) or field in ("themes", "focuses_on", "targets", "addresses"):
        record[field] = [*(current if isinstance(current, list) else []), ref]
    else:
        record[field] = ref
    return f"{section}[{i}].{field} -> {ref!r}"


@_on_a_record()
def duplicate_id(draw: st.DrawFn, doc: Doc, section: str, i: int, record: Doc) -> str:
    """A record listed twice, or two records of one id, or an entry listed twice."""
    how = draw(st.sampled_from(["copy", "rename", "entry"]))
    if how == "copy":
        doc[section].append(copy.deepcopy(record))
    elif how == "rename" and len(doc[section]) > 1:
        j = draw(st.integers(0, len(doc[section]) - 1))
        if isinstance(doc[section][j], dict):
            doc[section][j]["id"] = record.get("id")
    else:
        lists = [k for k, v in record.items() if isinstance(v, list) and v]
        if lists:
            k = draw(st.sampled_from(lists))
            record[k].append(copy.deepcopy(record[k][0]))
    return f"duplicate {how} {section}[{i}]"


def cycle(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """A ``parent`` cycle: a record its own parent, or two or three in a ring (perhaps
    through the base graph: POHA's parent is SM, online-fraud's is cybercrime)."""
    section = draw(st.sampled_from(["organisations", "phenomena"]))
    records = [r for r in doc.get(section) or [] if isinstance(r, dict) and "id" in r]
    if not records:
        return "no record"
    ring = draw(st.lists(st.sampled_from(records), min_size=1, max_size=3, unique_by=id))
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        a["parent"] = b["id"]
    if draw(st.booleans()):  # through the base graph
        base_child = "POHA" if section == "organisations" else "online-fraud"
        ring[0]["parent"] = base_child
        ring[0]["id"] = "SM" if section == "organisations" else "cybercrime"
    return f"cycle in {section}: {[r['id'] for r in ring]}"


def swap_container(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """A list where a mapping belongs or a mapping where a list belongs (or a scalar)."""
    paths = [p for p in _containers(doc) if p]
    if not paths:
        return "nothing"
    path = draw(st.sampled_from(paths))
    parent = _at(doc, path[:-1])
    value = parent[path[-1]]
    if isinstance(value, dict):
        parent[path[-1]] = draw(st.sampled_from([list(value.values()), list(value.items()), []]))
    else:
        parent[path[-1]] = draw(
            st.sampled_from([{str(i): v for i, v in enumerate(value)}, {}, "x", 1])
        )
    return f"swap {path}"


@_on_a_record("measures", "goals")
def bad_date(draw: st.DrawFn, doc: Doc, section: str, i: int, record: Doc) -> str:
    """An impossible date, or an ``end`` before ``start``."""
    if section == "measures" and draw(st.booleans()):
        record["start"], record["end"] = "2022-01-02", "2022-01-01"
        return f"{section}[{i}] ends before it starts"
    field = "deadline" if section == "goals" else draw(st.sampled_from(["start", "end"]))
    value = draw(
        st.sampled_from(
            [
                "2021-02-30",
                "2021-13-01",
                "0000-01-01",
                "2021-00-10",
                "2021-1-1",
                "2021-01-01T00:00:00Z",
                "10000-01-01",
                "-2021-01-01",
                "２０２１-01-01",
                YAML_BAD_DATE,
                YAML_YEAR_ZERO,
                YAML_DATETIME,
                20210101,
                1.5,
            ]
        )
    )
    record[field] = value
    return f"{section}[{i}].{field} = {value!r}"


BAD_TIMES = (
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2021-01-01T00:00:00+05:30:15",
    "2021-01-01T00:00:00+23:59",
    "2021-01-01T00:00:00-18:01",
    "2021-01-01T00:00:00",
    "2021-02-30T00:00:00+00:00",
    "2021-01-01",
    "2021-01-01T24:00:00Z",
    "",
    "now",
    # YAML reads these as dates and times itself
    Raw('"0001-01-01T00:00:00+14:00"', "0001-01-01T00:00:00+14:00"),
    Raw('"2021-01-01 10:00:00"', "2021-01-01 10:00:00"),
    Raw('"2021-01-01T00:00:00+05:30"', "2021-01-01T00:00:00+05:30"),
)
_CHANGE_VALUES = {
    "at": st.sampled_from(BAD_TIMES),
    "change": st.sampled_from(["c" * 9000, "", " ", "\ud800", "x\x00"]),
    "who": st.sampled_from(["", "\ud800", "w" * 100_000, "\x00"]),
    "type": st.sampled_from(["", "\udc00", "tokens", "Measure"]),
    "id": st.sampled_from(["\ud800", "x" * 10_000, 7, ""]),
    "action": st.sampled_from(["", "\ud800", "drop"]),
    "before": st.sampled_from(
        [{"k": "\ud800"}, {"\ud800": 1}, {"n": 10**30, "deep": [[[[{}]]]]}, [1], "x"]
    ),
    "after": st.sampled_from([{"k": "a\udfffb"}, {"f": 1e308}, {"": None}, 1]),
}


def bad_change(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """A history entry that is odd or wrong: bad times, ids, texts, types."""
    entry = draw(changes())
    key = draw(st.sampled_from(sorted(_CHANGE_VALUES)))
    value = draw(st.one_of(_CHANGE_VALUES[key], bad_values))
    entry[key] = value
    where = draw(st.sampled_from(["append", "replace", "scalar"]))
    if where == "scalar":
        doc["changes"] = value
    elif where == "replace" or not isinstance(doc.get("changes"), list):
        doc["changes"] = [entry]
    else:
        doc["changes"].append(entry)
    return f"changes: {where} with {key} = {value!r:.60}"


def whole_section(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    section = draw(st.sampled_from([*SECTIONS, "format", "changes", "extra"]))
    value: Any = draw(st.one_of(bad_values, st.just([{}]), st.just([[]]), st.just("turva/1")))
    doc[section] = value
    return f"{section} = {value!r:.60}"


# mutations that keep the document valid, only odd


def odd_text(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    paths = [p for p in _containers(doc) if isinstance(_at(doc, p), dict) and "fi" in _at(doc, p)]
    if not paths:
        return "no text"
    path = draw(st.sampled_from(paths))
    lang = draw(st.sampled_from(["fi", "sv", "en"]))
    value = draw(st.one_of(st.sampled_from(ODD_TEXTS), st.sampled_from(ODD_CHARS)))
    _at(doc, path)[lang] = value
    return f"text {path + (lang,)} = {value!r:.40}"


@_on_a_record("measures", "priority_groups")
def odd_number(draw: st.DrawFn, doc: Doc, section: str, i: int, record: Doc) -> str:
    if section == "measures":
        record["resources"] = draw(resources())
        return f"{section}[{i}].resources = {record['resources']!r}"
    record["number"], record["period"] = draw(st.sampled_from([(1, 1900), (999, 2200), (7, 2021)]))
    return f"{section}[{i}] number/period edge"


@_on_a_record("measures", "goals")
def odd_date(draw: st.DrawFn, doc: Doc, section: str, i: int, record: Doc) -> str:
    if section == "goals":
        record["deadline"] = draw(st.sampled_from([*DATES, YAML_DATE]))
    else:
        record["start"], record["end"] = draw(
            st.sampled_from([("0001-01-01", "9999-12-31"), ("2024-02-29", "2024-02-29")])
        )
    return f"{section}[{i}] edge dates"


MUTATIONS: dict[str, Any] = {
    "set_value": set_value,
    "delete_key": delete_key,
    "unknown_key": unknown_key,
    "dangling": dangling,
    "duplicate_id": duplicate_id,
    "cycle": cycle,
    "swap_container": swap_container,
    "bad_date": bad_date,
    "bad_change": bad_change,
    "whole_section": whole_section,
    "odd_text": odd_text,
    "odd_number": odd_number,
    "odd_date": odd_date,
}
#: how often each mutation is drawn: single bad values in otherwise valid documents
#: (and odd valid ones) reach furthest, past validation into the write and the export
WEIGHTS = {
    "set_value": 4,
    "bad_change": 3,
    "odd_text": 2,
    "odd_number": 1,
    "odd_date": 1,
    "bad_date": 2,
}
_DRAWN = sorted(name for name in MUTATIONS for _ in range(WEIGHTS.get(name, 1)))


@st.composite
def mutated(
    draw: st.DrawFn,
    base: Any,
    counts: tuple[int, ...] = (1, 2, 1, 0, 1, 3),
    kinds: tuple[str, ...] = tuple(_DRAWN),
) -> tuple[Any, list[str]]:
    """``base`` with some of ``kinds`` of mutations applied (as many as one of ``counts``
    says: mostly one, since one bad value in a valid document reaches furthest); and
    what was done."""
    doc = copy.deepcopy(base)
    done = []
    count = draw(st.sampled_from(counts))
    for name in draw(st.lists(st.sampled_from(kinds), min_size=count, max_size=count)):
        if not isinstance(doc, dict):
            break
        done.append(MUTATIONS[name](draw, doc))
    return doc, done


@st.composite
def documents(draw: st.DrawFn, standalone: bool = False) -> tuple[dict[str, Any], list[str]]:
    """A valid document (for a merge, or ``standalone`` for a replace), then mutated:
    (document, what the mutations did)."""
    return draw(mutated(draw(valid_documents(standalone))))


@st.composite
def measure_bodies(draw: st.DrawFn) -> tuple[Any, list[str]]:
    """A measure for the record endpoints (referring to the base graph), then mutated."""
    measure = draw(measures())
    kinds = tuple(k for k in _DRAWN if k not in ("bad_change", "whole_section", "cycle"))
    doc, done = draw(mutated({"measures": [measure]}, (1, 0, 2, 1, 0, 3), kinds))
    body = doc.get("measures")
    return (body[0] if isinstance(body, list) and body else body), done


# --- serialising -----------------------------------------------------------------------


def serialise(doc: Any, fmt: str, *, ascii_only: bool = False) -> bytes:
    """``doc`` as the bytes of a ``json`` or ``yaml`` document, with :class:`Raw` values
    written verbatim and non-finite floats as each format's own spelling."""
    raws: dict[str, str] = {}

    def placeholders(value: Any) -> Any:
        if isinstance(value, Raw):
            key = f"RAWxx{len(raws)}xx"
            raws[key] = getattr(value, fmt)
            return key
        if isinstance(value, dict):
            return {placeholders(k): placeholders(v) for k, v in value.items()}
        if isinstance(value, list):
            return [placeholders(v) for v in value]
        return value

    plain = placeholders(doc)
    if fmt == "json":
        text = json.dumps(plain, ensure_ascii=ascii_only, allow_nan=True, default=str)
        for key, raw in raws.items():
            text = text.replace(f'"{key}"', raw)
        # lone surrogates travel as JSON escapes, never as (impossible) UTF-8
        return text.encode("utf-8", "backslashreplace") if not ascii_only else text.encode()
    text = yaml.safe_dump(plain, allow_unicode=not ascii_only, sort_keys=False, width=80)
    for key, raw in raws.items():
        text = text.replace(key, raw)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode("utf-8")


# --- checking --------------------------------------------------------------------------


def fingerprint(driver: Driver) -> str:
    """A hash of every node (labels, properties) and relationship in the graph."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS la, a.id AS a, "
        "labels(b) AS lb, b.id AS b, properties(r) AS props"
    )
    dump = sorted(json.dumps(dict(r), sort_keys=True, default=str) for r in [*nodes, *rels])
    return f"{len(nodes)}n {len(rels)}r " + hashlib.sha256("\n".join(dump).encode()).hexdigest()


def resolves(doc: Any, pointer: str, *, key: bool = False) -> bool:
    """Whether the JSON pointer names a place in ``doc``: its parent is a mapping or list
    there (the last step may name a missing field), or, with ``key``, a mapping that
    holds the last step as a key (an unknown key is in the document)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts:
        return not key
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    if key:
        return isinstance(node, dict) and parts[-1] in node
    return isinstance(node, dict | list)


def normalise_records(doc: dict[str, Any]) -> dict[str, list[str]]:
    """The records of a document as an export writes them, each as canonical JSON text
    (so that 1 and 1.0, or 0.0 and -0.0, differ): the model's defaults filled in, every
    list sorted, empty lists that are not required left out, sorted by id."""
    from turva.graph.domain.schema import node_type

    out = {}
    for section in SECTIONS:
        model = node_type(section).model
        records = []
        for raw in doc.get(section) or []:
            record = model.model_validate(raw).model_dump(mode="json", exclude_none=True)
            for key, value in list(record.items()):
                if isinstance(value, list):
                    if not value and not model.model_fields[key].is_required():
                        del record[key]
                    else:
                        record[key] = sorted(
                            value, key=lambda v: v["organisation"] if isinstance(v, dict) else v
                        )
            records.append(record)
        out[section] = [
            json.dumps(r, sort_keys=True, ensure_ascii=False)
            for r in sorted(records, key=lambda r: r["id"])
        ]
    return out
