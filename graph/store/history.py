"""The change history: one ``:Change`` node per write, committed with the write itself.

A change says who wrote (a token name, or ``cli:<user>``), when, what (the record's
type and id, or the whole document for a load) and how (``create``, ``replace``,
``delete``, ``load-merge``, ``load-replace``...), with the record before and after as
JSON. Loads never delete changes, and exports carry them (see :mod:`turva.graph.store.export`), so
the history survives moving the data to another graph.

Every write transaction that records a change here (a record write, a load, an import)
also adds one to the graph's version (:func:`turva.graph.store.versions.bump_graph_version`)
in the same transaction, after its history entry: caches of rendered answers key on that
version, so it must move with every commit that changes what readers see, and never
without one. Token changes are the exception: they change who may read, not what.

Changes of API tokens (``type: tokens``) name every token, its role and organisations:
:func:`list_changes` and :func:`export_changes` leave them out unless asked
(``include_tokens``), which the service does for admins only.

A change brought by a load (a document's ``changes:``) is the document's word, not this
graph's: anyone with an admin token can write any ``who`` and ``at`` into a document.
:func:`restore_changes` therefore marks every entry it adds with ``imported_at`` (and
``imported_by``, the loader), and :func:`list_changes` shows the mark. The mark belongs
to this graph: exports leave it out (a document cannot carry or forge it), and the next
graph to load them marks them again.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import label
from turva.graph.errors import InvalidValue, ValidationFailed, ValidationIssue
from turva.graph.messages import N_
from turva.graph.store.transactions import read_page, read_rows
from turva.graph.store.versions import bump_graph_version

__all__ = [
    "record_change",
    "record_load",
    "list_changes",
    "export_changes",
    "parse_changes",
    "restore_changes",
    "CHANGE_FIELDS",
    "IMPORT_FIELDS",
    "TOKEN_CHANGES",
    "document_counts",
]

#: the fields of a change as the API and exported documents show it
CHANGE_FIELDS = ("change", "at", "who", "type", "id", "action", "before", "after")
#: the fields :func:`list_changes` adds: who loaded an imported change, and when
IMPORT_FIELDS = ("imported_by", "imported_at")
#: the ``type`` of token changes
TOKEN_CHANGES = "tokens"

_CHANGE = label("Change")
#: the longest ``change`` key of an imported change (an indexed property; turva's are 30)
MAX_CHANGE_KEY = 200


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key(at: dt.datetime) -> str:
    # sortable by time, unique even for changes in the same microsecond
    return f"{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_change(
    tx: ManagedTransaction,
    *,
    who: str,
    type: str,
    record_id: str | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write one change inside ``tx`` (so it commits or rolls back with the data).

    Also bumps the graph's version in ``tx`` (once per transaction), except for token
    changes. Call it last in the write, after every check that may still refuse it.
    Returns the change as :func:`list_changes` shows it.
    """
    at = _now()
    props = {
        "id": _key(at),
        "at": at,
        "who": who,
        "type": type,
        "record_id": record_id,
        "action": action,
        "before": _dump(before),
        "after": _dump(after),
    }
    tx.run(f"CREATE (c:{_CHANGE}) SET c = $props", props=props).consume()
    if type != TOKEN_CHANGES:
        bump_graph_version(tx)
    return _public(props)


def record_load(
    tx: ManagedTransaction, who: str, report_or_counts: Any, *, replace: bool = False
) -> dict[str, Any]:
    """Record a whole-document load (CLI ``turva load`` or the API's import).

    ``report_or_counts`` is a :class:`turva.graph.store.load.LoadReport` or a plain mapping of
    counts; use it as ``load_document(..., in_transaction=lambda tx: record_load(tx,
    who, report))`` so the record commits with the data.
    """
    counts = _counts(report_or_counts)
    action = "load-replace" if replace else "load-merge"
    return record_change(tx, who=who, type="document", record_id=None, action=action, after=counts)


def _counts(report: Any) -> dict[str, Any]:
    if isinstance(report, dict):
        return dict(report)
    out: dict[str, Any] = {}
    for name in ("created", "updated", "deleted"):
        value = getattr(report, name, None)
        if value:
            out[name] = {k: v for k, v in value.items() if v}
    rels = getattr(report, "relationships", None)
    if rels is not None:
        out["relationships"] = rels
    return out


def _native_time(value: Any) -> dt.datetime:
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _public(props: dict[str, Any], *, import_mark: bool = True) -> dict[str, Any]:
    at = _native_time(props["at"])
    out = {
        "change": props["id"],
        "at": at.isoformat(),
        "who": props["who"],
        "type": props["type"],
        "id": props.get("record_id"),
        "action": props["action"],
        "before": json.loads(props["before"]) if props.get("before") else None,
        "after": json.loads(props["after"]) if props.get("after") else None,
    }
    if import_mark:
        imported_at = props.get("imported_at")
        out["imported_by"] = props.get("imported_by")
        out["imported_at"] = _native_time(imported_at).isoformat() if imported_at else None
    return out


def list_changes(
    driver: Driver,
    *,
    type: str | None = None,
    record_id: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
    include_tokens: bool = False,
    database: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Changes, newest first, filtered by record type, record id and time; and the total.

    Token changes only with ``include_tokens`` (admins). Each change says whether it was
    imported (``imported_by``, ``imported_at``; None for changes made in this graph).
    """
    where = (
        "($type IS NULL OR c.type = $type) AND ($record_id IS NULL OR c.record_id = $record_id) "
        "AND ($since IS NULL OR c.at >= $since) AND ($tokens OR c.type <> $token_type)"
    )
    params = {
        "type": type,
        "record_id": record_id,
        "since": since,
        "tokens": include_tokens,
        "token_type": TOKEN_CHANGES,
    }
    records, count = read_page(
        driver,
        f"MATCH (c:{_CHANGE}) WHERE {where} "
        "WITH c ORDER BY c.at DESC, c.id DESC SKIP $offset LIMIT $limit "
        "RETURN properties(c) AS props",
        f"MATCH (c:{_CHANGE}) WHERE {where} RETURN count(c) AS n",
        database,
        **params,
        offset=offset,
        limit=limit,
    )
    return [_public(r["props"]) for r in records], count


def export_changes(
    driver: Driver, database: str | None = None, *, include_tokens: bool = False
) -> list[dict[str, Any]]:
    """Every change, oldest first, for an exported document (the fields of CHANGE_FIELDS).

    Token changes only with ``include_tokens``; import marks never (they are this graph's).
    """
    records = read_rows(
        driver,
        f"MATCH (c:{_CHANGE}) WHERE $tokens OR c.type <> $token_type "
        "RETURN properties(c) AS props ORDER BY c.at, c.id",
        database=database,
        tokens=include_tokens,
        token_type=TOKEN_CHANGES,
    )
    return [_public(r["props"], import_mark=False) for r in records]


_AT_SHAPE = N_("expected a date and time such as 2024-05-01T12:00:00+00:00")
_AT_SHAPE_GOT = N_("expected a date and time such as 2024-05-01T12:00:00+00:00, got %(value)s")


def _parse_at(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        at = value
    elif isinstance(value, str):
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidValue.said(_AT_SHAPE_GOT, value=repr(value)) from None
    else:
        raise InvalidValue.said(_AT_SHAPE)
    offset = at.utcoffset()
    if offset is None:
        raise InvalidValue.said(N_("the date and time needs a time zone, e.g. +00:00"))
    # what Neo4j can store: an offset of whole minutes within +-18:00, a UTC time within
    # the years 1-9999
    if offset % dt.timedelta(minutes=1) or abs(offset) > dt.timedelta(hours=18):
        raise InvalidValue.said(N_("the time zone must be whole minutes from -18:00 to +18:00"))
    try:
        at.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidValue.said(
            N_("the date and time is out of range (years 1 to 9999 in UTC)")
        ) from None
    return at


def parse_changes(raw: Any) -> list[dict[str, Any]]:
    """The ``changes:`` list of a document as node properties; every problem reported.

    Raises :class:`ValidationFailed` with paths such as ``changes[3].at``.
    """
    if not isinstance(raw, list):
        raise ValidationFailed(
            [ValidationIssue.said(("changes",), N_("expected a list of changes"))]
        )
    issues: list[ValidationIssue] = []
    out = []
    first_at: dict[str, int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            issues.append(ValidationIssue.said(("changes", i), N_("expected a mapping")))
            continue
        key = item.get("change")
        if isinstance(key, str) and key:
            if key in first_at:
                # two entries under one key: the second would be dropped without a word
                issues.append(
                    ValidationIssue.said(
                        ("changes", i, "change"),
                        N_(
                            "the change key %(key)s is already used by %(first)s:"
                            " keep one of the two entries"
                        ),
                        key=repr(key),
                        first=f"changes[{first_at[key]}]",
                    )
                )
            first_at.setdefault(key, i)
        unknown = set(item) - set(CHANGE_FIELDS)
        for key in sorted(unknown):
            issues.append(
                ValidationIssue.said(
                    ("changes", i, key), N_("unknown key %(key)s: remove it"), key=repr(key)
                )
            )
        for key in ("change", "who", "type", "action"):
            if not isinstance(item.get(key), str) or not item.get(key):
                issues.append(
                    ValidationIssue.said(("changes", i, key), N_("required text is missing"))
                )
        if isinstance(item.get("change"), str) and len(item["change"]) > MAX_CHANGE_KEY:
            issues.append(
                ValidationIssue.said(
                    ("changes", i, "change"),
                    N_("a change key is at most %(n)s characters"),
                    n=MAX_CHANGE_KEY,
                )
            )
        if item.get("id") is not None and not isinstance(item.get("id"), str):
            issues.append(
                ValidationIssue.said(("changes", i, "id"), N_("expected a record id or null"))
            )
        for key in ("before", "after"):
            if item.get(key) is not None and not isinstance(item[key], dict):
                issues.append(
                    ValidationIssue.said(("changes", i, key), N_("expected a mapping or null"))
                )
        try:
            at = _parse_at(item.get("at"))
        except InvalidValue as e:
            issues.append(
                ValidationIssue.said(("changes", i, "at"), e.message_id or str(e), **e.params)
            )
            continue
        out.append(
            {
                "id": item.get("change"),
                "at": at,
                "who": item.get("who"),
                "type": item.get("type"),
                "record_id": item.get("id"),
                "action": item.get("action"),
                "before": _dump(item.get("before")),
                "after": _dump(item.get("after")),
            }
        )
    if issues:
        raise ValidationFailed(issues)
    return out


def restore_changes(
    tx: ManagedTransaction,
    changes: list[dict[str, Any]],
    *,
    imported_by: str | None = None,
    imported_at: dt.datetime | None = None,
) -> int:
    """Add parsed changes to the graph; a change already present (same key) is kept as is.

    Every change added is marked imported: ``imported_at`` (default now) and
    ``imported_by`` (who loads the document: ``token:<name>`` or ``cli:<user>``), so that
    nobody takes an imported entry's ``who`` and ``at`` for this graph's own record.

    Every load calls it at the end of its write transaction, with or without changes to
    add, so it bumps the graph's version there (once per transaction): a load always
    changes the version, even one written without a :func:`record_load` entry.
    """
    if not changes:
        bump_graph_version(tx)
        return 0
    result = tx.run(
        f"UNWIND $rows AS row MERGE (c:{_CHANGE} {{id: row.id}}) "
        "ON CREATE SET c = row, c.imported_at = $at, c.imported_by = $by "
        "RETURN count(c) AS n",
        rows=changes,
        at=imported_at or _now(),
        by=imported_by,
    ).single()
    bump_graph_version(tx)
    return int(result["n"]) if result else 0


def document_counts(data: Any) -> dict[str, Any]:
    """Records per section of a raw turva/1 document, for :func:`record_load`."""
    if not isinstance(data, dict):
        return {}
    sections = {
        key: len(value)
        for key, value in data.items()
        if isinstance(value, list) and key != "changes" and value
    }
    return {"records": sections}
