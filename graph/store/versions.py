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

**The graph's version.** One ``:GraphVersion {id: 'graph'}`` node counts the write
transactions that changed what readers see: :func:`bump_graph_version` runs in each of
them (called by :mod:`turva.graph.store.history` where every such write records its
history entry, so it commits or rolls back with the write), and :func:`graph_version` is
the cheap read (an index seek) that caches of rendered answers key on. The node also
holds a random ``epoch`` made when it is created: a graph wiped by hand (which deletes
the node) starts counting again under another epoch, so a version number never names
two different graphs. Token writes leave the version alone: they change who may read,
not what is read, and every request is authorised before any cached answer is used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import NodeType, label
from turva.graph.domain.validate import noun
from turva.graph.errors import TurvaError
from turva.graph.messages import N_
from turva.graph.store.transactions import read_rows

__all__ = [
    "VERSION_PROPERTY",
    "StaleRecord",
    "etag_of",
    "etag_matches",
    "lock_record",
    "check_if_match",
    "GraphVersion",
    "bump_graph_version",
    "graph_version",
]

#: the node property that holds a record's version
VERSION_PROPERTY = "_version"


class StaleRecord(TurvaError):
    """``If-Match`` names another version of the record than the current one (412)."""

    title = "Precondition failed"

    def __init__(self, message: str, *, etag: str = "", version: int = 0):
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
        error = StaleRecord.said(
            N_(
                "%(noun)s %(id)s is no longer the version you sent in If-Match: it is now "
                "version %(version)s with the ETag %(etag)s. GET it again, redo your change on "
                "the current record and send its ETag in If-Match; nothing was written."
            ),
            noun=noun(nt.noun),
            id=repr(record["id"]),
            version=version,
            etag=current,
        )
        error.etag, error.version = current, version
        raise error


#: the id of the one node that holds the graph's version
GRAPH_VERSION_ID = "graph"
_GRAPH_VERSION = label("GraphVersion")


@dataclass(frozen=True)
class GraphVersion:
    """The graph's version: the number of recorded write transactions, and the epoch of
    the counter (``""`` while nothing has been written through turva).

    >>> str(GraphVersion(12, "0d9b6c2e-1c1e-4a9f-9a51-7f3b2d3e4c5f"))
    '12'
    """

    number: int
    epoch: str = ""

    def __str__(self) -> str:
        return str(self.number)


# the version each open write transaction has already bumped to: once per transaction
# (a managed transaction that is retried runs again in a new transaction object)
_bumped: WeakKeyDictionary[ManagedTransaction, GraphVersion] = WeakKeyDictionary()


def bump_graph_version(tx: ManagedTransaction) -> GraphVersion:
    """Add one to the graph's version inside ``tx``; later calls in ``tx`` change nothing.

    Run it as late in the transaction as possible: it write-locks the one version node
    until the commit, so every other write transaction waits there. Taken last, that lock
    is held only for the commit and is never waited for while holding another lock a
    writer further on needs (no new deadlocks; Neo4j's managed transactions retry the
    rare ``DeadlockDetected`` anyway).
    """
    done = _bumped.get(tx)
    if done is not None:
        return done
    row = tx.run(
        f"MERGE (v:{_GRAPH_VERSION} {{id: $id}}) "
        "SET v.version = coalesce(v.version, 0) + 1, v.epoch = coalesce(v.epoch, randomUUID()) "
        "RETURN v.version AS version, v.epoch AS epoch",
        id=GRAPH_VERSION_ID,
    ).single(strict=True)
    version = GraphVersion(int(row["version"]), str(row["epoch"]))
    _bumped[tx] = version
    return version


def graph_version(driver: Driver, database: str | None = None) -> GraphVersion:
    """The graph's current version (0 and no epoch when nothing was written yet)."""
    records = read_rows(
        driver,
        f"MATCH (v:{_GRAPH_VERSION} {{id: $id}}) RETURN v.version AS version, v.epoch AS epoch",
        database=database,
        id=GRAPH_VERSION_ID,
    )
    if not records:
        return GraphVersion(0)
    return GraphVersion(int(records[0]["version"] or 0), str(records[0]["epoch"] or ""))
