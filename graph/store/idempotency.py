"""Idempotency keys: a retried create returns its first answer instead of running again.

A client that sends ``Idempotency-Key: <key>`` with a create may send the very same
request again (a lost answer, a timeout) and gets the first answer back: the same
status and body, and nothing written twice. The key is kept for a day in an
``:IdempotencyKey`` node, written in the transaction of the create it answers (so a
refused or failed create keeps no key: it changed nothing and may simply run again).

Keys belong to the caller (a token): two tokens never share a key. The node's id is a
hash of the caller and the key; it remembers a fingerprint of the request (method, path
and the validated body), and the answer. The same key with another request is refused
(:class:`IdempotencyKeyReused`, 422). Two requests with one key at the same time queue
on the key's unique id: the second waits for the first and then returns its answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError

from turva.graph.domain.schema import label
from turva.graph.errors import TurvaError
from turva.graph.messages import N_

__all__ = [
    "KEEP_FOR",
    "IdempotencyKey",
    "IdempotencyKeyReused",
    "Answer",
    "request_fingerprint",
    "claim",
    "remember",
    "sweep",
]

#: how long a key and its answer are kept
KEEP_FOR = dt.timedelta(days=1)

_KEY = label("IdempotencyKey")


class IdempotencyKeyReused(TurvaError):
    """The key was used in the last day for a different request (422)."""

    title = "Idempotency-Key reused"


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key, whose it is, and what request it was sent with."""

    key: str
    #: whose key: the token's id (keys of different tokens never meet)
    owner: str
    #: :func:`request_fingerprint` of the request
    fingerprint: str

    @property
    def node_id(self) -> str:
        return hashlib.sha256(f"{self.owner}\n{self.key}".encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    """The first answer to a request with a key."""

    status: int
    body: Any
    etag: str | None = None
    version: int | None = None


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """A hash of the request: equal for equal requests, whatever their key order."""
    canonical = json.dumps(
        [method.upper(), path, body], ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def claim(tx: ManagedTransaction, key: IdempotencyKey) -> Answer | None:
    """Claim the key for this request, or return the answer it already has.

    None: the key is this request's now (go on, and :func:`remember` the answer in the
    same transaction). Raises :class:`IdempotencyKeyReused` for another request's key.
    """
    nonce = uuid.uuid4().hex
    # MERGE on the unique id queues a second request behind an uncommitted first one;
    # the SET then write-locks an existing key before it is read
    tx.run(
        f"MERGE (k:{_KEY} {{id: $id}}) ON CREATE SET k.nonce = $nonce "
        "SET k.uses = coalesce(k.uses, 0) + 1",
        id=key.node_id,
        nonce=nonce,
    ).consume()
    row = tx.run(f"MATCH (k:{_KEY} {{id: $id}}) RETURN properties(k) AS props", id=key.node_id)
    props = row.single(strict=True)["props"]
    now = _now()
    expires = _native(props.get("expires"))
    # a new key, an expired one, or one without an answer (none commits without) is ours
    mine = props.get("nonce") == nonce or props.get("status") is None
    if mine or expires is None or expires <= now:
        tx.run(
            f"MATCH (k:{_KEY} {{id: $id}}) SET k = $props",
            id=key.node_id,
            props={
                "id": key.node_id,
                "nonce": nonce,
                "uses": 1,
                "owner": key.owner,
                "fingerprint": key.fingerprint,
                "created": now,
                "expires": now + KEEP_FOR,
            },
        ).consume()
        return None
    if props.get("fingerprint") != key.fingerprint:
        raise IdempotencyKeyReused.said(
            N_(
                "the Idempotency-Key %(key)s was used in the last 24 hours for a different "
                "request; send the same request to get its answer again, or use a new key for "
                "a new request. Nothing was written."
            ),
            key=repr(key.key),
        )
    return Answer(
        status=int(props["status"]),
        body=json.loads(props["body"]) if props.get("body") else None,
        etag=props.get("etag"),
        version=props.get("version"),
    )


def remember(
    tx: ManagedTransaction, key: IdempotencyKey, answer: Answer, change: str | None = None
) -> None:
    """Keep the answer with the key (in the transaction of the write it answers)."""
    tx.run(
        f"MATCH (k:{_KEY} {{id: $id}}) "
        "SET k.status = $status, k.body = $body, k.etag = $etag, k.version = $version, "
        "k.change = $change",
        id=key.node_id,
        status=answer.status,
        body=json.dumps(answer.body, ensure_ascii=False, sort_keys=True, default=str),
        etag=answer.etag,
        version=answer.version,
        change=change,
    ).consume()


def sweep(driver: Driver, database: str | None = None, limit: int = 1000) -> None:
    """Forget expired keys (best effort: a failure here never fails a request)."""
    with contextlib.suppress(Neo4jError, DriverError):
        driver.execute_query(
            f"MATCH (k:{_KEY}) WHERE k.expires < $now WITH k LIMIT $limit DELETE k",
            now=_now(),
            limit=limit,
            database_=database,
        )
