"""Sign-in sessions and failed sign-ins: the writes (reads are ``queries/session_*.cypher``).

A session is a ``:Session`` node linked to its account (``SESSION_OF``); its ``id`` is the
SHA-256 hash of the secret the browser holds in its cookie, so the graph never holds a
secret that signs anyone in (the secret is 256 random bits: a fast hash is enough). A
session ends when the person signs out, after the idle time without a request, and when
its account is disabled or its role or password changes (:mod:`.accounts`).

Failed sign-ins are counted per username (``:LoginThrottle``, known usernames or not, so
that the waiting says nothing about whether an account exists).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import label, rel_type
from turva.graph.store.transactions import write_transaction

__all__ = [
    "session_id",
    "create_session",
    "touch_session",
    "end_session",
    "record_failure",
    "clear_failures",
    "FAILURE_WINDOW",
    "signing_key",
]

_ACCOUNT = label("Account")
_SESSION = label("Session")
_THROTTLE = label("LoginThrottle")
_KEY = label("SigningKey")
_SESSION_OF = rel_type("SESSION_OF")

#: failed sign-ins older than this no longer count
FAILURE_WINDOW = dt.timedelta(minutes=15)


def session_id(secret: str) -> str:
    """The stored id of the session whose cookie holds ``secret``.

    >>> len(session_id("x"))
    64
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_session(
    driver: Driver,
    username: str,
    secret: str,
    *,
    via: str,
    idle: dt.timedelta | None = None,
    database: str | None = None,
) -> bool:
    """Store a session of ``username`` (``via``: ``password`` or ``sso``); False when the
    account is gone or disabled by now. With ``idle``, also end up to 100 sessions of
    anyone left unused for longer (those never presented again would stay for ever)."""
    now = dt.datetime.now(dt.UTC)

    def work(tx: ManagedTransaction) -> bool:
        if idle is not None:
            tx.run(
                f"MATCH (s:{_SESSION}) WHERE s.seen < $before WITH s LIMIT 100 DETACH DELETE s",
                before=now - idle,
            ).consume()
        made = tx.run(
            f"MATCH (a:{_ACCOUNT} {{id: $account}}) WHERE NOT coalesce(a.disabled, false) "
            f"CREATE (s:{_SESSION} {{id: $id, created: $now, seen: $now, via: $via}})"
            f"-[:{_SESSION_OF}]->(a) "
            "SET a.last_sign_in = $now RETURN s.id AS id",
            account=username,
            id=session_id(secret),
            now=now,
            via=via,
        ).single()
        return made is not None

    return write_transaction(driver, work, database=database)


def touch_session(driver: Driver, sid: str, database: str | None = None) -> None:
    """Mark the session seen now (the idle time starts again)."""
    write_transaction(
        driver,
        lambda tx: tx.run(
            f"MATCH (s:{_SESSION} {{id: $id}}) SET s.seen = $now",
            id=sid,
            now=dt.datetime.now(dt.UTC),
        ).consume(),
        database=database,
    )


def _write_one(driver: Driver, cypher: str, database: str | None, **params: Any) -> None:
    """Run one write statement in its own (retried) transaction."""
    write_transaction(driver, lambda tx: tx.run(cypher, **params).consume(), database=database)


def end_session(driver: Driver, sid: str, database: str | None = None) -> None:
    """End one session (signing out, or found idle too long)."""
    _write_one(driver, f"MATCH (s:{_SESSION} {{id: $id}}) DETACH DELETE s", database, id=sid)


def record_failure(driver: Driver, username: str, database: str | None = None) -> None:
    """Count a failed sign-in for ``username``; failures older than the window are dropped
    (of this username, and of a few idle others, so that the nodes do not pile up)."""
    now = dt.datetime.now(dt.UTC)
    since = now - FAILURE_WINDOW

    def work(tx: ManagedTransaction) -> None:
        tx.run(
            f"MERGE (t:{_THROTTLE} {{id: $id}}) "
            "SET t.failures = [f IN coalesce(t.failures, []) WHERE f >= $since] + [$now]",
            id=username,
            now=now,
            since=since,
        ).consume()
        tx.run(
            f"MATCH (t:{_THROTTLE}) WHERE t.id <> $id "
            "AND all(f IN t.failures WHERE f < $since) WITH t LIMIT 100 DELETE t",
            id=username,
            since=since,
        ).consume()

    write_transaction(driver, work, database=database)


def clear_failures(driver: Driver, username: str, database: str | None = None) -> None:
    """Forget the failed sign-ins of ``username`` (after a successful one)."""
    _write_one(driver, f"MATCH (t:{_THROTTLE} {{id: $id}}) DELETE t", database, id=username)


def signing_key(driver: Driver, name: str, database: str | None = None) -> bytes:
    """The random 256-bit key called ``name`` that this graph keeps for the service (made on
    first use), so that every instance of the service signs and checks alike."""

    def work(tx: ManagedTransaction) -> str:
        row = tx.run(
            f"MERGE (k:{_KEY} {{id: $id}}) ON CREATE SET k.key = $key RETURN k.key AS key",
            id=name,
            key=secrets.token_hex(32),
        ).single(strict=True)
        return str(row["key"])

    return bytes.fromhex(write_transaction(driver, work, database=database))
