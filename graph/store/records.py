"""Reading and writing one record at a time, each write with its change in one transaction.

A record here is the ``turva/1`` mapping (as exported): its node's properties plus the
relationships its fields own. Writing a record replaces exactly those, like a load of
a one-record document, and records a :mod:`turva.graph.store.history` change in the same
transaction. Deleting a record that other records refer to is refused.

Writes are safe to run at the same time (see :mod:`turva.graph.store.versions`):

* a create is a ``CREATE``: the id's uniqueness constraint lets exactly one of several
  concurrent creates of an id through, the others are :class:`Conflict`;
* a replace, patch or delete first write-locks the record's node (and bumps its
  version), so writes to one record run one after the other and the history of a
  record is a chain: each change's ``before`` is the previous change's ``after``;
* ``if_match`` (an HTTP ``If-Match`` value) makes a write conditional on the version
  the client read: :class:`~turva.graph.store.versions.StaleRecord` otherwise;
* a create with an :class:`~turva.graph.store.idempotency.IdempotencyKey` that was
  already answered returns that answer (``replayed``) instead of running again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import ValidationError

from turva.graph.domain import model
from turva.graph.domain.properties import (
    owned_rel_types,
    property_keys,
    record_dict,
    relationship_rows,
    to_properties,
)

# (load.py imports the same names: both build their writes from the schema's allow-list)
from turva.graph.domain.schema import (
    NODE_TYPES,
    OBSERVATION_LABEL,
    REL_TYPES,
    NodeType,
    RelType,
    label,
    node_type,
    rel_type,
)
from turva.graph.domain.validate import issues_from, listed_twice, noun, unknown_reference
from turva.graph.errors import Conflict, NotFound, ValidationFailed, ValidationIssue
from turva.graph.messages import N_
from turva.graph.store import idempotency
from turva.graph.store.history import record_change
from turva.graph.store.idempotency import IdempotencyKey
from turva.graph.store.transactions import (
    one_at_a_time,
    read_page,
    read_rows,
    write_transaction,
)
from turva.graph.store.versions import VERSION_PROPERTY, check_if_match, etag_of, lock_record

__all__ = [
    "RESOURCES",
    "Filter",
    "resource_name",
    "section_of",
    "Stored",
    "get_record",
    "get_stored",
    "list_records",
    "fetch_record",
    "create_record",
    "replace_record",
    "patch_record",
    "merge_patch",
    "delete_record",
    "WriteAs",
]

#: a hook run inside the write transaction with the record before and after the write
Authorize = Callable[[ManagedTransaction, dict[str, Any] | None, dict[str, Any] | None], None]


class WriteAs(TypedDict, total=False):
    """Who writes a record, and under which check: the keyword arguments every write takes
    (create, replace, patch, delete), as the API's ``Writing.of`` makes them.

    ``who`` goes into the change history; ``authorize(tx, before, after)`` runs in the
    transaction after the write and may raise to undo it; ``database`` is the Neo4j
    database (the server's default when omitted).
    """

    who: Required[str]
    authorize: Authorize | None
    database: str | None


def resource_name(section: str) -> str:
    """The name of a document section in URLs and change records (``priority-groups``)."""
    return section.replace("_", "-")


#: resource name -> document section
RESOURCES = {resource_name(nt.section): nt.section for nt in NODE_TYPES}


def section_of(resource: str) -> str:
    return RESOURCES[resource]


@dataclass(frozen=True)
class Filter:
    """A list filter: its parameter's Python type, help text and Cypher condition on ``n``."""

    type: type
    help: str
    condition: str


def _linked(rel: str, other: str, param: str, outgoing: bool = True) -> str:
    arrow = (
        f"(n)-[:{rel_type(rel)}]->(:{label(other)} {{id: ${param}}})"
        if outgoing
        else f"(n)<-[:{rel_type(rel)}]-(:{label(other)} {{id: ${param}}})"
    )
    return f"EXISTS {{ {arrow} }}"


FILTERS: dict[str, dict[str, Filter]] = {
    "themes": {},
    "branches": {},
    "organisations": {
        "branch": Filter(
            str, "administrative branch id", _linked("BELONGS_TO", "AdministrativeBranch", "branch")
        ),
        "kind": Filter(str, "organisation kind, e.g. agency", "n.kind = $kind"),
        "parent": Filter(
            str, "parent organisation id", _linked("PART_OF", "Organisation", "parent")
        ),
    },
    "phenomena": {
        "theme": Filter(str, "theme id", _linked("IN_THEME", "Theme", "theme")),
        "parent": Filter(str, "broader phenomenon id", _linked("PART_OF", "Phenomenon", "parent")),
    },
    "indicators": {
        "phenomenon": Filter(
            str, "measured phenomenon id", _linked("MEASURES", "Phenomenon", "phenomenon")
        ),
        "direction": Filter(str, "decrease or increase", "n.direction = $direction"),
    },
    "priority_groups": {
        "period": Filter(int, "period (year), e.g. 2021", "n.period = $period"),
        "phenomenon": Filter(
            str,
            "phenomenon id the group focuses on",
            _linked("FOCUSES_ON", "Phenomenon", "phenomenon"),
        ),
        "organisation": Filter(
            str,
            "member organisation id",
            _linked("MEMBER_OF", "Organisation", "organisation", False),
        ),
    },
    "bodies": {
        "kind": Filter(str, "body kind, e.g. expert-network", "n.kind = $kind"),
        "organisation": Filter(
            str,
            "member organisation id",
            _linked("MEMBER_OF", "Organisation", "organisation", False),
        ),
    },
    "goals": {
        "group": Filter(str, "priority group id", _linked("SETS", "PriorityGroup", "group", False)),
        "phenomenon": Filter(
            str, "targeted phenomenon id", _linked("TARGETS", "Phenomenon", "phenomenon")
        ),
    },
    "measures": {
        "phenomenon": Filter(
            str, "addressed phenomenon id", _linked("ADDRESSES", "Phenomenon", "phenomenon")
        ),
        "organisation": Filter(
            str,
            "responsible organisation id",
            _linked("RESPONSIBLE_FOR", "Organisation", "organisation", False),
        ),
        "goal": Filter(str, "advanced goal id", _linked("ADVANCES", "Goal", "goal")),
        "status": Filter(str, "planned, ongoing, done or cancelled", "n.status = $status"),
    },
}


def _other_label(rt: RelType) -> str:
    return rt.end if rt.owner_is_start else rt.start


def _rel_columns(nt: NodeType) -> str:
    columns = []
    for i, rt in enumerate(owned_rel_types(nt.label)):
        if rt.owner_is_start:
            pattern = f"(n)-[r:{rel_type(rt.type)}]->(o:{label(rt.end)})"
        else:
            pattern = f"(n)<-[r:{rel_type(rt.type)}]-(o:{label(rt.start)})"
        columns.append(f"[{pattern} | {{id: o.id, props: properties(r)}}] AS r{i}")
    return ", ".join(["properties(n) AS props", *columns])


def _entry(rt: RelType, row: dict[str, Any]) -> Any:
    if rt.field in ("members", "responsible"):
        props = row["props"]
        return {
            "organisation": row["id"],
            **{k: props[k] for k in ("role", "source") if props.get(k) is not None},
        }
    return row["id"]


def _sort_key(value: Any) -> Any:
    return value["organisation"] if isinstance(value, dict) else value


def _to_record(nt: NodeType, row: dict[str, Any]) -> dict[str, Any]:
    relations = {}
    for i, rt in enumerate(owned_rel_types(nt.label)):
        relations[rt.field] = sorted((_entry(rt, r) for r in row[f"r{i}"]), key=_sort_key)
    return record_dict(nt, row["props"], relations)


@dataclass(frozen=True)
class Stored:
    """A record as stored: its turva/1 mapping, version and strong ETag.

    ``replayed``: the answer kept for an idempotency key, not a new write.
    """

    record: dict[str, Any]
    version: int
    etag: str
    replayed: bool = False


def _version(row: dict[str, Any]) -> int:
    return int(row["props"].get(VERSION_PROPERTY) or 0)


def fetch_record(tx: ManagedTransaction, nt: NodeType, record_id: str) -> dict[str, Any] | None:
    """The record inside a transaction, or None."""
    row = tx.run(
        f"MATCH (n:{label(nt.label)} {{id: $id}}) RETURN {_rel_columns(nt)}", id=record_id
    ).single()
    return _to_record(nt, row.data()) if row else None


def get_stored(driver: Driver, section: str, record_id: str, database: str | None = None) -> Stored:
    """One record with its version and ETag; :class:`NotFound` if there is none."""
    nt = node_type(section)
    records = read_rows(
        driver,
        f"MATCH (n:{label(nt.label)} {{id: $id}}) RETURN {_rel_columns(nt)}",
        database=database,
        id=record_id,
    )
    if not records:
        raise NotFound.said(_NO_SUCH, noun=noun(nt.noun), id=repr(record_id))
    row = records[0].data()
    record, version = _to_record(nt, row), _version(row)
    return Stored(record, version, etag_of(record, version))


def get_record(
    driver: Driver, section: str, record_id: str, database: str | None = None
) -> dict[str, Any]:
    """One record as a turva/1 mapping; :class:`NotFound` if there is none."""
    return get_stored(driver, section, record_id, database).record


def list_records(
    driver: Driver,
    section: str,
    filters: dict[str, Any] | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    database: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of records sorted by id, matching every given filter; and the total count."""
    nt = node_type(section)
    given = {k: v for k, v in (filters or {}).items() if v is not None}
    allowed = FILTERS[section]
    unknown = set(given) - set(allowed)
    if unknown:
        raise ValueError(f"unknown filters for {section}: {sorted(unknown)}")
    where = " AND ".join(allowed[name].condition for name in sorted(given)) or "true"
    match = f"MATCH (n:{label(nt.label)}) WHERE {where}"
    records, count = read_page(
        driver,
        f"{match} WITH n ORDER BY n.id SKIP $offset LIMIT $limit RETURN {_rel_columns(nt)}",
        f"{match} RETURN count(n) AS n",
        database,
        **given,
        offset=offset,
        limit=limit,
    )
    return [_to_record(nt, r.data()) for r in records], count


def _reference_issues(
    tx: ManagedTransaction, nt: NodeType, record: model.Record
) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for rt in owned_rel_types(nt.label):
        value = getattr(record, rt.field)
        if value is None:
            continue
        entries = [value] if isinstance(value, str) else list(value)
        refs = [e if isinstance(e, str) else e.organisation for e in entries]
        found = tx.run(
            f"UNWIND $ids AS id MATCH (o:{label(_other_label(rt))} {{id: id}}) "
            "RETURN collect(o.id) AS ids",
            ids=refs,
        ).single()
        known = set(found["ids"]) if found else set()
        what = noun(next(n.noun for n in NODE_TYPES if n.label == _other_label(rt)))
        seen: set[str] = set()
        for j, ref in enumerate(refs):
            loc: tuple[str | int, ...] = (rt.field,)
            if not isinstance(value, str):
                loc += (j,) if isinstance(entries[j], str) else (j, "organisation")
            if ref not in known:
                issues.append(unknown_reference(loc, what, ref))
            elif ref in seen:
                issues.append(listed_twice(loc, what, ref))
            seen.add(ref)
    target = getattr(record, "target", None)
    if isinstance(target, model.Target):
        found = tx.run(
            f"MATCH (i:{label('Indicator')} {{id: $id}}) RETURN count(i) > 0 AS known",
            id=target.indicator,
        ).single()
        if not (found and found["known"]):
            issues.append(
                unknown_reference(("target", "indicator"), noun("indicator"), target.indicator)
            )
    parent = getattr(record, "parent", None)
    if parent is not None and nt.label in ("Organisation", "Phenomenon"):
        cycle = tx.run(
            f"MATCH (p:{label(nt.label)} {{id: $parent}})-[:{rel_type('PART_OF')}*0..]->"
            f"(a:{label(nt.label)} {{id: $id}}) RETURN count(*) > 0 AS cycle",
            parent=parent,
            id=record.id,
        ).single()
        if parent == record.id or (cycle and cycle["cycle"]):
            issues.append(
                ValidationIssue.said(
                    ("parent",),
                    N_("parent cycle: %(id)s would be its own ancestor through %(parent)s"),
                    id=record.id,
                    parent=parent,
                )
            )
    return issues


def _write(
    tx: ManagedTransaction, nt: NodeType, record: model.Record, version: int, *, create: bool
) -> None:
    props = {**to_properties(record, nt), VERSION_PROPERTY: version}
    if create:
        # CREATE, not MERGE: the id's uniqueness constraint refuses a second create
        tx.run(f"CREATE (n:{label(nt.label)}) SET n = $props", props=props).consume()
    else:
        # Every property but the id, which never changes: writing a uniquely constrained
        # property again would also take an exclusive lock on its index entry, for
        # nothing. A key missing from the record is set to null, which removes it.
        changes = {k: None for k in property_keys(nt)} | props
        del changes["id"]
        tx.run(
            f"MATCH (n:{label(nt.label)} {{id: $id}}) SET n += $changes",
            id=record.id,
            changes=changes,
        ).consume()
    for rt in owned_rel_types(nt.label):
        if not create:
            pattern = (
                f"-[r:{rel_type(rt.type)}]->(:{label(rt.end)})"
                if rt.owner_is_start
                else f"<-[r:{rel_type(rt.type)}]-(:{label(rt.start)})"
            )
            tx.run(
                f"MATCH (n:{label(nt.label)} {{id: $id}}){pattern} DELETE r", id=record.id
            ).consume()
        rows = relationship_rows(record, rt)
        if rows:
            tx.run(
                f"UNWIND $rows AS row MATCH (a:{label(rt.start)} {{id: row.start}}) "
                f"MATCH (b:{label(rt.end)} {{id: row.end}}) "
                f"CREATE (a)-[r:{rel_type(rt.type)}]->(b) SET r = row.props",
                rows=rows,
            ).consume()


def _typed(nt: NodeType, record: model.Record) -> None:
    if not isinstance(record, nt.model):
        raise TypeError(f"expected a {nt.model.__name__}, got {type(record).__name__}")


def _store(
    tx: ManagedTransaction,
    section: str,
    record: model.Record,
    *,
    before: dict[str, Any] | None,
    version: int,
    action: str,
    who: str,
    authorize: Authorize | None,
) -> tuple[Stored, str]:
    """Check references, write, authorize and record the change; (stored, change key)."""
    nt = node_type(section)
    issues = _reference_issues(tx, nt, record)
    if issues:
        raise ValidationFailed(issues)
    _write(tx, nt, record, version, create=before is None)
    after = fetch_record(tx, nt, record.id) or {}
    if authorize is not None:
        authorize(tx, before, after)
    change = record_change(
        tx,
        who=who,
        type=resource_name(section),
        record_id=record.id,
        action=action,
        before=before,
        after=after,
    )
    return Stored(after, version, etag_of(after, version)), change["change"]


def _locked_before(
    tx: ManagedTransaction, nt: NodeType, record_id: str, if_match: str | None, hint: str = ""
) -> tuple[dict[str, Any], int]:
    """Lock the record, check ``if_match``; the record before the write and the new version."""
    version = lock_record(tx, nt, record_id)
    before = fetch_record(tx, nt, record_id) if version is not None else None
    if version is None or before is None:
        raise NotFound.said(hint or _NO_SUCH, noun=noun(nt.noun), id=repr(record_id))
    check_if_match(if_match, nt, before, version - 1)
    return before, version


_NO_SUCH = N_("no %(noun)s has the id %(id)s")


def _conflict(nt: NodeType, record_id: str) -> Conflict:
    return Conflict.said(
        N_(
            "a %(noun)s with the id %(id)s exists already: replace it with PUT or choose another id"
        ),
        noun=noun(nt.noun),
        id=repr(record_id),
    )


# create and replace take alike arguments, each its own precondition: a pair of the
# store's public API, not one logic written twice (the rest is shared: WriteAs, _store)
def create_record(
    driver: Driver,
    section: str,
    record: model.Record,
    *,
    idempotency_key: IdempotencyKey | None = None,
    **writing: Unpack[WriteAs],
) -> Stored:
    """Create a record (:class:`Conflict` if the id is taken); returns it as stored.

    ``writing`` says who writes and under which check (:class:`WriteAs`); the change is
    recorded in the same transaction. Of concurrent creates of one id exactly one
    succeeds. With ``idempotency_key``, a request already answered returns that answer
    (``replayed``) and writes nothing.
    """
    database = writing.get("database")
    nt = node_type(section)
    _typed(nt, record)

    def work(tx: ManagedTransaction) -> Stored:
        if idempotency_key is not None:
            answer = idempotency.claim(tx, idempotency_key)
            if answer is not None:
                return Stored(answer.body, answer.version or 0, answer.etag or "", replayed=True)
        if fetch_record(tx, nt, record.id) is not None:
            raise _conflict(nt, record.id)
        stored, change = _store(
            tx,
            section,
            record,
            before=None,
            version=1,
            action="create",
            who=writing["who"],
            authorize=writing.get("authorize"),
        )
        if idempotency_key is not None:
            answer = idempotency.Answer(201, stored.record, stored.etag, stored.version)
            idempotency.remember(tx, idempotency_key, answer, change)
        return stored

    try:
        stored = write_transaction(driver, work, database=database)
    except ConstraintError as e:
        # another client created the same id at the same time, and committed first
        raise _conflict(nt, record.id) from e
    if idempotency_key is not None and not stored.replayed:
        idempotency.sweep(driver, database)
    return stored


def replace_record(
    driver: Driver,
    section: str,
    record: model.Record,
    *,
    if_match: str | None = None,
    **writing: Unpack[WriteAs],
) -> Stored:
    """Replace an existing record and the relationships it owns (:class:`NotFound` if none).

    With ``if_match``, only while the record is still that version (else
    :class:`~turva.graph.store.versions.StaleRecord`).
    """
    _typed(node_type(section), record)
    return _rewrite(
        driver,
        section,
        record.id,
        lambda before: record,
        "replace",
        if_match=if_match,
        hint=N_("no %(noun)s has the id %(id)s; create it with POST"),
        **writing,
    )


def _rewrite(
    driver: Driver,
    section: str,
    record_id: str,
    rewritten: Callable[[dict[str, Any]], model.Record],
    action: str,
    *,
    if_match: str | None,
    hint: str = "",
    **writing: Unpack[WriteAs],
) -> Stored:
    """Write ``rewritten(before)`` over a record in the transaction that locked and read
    it, so a replace and a patch check ``if_match`` against what they overwrite."""
    nt = node_type(section)

    def work(tx: ManagedTransaction) -> Stored:
        before, version = _locked_before(tx, nt, record_id, if_match, hint)
        return _store(
            tx,
            section,
            rewritten(before),
            before=before,
            version=version,
            action=action,
            who=writing["who"],
            authorize=writing.get("authorize"),
        )[0]

    with one_at_a_time((nt.label, record_id)):
        return write_transaction(driver, work, database=writing.get("database"))


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with a JSON merge patch (RFC 7396) applied: null removes, lists replace."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        # the record holds no mapping here: the patch value is the new value as it is
        # (shape errors are the model's to report)
        return patch
    out = dict(target)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def patch_record(
    driver: Driver,
    section: str,
    record_id: str,
    patch: dict[str, Any],
    *,
    if_match: str | None = None,
    **writing: Unpack[WriteAs],
) -> Stored:
    """Change some fields of a record: a JSON merge patch (RFC 7396) of its turva/1 mapping.

    The patched record is validated whole (:class:`ValidationFailed` with the fields'
    paths) and written like a replace, in the same transaction that read it.
    """
    nt = node_type(section)

    def patched(before: dict[str, Any]) -> model.Record:
        changed = merge_patch(before, patch)
        if changed.get("id") != record_id:
            raise ValidationFailed(
                [
                    ValidationIssue.said(
                        ("id",),
                        N_("the id of %(noun)s %(id)s cannot change"),
                        noun=noun(nt.noun),
                        id=repr(record_id),
                    )
                ]
            )
        try:
            return nt.model.model_validate(changed)  # type: ignore[no-any-return]
        except ValidationError as e:
            raise ValidationFailed(issues_from(e)) from e

    return _rewrite(
        driver,
        section,
        record_id,
        patched,
        "patch",
        if_match=if_match,
        **writing,
    )


def _referencing(tx: ManagedTransaction, nt: NodeType, record_id: str) -> list[str]:
    refs: list[str] = []
    for rt in REL_TYPES:
        # a relationship refers to this record when the record at its other end owns it
        if rt.owner_is_start and rt.end == nt.label:
            pattern = (
                f"(o:{label(rt.start)})-[:{rel_type(rt.type)}]->(n:{label(nt.label)} {{id: $id}})"
            )
        elif not rt.owner_is_start and rt.start == nt.label:
            pattern = (
                f"(n:{label(nt.label)} {{id: $id}})-[:{rel_type(rt.type)}]->(o:{label(rt.end)})"
            )
        else:
            continue
        owner = next(n for n in NODE_TYPES if n.label == rt.owner)
        rows = tx.run(f"MATCH {pattern} RETURN DISTINCT o.id AS id ORDER BY id", id=record_id)
        refs.extend(f"{resource_name(owner.section)}/{row['id']}" for row in rows)
    if nt.label == "Indicator":
        # goals' targets and the indicator's own yearly values: deleting it would lose them
        rows = tx.run(
            f"MATCH (g:{label('Goal')} {{target_indicator: $id}}) RETURN g.id AS ref "
            f"UNION MATCH (o:{label(OBSERVATION_LABEL)} {{indicator: $id}}) "
            "RETURN 'observations/' + o.id AS ref",
            id=record_id,
        )
        refs.extend(
            row["ref"] if row["ref"].startswith("observations/") else f"goals/{row['ref']}"
            for row in rows
        )
    return sorted(set(refs))


def delete_record(
    driver: Driver,
    section: str,
    record_id: str,
    *,
    if_match: str | None = None,
    **writing: Unpack[WriteAs],
) -> dict[str, Any]:
    """Delete a record nobody refers to; :class:`Conflict` lists who still does.

    With ``if_match``, only while the record is still that version. Returns the
    deleted record.
    """
    nt = node_type(section)
    authorize = writing.get("authorize")

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        before, _ = _locked_before(tx, nt, record_id, if_match)
        if authorize is not None:
            authorize(tx, before, None)
        refs = _referencing(tx, nt, record_id)
        if refs:
            error = Conflict.said(
                N_(
                    "%(noun)s %(id)s is still referenced by %(n)s record(s) (%(refs)s); "
                    "change or delete those first"
                ),
                noun=noun(nt.noun),
                id=repr(record_id),
                n=len(refs),
                refs=", ".join(refs[:10]) + ("..." if len(refs) > 10 else ""),
            )
            error.referenced_by = refs
            raise error
        tx.run(f"MATCH (n:{label(nt.label)} {{id: $id}}) DETACH DELETE n", id=record_id).consume()
        record_change(
            tx,
            who=writing["who"],
            type=resource_name(section),
            record_id=record_id,
            action="delete",
            before=before,
        )
        return before

    with one_at_a_time((nt.label, record_id)):
        return write_transaction(driver, work, database=writing.get("database"))
