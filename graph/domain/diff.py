"""What changed between two versions of a record, field by field.

The history page, the conflict page of an edit and the preview of an upload all show a
change as a table of fields with their value before and after. This module computes
that table from two ``turva/1`` record mappings (as :mod:`turva.graph.store.records`
returns them and the change history keeps them); it reads no store and knows no page.

Rules, so that a diff lists only what a person would call a change:

- a multilingual text (``name``, ``title``, ``text``, ``description``, ``indicator``) is
  compared per language: ``title.fi``, ``title.sv``, ``title.en``;
- ``resources`` per amount: ``resources.eur``, ``resources.person_years``;
- every list of the format (addresses, advances, themes, focuses_on, targets, members,
  responsible) is a set: its order carries no meaning, so only added and removed items
  count. Members and responsible entries are compared whole (organisation, role and
  source), so a changed role shows as the old entry removed and the new one added;
- an absent field, ``None`` and an empty list are the same: nothing;
- dates compare as ISO text (``2026-01-31``), whether a ``date`` or a string;
- the changes come in the record's field order (:mod:`turva.graph.domain.model`), with
  ``source`` last, as exports write records.

>>> before = {"id": "M1", "title": {"fi": "Vanha"}, "status": "planned",
...           "responsible": [{"organisation": "SM", "role": "lead"}], "addresses": ["P1", "P2"]}
>>> after = {"id": "M1", "title": {"fi": "Uusi", "en": "New"}, "status": "ongoing",
...          "responsible": [{"organisation": "SM", "role": "lead"}], "addresses": ["P3", "P2"]}
>>> for change in field_changes(before, after):
...     print(change.field, change.before, change.after)
title.fi Vanha Uusi
title.en None New
status planned ongoing
addresses ['P1', 'P2'] ['P3', 'P2']
>>> field_changes(before, after)[-1].added, field_changes(before, after)[-1].removed
(['P3'], ['P1'])
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turva.graph.domain.properties import LANGS, NESTED
from turva.graph.domain.schema import NODE_TYPES, REL_TYPES, NodeType, node_type
from turva.graph.domain.words import (
    BODY_KINDS,
    ENUMS,
    FIELD_PARTS,
    FIELDS,
    ORGANISATION_KINDS,
    SECTION_FIELDS,
)

__all__ = [
    "FieldChange",
    "field_changes",
    "field_order",
    "field_words",
    "reference_kind",
    "section_name",
]

#: the sections of the page addresses that differ from the document's (``/groups/...``)
_PAGE_SECTIONS = {"groups": "priority_groups"}


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change.

    ``field`` is a field of the record, or a part of one after a dot: a text's language
    (``title.fi``) or an amount of ``resources`` (``resources.eur``). ``before`` and
    ``after`` are ``None`` when the field was or is empty; for a list field they are the
    whole lists (``[]`` when empty), and :attr:`added` and :attr:`removed` say what differs.
    """

    field: str
    before: Any
    after: Any

    @property
    def name(self) -> str:
        """The record's field (``title`` of ``title.fi``).

        >>> FieldChange("title.fi", "a", "b").name, FieldChange("status", "a", "b").name
        ('title', 'status')
        """
        return self.field.partition(".")[0]

    @property
    def part(self) -> str | None:
        """The language or amount after the dot, or None (``fi`` of ``title.fi``)."""
        return self.field.partition(".")[2] or None

    @property
    def is_list(self) -> bool:
        """Whether the field is a list (compared as a set)."""
        return isinstance(self.before, list) or isinstance(self.after, list)

    @property
    def added(self) -> list[Any]:
        """The items of a list field that are new, in the order of ``after``."""
        return _left_out(self.after, self.before) if self.is_list else []

    @property
    def removed(self) -> list[Any]:
        """The items of a list field that are gone, in the order of ``before``."""
        return _left_out(self.before, self.after) if self.is_list else []

    def words(self, section: str | None) -> tuple[str, str | None]:
        """:func:`field_words` of this field in a record of ``section``."""
        return field_words(section, self.field)

    def reference(self, section: str | None) -> str | None:
        """:func:`reference_kind` of this field in a record of ``section``."""
        return reference_kind(section, self.field)

    def enum_words(self, section: str | None) -> Mapping[str, str] | None:
        """The (untranslated) words of this field's enum values, or None for no enum.

        >>> FieldChange("kind", "ngo", "agency").enum_words("bodies") is BODY_KINDS
        True
        >>> FieldChange("kind", "ngo", "agency").enum_words("organisations")["ngo"]
        'NGO'
        """
        if self.name == "kind":
            is_body = section is not None and section_name(section) == "bodies"
            return BODY_KINDS if is_body else ORGANISATION_KINDS
        return ENUMS.get(self.name)


def section_name(section: str) -> str:
    """The document section of a section as pages, URLs or the change history name it.

    >>> section_name("groups"), section_name("priority-groups"), section_name("measures")
    ('priority_groups', 'priority_groups', 'measures')
    """
    section = _PAGE_SECTIONS.get(section, section)
    return section.replace("-", "_")


def _node_type(section: str | None) -> NodeType | None:
    if not section:
        return None
    try:
        return node_type(section_name(section))
    except KeyError:
        return None


def _guess(keys: set[str]) -> NodeType | None:
    """The first record type whose fields hold ``keys`` and whose required fields are
    among them (types whose field order agrees on what they share come first)."""
    for nt in NODE_TYPES:
        fields = nt.model.model_fields
        required = {name for name, info in fields.items() if info.is_required()}
        if keys <= set(fields) and required <= keys:
            return nt
    return None


def field_order(section: str | None, keys: set[str] | None = None) -> tuple[str, ...]:
    """The fields of a record type in the order records are written, ``source`` last.

    Without ``section`` the type is the one the ``keys`` fit; with neither, an empty tuple.

    >>> field_order("themes")
    ('id', 'name', 'source')
    >>> field_order(None, {"id", "kind", "name", "members"})
    ('id', 'kind', 'name', 'members', 'source')
    """
    nt = _node_type(section) or (_guess(keys) if keys else None)
    if nt is None:
        return ()
    names = [name for name in nt.model.model_fields if name != "source"]
    return (*names, "source")


def _plain(value: Any) -> Any:
    # a date read from the store or a YAML file, or its ISO text from JSON: one value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _key(item: Any) -> str:
    # a hashable, order-free key of a list item: an id, or a member or responsible entry
    return json.dumps(_plain(item), sort_keys=True, ensure_ascii=False, default=str)


def _left_out(items: Any, others: Any) -> list[Any]:
    """The items of list ``items`` that ``others`` lacks, in their order (None: no items)."""
    keys = {_key(item) for item in others or []}
    return [item for item in items or [] if _key(item) not in keys]


def _is_parts(value: Any) -> bool:
    return isinstance(value, Mapping)


def _part_order(name: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    known = NESTED.get(name, LANGS)
    rest = [k for k in (*before, *after) if k not in known]
    return [*known, *dict.fromkeys(rest)]


def _one(name: str, before: Any, after: Any) -> list[FieldChange]:
    if _is_parts(before) or _is_parts(after):
        b = before if _is_parts(before) else {}
        a = after if _is_parts(after) else {}
        return [
            FieldChange(f"{name}.{part}", _plain(b.get(part)), _plain(a.get(part)))
            for part in _part_order(name, b, a)
            if _plain(b.get(part)) != _plain(a.get(part))
            and not (_empty(b.get(part)) and _empty(a.get(part)))
        ]
    if isinstance(before, list) or isinstance(after, list):
        b_list = [_plain(v) for v in before or []]
        a_list = [_plain(v) for v in after or []]
        if {_key(v) for v in b_list} == {_key(v) for v in a_list}:
            return []
        return [FieldChange(name, b_list, a_list)]
    if _empty(before) and _empty(after):
        return []
    if _plain(before) == _plain(after):
        return []
    return [FieldChange(name, _plain(before), _plain(after))]


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    section: str | None = None,
) -> list[FieldChange]:
    """The fields that differ between two versions of one record, in field order.

    Parameters
    ----------
    before, after
        The record as a ``turva/1`` mapping, or ``None`` when it did not exist (a
        create) or no longer does (a delete): then every non-empty field of the other
        is a change.
    section
        The record's type (``measures``, ``priority-groups``, a page's ``groups``...),
        which fixes the field order; without it the type is guessed from the fields.

    Returns
    -------
    list of FieldChange
        Empty when nothing a person would see differs.

    Examples
    --------
    >>> old = {"id": "G1", "members": [{"organisation": "SM", "role": "lead"},
    ...                                {"organisation": "POHA", "role": "member"}]}
    >>> new = {"id": "G1", "members": [{"organisation": "POHA", "role": "member"},
    ...                                {"organisation": "SM", "role": "lead"}]}
    >>> field_changes(old, new)
    []
    >>> [c.field for c in field_changes(None, {"id": "T1", "name": {"fi": "a", "sv": "b"}})]
    ['id', 'name.fi', 'name.sv']
    """
    b = dict(before or {})
    a = dict(after or {})
    keys = set(b) | set(a)
    order = [f for f in field_order(section, keys) if f in keys and f != "source"]
    # fields the record type does not name (a newer format, a hand-made change) follow
    # in the order they come; source is last, as in every record
    seen = {*order, "source"}
    rest = dict.fromkeys(k for k in (*b, *a) if k not in seen)
    out: list[FieldChange] = []
    for name in [*order, *rest, *(["source"] if "source" in keys else [])]:
        out.extend(_one(name, b.get(name), a.get(name)))
    return out


def reference_kind(section: str | None, field: str) -> str | None:
    """The resource (``organisations``, ``phenomena``...) whose ids ``field`` of a record
    of ``section`` holds, or None for a plain value. Members and responsible entries name
    organisations.

    >>> reference_kind("measures", "responsible"), reference_kind("groups", "focuses_on")
    ('organisations', 'phenomena')
    >>> reference_kind("phenomena", "parent"), reference_kind("measures", "status")
    ('phenomena', None)
    """
    nt = _node_type(section)
    if nt is None:
        return None
    name = field.partition(".")[0]
    for rt in REL_TYPES:
        if rt.owner == nt.label and rt.field == name:
            other = rt.end if rt.owner_is_start else rt.start
            found = next(t for t in NODE_TYPES if t.label == other)
            return found.section.replace("_", "-")
    return None


def field_words(section: str | None, field: str) -> tuple[str, str | None]:
    """The (untranslated) words of a field of a diff: the field's, and its part's (a
    text's language, an amount's unit) or None.

    >>> field_words("measures", "title.sv")
    ('Title', 'in Swedish')
    >>> field_words("phenomena", "parent"), field_words("organisations", "parent")
    (('Broader phenomenon', None), ('Part of', None))
    >>> field_words(None, "something_new")
    ('something_new', None)
    """
    name, _, part = field.partition(".")
    key = (section_name(section), name) if section else None
    word = SECTION_FIELDS.get(key, FIELDS.get(name, name)) if key else FIELDS.get(name, name)
    return word, (FIELD_PARTS.get(part, part) if part else None)
