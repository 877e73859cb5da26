"""Who is asking, and what they may do.

* Reads are open, unless ``TURVA_READS_REQUIRE_TOKEN=true``; then any valid token reads.
* Every write needs a token. A **reader** token writes nothing. An **editor** token is
  bound to organisations: it may write measures one of its organisations is responsible
  for, and goals of priority groups one of its organisations is a member of; both
  before and after the change, so an editor can never take over another's record. An
  **admin** may do everything, including import and tokens.

Web pages send the token as a cookie set by the login form (``/login``); the API takes
``Authorization: Bearer <secret>``. The page routers carry :data:`PAGE_GUARD`: when reads
need a token, a page asked for without a valid login cookie answers 303 to ``/login``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from neo4j import Driver, ManagedTransaction
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from turva.api.deps import DriverDep, SettingsDep
from turva.api.problems import ProblemError
from turva.graph.settings import Settings
from turva.graph.store.tokens import Token, authenticate
from turva.queries.runner import run_in_transaction

__all__ = [
    "Principal",
    "ANONYMOUS",
    "COOKIE",
    "principal",
    "reader",
    "writer",
    "admin",
    "ReaderDep",
    "Reading",
    "ReadingDep",
    "WriterDep",
    "AdminDep",
    "record_authorizer",
    "LoginRequired",
    "login_required",
    "PAGE_GUARD",
]

COOKIE = "turva_token"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="turva"'}


@dataclass(frozen=True)
class Principal:
    """The caller: a token, or anonymous."""

    token: Token | None = None
    organisations: frozenset[str] = field(default_factory=frozenset)
    #: the token came from the pages' login cookie, which may read but never write
    via_cookie: bool = False

    @property
    def role(self) -> str:
        return self.token.role if self.token else "anonymous"

    @property
    def name(self) -> str:
        return self.token.name if self.token else "anonymous"

    @property
    def who(self) -> str:
        """How changes record this caller."""
        return f"token:{self.token.name}" if self.token else "anonymous"


ANONYMOUS = Principal()


def _secret(request: Request) -> tuple[str | None, bool]:
    """The token secret of the request, and whether it came from the login cookie."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ProblemError(
                401,
                "The Authorization header must be 'Bearer <token secret>'.",
                headers=_CHALLENGE,
            )
        return value.strip(), False
    return request.cookies.get(COOKIE) or None, True


async def principal(request: Request, driver: DriverDep, settings: SettingsDep) -> Principal:
    """The caller of this request; a wrong or revoked token is an error (401)."""
    secret, via_cookie = _secret(request)
    if secret is None:
        return ANONYMOUS  # no thread-pool hop for anonymous reads
    token = await run_in_threadpool(authenticate, driver, secret, settings.neo4j_database)
    if token is None:
        raise ProblemError(
            401,
            "The token is unknown or revoked. Ask an admin for a new one (turva token create).",
            headers=_CHALLENGE,
        )
    request.state.token_name = token.name  # the access log names the caller, never the secret
    return Principal(token, frozenset(token.organisations), via_cookie)


PrincipalDep = Annotated[Principal, Depends(principal)]


async def reader(who: PrincipalDep, settings: SettingsDep) -> Principal:
    if settings.reads_require_token and who.token is None:
        raise ProblemError(
            401,
            "This service requires a token for reading: send 'Authorization: Bearer <secret>'.",
            headers=_CHALLENGE,
        )
    return who


async def writer(who: PrincipalDep) -> Principal:
    # a cookie rides along with any request a browser makes, so it never authorises a
    # write (no cross-site request forgery); programs send the Authorization header
    if who.token is None or who.via_cookie:
        raise ProblemError(
            401,
            "Writing needs a token: send 'Authorization: Bearer <secret>' "
            "(an admin makes one with `turva token create`).",
            headers=_CHALLENGE,
        )
    if who.role not in ("editor", "admin"):
        raise ProblemError(
            403, f"A {who.role} token may only read; writing needs an editor or admin."
        )
    return who


async def admin(who: Annotated[Principal, Depends(writer)]) -> Principal:
    if who.role != "admin":
        raise ProblemError(403, "Only an admin token may do this.")
    return who


class LoginRequired(StarletteHTTPException):
    """A page asked for without a valid login cookie while reads need a token: 303 to
    ``/login?next=<path>`` (the problem handlers answer with its status and headers)."""

    def __init__(self, path: str):
        super().__init__(
            303, "Log in first: reading needs a token.", headers={"Location": f"/login?next={path}"}
        )


async def login_required(request: Request, driver: DriverDep, settings: SettingsDep) -> None:
    """The pages' guard: when reads need a token, pages need the login cookie.

    Only the cookie counts (a browser sends no Authorization header to a page); a missing,
    unknown or revoked token raises :class:`LoginRequired`.
    """
    if not settings.reads_require_token:
        return  # no thread-pool hop when reads are open
    secret = request.cookies.get(COOKIE)
    if secret:
        token = await run_in_threadpool(authenticate, driver, secret, settings.neo4j_database)
        if token is not None:
            request.state.token_name = token.name  # for the access log
            return
    raise LoginRequired(request.url.path)


#: ``dependencies=`` of every page router (not of ``/login`` itself)
PAGE_GUARD = [Depends(login_required)]

ReaderDep = Annotated[Principal, Depends(reader)]
WriterDep = Annotated[Principal, Depends(writer)]
AdminDep = Annotated[Principal, Depends(admin)]


@dataclass(frozen=True)
class Reading:
    """A read as a route serves it: the request, where to read and who reads. One
    dependency without query parameters, so a route's own keep their order."""

    request: Request
    driver: Driver
    settings: Settings
    who: Principal


def reading(request: Request, driver: DriverDep, settings: SettingsDep, who: ReaderDep) -> Reading:
    return Reading(request, driver, settings, who)


ReadingDep = Annotated[Reading, Depends(reading)]

Authorize = Callable[[ManagedTransaction, dict[str, Any] | None, dict[str, Any] | None], None]


def _responsible(record: dict[str, Any] | None) -> set[str]:
    return {r["organisation"] for r in (record or {}).get("responsible", [])}


def _member_of(tx: ManagedTransaction, group: str | None, organisations: frozenset[str]) -> bool:
    if group is None:
        return False
    # in the write transaction, after the write: the membership the change commits with
    rows = run_in_transaction(tx, "auth_member_of_group", group=group, orgs=sorted(organisations))
    return bool(rows and rows[0]["ok"])


def record_authorizer(who: Principal, section: str) -> Authorize | None:
    """The in-transaction check of a write to ``section`` by ``who`` (None: allowed).

    Raises a 403 problem naming the rule when an editor oversteps it.
    """
    if who.role == "admin":
        return None
    if who.role != "editor":
        raise ProblemError(403, f"A {who.role} token may not write.")
    mine = who.organisations
    listed = ", ".join(sorted(mine))
    if section == "measures":

        def check_measure(
            tx: ManagedTransaction, before: dict[str, Any] | None, after: dict[str, Any] | None
        ) -> None:
            for state, record in (("currently", before), ("after the change", after)):
                if record is not None and not (_responsible(record) & mine):
                    raise ProblemError(
                        403,
                        f"This editor token writes for {listed}; none of them is responsible "
                        f"for measure {record['id']!r} {state}.",
                    )

        return check_measure
    if section == "goals":

        def check_goal(
            tx: ManagedTransaction, before: dict[str, Any] | None, after: dict[str, Any] | None
        ) -> None:
            for state, record in (("currently", before), ("after the change", after)):
                if record is not None and not _member_of(tx, record.get("group"), mine):
                    raise ProblemError(
                        403,
                        f"This editor token writes for {listed}; none of them is a member of "
                        f"the priority group of goal {record['id']!r} {state} "
                        f"({record.get('group') or 'no group'}).",
                    )

        return check_goal
    raise ProblemError(
        403, "An editor token may write measures and goals only; ask an admin for other changes."
    )
