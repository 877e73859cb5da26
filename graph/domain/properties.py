"""How a record's fields map to node properties and relationships, both ways.

Multilingual texts become ``<field>_fi``, ``<field>_sv``, ``<field>_en`` (so the
full-text indexes can give each language its own analyzer); a nested mapping
(:data:`NESTED`) becomes one property per key: ``resources`` becomes ``resources_eur``
and ``resources_person_years``, a goal's ``target`` ``target_indicator``,
``target_baseline_year``...; dates are Neo4j dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from typing import Any

from pydantic import BaseModel

from turva.graph.domain import model
from turva.graph.domain.schema import REL_TYPES, NodeType, RelType

__all__ = [
    "LANGS",
    "NESTED",
    "owned_rel_types",
    "relationship_fields",
    "to_properties",
    "property_keys",
    "property_row",
    "relationship_rows",
    "owned_targets",
    "record_dict",
]

LANGS = ("fi", "sv", "en")

#: fields holding a small mapping, stored flat as ``<field>_<key>`` properties
NESTED: dict[str, tuple[str, ...]] = {
    "resources": ("eur", "person_years"),
    "target": ("indicator", "baseline_year", "baseline", "year", "value"),
}


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
        elif name in NESTED:
            for key in NESTED[name]:
                if getattr(value, key) is not None:
                    props[f"{name}_{key}"] = getattr(value, key)
        else:
            props[name] = value
    return props


@functools.cache
def property_keys(nt: NodeType) -> tuple[str, ...]:
    """Every node property a record of ``nt`` may have, ``id`` first, in model order.

    The keys of :func:`to_properties`, and the columns of :func:`property_row`.
    """
    skip = relationship_fields(nt.label)
    keys: list[str] = []
    for name, info in nt.model.model_fields.items():
        if name in skip:
            continue
        if _is_text(info.annotation):
            keys.extend(f"{name}_{lang}" for lang in LANGS)
        elif name in NESTED:
            keys.extend(f"{name}_{key}" for key in NESTED[name])
        else:
            keys.append(name)
    return tuple(keys)


def property_row(record: model.Record, nt: NodeType) -> list[Any]:
    """The properties of :func:`to_properties` as a list in :func:`property_keys` order.

    Absent properties are ``None``. A list packs into far fewer Bolt values than a
    mapping (no key strings per row), which is what makes big loads fast.
    """
    row: list[Any] = []
    append = row.append
    for name, kind in _field_kinds(nt):
        value = getattr(record, name)
        if kind == "text":
            if value is None:
                row.extend((None, None, None))
            else:
                row.extend((value.fi, value.sv, value.en))
        elif kind == "nested":
            keys = NESTED[name]
            if value is None:
                row.extend([None] * len(keys))
            else:
                row.extend(getattr(value, key) for key in keys)
        else:
            append(value)
    return row


@functools.cache
def _field_kinds(nt: NodeType) -> tuple[tuple[str, str], ...]:
    skip = relationship_fields(nt.label)
    return tuple(
        (
            name,
            "text" if _is_text(info.annotation) else "nested" if name in NESTED else "plain",
        )
        for name, info in nt.model.model_fields.items()
        if name not in skip
    )


def owned_targets(record: model.Record, rel: RelType) -> list[Any]:
    """The other ends of the relationships of ``rel`` that ``record`` defines.

    Plain ids, or ``[organisation, role, source]`` for membership and responsibility
    entries (the relationship's properties ride along).
    """
    value = getattr(record, rel.field)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [
        entry if isinstance(entry, str) else [entry.organisation, entry.role, entry.source]
        for entry in value
    ]


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
        elif name in NESTED:
            nested = {
                key: props[f"{name}_{key}"]
                for key in NESTED[name]
                if props.get(f"{name}_{key}") is not None
            }
            if nested:
                out[name] = nested
        elif _is_text(info.annotation):
            text = {lang: props[f"{name}_{lang}"] for lang in LANGS if f"{name}_{lang}" in props}
            if text:
                out[name] = text
        elif props.get(name) is not None:
            out[name] = _native(props[name])
    if props.get("source") is not None:
        out["source"] = props["source"]
    return out
