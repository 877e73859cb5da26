"""How a record's fields map to node properties and relationships, both ways.

Multilingual texts become ``<field>_fi``, ``<field>_sv``, ``<field>_en`` (so the
full-text indexes can give each language its own analyzer); ``resources`` becomes
``resources_eur`` and ``resources_person_years``; dates are Neo4j dates.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from pydantic import BaseModel

from turva.graph.domain import model
from turva.graph.domain.schema import REL_TYPES, NodeType, RelType

__all__ = [
    "LANGS",
    "owned_rel_types",
    "relationship_fields",
    "to_properties",
    "relationship_rows",
    "record_dict",
]

LANGS = ("fi", "sv", "en")


def owned_rel_types(label: str) -> tuple[RelType, ...]:
    """The relationship types a record of ``label`` defines through its fields."""
    return tuple(rt for rt in REL_TYPES if rt.owner == label)


def relationship_fields(label: str) -> frozenset[str]:
    return frozenset(rt.field for rt in owned_rel_types(label))


def _is_text(annotation: Any) -> bool:
    return model.Text in getattr(annotation, "__args__", ()) or annotation is model.Text


def to_properties(record: model.Record, nt: NodeType) -> dict[str, Any]:
    """The node properties of a record (relationship fields left out)."""
    skip = relationship_fields(nt.label)
    props: dict[str, Any] = {}
    for name in type(record).model_fields:
        if name in skip:
            continue
        value = getattr(record, name)
        if value is None:
            continue
        if isinstance(value, model.Text):
            for lang in LANGS:
                text = getattr(value, lang)
                if text is not None:
                    props[f"{name}_{lang}"] = text
        elif isinstance(value, model.Resources):
            if value.eur is not None:
                props["resources_eur"] = value.eur
            if value.person_years is not None:
                props["resources_person_years"] = value.person_years
        else:
            props[name] = value
    return props


def _entry_props(entry: Any) -> dict[str, Any]:
    # membership and responsibility entries carry role and source onto the relationship
    if isinstance(entry, BaseModel):
        return {k: getattr(entry, k) for k in ("role", "source") if getattr(entry, k) is not None}
    return {}


def relationship_rows(record: model.Record, rel: RelType) -> list[dict[str, Any]]:
    """Rows ``{start, end, props}`` for the relationships of ``rel`` that ``record`` defines."""
    value = getattr(record, rel.field)
    if value is None:
        return []
    entries = [value] if isinstance(value, str) else list(value)
    rows = []
    for entry in entries:
        other = entry if isinstance(entry, str) else entry.organisation
        start, end = (record.id, other) if rel.owner_is_start else (other, record.id)
        rows.append({"start": start, "end": end, "props": _entry_props(entry)})
    return rows


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    if to_native is not None:
        value = to_native()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record_dict(
    nt: NodeType, props: dict[str, Any], relations: dict[str, list[Any]]
) -> dict[str, Any]:
    """A record as the export writes it: fields in model order, ``source`` last.

    ``relations`` maps a relationship field to its sorted values (ids or entry dicts).
    Optional fields that are empty are left out; required lists stay, even when empty.
    """
    fields = nt.model.model_fields
    rel_fields = relationship_fields(nt.label)
    out: dict[str, Any] = {"id": props["id"]}
    for name, info in fields.items():
        if name in ("id", "source"):
            continue
        if name in rel_fields:
            values = relations.get(name, [])
            if typing.get_origin(info.annotation) is list:
                if values or info.is_required():
                    out[name] = values
            elif values:
                out[name] = values[0]
        elif name == "resources":
            resources = {
                key: props[f"resources_{key}"]
                for key in ("eur", "person_years")
                if props.get(f"resources_{key}") is not None
            }
            if resources:
                out[name] = resources
        elif _is_text(info.annotation):
            text = {lang: props[f"{name}_{lang}"] for lang in LANGS if f"{name}_{lang}" in props}
            if text:
                out[name] = text
        elif props.get(name) is not None:
            out[name] = _native(props[name])
    if props.get("source") is not None:
        out["source"] = props["source"]
    return out
