"""People's accounts: who signs in to the pages, with which role and for which organisations.

An account is a service node (``:Account``, its ``id`` the username), never part of
``turva/1`` data: exports, loads and the record history leave it alone. It has a role
(``reader``, ``editor`` or ``admin``, as tokens do), the organisations an editor writes
for, and either a password (kept only as an argon2id hash) or a single sign-on identity
(``sso``: the provider's issuer and the person's subject there), never both.

Every change of an account (made, disabled, enabled, a new password, a new role) is
recorded as an ``:AccountChange`` (who, when, what; never a password or its hash) in the
transaction of the change, and ends the account's sessions (:mod:`.sessions`) unless it
only enables it or renames it, so that a person who lost a right stops having it at once.

Passwords: at least :data:`MIN_PASSWORD_LENGTH` characters and not one of the bundled
common passwords (``common-passwords.txt``, a hand-made list, see its header).

>>> check_password("salasana1234")
Traceback (most recent call last):
...
turva.graph.errors.BadArgument: this password is on the list of common passwords: choose another
>>> check_password("kolme sanaa vihreä kivi")
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import label, rel_type
from turva.graph.errors import BadArgument, Conflict, NotFound
from turva.graph.messages import N_
from turva.graph.store.transactions import read_rows, write_transaction

__all__ = [
    "ROLES",
    "MIN_PASSWORD_LENGTH",
    "Account",
    "check_username",
    "check_password",
    "common_passwords",
    "create_account",
    "get_account",
    "find_sso_account",
    "set_disabled",
    "set_password",
    "set_role",
    "verify_password",
]

ROLES = ("reader", "editor", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is an attack
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")

_ACCOUNT = label("Account")
_SESSION = label("Session")
_CHANGE = label("AccountChange")
_ORGANISATION = label("Organisation")
_SESSION_OF = rel_type("SESSION_OF")

#: argon2id with argon2-cffi's defaults (RFC 9106's second recommended setting)
HASHER = PasswordHasher()


# alike in shape only to the dataclasses of graph/domain/formats.py: different fields
@dataclass(frozen=True)
class Account:
    """An account as the service sees it (never its password hash)."""

    username: str
    role: str
    organisations: tuple[str, ...]
    disabled: bool
    display_name: str | None = None

    @property
    def name(self) -> str:
        """What the pages call the person: the display name, else the username."""
        return self.display_name or self.username

    def public(self) -> dict[str, Any]:
        """The account as JSON and in its change records."""
        return {
            "username": self.username,
            "role": self.role,
            "organisations": list(self.organisations),
            "disabled": self.disabled,
            "display_name": self.display_name,
        }


def _account(props: dict[str, Any]) -> Account:
    return Account(
        username=props["id"],
        role=props["role"],
        organisations=tuple(props.get("organisations") or ()),
        disabled=bool(props.get("disabled")),
        display_name=props.get("display_name"),
    )


def check_username(username: str) -> str:
    """The username as stored (lower case), or BadArgument saying what a username is.

    >>> check_username("Matti.Meikalainen@poliisi.fi")
    'matti.meikalainen@poliisi.fi'
    """
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise BadArgument.said(
            N_(
                "a username is 2-64 characters: letters a-z, digits and . _ @ -, "
                "starting with a letter or digit (got %(username)s)"
            ),
            username=repr(username),
        )
    return name


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled common passwords, in lower case (see ``common-passwords.txt``)."""
    text = resources.files(__package__).joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _normal(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def check_password(password: str) -> None:
    """Refuse a password that is too short, too long or a common one (BadArgument)."""
    password = _normal(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadArgument.said(
            N_("a password needs at least %(n)s characters; this one has %(got)s"),
            n=MIN_PASSWORD_LENGTH,
            got=len(password),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadArgument.said(
            N_("a password may have at most %(n)s characters"), n=MAX_PASSWORD_LENGTH
        )
    if password.lower() in common_passwords() or len(set(password)) < 4:
        raise BadArgument.said(
            N_("this password is on the list of common passwords: choose another")
        )


def _hash_password(password: str) -> str:
    check_password(password)
    return HASHER.hash(_normal(password))


#: verified against when the username is unknown, so that an unknown name takes as long
#: to refuse as a wrong password (the page never tells whether a username exists)
_DUMMY_HASH = HASHER.hash("turva: no such account, the same work anyway")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (None: an unknown account, checked
    against a dummy hash so that it takes the same time)."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, _normal(password)) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_role(
    role: str,
    organisations: list[str] | tuple[str, ...],
    *,
    editor_needs: str = N_(
        "an editor needs at least one --organisation ID: whose records they change"
    ),
    editors_only: str = N_("--organisation applies to editors only, not to %(role)s"),
) -> list[str]:
    """The sorted organisation ids for ``role``, or a :class:`BadArgument`.

    Shared by accounts and API tokens (graph/store/tokens.py), which pass their own
    wording: an editor needs at least one organisation, and only editors take any.

    Examples
    --------
    >>> check_role("editor", ["poliisi", "poliisi"])
    ['poliisi']
    """
    if role not in ROLES:
        raise BadArgument.said(
            N_("unknown role %(role)s: use one of %(roles)s"),
            role=repr(role),
            roles=", ".join(ROLES),
        )
    orgs = sorted(set(organisations))
    if role == "editor" and not orgs:
        raise BadArgument.said(editor_needs)
    if role != "editor" and orgs:
        raise BadArgument.said(editors_only, role=role)
    return orgs


def check_organisations(tx: ManagedTransaction, orgs: list[str]) -> None:
    """Refuse (:class:`BadArgument`) organisation ids that are not in the graph."""
    if not orgs:
        return
    found = tx.run(
        f"UNWIND $ids AS id MATCH (o:{_ORGANISATION} {{id: id}}) RETURN collect(o.id) AS ids",
        ids=orgs,
    ).single()
    missing = sorted(set(orgs) - set(found["ids"] if found else []))
    if missing:
        raise BadArgument.said(
            N_("unknown organisation(s) %(ids)s: use ids that are in the graph"),
            ids=", ".join(missing),
        )


def _record(
    tx: ManagedTransaction,
    *,
    by: str,
    username: str,
    action: str,
    before: Account | None,
    after: Account | None,
) -> None:
    """One ``:AccountChange`` in ``tx``: who did what to which account, when."""
    import json

    at = dt.datetime.now(dt.UTC)
    tx.run(
        f"CREATE (c:{_CHANGE}) SET c = $props",
        props={
            "id": f"{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}",
            "at": at,
            "who": by,
            "account": username,
            "action": action,
            "before": json.dumps(before.public(), sort_keys=True) if before else None,
            "after": json.dumps(after.public(), sort_keys=True) if after else None,
        },
    ).consume()


def _end_sessions(tx: ManagedTransaction, username: str) -> None:
    tx.run(
        f"MATCH (s:{_SESSION})-[:{_SESSION_OF}]->(:{_ACCOUNT} {{id: $id}}) DETACH DELETE s",
        id=username,
    ).consume()


def create_account(
    driver: Driver,
    username: str,
    role: str,
    organisations: list[str] | tuple[str, ...],
    password: str | None,
    *,
    by: str,
    database: str | None = None,
    sso: tuple[str, str] | None = None,
    display_name: str | None = None,
) -> Account:
    """Make an account; ``by`` is who made it (``cli:<user>``, ``user:<name>``, ``sso``).

    Either ``password`` (checked by :func:`check_password`, stored as an argon2id hash) or
    ``sso`` = (issuer, subject): an account that signs in only through that provider.
    Unknown organisation ids, a taken username and a taken SSO identity are errors.
    """
    username = check_username(username)
    orgs = check_role(role, organisations)
    if (password is None) == (sso is None):
        raise BadArgument.said(
            N_("an account signs in with a password or through single sign-on: give one of them")
        )
    props: dict[str, Any] = {
        "id": username,
        "role": role,
        "organisations": orgs,
        "disabled": False,
        "display_name": (display_name or "").strip() or None,
        "created": dt.datetime.now(dt.UTC),
        "created_by": by,
    }
    if password is not None:
        props["password_hash"] = _hash_password(password)
    if sso is not None:
        props["sso_issuer"], props["sso_subject"] = sso

    def work(tx: ManagedTransaction) -> None:
        check_organisations(tx, orgs)
        taken = tx.run(
            f"MATCH (a:{_ACCOUNT}) WHERE a.id = $id "
            "OR (a.sso_issuer = $issuer AND a.sso_subject = $subject) RETURN a.id AS id",
            id=username,
            issuer=props.get("sso_issuer"),
            subject=props.get("sso_subject"),
        ).single()
        if taken:
            raise Conflict.said(
                N_("an account named %(username)s already exists: choose another username"),
                username=repr(taken["id"]),
            )
        tx.run(f"CREATE (a:{_ACCOUNT}) SET a = $props", props=props).consume()
        _record(tx, by=by, username=username, action="create", before=None, after=_account(props))

    write_transaction(driver, work, database=database)
    return _account(props)


def _props(driver: Driver, username: str, database: str | None) -> dict[str, Any] | None:
    rows = read_rows(
        driver,
        f"MATCH (a:{_ACCOUNT} {{id: $id}}) RETURN properties(a) AS props",
        database=database,
        id=username.strip().lower(),
    )
    return dict(rows[0]["props"]) if rows else None


def get_account(driver: Driver, username: str, database: str | None = None) -> Account | None:
    """The account with this username (any case), or None."""
    props = _props(driver, username, database)
    return _account(props) if props else None


def find_sso_account(
    driver: Driver, issuer: str, subject: str, database: str | None = None
) -> Account | None:
    """The account of this single sign-on identity (issuer, subject), or None."""
    rows = read_rows(
        driver,
        f"MATCH (a:{_ACCOUNT}) WHERE a.sso_issuer = $issuer AND a.sso_subject = $subject "
        "RETURN properties(a) AS props",
        database=database,
        issuer=issuer,
        subject=subject,
    )
    return _account(rows[0]["props"]) if rows else None


def _change(
    driver: Driver,
    username: str,
    *,
    by: str,
    action: str,
    database: str | None,
    update: dict[str, Any],
    end_sessions: bool,
    check: Any = None,
) -> Account:
    name = username.strip().lower()

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        rows = tx.run(
            f"MATCH (a:{_ACCOUNT} {{id: $id}}) RETURN properties(a) AS props", id=name
        ).data()
        if not rows:
            raise NotFound.said(N_("no account has the username %(username)s"), username=repr(name))
        before = dict(rows[0]["props"])
        if check is not None:
            check(tx, before)
        after = {**before, **update}
        tx.run(f"MATCH (a:{_ACCOUNT} {{id: $id}}) SET a += $update", id=name, update=update)
        if end_sessions:
            _end_sessions(tx, name)
        _record(
            tx, by=by, username=name, action=action, before=_account(before), after=_account(after)
        )
        return after

    return _account(write_transaction(driver, work, database=database))


def set_disabled(
    driver: Driver, username: str, disabled: bool, *, by: str, database: str | None = None
) -> Account:
    """Disable (its sessions end at once) or enable an account."""
    return _change(
        driver,
        username,
        by=by,
        action="disable" if disabled else "enable",
        database=database,
        update={"disabled": disabled},
        end_sessions=disabled,
    )


def set_password(
    driver: Driver, username: str, password: str, *, by: str, database: str | None = None
) -> Account:
    """Give an account a new password; its sessions end (sign in again with the new one)."""
    hashed = _hash_password(password)

    def no_sso(tx: ManagedTransaction, before: dict[str, Any]) -> None:
        if before.get("sso_issuer"):
            raise BadArgument.said(
                N_("%(username)s signs in through single sign-on and has no password"),
                username=repr(before["id"]),
            )

    return _change(
        driver,
        username,
        by=by,
        action="set-password",
        database=database,
        update={"password_hash": hashed, "password_set": dt.datetime.now(dt.UTC)},
        end_sessions=True,
        check=no_sso,
    )


def set_role(
    driver: Driver,
    username: str,
    role: str,
    organisations: list[str] | tuple[str, ...] = (),
    *,
    by: str,
    database: str | None = None,
) -> Account:
    """Give an account a role (and an editor its organisations); its sessions end."""
    orgs = check_role(role, organisations)

    def known(tx: ManagedTransaction, before: dict[str, Any]) -> None:
        check_organisations(tx, orgs)

    return _change(
        driver,
        username,
        by=by,
        action="set-role",
        database=database,
        update={"role": role, "organisations": orgs},
        end_sessions=True,
        check=known,
    )
