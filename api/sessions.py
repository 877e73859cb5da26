"""The browser side of signing in: the session cookie, and the CSRF token of every form.

**Sessions.** Signing in (:func:`start_session`) gives the browser a random 256-bit secret
in the cookie ``turva_session`` (``HttpOnly``, ``SameSite=Lax``, ``Secure`` when
``TURVA_PUBLIC_URL`` is https, no ``Max-Age``: it ends with the browser too); the graph
keeps only the secret's hash (:mod:`turva.graph.store.sessions`). Each request renews the
session, but writes the renewal at most once a minute (:data:`RENEW_AFTER`); a session
not used for ``TURVA_SESSION_IDLE_HOURS`` is over.

**CSRF.** Every form carries ``csrf_token`` (``{{ csrf_field() }}`` in a template). With a
session, the token is derived from the session's secret (a hash only this browser can
compute, since only it holds the cookie), so it changes with every sign-in and needs no
server-side state. Before signing in (the login form itself) the browser gets a random
``turva_csrf`` cookie (``HttpOnly``, ``SameSite=Strict``) and the token is its HMAC under a
key the graph keeps (:func:`~turva.graph.store.sessions.signing_key`): a signed
double-submit cookie, which another site can neither read nor send along with its form,
and which a cookie planted from a sibling domain cannot match without the key.
:func:`verify_csrf` checks the token of every state-changing page request (POST, PUT,
PATCH, DELETE): in the form field (urlencoded or multipart; the form stays readable by the
route, Starlette keeps it) or the ``X-CSRF-Token`` header.

A bearer token never needs one: the API's writes take only ``Authorization`` headers,
which a browser never adds by itself (:func:`turva.api.auth.writer`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from jinja2 import pass_context
from markupsafe import Markup
from neo4j import Driver
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turva.api.i18n import choose_lang
from turva.api.problems import ProblemError
from turva.graph.messages import N_, gettext_for
from turva.graph.settings import Settings
from turva.graph.store.accounts import Account
from turva.graph.store.sessions import (
    create_session,
    end_session,
    session_id,
    signing_key,
    touch_session,
)
from turva.queries.runner import run_query

__all__ = [
    "SESSION_COOKIE",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "RENEW_AFTER",
    "SignedIn",
    "start_session",
    "end_current_session",
    "signed_in",
    "csrf_token",
    "csrf_field",
    "csrf_input",
    "verify_csrf",
    "CsrfDep",
    "SessionCookies",
    "secure_cookies",
]

SESSION_COOKIE = "turva_session"
CSRF_COOKIE = "turva_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: a session's renewal is written at most this often (each request would be a write)
RENEW_AFTER = dt.timedelta(minutes=1)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: where the request keeps what the response must still set or clear (SessionCookies)
_NEW_CSRF = "turva_new_csrf_cookie"
_CLEAR_SESSION = "turva_clear_session_cookie"


def secure_cookies(settings: Settings) -> bool:
    """Whether cookies carry ``Secure``: the service is reached over https."""
    return settings.public_url.strip().lower().startswith("https://")


@dataclass(frozen=True)
class SignedIn:
    """A live session: its id (the hash of its secret) and its account."""

    session: str
    account: Account


def start_session(
    response: Response,
    request: Request,
    driver: Driver,
    settings: Settings,
    account: Account,
    *,
    via: str = "password",
) -> None:
    """Sign ``account`` in: store a new session and set its cookie on ``response``.

    Any session the browser had before ends (a new secret at every sign-in, so a secret
    planted before signing in is worth nothing). ``via`` says how (``password``, ``sso``).
    Raises a 403 problem when the account is disabled.
    """
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        end_session(driver, session_id(old), settings.neo4j_database)
    secret = secrets.token_urlsafe(32)
    idle = dt.timedelta(hours=settings.session_idle_hours)
    if not create_session(
        driver, account.username, secret, via=via, idle=idle, database=settings.neo4j_database
    ):
        _ = gettext_for(choose_lang(request))
        raise ProblemError(403, _(N_("This account is disabled. Ask an admin to enable it.")))
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")


def end_current_session(
    response: Response, request: Request, driver: Driver, settings: Settings
) -> None:
    """Sign out: end the request's session (if any) and clear its cookie on ``response``."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        end_session(driver, session_id(secret), settings.neo4j_database)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure_cookies(settings), httponly=True, samesite="lax"
    )


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def signed_in(request: Request, driver: Driver, settings: Settings) -> SignedIn | None:
    """The live session of this request and its enabled account, or None.

    Blocking (reads, and at most once a minute writes): call it in a thread pool. A
    session idle for too long is ended, and its cookie cleared by the response.
    """
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret or len(secret) > 200:
        return None
    sid = session_id(secret)
    rows = run_query(driver, "session_person", settings.neo4j_database, id=sid)
    if not rows:
        request.state.__setattr__(_CLEAR_SESSION, True)
        return None
    now = dt.datetime.now(dt.UTC)
    seen = _native(rows[0]["seen"])
    if seen + dt.timedelta(hours=settings.session_idle_hours) <= now:
        end_session(driver, sid, settings.neo4j_database)
        request.state.__setattr__(_CLEAR_SESSION, True)
        return None
    props = rows[0]["account"]
    if props.get("disabled"):
        return None
    if now - seen >= RENEW_AFTER:
        touch_session(driver, sid, settings.neo4j_database)
    account = Account(
        username=props["id"],
        role=props["role"],
        organisations=tuple(props.get("organisations") or ()),
        disabled=False,
        display_name=props.get("display_name"),
    )
    return SignedIn(sid, account)


def _derive(purpose: str, secret: str) -> str:
    return hashlib.sha256(f"turva-csrf:{purpose}:{secret}".encode()).hexdigest()


#: the pre-session key of each database, read once (a process serves one graph)
_PRE_KEYS: dict[str, bytes] = {}


def _pre_token(request: Request, pre: str) -> str:
    """The login form's token: the pre-session cookie signed with the graph's key."""
    settings: Settings = request.app.state.settings
    database = settings.neo4j_database
    key = _PRE_KEYS.get(database)
    if key is None:
        key = _PRE_KEYS[database] = signing_key(request.app.state.driver, "csrf", database)
    return hmac.new(key, f"turva-csrf:pre:{pre}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token the forms of this request's page carry.

    Derived from the session cookie when there is one, else from the pre-session cookie
    (made now when missing: the response sets it, see :class:`SessionCookies`). A session
    cookie found to be over on this request counts as none: the response clears it, so
    the form will come back without it.
    """
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and not getattr(request.state, _CLEAR_SESSION, False):
        return _derive("session", secret)
    pre = request.cookies.get(CSRF_COOKIE) or getattr(request.state, _NEW_CSRF, None)
    if not pre:
        pre = secrets.token_urlsafe(32)
        setattr(request.state, _NEW_CSRF, pre)
    return _pre_token(request, pre)


def _expected(request: Request) -> str | None:
    """The token a state-changing request must carry, None when it has no cookie to
    derive one from."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        return _derive("session", secret)
    pre = request.cookies.get(CSRF_COOKIE)
    return _pre_token(request, pre) if pre else None


def csrf_input(request: Request) -> Markup:
    """``<input type="hidden" name="csrf_token" value="...">`` for a form of this page."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (CSRF_FIELD, csrf_token(request))


@pass_context
def csrf_field(context: Any) -> Markup:
    """The Jinja global ``csrf_field()``: the hidden CSRF field of a form on this page
    (the template's ``request`` decides the token)."""
    return csrf_input(context["request"])


async def _sent_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Starlette keeps the parsed form on the request: the route reads it again freely
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def verify_csrf(request: Request) -> None:
    """Refuse (403) a state-changing request whose CSRF token is missing or wrong.

    A FastAPI dependency for page routes: ``dependencies=[Depends(verify_csrf)]``.
    """
    if request.method.upper() not in _UNSAFE:
        return
    expected = _expected(request)
    sent = await _sent_token(request)
    if expected and sent and hmac.compare_digest(sent.encode(), expected.encode()):
        return
    _ = gettext_for(choose_lang(request))
    raise ProblemError(
        403,
        _(
            N_(
                "The form was refused because its security token is missing or out of date "
                "(for example after signing in again). Go back, reload the page and send "
                "the form again."
            )
        ),
    )


CsrfDep = Annotated[None, Depends(verify_csrf)]


class SessionCookies:
    """ASGI middleware: sets the pre-session CSRF cookie a page made (:func:`csrf_token`)
    and clears a session cookie found to be over, on whatever response the request gets."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.secure = secure_cookies(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = []
                secure = "; Secure" if self.secure else ""
                made = state.get(_NEW_CSRF)
                if made:
                    extra.append(f"{CSRF_COOKIE}={made}; HttpOnly; Path=/; SameSite=Strict{secure}")
                if state.get(_CLEAR_SESSION):
                    extra.append(
                        f'{SESSION_COOKIE}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; '
                        f"Max-Age=0; HttpOnly; Path=/; SameSite=Lax{secure}"
                    )
                if extra:
                    headers = list(message.get("headers", []))
                    names = {
                        v.decode("latin-1").split("=", 1)[0]
                        for k, v in headers
                        if k.lower() == b"set-cookie"
                    }
                    for cookie in extra:
                        # a cookie the route set itself (signing in or out) wins
                        if cookie.split("=", 1)[0] not in names:
                            headers.append((b"set-cookie", cookie.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
