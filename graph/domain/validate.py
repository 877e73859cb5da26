"""Validating a whole turva/1 document before anything is written.

Every problem is reported with its path (``measures[12].addresses[0]``), not just the
first one, so a person can fix a file in one go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from turva.graph.domain.model import SECTIONS, Document
from turva.graph.domain.schema import REL_TYPES, RelType, node_type, node_type_for_label
from turva.graph.errors import InvalidValue, ValidationFailed, ValidationIssue, Word
from turva.graph.messages import N_

__all__ = [
    "NOUNS",
    "describe",
    "KnownGraph",
    "issues_from",
    "listed_twice",
    "noun",
    "parse_document",
    "reference_issues",
    "unknown_reference",
    "validate_document",
]


@dataclass
class KnownGraph:
    """What the graph already holds that a merged document may refer to."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # label -> ids
    parents: dict[str, dict[str, str]] = field(default_factory=dict)  # label -> child -> parent


#: the noun of each record type, as a catalogue word for messages
NOUNS: dict[str, Word] = {
    "theme": Word(N_("theme")),
    "branch": Word(N_("branch")),
    "organisation": Word(N_("organisation")),
    "phenomenon": Word(N_("phenomenon")),
    "indicator": Word(N_("indicator")),
    "priority group": Word(N_("priority group")),
    "cooperation body": Word(N_("cooperation body")),
    "goal": Word(N_("goal")),
    "measure": Word(N_("measure")),
}


def noun(text: str) -> Word:
    """The record noun ``text`` (``"phenomenon"``) as a word translated with its message."""
    return NOUNS.get(text, Word(text))


def _choices(expected: Any) -> str:
    """pydantic's ``'a', 'b' or 'c'`` with the "or" in the reader's language."""
    text = str(expected) if expected is not None else ""
    head, sep, last = text.rpartition(" or ")
    return Word(N_("%(items)s or %(last)s"), items=head, last=last) if sep else text


def describe(error: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The catalogue message and its values for one pydantic error, with the same facts."""
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "extra_forbidden":
        return N_("unknown key %(key)s: remove it or check its spelling"), {"key": repr(loc[-1])}
    if kind == "missing":
        return N_("required field is missing"), {}
    if loc == ("format",):
        return N_("not a turva/1 document: the top level needs `format: turva/1`"), {}
    if kind == "string_pattern_mismatch":
        return (
            N_(
                "invalid id %(value)s: use 1-64 of A-Z a-z 0-9 . _ -, "
                "starting with a letter or digit"
            ),
            {"value": repr(given)},
        )
    if kind == "value_error" and ctx.get("error") is not None:
        cause = ctx["error"]
        if isinstance(cause, InvalidValue) and cause.message_id is not None:
            return cause.message_id, cause.params
        return N_("invalid value: %(reason)s"), {"reason": str(cause)}
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple, {}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return N_("expected a whole number, got %(value)s"), {"value": repr(given)}
    if kind in ("float_type", "float_parsing"):
        return N_("expected a number, got %(value)s"), {"value": repr(given)}
    if kind == "literal_error" or kind == "enum":
        return (
            N_("input should be %(expected)s; got %(value)s"),
            {"expected": _choices(ctx.get("expected")), "value": repr(given)},
        )
    if kind in _BOUNDS:
        key, message = _BOUNDS[kind]
        return message, {"limit": ctx.get(key), "value": repr(given)}
    if kind in _LENGTHS:
        key, message = _LENGTHS[kind]
        return message, {"limit": ctx.get(key)}
    if kind.startswith("url_"):
        return (
            N_("expected a web address such as https://example.fi (%(reason)s)"),
            {"reason": str(ctx.get("error") or kind)},
        )
    # a kind without a message of its own: pydantic's English words, kept informative
    message = str(error["msg"])
    return N_("invalid value: %(reason)s"), {
        "reason": message[0].lower() + message[1:] if message else kind
    }


_DATE = N_("expected a date YYYY-MM-DD")
#: pydantic error kinds whose message needs no values
_SIMPLE = {
    "string_type": N_("expected text"),
    "finite_number": N_("expected a finite number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "dict_type": N_("expected a mapping"),
    "model_type": N_("expected a mapping"),
    "model_attributes_type": N_("expected a mapping"),
    "list_type": N_("expected a list"),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": N_("expected a date YYYY-MM-DD, not a date and time"),
}
#: comparison kinds: the context key of the limit and the message
_BOUNDS = {
    "greater_than_equal": (
        "ge",
        N_("input should be greater than or equal to %(limit)s; got %(value)s"),
    ),
    "greater_than": ("gt", N_("input should be greater than %(limit)s; got %(value)s")),
    "less_than_equal": ("le", N_("input should be less than or equal to %(limit)s; got %(value)s")),
    "less_than": ("lt", N_("input should be less than %(limit)s; got %(value)s")),
}
#: length kinds: the context key of the limit and the message
_LENGTHS = {
    "too_short": ("min_length", N_("needs at least %(limit)s item(s)")),
    "too_long": ("max_length", N_("can have at most %(limit)s item(s)")),
    "string_too_short": ("min_length", N_("needs at least %(limit)s character(s)")),
    "string_too_long": ("max_length", N_("can be at most %(limit)s characters long")),
}


def issues_from(
    error: ValidationError, prefix: tuple[str | int, ...] = ()
) -> list[ValidationIssue]:
    """The pydantic errors as issues with paths."""
    issues = []
    for item in error.errors():
        # an unknown key is the user's, whatever it is called: keep it as it is
        head, tail = (
            (item["loc"][:-1], item["loc"][-1:])
            if item["type"] == "extra_forbidden"
            else (item["loc"], ())
        )
        loc = tuple(part for part in head if not _is_union_tag(part)) + tuple(tail)
        message_id, params = describe({**item, "loc": loc})
        issues.append(ValidationIssue.said(prefix + loc, message_id, **params))
    return issues


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the member type of a union to loc ("int", "function-after[...]")
    return isinstance(part, str) and (part in {"int", "float", "str"} or "[" in part)


def parse_document(data: Any) -> Document:
    """The document as models; raise :class:`ValidationFailed` with every shape error."""
    if not isinstance(data, dict):
        raise ValidationFailed([ValidationIssue.said((), N_("the document must be a mapping"))])
    try:
        return Document.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(issues_from(e)) from e


def _targets(rel: RelType) -> str:
    """The label a field of the owner refers to."""
    return rel.end if rel.owner_is_start else rel.start


def _referenced_ids(value: Any) -> Iterable[tuple[int | None, str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [(None, value)]
    return [
        (i, item if isinstance(item, str) else item.organisation) for i, item in enumerate(value)
    ]


def reference_issues(doc: Document, known: KnownGraph | None = None) -> list[ValidationIssue]:
    """Duplicate ids, dangling references, repeated list entries and ``parent`` cycles."""
    known = known or KnownGraph()
    issues: list[ValidationIssue] = []
    ids: dict[str, set[str]] = {}
    for section in SECTIONS:
        nt = node_type(section)
        first: dict[str, int] = {}
        for i, record in enumerate(getattr(doc, section)):
            if record.id in first:
                issues.append(
                    ValidationIssue.said(
                        (section, i, "id"),
                        N_("duplicate %(noun)s id %(id)s (first at %(first)s)"),
                        noun=noun(nt.noun),
                        id=repr(record.id),
                        first=f"{section}[{first[record.id]}]",
                    )
                )
            else:
                first[record.id] = i
        ids[nt.label] = set(first) | known.ids.get(nt.label, set())

    for rel in REL_TYPES:
        owner = node_type_for_label(rel.owner)
        target = _targets(rel)
        target_noun = noun(node_type_for_label(target).noun)
        for i, record in enumerate(getattr(doc, owner.section)):
            seen: set[str] = set()
            for j, ref in _referenced_ids(getattr(record, rel.field)):
                loc: tuple[str | int, ...] = (owner.section, i, rel.field)
                if j is not None:
                    loc += (
                        (j,)
                        if isinstance(getattr(record, rel.field)[j], str)
                        else (
                            j,
                            "organisation",
                        )
                    )
                if ref not in ids[target]:
                    issues.append(unknown_reference(loc, target_noun, ref))
                elif ref in seen:
                    issues.append(listed_twice(loc, target_noun, ref))
                seen.add(ref)

    for section in ("organisations", "phenomena"):
        issues.extend(_cycle_issues(doc, section, known))
    issues.extend(_indicator_issues(doc, ids["Indicator"]))
    return issues


def _indicator_issues(doc: Document, indicators: set[str]) -> list[ValidationIssue]:
    """Observations and goal targets naming unknown indicators; a second observation of
    an indicator for the same year."""
    what = noun("indicator")
    issues = []
    first: dict[tuple[str, int], int] = {}
    for i, observation in enumerate(doc.observations):
        if observation.indicator not in indicators:
            issues.append(
                unknown_reference(("observations", i, "indicator"), what, observation.indicator)
            )
        key = (observation.indicator, observation.year)
        if key in first:
            issues.append(
                ValidationIssue.said(
                    ("observations", i, "year"),
                    N_(
                        "a second observation of indicator %(indicator)s for %(year)s "
                        "(first at %(first)s): keep one value a year"
                    ),
                    indicator=repr(observation.indicator),
                    year=observation.year,
                    first=f"observations[{first[key]}]",
                )
            )
        else:
            first[key] = i
    for i, goal in enumerate(doc.goals):
        if goal.target is not None and goal.target.indicator not in indicators:
            issues.append(
                unknown_reference(("goals", i, "target", "indicator"), what, goal.target.indicator)
            )
    return issues


def unknown_reference(loc: tuple[str | int, ...], what: Word, ref: str) -> ValidationIssue:
    """``unknown phenomenon 'kyber'`` at ``loc``."""
    return ValidationIssue.said(loc, N_("unknown %(noun)s %(ref)s"), noun=what, ref=repr(ref))


def listed_twice(loc: tuple[str | int, ...], what: Word, ref: str) -> ValidationIssue:
    """``phenomenon 'kyber' is listed twice`` at ``loc``."""
    return ValidationIssue.said(
        loc, N_("%(noun)s %(ref)s is listed twice"), noun=what, ref=repr(ref)
    )


def _cycle_issues(doc: Document, section: str, known: KnownGraph) -> list[ValidationIssue]:
    nt = node_type(section)
    parents = dict(known.parents.get(nt.label, {}))
    position = {}
    for i, record in enumerate(getattr(doc, section)):
        position[record.id] = i
        if record.parent is None:
            parents.pop(record.id, None)
        else:
            parents[record.id] = record.parent
    issues = []
    reported: set[str] = set()
    for start in position:
        chain = [start]
        node = parents.get(start)
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        if node is not None and node == start and start not in reported:
            cycle = chain + [start]
            reported.update(chain)
            issues.append(
                ValidationIssue.said(
                    (section, position[start], "parent"),
                    N_("parent cycle: %(cycle)s; a %(noun)s cannot be its own ancestor"),
                    cycle=" -> ".join(cycle),
                    noun=noun(nt.noun),
                )
            )
    return issues


def validate_document(data: Any, known: KnownGraph | None = None) -> Document:
    """Parse and check a whole document; raise :class:`ValidationFailed` with every issue."""
    doc = parse_document(data)
    issues = reference_issues(doc, known)
    if issues:
        raise ValidationFailed(issues)
    return doc
