"""API tokens: who may read and write through the service.

A token has a role (``reader``, ``editor`` or ``admin``) and, for an editor, the
organisations it writes for. The secret is shown once when the token is made; the graph
keeps only its SHA-256 hash (the secret is 256 random bits, so a fast hash is enough).
The secret names its token (``turva_<id>_<random>``) so a lookup is one indexed match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import label
from turva.graph.errors import BadArgument, Conflict, NotFound
from turva.graph.messages import N_
from turva.graph.store.accounts import ROLES, check_organisations, check_role
from turva.graph.store.history import record_change
from turva.graph.store.transactions import read_rows, write_transaction

__all__ = [
    "ROLES",
    "Token",
    "create_token",
    "list_tokens",
    "revoke_token",
    "authenticate",
]

_TOKEN = label("ApiToken")
_SECRET = re.compile(r"^turva_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class Token:
    """A token as people see it (never its secret or hash)."""

    id: str
    name: str
    role: str
    organisations: tuple[str, ...] = field(default_factory=tuple)
    created: dt.datetime | None = None
    created_by: str | None = None
    revoked: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None

    def public(self) -> dict[str, Any]:
        """The token as JSON: id, name, role, organisations, created, revoked."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "organisations": list(self.organisations),
            "created": self.created.isoformat() if self.created else None,
            "created_by": self.created_by,
            "revoked": self.revoked.isoformat() if self.revoked else None,
        }


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _token(props: dict[str, Any]) -> Token:
    return Token(
        id=props["id"],
        name=props["name"],
        role=props["role"],
        organisations=tuple(props.get("organisations") or ()),
        created=_native(props.get("created")),
        created_by=props.get("created_by"),
        revoked=_native(props.get("revoked")),
    )


# alike in shape only to accounts.set_role's parameters: each takes a role and its
# organisations (the checks they share are accounts.check_role and check_organisations)
def create_token(
    driver: Driver,
    *,
    name: str,
    role: str,
    organisations: list[str] | tuple[str, ...] = (),
    who: str,
    database: str | None = None,
) -> tuple[Token, str]:
    """Make a token; returns it and its secret (shown once, stored only as a hash).

    An editor needs at least one organisation, and only editors take organisations.
    The name is unique among active tokens so ``revoke`` can use it.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise BadArgument.said(N_("give the token a name of 1-100 characters (--name)"))
    orgs = check_role(
        role,
        organisations,
        editor_needs=N_(
            "an editor token writes for organisations: give at least one --organisation ID"
        ),
        editors_only=N_("--organisation applies to editor tokens only, not to %(role)s"),
    )
    token_id = secrets.token_hex(6)
    secret = f"turva_{token_id}_{secrets.token_urlsafe(32)}"
    now = dt.datetime.now(dt.UTC)
    props = {
        "id": token_id,
        "name": name,
        "role": role,
        "organisations": orgs,
        "hash": _hash(secret),
        "created": now,
        "created_by": who,
    }

    def work(tx: ManagedTransaction) -> None:
        check_organisations(tx, orgs)
        taken = tx.run(
            f"MATCH (t:{_TOKEN} {{name: $name}}) WHERE t.revoked IS NULL RETURN t.id AS id",
            name=name,
        ).single()
        if taken:
            raise Conflict.said(
                N_("an active token is already named %(name)s: choose another name or revoke it"),
                name=repr(name),
            )
        tx.run(f"CREATE (t:{_TOKEN}) SET t = $props", props=props).consume()
        record_change(
            tx,
            who=who,
            type="tokens",
            record_id=token_id,
            action="create",
            after=_token(props).public(),
        )

    write_transaction(driver, work, database=database)
    return _token(props), secret


def list_tokens(
    driver: Driver, *, include_revoked: bool = False, database: str | None = None
) -> list[Token]:
    """Tokens, oldest first; revoked ones only when asked."""
    records = read_rows(
        driver,
        f"MATCH (t:{_TOKEN}) WHERE $all OR t.revoked IS NULL "
        "RETURN properties(t) AS props ORDER BY t.created, t.id",
        database=database,
        all=include_revoked,
    )
    return [_token(r["props"]) for r in records]


def revoke_token(
    driver: Driver, id_or_name: str, *, who: str, database: str | None = None
) -> Token:
    """Revoke the active token with this id or name; it stops working at once."""

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        rows = tx.run(
            f"MATCH (t:{_TOKEN}) WHERE (t.id = $key OR t.name = $key) AND t.revoked IS NULL "
            "RETURN properties(t) AS props",
            key=id_or_name,
        ).data()
        if not rows:
            raise NotFound.said(
                N_("no active token has the id or name %(key)s"), key=repr(id_or_name)
            )
        props = rows[0]["props"]
        before = _token(props).public()
        now = dt.datetime.now(dt.UTC)
        tx.run(f"MATCH (t:{_TOKEN} {{id: $id}}) SET t.revoked = $now", id=props["id"], now=now)
        props = {**props, "revoked": now}
        record_change(
            tx,
            who=who,
            type="tokens",
            record_id=props["id"],
            action="revoke",
            before=before,
            after=_token(props).public(),
        )
        return props

    return _token(write_transaction(driver, work, database=database))


def authenticate(driver: Driver, secret: str, database: str | None = None) -> Token | None:
    """The active token whose secret this is, or None."""
    match = _SECRET.match(secret)
    if not match:
        return None
    records = read_rows(
        driver,
        f"MATCH (t:{_TOKEN} {{id: $id}}) RETURN properties(t) AS props",
        database=database,
        id=match.group(1),
    )
    if not records:
        return None
    props = records[0]["props"]
    if not hmac.compare_digest(props.get("hash", ""), _hash(secret)):
        return None
    token = _token(props)
    return token if token.active else None
