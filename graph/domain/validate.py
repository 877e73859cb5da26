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
from turva.graph.errors import ValidationFailed, ValidationIssue

__all__ = ["KnownGraph", "parse_document", "reference_issues", "validate_document", "issues_from"]


@dataclass
class KnownGraph:
    """What the graph already holds that a merged document may refer to."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # label -> ids
    parents: dict[str, dict[str, str]] = field(default_factory=dict)  # label -> child -> parent


def _friendly(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}: remove it or check its spelling"
    if kind == "missing":
        return "required field is missing"
    if loc == ("format",):
        return "not a turva/1 document: the top level needs `format: turva/1`"
    if kind == "string_pattern_mismatch":
        return (
            f"invalid id {error.get('input')!r}: use 1-64 of A-Z a-z 0-9 . _ -, "
            "starting with a letter or digit"
        )
    if kind == "value_error" and error.get("ctx", {}).get("error") is not None:
        return str(error["ctx"]["error"])
    message = str(error["msg"])
    return message[0].lower() + message[1:] if message else kind


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
        issues.append(ValidationIssue(prefix + loc, _friendly({**item, "loc": loc})))
    return issues


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the member type of a union to loc ("int", "function-after[...]")
    return isinstance(part, str) and (part in {"int", "float", "str"} or "[" in part)


def parse_document(data: Any) -> Document:
    """The document as models; raise :class:`ValidationFailed` with every shape error."""
    if not isinstance(data, dict):
        raise ValidationFailed([ValidationIssue((), "the document must be a mapping")])
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
                    ValidationIssue(
                        (section, i, "id"),
                        f"duplicate {nt.noun} id {record.id!r} "
                        f"(first at {section}[{first[record.id]}])",
                    )
                )
            else:
                first[record.id] = i
        ids[nt.label] = set(first) | known.ids.get(nt.label, set())

    for rel in REL_TYPES:
        owner = node_type_for_label(rel.owner)
        target = _targets(rel)
        noun = node_type_for_label(target).noun
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
                    issues.append(ValidationIssue(loc, f"unknown {noun} {ref!r}"))
                elif ref in seen:
                    issues.append(ValidationIssue(loc, f"{noun} {ref!r} is listed twice"))
                seen.add(ref)

    for section in ("organisations", "phenomena"):
        issues.extend(_cycle_issues(doc, section, known))
    return issues


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
                ValidationIssue(
                    (section, position[start], "parent"),
                    f"parent cycle: {' -> '.join(cycle)}; a {nt.noun} cannot be its own ancestor",
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
