"""Editing records in the browser: who may change what, and the forms of each record type.

The rules are the API's (``docs/api.md``, :mod:`turva.api.auth` and
:mod:`turva.graph.store.permissions`): admins change everything; an editor changes the
measures one of its organisations is responsible for (a partner only the
:data:`~turva.graph.store.permissions.PARTNER_FIELDS`) and the goals of the priority groups
one of its organisations is a member of; readers change nothing. :func:`may_change` answers
for the pages (which buttons to show); the store's in-transaction authorizer still decides
every write.

A form is flat HTML fields, one per value, named by the record's path
(``title.fi``, ``resources.eur``, ``responsible.0.organisation``, ``addresses.2``), so it
works without JavaScript. :func:`form_values` turns a record into those fields and
:func:`parse_form` turns a posted form back into a ``turva/1`` record, with every problem
as a :class:`~turva.graph.errors.ValidationIssue` at the field it belongs to.

>>> form_values("themes", {"id": "T1", "name": {"fi": "Arki"}})["name.fi"]
'Arki'
>>> record, issues = parse_form("themes", [("id", "T1"), ("name.fi", " Arki ")], creating=True)
>>> record, issues
({'id': 'T1', 'name': {'fi': 'Arki'}}, [])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver
from pydantic import ValidationError

from turva.api.auth import Principal
from turva.graph.domain.schema import node_type
from turva.graph.domain.validate import issues_from
from turva.graph.domain.words import (
    BODY_KINDS,
    DIRECTIONS,
    ORGANISATION_KINDS,
    ROLES,
    STATUSES,
)
from turva.graph.errors import ValidationIssue
from turva.graph.messages import N_
from turva.graph.store.permissions import PARTNER_FIELDS, lead_organisations
from turva.queries.runner import run_query

__all__ = [
    "SECTIONS",
    "FormField",
    "FORMS",
    "may_change",
    "may_create",
    "locked_fields",
    "form_values",
    "parse_form",
    "row_count",
    "MAX_ROWS",
]

#: the section of a page address (``/groups/...``) -> the document section
SECTIONS = {
    "measures": "measures",
    "goals": "goals",
    "groups": "priority_groups",
    "phenomena": "phenomena",
    "indicators": "indicators",
    "organisations": "organisations",
    "branches": "branches",
    "bodies": "bodies",
    "themes": "themes",
}
#: the page address of each document section
PAGE_OF = {section: page for page, section in SECTIONS.items()}
#: how many rows a list field may have in one form (more is a forged form)
MAX_ROWS = 500


def _section(section: str) -> str:
    """A page section (``groups``) or document section (``priority_groups``) as the latter."""
    return SECTIONS.get(section, section)


def member_of_group(
    driver: Driver | None, database: str | None, group: Any, organisations: Iterable[str]
) -> bool:
    if driver is None or not isinstance(group, str):
        return False
    rows = run_query(
        driver, "auth_member_of_group", database, group=group, orgs=sorted(organisations)
    )
    return bool(rows and rows[0]["ok"])


def may_change(
    who: Principal,
    section: str,
    record: Mapping[str, Any] | None,
    *,
    driver: Driver | None = None,
    database: str | None = None,
) -> bool:
    """Whether ``who`` may change ``record`` of ``section`` (``None``: create one).

    The API's rules: an admin everything; an editor the measures one of its
    organisations is responsible for (lead or partner) and the goals of priority groups
    one of them is a member of (that needs ``driver``; without it a goal is refused);
    anyone else nothing. ``section`` is a page section (``groups``) or a document one.

    >>> from turva.api.auth import ANONYMOUS
    >>> may_change(ANONYMOUS, "measures", None)
    False
    """
    role = getattr(who, "role", "anonymous")
    if role == "admin":
        return True
    if role != "editor":
        return False
    mine = set(who.organisations)
    section = _section(section)
    if section == "measures":
        if record is None:
            return bool(mine)
        return bool({r.get("organisation") for r in record.get("responsible", [])} & mine)
    if section == "goals":
        if record is None:
            return bool(mine)
        return member_of_group(driver, database, record.get("group"), mine)
    return False


def may_create(who: Principal, section: str) -> bool:
    """Whether ``who`` may make a new record of ``section`` at all."""
    return may_change(who, section, None)


def may_delete(who: Principal, section: str, record: Mapping[str, Any], **kw: Any) -> bool:
    """Whether ``who`` may delete ``record``: as :func:`may_change`, and for an editor's
    measure only when one of its organisations leads it."""
    if not may_change(who, section, record, **kw):
        return False
    if getattr(who, "role", "") == "editor" and _section(section) == "measures":
        return bool(lead_organisations(dict(record)) & set(who.organisations))
    return True


def locked_fields(who: Principal, section: str, record: Mapping[str, Any] | None) -> frozenset[str]:
    """The fields ``who`` may see but not change in the form: for an editor of a partner
    (not a lead) of a measure, everything but :data:`PARTNER_FIELDS`."""
    if (
        getattr(who, "role", "") != "editor"
        or _section(section) != "measures"
        or record is None
        or lead_organisations(dict(record)) & set(who.organisations)
    ):
        return frozenset()
    return frozenset(f.name for f in FORMS["measures"] if f.name not in PARTNER_FIELDS)


@dataclass(frozen=True)
class FormField:
    """One field of a form: ``kind`` says how it is shown and read.

    Kinds: ``id``, ``text`` (fi/sv/en), ``longtext`` (the same, in text areas),
    ``plain`` (one line), ``enum`` (a choice of ``choices``), ``date``, ``int``,
    ``resources`` (euros and person-years), ``ref`` (one record of ``target``), ``refs``
    (a list of them) and ``entries`` (organisations with a role of ``choices`` and a source).
    """

    name: str
    kind: str
    label: str
    required: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)
    target: str = ""
    help: str = ""


_SOURCE = FormField(
    "source",
    "plain",
    N_("Source"),
    help=N_("A web address or a document's name; “illustrative” for made-up examples."),
)
_ID = FormField(
    "id",
    "id",
    N_("Identifier"),
    required=True,
    help=N_(
        "1–64 letters A–Z, digits and . _ -, starting with a letter or digit. "
        "It cannot be changed later."
    ),
)
_NAME = FormField("name", "text", N_("Name"), required=True)


def _entries(name: str, label: str, *roles: str) -> FormField:
    """A required list of organisations, each with one of ``roles`` (and a source)."""
    choices = {c: ROLES[c] for c in roles}
    return FormField(name, "entries", label, required=True, choices=choices, target="organisations")


#: a priority group's and a cooperation body's members: organisations with their roles
_MEMBERS = _entries("members", N_("Members"), "lead", "member")


#: the parts of a measure's resources, in the order pages show them
RESOURCE_PARTS = {"person_years": N_("Person-years"), "eur": N_("Euros")}

_THEMES = FormField("themes", "refs", N_("Themes"), target="themes")


def _form(*fields: FormField) -> tuple[FormField, ...]:
    """A section's form: its id, ``fields``, then its source (every record has both)."""
    return (_ID, *fields, _SOURCE)


#: the fields of each section's form, in the order the form shows them
FORMS: dict[str, tuple[FormField, ...]] = {
    "measures": _form(
        FormField("title", "text", N_("Title"), required=True),
        FormField("status", "enum", N_("Status"), required=True, choices=STATUSES),
        FormField("start", "date", N_("Start")),
        FormField("end", "date", N_("End")),
        FormField("resources", "resources", N_("Resources")),
        _entries("responsible", N_("Responsible"), "lead", "partner"),
        FormField(
            "addresses", "refs", N_("Phenomena addressed"), required=True, target="phenomena"
        ),
        FormField("advances", "refs", N_("Advances goals"), target="goals"),
        FormField("indicator", "longtext", N_("Indicator")),
    ),
    "goals": _form(
        FormField("text", "longtext", N_("Goal"), required=True),
        FormField("group", "ref", N_("Priority group"), target="priority_groups"),
        FormField("targets", "refs", N_("Targets phenomena"), required=True, target="phenomena"),
        FormField("indicator", "longtext", N_("Indicator")),
        FormField("deadline", "date", N_("Deadline")),
    ),
    "priority_groups": _form(
        FormField("number", "int", N_("Number"), required=True, help=N_("1 to 999")),
        FormField("period", "int", N_("Period"), required=True, help=N_("A year, e.g. 2021")),
        _NAME,
        _THEMES,
        FormField(
            "focuses_on", "refs", N_("Phenomena in focus"), required=True, target="phenomena"
        ),
        _MEMBERS,
    ),
    "phenomena": _form(
        _NAME,
        FormField("description", "longtext", N_("Description")),
        _THEMES,
        FormField("parent", "ref", N_("Broader phenomenon"), target="phenomena"),
    ),
    "indicators": _form(
        _NAME,
        FormField("unit", "text", N_("Unit"), help=N_("What is counted, e.g. offences")),
        FormField("direction", "enum", N_("Direction"), required=True, choices=DIRECTIONS),
        FormField("phenomena", "refs", N_("Phenomena measured"), required=True, target="phenomena"),
    ),
    "organisations": _form(
        _NAME,
        FormField("abbreviation", "plain", N_("Abbreviation")),
        FormField("kind", "enum", N_("Kind"), required=True, choices=ORGANISATION_KINDS),
        FormField("branch", "ref", N_("Administrative branch"), target="branches"),
        FormField("parent", "ref", N_("Parent organisation"), target="organisations"),
    ),
    "branches": _form(
        _NAME,
        FormField("ministry", "ref", N_("Ministry"), target="organisations"),
    ),
    "bodies": _form(
        FormField("kind", "enum", N_("Kind"), required=True, choices=BODY_KINDS),
        _NAME,
        _MEMBERS,
    ),
    "themes": _form(_NAME),
}

LANGS = ("fi", "sv", "en")
_ENTRY_PARTS = ("organisation", "role", "source")


def _fields(section: str) -> dict[str, FormField]:
    return {f.name: f for f in FORMS[_section(section)]}


def form_values(section: str, record: Mapping[str, Any] | None) -> dict[str, str]:
    """The record as the flat form fields that show it (every value a string)."""
    out: dict[str, str] = {}
    for f in FORMS[_section(section)]:
        value = (record or {}).get(f.name)
        if value is None:
            continue
        if f.kind in ("text", "longtext"):
            for lang in LANGS:
                if value.get(lang):
                    out[f"{f.name}.{lang}"] = str(value[lang])
        elif f.kind == "resources":
            for part in ("eur", "person_years"):
                if value.get(part) is not None:
                    out[f"resources.{part}"] = str(value[part])
        elif f.kind == "refs":
            for i, ref in enumerate(value):
                out[f"{f.name}.{i}"] = str(ref)
        elif f.kind == "entries":
            for i, entry in enumerate(value):
                for part in _ENTRY_PARTS:
                    if entry.get(part) is not None:
                        out[f"{f.name}.{i}.{part}"] = str(entry[part])
        else:
            out[f.name] = str(value)
    return out


def row_count(values: Mapping[str, str], name: str, extra: int = 1) -> int:
    """How many rows a list field's form shows: the rows given and ``extra`` blank ones.

    >>> row_count({"addresses.0": "a", "addresses.3": ""}, "addresses")
    5
    """
    indices = [
        int(m.group(1))
        for key in values
        if (m := re.fullmatch(rf"{re.escape(name)}\.(\d+)(?:\.\w+)?", key))
    ]
    return min(MAX_ROWS, max(indices, default=-1) + 1 + extra)


#: a form key: a field, then a row number and/or a part
_KEY = re.compile(r"([a-z_]+)(?:\.(\d{1,4}))?(?:\.([a-z_]+))?")
_NUMBER = re.compile(r"[+-]?[0-9]+")


def _issue(loc: tuple[str | int, ...], message_id: str, **params: Any) -> ValidationIssue:
    return ValidationIssue.said(loc, message_id, **params)


def _number(
    text: str, loc: tuple[str | int, ...], whole: bool
) -> tuple[Any, ValidationIssue | None]:
    """A typed number (``1 234,5`` too) as int or float; pydantic judges its range."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if _NUMBER.fullmatch(cleaned) and len(cleaned) <= 40:
        return int(cleaned), None
    if whole:
        return None, _issue(loc, N_("expected a whole number, got %(value)s"), value=repr(text))
    try:
        if len(cleaned) > 60:
            raise ValueError(cleaned)
        return float(cleaned), None
    except ValueError:
        return None, _issue(loc, N_("expected a number, got %(value)s"), value=repr(text))


def _allowed_key(fields: Mapping[str, FormField], key: str) -> bool:
    m = _KEY.fullmatch(key)
    if not m:
        return False
    name, row, part = m.groups()
    f = fields.get(name)
    if f is None:
        return False
    if f.kind in ("text", "longtext"):
        return row is None and part in LANGS
    if f.kind == "resources":
        return row is None and part in ("eur", "person_years")
    if f.kind == "refs":
        return row is not None and part is None
    if f.kind == "entries":
        return row is not None and part in _ENTRY_PARTS
    return row is None and part is None


#: form keys every edit form carries besides the record's fields
CONTROL_KEYS = frozenset({"csrf_token", "etag", "base", "_more", "_save"})


def parse_form(
    section: str,
    items: Iterable[tuple[str, Any]],
    *,
    creating: bool,
    record_id: str | None = None,
    locked: frozenset[str] = frozenset(),
    stored: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[ValidationIssue]]:
    """A posted form as a ``turva/1`` record, and every problem found at its field.

    Unknown or repeated keys (a forged form), values that are not text, numbers that do
    not read as numbers and everything the model refuses are issues; the record is
    validated whole by the section's model. ``record_id`` is the id of the record being
    edited (an ``id`` in the form is then refused: ids never change). The ``locked``
    fields are not the sender's to change: the form may not carry them, and they keep
    their values in ``stored`` (the record as stored).

    >>> parse_form("themes", [("id", "T1"), ("name.fi", "")], creating=True)[1][0].loc
    ('name', 'fi')
    """
    fields = _fields(section)
    nt = node_type(_section(section))
    issues: list[ValidationIssue] = []
    values: dict[str, str] = {}
    for key, value in items:
        if key in CONTROL_KEYS:
            continue
        if (
            not isinstance(value, str)
            or not _allowed_key(fields, key)
            or (key == "id" and not creating)
            or key.split(".")[0] in locked
        ):
            issues.append(
                _issue((), N_("unknown form field %(key)s: reload the form"), key=repr(key[:80]))
            )
            continue
        if key in values:
            issues.append(
                _issue(
                    (), N_("the form field %(key)s was sent twice: reload the form"), key=repr(key)
                )
            )
            continue
        values[key] = value.strip()
    record: dict[str, Any] = {}
    if not creating and record_id is not None:
        record["id"] = record_id
    for f in fields.values():
        if f.kind in ("text", "longtext"):
            text = {
                lang: values[f"{f.name}.{lang}"] for lang in LANGS if values.get(f"{f.name}.{lang}")
            }
            if text or f.required:
                record[f.name] = text
        elif f.kind == "resources":
            resources = {}
            for part in ("eur", "person_years"):
                given = values.get(f"resources.{part}")
                if given:
                    number, problem = _number(given, ("resources", part), whole=False)
                    if problem:
                        issues.append(problem)
                    else:
                        resources[part] = number
            if resources:
                record["resources"] = resources
        elif f.kind == "int":
            given = values.get(f.name)
            if given:
                number, problem = _number(given, (f.name,), whole=True)
                if problem:
                    issues.append(problem)
                else:
                    record[f.name] = number
        elif f.kind == "refs":
            rows = sorted(
                (int(k.split(".")[1]), v) for k, v in values.items() if k.startswith(f"{f.name}.")
            )
            if len(rows) > MAX_ROWS:
                issues.append(
                    _issue((f.name,), N_("can have at most %(limit)s item(s)"), limit=MAX_ROWS)
                )
            record[f.name] = [v for _, v in rows if v]
        elif f.kind == "entries":
            by_row: dict[int, dict[str, str]] = {}
            for k, v in values.items():
                if k.startswith(f"{f.name}."):
                    _, number, part = k.split(".")
                    by_row.setdefault(int(number), {})[part] = v
            if len(by_row) > MAX_ROWS:
                issues.append(
                    _issue((f.name,), N_("can have at most %(limit)s item(s)"), limit=MAX_ROWS)
                )
            entries: list[dict[str, str]] = []
            for index in sorted(by_row):
                parts = {k: v for k, v in by_row[index].items() if v}
                if not parts.get("organisation"):
                    if parts.get("source"):
                        issues.append(
                            _issue(
                                (f.name, len(entries), "organisation"),
                                N_("choose an organisation or clear the row"),
                            )
                        )
                    continue
                entries.append(parts)
            record[f.name] = entries
        else:
            given = values.get(f.name)
            if given:
                record[f.name] = given
    for name in locked:
        record.pop(name, None)
        if name in (stored or {}):
            record[name] = (stored or {})[name]
    # a field the form does not show (a goal's ``target``) keeps its stored value: a save
    # replaces the whole record, and must not drop what the person could not see
    for name, value in (stored or {}).items():
        if name not in fields and name != "id":
            record.setdefault(name, value)
    if not creating and record_id is not None:
        record["id"] = record_id
    try:
        nt.model.model_validate(record)
    except ValidationError as e:
        issues.extend(issues_from(e))
    return record, issues


def field_of(issue: ValidationIssue) -> str:
    """The form field an issue belongs beside (its top-level field; ``""`` for the form).

    >>> field_of(ValidationIssue(("responsible", 0, "role"), "x"))
    'responsible'
    >>> field_of(ValidationIssue((), "x"))
    ''
    """
    return str(issue.loc[0]) if issue.loc else ""
