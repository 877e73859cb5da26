"""Record versions and strong ETags: optimistic concurrency for single-record writes.

Every domain node carries ``_version``, an integer that every write through
:mod:`turva.graph.store.records` bumps (a node without one counts as version 0). The
property is not a ``turva/1`` field, so records and exports never show it.

A record's strong ETag is ``"<version>-<16 hex digits of the SHA-256 of the record>"``:
the version makes every write visible, and the digest of the record's own turva/1
mapping keeps the tag honest even where a version restarts (a record deleted and made
again, a load that wrote the node afresh). ``If-Match`` compares tags strongly (RFC 9110
section 13.1.1): ``*`` matches any existing record, ``W/`` tags never match.

:func:`lock_record` is the first statement of every replace, patch and delete: its
``SET`` takes the node's write lock before anything is read, so writes to one record
are serialised and each one's ``before`` is the previous one's ``after``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from neo4j import ManagedTransaction

from turva.graph.domain.schema import NodeType, label
from turva.graph.errors import TurvaError

__all__ = [
    "VERSION_PROPERTY",
    "StaleRecord",
    "etag_of",
    "etag_matches",
    "lock_record",
    "check_if_match",
]

#: the node property that holds a record's version
VERSION_PROPERTY = "_version"


class StaleRecord(TurvaError):
    """``If-Match`` names another version of the record than the current one (412)."""

    title = "Precondition failed"

    def __init__(self, message: str, *, etag: str, version: int):
        super().__init__(message)
        self.etag = etag
        self.version = version


def etag_of(record: dict[str, Any], version: int) -> str:
    """The strong ETag of ``record`` (a turva/1 mapping) at ``version``, quotes included."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return f'"{version}-{digest}"'


def etag_matches(if_match: str, current: str) -> bool:
    """Whether an ``If-Match`` value (``*`` or a list of entity tags) matches ``current``."""
    value = if_match.strip()
    if value == "*":
        return True
    # our tags hold no commas, so a plain split is exact for every tag that could match
    return any(tag.strip() == current for tag in value.split(","))


def lock_record(tx: ManagedTransaction, nt: NodeType, record_id: str) -> int | None:
    """Write-lock the record's node and bump its version; the new version, or None.

    The ``SET`` reads ``_version`` only after taking the lock (a direct dependency), so
    concurrent writers queue here and every one of them sees the previous one's commit.
    """
    row = tx.run(
        f"MATCH (n:{label(nt.label)} {{id: $id}}) "
        "SET n._version = coalesce(n._version, 0) + 1 RETURN n._version AS version",
        id=record_id,
    ).single()
    return int(row["version"]) if row else None


def check_if_match(
    if_match: str | None, nt: NodeType, record: dict[str, Any], version: int
) -> None:
    """Raise :class:`StaleRecord` when ``if_match`` is given and names another version."""
    if if_match is None:
        return
    current = etag_of(record, version)
    if not etag_matches(if_match, current):
        raise StaleRecord(
            f"{nt.noun} {record['id']!r} is no longer the version you sent in If-Match: it is "
            f"now version {version} with the ETag {current}. GET it again, redo your change on "
            "the current record and send its ETag in If-Match; nothing was written.",
            etag=current,
            version=version,
        )
