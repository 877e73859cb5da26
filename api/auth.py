"""Who is asking, and what they may do: programs with tokens, people with accounts.

* Reads are open, unless ``TURVA_READS_REQUIRE_TOKEN=true``; then any valid token reads,
  and the pages need a signed-in person.
* Every API write needs a token. A **reader** token writes nothing. An **editor** token is
  bound to organisations: it may write measures one of its organisations is responsible
  for, and goals of priority groups one of its organisations is a member of; both
  before and after the change, so an editor can never take over another's record. An
  **admin** may do everything, including import and tokens.

People sign in on ``/login`` (:mod:`turva.api.login_pages`) with an account
(:mod:`turva.graph.store.accounts`); the browser then holds a session cookie
(:mod:`turva.api.sessions`). A person has the same roles and rules as a token: the
principal of a signed-in person has ``account`` set and ``who`` is ``user:<username>``.
The API takes ``Authorization: Bearer <secret>``; a session cookie lets a person read the
API too, but never write through it (a cookie rides along with any request a browser
makes; the pages' own forms carry a CSRF token instead). The page routers carry
:data:`PAGE_GUARD`: it puts the signed-in person on ``request.state.person`` and, when
reads need a token, answers a page asked for without a live session with 303 to
``/login``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from neo4j import Driver, ManagedTransaction
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.problems import ProblemError
from turva.api.sessions import SESSION_COOKIE, signed_in
from turva.graph.messages import N_, gettext_for
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
    "person",
    "PersonDep",
    "signed_in_editor",
    "SignedInEditorDep",
    "SignInRequired",
    "EditingDep",
]

#: the pages' cookie: the session of a signed-in person (it held a token secret before 0.3)
COOKIE = SESSION_COOKIE
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="turva"'}


@dataclass(frozen=True)
class Principal:
    """The caller: a token, a signed-in person (``account``), or anonymous.

    >>> Principal(account="maija", person_role="editor", organisations=frozenset({"POHA"})).who
    'user:maija'
    """

    token: Token | None = None
    organisations: frozenset[str] = field(default_factory=frozenset)
    #: the caller came with the pages' session cookie, which may read but never write
    #: through the API
    via_cookie: bool = False
    #: the username of a signed-in person
    account: str | None = None
    #: a signed-in person's role (a token's is its own)
    person_role: str | None = None
    #: what the pages call a signed-in person
    display_name: str | None = None

    @property
    def role(self) -> str:
        if self.token:
            return self.token.role
        return self.person_role or "anonymous" if self.account else "anonymous"

    @property
    def name(self) -> str:
        if self.token:
            return self.token.name
        if self.account:
            return self.display_name or self.account
        return "anonymous"

    @property
    def who(self) -> str:
        """How changes record this caller: ``token:<name>``, ``user:<username>``."""
        if self.token:
            return f"token:{self.token.name}"
        return f"user:{self.account}" if self.account else "anonymous"

    @property
    def signed_in(self) -> bool:
        """Whether this is a signed-in person."""
        return self.account is not None


ANONYMOUS = Principal()


def _secret(request: Request) -> str | None:
    """The token secret of the request's Authorization header."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ProblemError(
                401,
                "The Authorization header must be 'Bearer <token secret>'.",
                headers=_CHALLENGE,
            )
        return value.strip()
    return None


def _person_principal(request: Request, driver: Driver, settings: Settings) -> Principal:
    live = signed_in(request, driver, settings)
    if live is None:
        return ANONYMOUS
    account = live.account
    return Principal(
        organisations=frozenset(account.organisations),
        via_cookie=True,
        account=account.username,
        person_role=account.role,
        display_name=account.display_name,
    )


async def person(request: Request, driver: DriverDep, settings: SettingsDep) -> Principal:
    """The signed-in person of a page request (ANONYMOUS when none, expired or disabled);
    also on ``request.state.person``."""
    known = getattr(request.state, "person", None)
    if isinstance(known, Principal):
        return known
    if not request.cookies.get(SESSION_COOKIE):
        who = ANONYMOUS  # no thread-pool hop for anonymous pages
    else:
        who = await run_in_threadpool(_person_principal, request, driver, settings)
    request.state.person = who
    if who.account:
        request.state.token_name = f"user:{who.account}"  # the access log names the caller
    return who


PersonDep = Annotated[Principal, Depends(person)]


async def principal(request: Request, driver: DriverDep, settings: SettingsDep) -> Principal:
    """The caller of this request: a bearer token (a wrong or revoked one is an error,
    401), else the signed-in person of the session cookie, else anonymous."""
    secret = _secret(request)
    if secret is None:
        return await person(request, driver, settings)
    token = await run_in_threadpool(authenticate, driver, secret, settings.neo4j_database)
    if token is None:
        raise ProblemError(
            401,
            "The token is unknown or revoked. Ask an admin for a new one (turva token create).",
            headers=_CHALLENGE,
        )
    request.state.token_name = token.name  # the access log names the caller, never the secret
    return Principal(token, frozenset(token.organisations))


PrincipalDep = Annotated[Principal, Depends(principal)]


async def reader(who: PrincipalDep, settings: SettingsDep) -> Principal:
    if settings.reads_require_token and who.token is None and not who.signed_in:
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
        # (a session + CSRF token could be made as safe, but programs have tokens and the
        # pages post forms: one way in for each keeps the API's rule simple)
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
    """A page asked for without a live session where one is needed: 303 to
    ``/login?next=<path>`` (the app answers it with a redirect)."""

    def __init__(self, path: str):
        super().__init__(
            303,
            "Sign in first.",
            headers={"Location": f"/login?next={quote(path, safe='/')}"},
        )


#: the name SignedInEditorDep's callers may know it by
SignInRequired = LoginRequired


def _target(request: Request) -> str:
    """The page to come back to after signing in: this one."""
    return request.url.path


async def login_required(request: Request, driver: DriverDep, settings: SettingsDep) -> None:
    """The pages' guard: puts the signed-in person on ``request.state.person``; when reads
    need a token, a page without a live session raises :class:`LoginRequired`.

    Only the session cookie counts (a browser sends no Authorization header to a page).
    """
    who = await person(request, driver, settings)
    if settings.reads_require_token and not who.signed_in:
        raise LoginRequired(_target(request))


#: ``dependencies=`` of every page router (not of ``/login`` itself)
PAGE_GUARD = [Depends(login_required)]


async def signed_in_editor(request: Request, who: PersonDep) -> Principal:
    """A page dependency: the signed-in editor or admin. Not signed in: 303 to
    ``/login?next=<this page>``; signed in without the right: a 403 page."""
    if not who.signed_in:
        raise LoginRequired(_target(request))
    if who.role not in ("editor", "admin"):
        _ = gettext_for(choose_lang(request))
        raise ProblemError(
            403,
            _(N_("Only editors and admins may do this; your account may read only.")),
        )
    return who


SignedInEditorDep = Annotated[Principal, Depends(signed_in_editor)]

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


def editing(
    request: Request, driver: DriverDep, settings: SettingsDep, who: SignedInEditorDep
) -> Reading:
    """A page's request made by the signed-in editor or admin (see :func:`signed_in_editor`)."""
    return Reading(request, driver, settings, who)


EditingDep = Annotated[Reading, Depends(editing)]

Authorize = Callable[[ManagedTransaction, dict[str, Any] | None, dict[str, Any] | None], None]


def _responsible(record: dict[str, Any] | None) -> set[str]:
    return {r["organisation"] for r in (record or {}).get("responsible", [])}


def _member_of(tx: ManagedTransaction, group: str | None, organisations: frozenset[str]) -> bool:
    if group is None:
        return False
    # in the write transaction, after the write: the membership the change commits with
    rows = run_in_transaction(tx, "auth_member_of_group", group=group, orgs=sorted(organisations))
    return bool(rows and rows[0]["ok"])


_NOT_RESPONSIBLE_BEFORE = N_(
    "You write for %(organisations)s; none of them is responsible for measure %(id)s."
)
_NOT_RESPONSIBLE_AFTER = N_(
    "You write for %(organisations)s; after this change none of them would "
    "be responsible for measure %(id)s. Keep one of them responsible."
)


def record_authorizer(who: Principal, section: str) -> Authorize | None:
    """The in-transaction check of a write to ``section`` by ``who`` (None: allowed).

    Raises a 403 problem naming the rule when an editor (a person or a token) oversteps
    it, in the words of the reader's language.
    """
    if who.role == "admin":
        return None
    if who.role != "editor":
        raise ProblemError.said(
            403, N_("You may only read; writing needs the role of an editor or an admin.")
        )
    mine = who.organisations
    listed = ", ".join(sorted(mine))
    if section == "measures":

        def check_measure(
            tx: ManagedTransaction, before: dict[str, Any] | None, after: dict[str, Any] | None
        ) -> None:
            # the same rule before and after the change, each with its own advice
            for record, message in (
                (before, _NOT_RESPONSIBLE_BEFORE),
                (after, _NOT_RESPONSIBLE_AFTER),
            ):
                if record is not None and not (_responsible(record) & mine):
                    raise ProblemError.said(
                        403, message, organisations=listed, id=repr(record["id"])
                    )

        return check_measure
    if section == "goals":

        def check_goal(
            tx: ManagedTransaction, before: dict[str, Any] | None, after: dict[str, Any] | None
        ) -> None:
            for record in (before, after):
                if record is not None and not _member_of(tx, record.get("group"), mine):
                    raise ProblemError.said(
                        403,
                        N_(
                            "You write for %(organisations)s; none of them is a member of "
                            "priority group %(group)s of goal %(id)s."
                        ),
                        organisations=listed,
                        group=record.get("group") or "–",
                        id=repr(record["id"]),
                    )

        return check_goal
    raise ProblemError.said(
        403, N_("An editor may write measures and goals only; ask an admin for other changes.")
    )
