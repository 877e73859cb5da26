"""Single sign-on with OpenID Connect: ``GET /login/sso`` and ``GET /login/sso/callback``.

Finnish public bodies sign in with their own identity provider (Entra ID and similar),
configured by ``TURVA_OIDC_ISSUER``, ``TURVA_OIDC_CLIENT_ID``, ``TURVA_OIDC_CLIENT_SECRET``
and the mapping file ``TURVA_OIDC_MAPPING`` (:mod:`turva.graph.domain.sso_mapping`).

The flow is the authorization-code flow with PKCE (S256):

1. ``/login/sso?next=/path`` reads the provider's discovery document
   (``<issuer>/.well-known/openid-configuration``), makes a random ``state``, ``nonce`` and
   PKCE verifier, keeps them with ``next`` in a short-lived cookie (``turva_sso``: signed
   with a key derived from the client secret, ``HttpOnly``, ``SameSite=Lax``, 10 minutes,
   only sent to ``/login/sso``) and sends the browser to the provider.
2. The provider sends the browser back to ``/login/sso/callback?code=...&state=...``. The
   state must be the cookie's; the code is exchanged at the token endpoint with the
   client secret and the verifier; the ID token is checked: its signature against the
   provider's JWKS (fetched again once when the key id is new: the provider rotated its
   keys), issuer, audience (``azp`` too), nonce, expiry and ``at_hash``.
3. The account bound to (issuer, ``sub``) signs in (:func:`turva.api.sessions.start_session`);
   at the first sign-in it is made, named by the ``email`` (or ``preferred_username``)
   claim, with the role of the first mapping rule that matches, else ``reader``. At a later
   sign-in a matching rule's role and organisations replace the account's (the
   provider's groups are the source of truth); with no matching rule the account keeps
   what an admin gave it (``turva user set-role``). A disabled account does not sign in.
4. The browser goes to ``next`` (a path on this site only).

The mapping file is checked when the service starts (an error is logged; the service
starts anyway, password sign-in must not depend on it) and again at every start of a
sign-in, which refuses with the rule and field at fault before sending anyone away.

Authlib does the protocol's parts (the authorization URI, the PKCE challenge, the ID
token's claims) and joserfc the signature; the HTTP calls are httpx's. Whatever goes
wrong (provider down, consent refused, a wrong state, a bad token, a mapping file with an
error) is a page in the person's language, never a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError
from starlette.concurrency import run_in_threadpool

from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import COOKIE as LANG_COOKIE
from turva.api.i18n import asked_lang, choose_lang
from turva.api.login_pages import safe_next
from turva.api.sessions import secure_cookies, start_session
from turva.api.web import render
from turva.graph.domain.sso_mapping import SsoMapping, load_mapping
from turva.graph.errors import BadArgument, Conflict, TurvaError, Word
from turva.graph.messages import N_, gettext_for
from turva.graph.settings import Settings
from turva.graph.store.accounts import (
    Account,
    check_username,
    create_account,
    find_sso_account,
    set_role,
)
from turva.queries.runner import run_query

__all__ = [
    "router",
    "STATE_COOKIE",
    "STATE_MAX_AGE",
    "SsoFailed",
    "sso_configured",
    "checked_mapping",
    "account_for",
]

log = logging.getLogger("turva.api.sso")


@asynccontextmanager
async def _check_at_start(app: FastAPI) -> AsyncIterator[None]:
    """At the service's start, say in the log what is wrong with the mapping file (the
    service starts anyway: password sign-in must not depend on it, and every sign-in
    through the provider checks the file again and refuses with the same words)."""
    settings: Settings = app.state.settings
    if sso_configured(settings):
        driver: Driver | None = app.state.driver
        try:
            try:
                if driver is None:
                    raise DriverError("no driver")
                await run_in_threadpool(checked_mapping, driver, settings)
            except (Neo4jError, DriverError):
                # no database now: check what can be checked without it
                load_mapping(settings.oidc_mapping)
        except BadArgument as error:
            log.error("single sign-on: %s", error)
    yield


router = APIRouter(include_in_schema=False, lifespan=_check_at_start)

STATE_COOKIE = "turva_sso"
#: how long a sign-in at the provider may take (seconds)
STATE_MAX_AGE = 600
_COOKIE_PATH = "/login/sso"
#: the claims asked for: e-mail and name for the account, groups come with the ID token
SCOPE = "openid email profile"
#: the discovery document and keys are fetched again after this long (seconds)
_METADATA_TTL = 3600
#: leeway for the provider's clock (seconds)
_LEEWAY = 120
_TIMEOUT = httpx.Timeout(10.0)
#: signs the state cookie when no client secret is set (a public client; one process)
_PROCESS_KEY = secrets.token_bytes(32)


def sso_configured(settings: Settings) -> bool:
    """Whether single sign-on is in use: an issuer and a client id are set."""
    return bool(settings.oidc_issuer.strip() and settings.oidc_client_id.strip())


class SsoFailed(Exception):
    """A sign-in that cannot go on: the HTTP status and the message (an id of the
    catalogue, with its parameters) the page shows."""

    def __init__(self, status: int, message_id: str, **params: Any) -> None:
        super().__init__(message_id % params if params else message_id)
        self.status = status
        self.message_id = message_id
        self.params = params


# --- the provider ---------------------------------------------------------------------


@dataclass
class _Provider:
    """The discovery document of a provider and its keys, as fetched."""

    metadata: dict[str, Any]
    fetched: float
    jwks: dict[str, Any] | None = None
    jwks_fetched: float = 0.0

    @property
    def issuer(self) -> str:
        return str(self.metadata["issuer"])


@dataclass
class _Cache:
    providers: dict[str, _Provider] = field(default_factory=dict)


_CACHE = _Cache()


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


async def _provider(settings: Settings) -> _Provider:
    """The provider's discovery document (cached for an hour)."""
    issuer = settings.oidc_issuer.strip()
    cached = _CACHE.providers.get(issuer)
    if cached and time.monotonic() - cached.fetched < _METADATA_TTL:
        return cached
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT) as http:
            answer = await http.get(url, headers={"Accept": "application/json"})
        answer.raise_for_status()
        metadata = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        log.warning("single sign-on: discovery at %s failed: %s", url, error)
        raise _unreachable() from None
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(metadata, dict) or not all(isinstance(metadata.get(k), str) for k in needed):
        log.error("single sign-on: %s is not an OpenID discovery document", url)
        raise _misconfigured(
            Word(N_("the provider's discovery document lacks %(keys)s"), keys=", ".join(needed))
        )
    if not _same_issuer(metadata["issuer"], issuer):
        # a document that names another issuer is not this provider's (OpenID Discovery 4.3)
        log.error("single sign-on: %s names issuer %s", url, metadata["issuer"])
        raise _misconfigured(
            Word(
                N_("TURVA_OIDC_ISSUER is %(set)s but the provider calls itself %(said)s"),
                set=repr(issuer),
                said=repr(metadata["issuer"]),
            )
        )
    provider = _Provider(metadata=metadata, fetched=time.monotonic())
    _CACHE.providers[issuer] = provider
    return provider


async def _keys(provider: _Provider, *, force: bool = False) -> KeySet:
    """The provider's signing keys (JWKS)."""
    if provider.jwks is None or force:
        try:
            async with httpx.AsyncClient(timeout=_TIMEOUT) as http:
                answer = await http.get(provider.metadata["jwks_uri"])
            answer.raise_for_status()
            provider.jwks = answer.json()
            provider.jwks_fetched = time.monotonic()
        except (httpx.HTTPError, ValueError) as error:
            log.warning("single sign-on: the JWKS could not be fetched: %s", error)
            raise _unreachable() from None
    try:
        return KeySet.import_key_set(provider.jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        log.error("single sign-on: the provider's JWKS is not usable: %s", error)
        raise _bad_answer() from None


def _misconfigured(reason: str) -> SsoFailed:
    return SsoFailed(
        503,
        N_(
            "Single sign-on is not set up correctly: %(reason)s. Tell the service's "
            "administrator; meanwhile sign in with a username and password."
        ),
        reason=reason,
    )


def _unreachable() -> SsoFailed:
    """The provider did not answer (network, timeout, its server error): try again later."""
    return SsoFailed(
        502,
        N_(
            "The sign-in service of your organisation cannot be reached right now. "
            "Try again in a moment, or sign in with a username and password."
        ),
    )


def _bad_answer() -> SsoFailed:
    return SsoFailed(
        401,
        N_(
            "The answer of your organisation's sign-in service could not be verified, so "
            "you were not signed in. Start the sign-in again."
        ),
    )


def redirect_uri(request: Request, settings: Settings) -> str:
    """Where the provider sends the browser back: under ``TURVA_PUBLIC_URL`` when set
    (behind a proxy the request's own address is not the public one)."""
    base = settings.public_url.strip().rstrip("/")
    if base:
        return f"{base}/login/sso/callback"
    return str(request.url_for("sso_callback"))


# --- the state cookie -------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    state: str
    nonce: str
    verifier: str
    next: str
    expires: float


def _state_key(settings: Settings) -> bytes:
    secret = settings.oidc_client_secret
    if not secret:
        return _PROCESS_KEY
    return hashlib.sha256(b"turva-sso-state\0" + secret.encode()).digest()


def _sign(settings: Settings, payload: bytes) -> str:
    return hmac.new(_state_key(settings), payload, hashlib.sha256).hexdigest()


def _state_cookie(settings: Settings, saved: _State) -> str:
    body = json.dumps(
        {
            "s": saved.state,
            "n": saved.nonce,
            "v": saved.verifier,
            "x": saved.next,
            "e": saved.expires,
        },
        separators=(",", ":"),
    ).encode()
    payload = base64.urlsafe_b64encode(body).rstrip(b"=")
    return f"{payload.decode()}.{_sign(settings, payload)}"


def _read_state(request: Request, settings: Settings) -> _State | None:
    """The state cookie if it is this service's, unchanged and not expired."""
    value = request.cookies.get(STATE_COOKIE) or ""
    payload, _, signature = value.partition(".")
    if not payload or len(value) > 4000:
        return None
    if not hmac.compare_digest(signature, _sign(settings, payload.encode())):
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        saved = _State(
            state=str(raw["s"]),
            nonce=str(raw["n"]),
            verifier=str(raw["v"]),
            next=safe_next(raw["x"]),
            expires=float(raw["e"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return saved if saved.expires > time.time() else None


def _forget_state(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        STATE_COOKIE,
        path=_COOKIE_PATH,
        secure=secure_cookies(settings),
        httponly=True,
        samesite="lax",
    )


# --- the mapping --------------------------------------------------------------------------


_MAPPINGS: dict[tuple[str, int, int], SsoMapping] = {}


def _read_mapping(path: Path | None) -> SsoMapping:
    """The mapping file, read again when it changes."""
    if path is None:
        return SsoMapping()
    try:
        stat = Path(path).stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return load_mapping(path)  # says the file cannot be read
    if key not in _MAPPINGS:
        _MAPPINGS.clear()
        _MAPPINGS[key] = load_mapping(path)
    return _MAPPINGS[key]


def checked_mapping(driver: Driver, settings: Settings) -> SsoMapping:
    """The mapping file of ``TURVA_OIDC_MAPPING``, checked, with every organisation it
    names in the graph (blocking). Raises BadArgument naming the rule and field."""
    mapping = _read_mapping(settings.oidc_mapping)
    named = mapping.organisations
    if named:
        rows = run_query(
            driver, "names", settings.neo4j_database, ids=sorted(named), labels=["Organisation"]
        )
        missing = sorted(set(named) - {row["id"] for row in rows})
        if missing:
            rules = sorted({n for org in missing for n in named[org]})
            raise BadArgument.said(
                N_("%(where)s: unknown organisation(s) %(ids)s: use ids that are in the graph"),
                where=Word(
                    N_("%(file)s, rule %(rule)s, field %(field)s"),
                    file=mapping.source,
                    rule=", ".join(map(str, rules)),
                    field="organisations",
                ),
                ids=", ".join(missing),
            )
    return mapping


# --- the account ----------------------------------------------------------------------------


def _username(claims: Mapping[str, Any]) -> str:
    """The account's username: the ``email`` claim, else ``preferred_username``."""
    for key in ("email", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            try:
                return check_username(value)
            except BadArgument:
                continue
    raise SsoFailed(
        403,
        N_(
            "Your organisation's sign-in service did not give an e-mail address or a "
            "username this service can use. Ask an admin for an account."
        ),
    )


def account_for(
    driver: Driver, settings: Settings, mapping: SsoMapping, issuer: str, claims: Mapping[str, Any]
) -> Account:
    """The account of the person with these (verified) claims, made or updated as the
    mapping says (blocking; see the module's docstring)."""
    database = settings.neo4j_database
    subject = str(claims["sub"])
    rule = mapping.match(claims)
    account = find_sso_account(driver, issuer, subject, database)
    if account is None:
        role, orgs = (rule.role, rule.organisations) if rule else ("reader", ())
        name = claims.get("name")
        log.info(
            "single sign-on: new account for %s at %s (rule %s: %s)",
            subject,
            issuer,
            rule.number if rule else "-",
            role,
        )
        return create_account(
            driver,
            _username(claims),
            role,
            orgs,
            None,
            by="sso",
            database=database,
            sso=(issuer, subject),
            display_name=name if isinstance(name, str) else None,
        )
    if account.disabled or rule is None:
        return account
    if (account.role, tuple(account.organisations)) != (rule.role, rule.organisations):
        return set_role(
            driver, account.username, rule.role, rule.organisations, by="sso", database=database
        )
    return account


# --- the routes --------------------------------------------------------------------------


def _failure_page(request: Request, failure: SsoFailed, next_path: str = "/") -> HTMLResponse:
    _ = gettext_for(choose_lang(request))
    params = {k: v.text(_) if isinstance(v, Word) else v for k, v in failure.params.items()}
    message = _(failure.message_id) % params if params else _(failure.message_id)
    response = render(
        request,
        "sso_error.html",
        status_code=failure.status,
        message=message,
        next=next_path,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _turva_failure(error: TurvaError, lang: str) -> SsoFailed:
    """A TurvaError (a mapping file's error, a taken username) as a page's message."""
    return SsoFailed(
        400 if isinstance(error, BadArgument) else 409, "%(reason)s", reason=error.text_in(lang)
    )


@router.get("/login/sso", name="sso_start")
async def sso_start(
    request: Request, driver: DriverDep, settings: SettingsDep, next: str = "/"
) -> Response:
    """Send the browser to the organisation's sign-in service."""
    target = safe_next(next)
    try:
        if not sso_configured(settings):
            raise SsoFailed(404, N_("Single sign-on is not in use on this service."))
        try:
            # a mapping file with an error is found before anyone signs in, not after
            await run_in_threadpool(checked_mapping, driver, settings)
        except BadArgument as error:
            log.error("single sign-on: %s", error)
            raise _misconfigured(error.text_in(choose_lang(request))) from None
        provider = await _provider(settings)
        saved = _State(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(48),
            next=target,
            expires=time.time() + STATE_MAX_AGE,
        )
        url = prepare_grant_uri(
            provider.metadata["authorization_endpoint"],
            client_id=settings.oidc_client_id,
            response_type="code",
            redirect_uri=redirect_uri(request, settings),
            scope=SCOPE,
            state=saved.state,
            nonce=saved.nonce,
            code_challenge=create_s256_code_challenge(saved.verifier),
            code_challenge_method="S256",
            # the provider's pages in the language of ours, where it can
            ui_locales=choose_lang(request),
        )
    except SsoFailed as failure:
        return _failure_page(request, failure, target)
    except (Neo4jError, DriverError):
        return _failure_page(request, _database_down(), target)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        _state_cookie(settings, saved),
        max_age=STATE_MAX_AGE,
        path=_COOKIE_PATH,
        httponly=True,
        # Lax: the provider's redirect back is a top-level GET, which carries it
        samesite="lax",
        secure=secure_cookies(settings),
    )
    response.headers["Cache-Control"] = "no-store"
    if asked_lang(request) is not None:
        # as every page does: the callback's page (an error) is then in this language too
        response.set_cookie(
            LANG_COOKIE, choose_lang(request), max_age=365 * 24 * 3600, samesite="lax"
        )
    return response


def _database_down() -> SsoFailed:
    return SsoFailed(
        503,
        N_(
            "The service cannot reach its database right now. Nothing has been lost. "
            "Try again in a moment."
        ),
    )


async def _exchange(
    provider: _Provider, settings: Settings, code: str, verifier: str, back_to: str
) -> dict[str, Any]:
    """The token endpoint's answer for ``code`` (client secret, PKCE verifier)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": back_to,
        "code_verifier": verifier,
    }
    methods = provider.metadata.get("token_endpoint_auth_methods_supported") or [
        "client_secret_basic"
    ]
    auth: httpx.Auth | None = None
    if not settings.oidc_client_secret:
        form["client_id"] = settings.oidc_client_id  # a public client: PKCE alone
    elif "client_secret_basic" in methods:
        # RFC 6749 2.3.1: both form-urlencoded before the Basic encoding
        auth = httpx.BasicAuth(
            quote(settings.oidc_client_id, safe=""), quote(settings.oidc_client_secret, safe="")
        )
    else:
        form["client_id"] = settings.oidc_client_id
        form["client_secret"] = settings.oidc_client_secret
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT) as http:
            answer = await http.post(
                provider.metadata["token_endpoint"],
                data=form,
                auth=auth or httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
    except httpx.HTTPError as error:
        log.warning("single sign-on: the token endpoint failed: %s", error)
        raise _unreachable() from None
    try:
        token = answer.json()
    except ValueError:
        token = None
    if answer.status_code != 200 or not isinstance(token, dict) or "id_token" not in token:
        reason = token.get("error") if isinstance(token, dict) else answer.status_code
        log.warning("single sign-on: the token endpoint refused the code: %s", reason)
        raise _bad_answer()
    return token


async def _id_token_claims(
    provider: _Provider, settings: Settings, token: Mapping[str, Any], nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, nonce and expiry hold."""
    algorithms = provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    # never "none", never a MAC keyed by something the provider publishes
    algorithms = [a for a in algorithms if isinstance(a, str) and a[:2] in ("RS", "PS", "ES", "Ed")]
    id_token = str(token["id_token"])
    try:
        try:
            decoded = jwt.decode(id_token, await _keys(provider), algorithms=algorithms)
        except InvalidKeyIdError:
            # a key id we do not know yet: the provider rotated its keys
            decoded = jwt.decode(id_token, await _keys(provider, force=True), algorithms=algorithms)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": settings.oidc_client_id},
            },
            {
                "nonce": nonce,
                "client_id": settings.oidc_client_id,
                "access_token": token.get("access_token"),
            },
        )
        claims.validate(leeway=_LEEWAY)
    except (JoseError, ValueError, TypeError) as error:
        log.warning("single sign-on: the ID token was refused: %r", error)
        raise _bad_answer() from None
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise _bad_answer()
    return dict(claims)


async def _userinfo(provider: _Provider, token: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """The userinfo endpoint's claims (e-mail, groups) when it has them for the same
    subject; else nothing: the ID token's claims are enough."""
    endpoint = provider.metadata.get("userinfo_endpoint")
    access = token.get("access_token")
    if not isinstance(endpoint, str) or not isinstance(access, str):
        return {}
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT) as http:
            answer = await http.get(endpoint, headers={"Authorization": f"Bearer {access}"})
        info = answer.json() if answer.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return {}
    # claims of another subject are not this person's (OpenID Connect Core 5.3.2)
    return info if isinstance(info, dict) and info.get("sub") == subject else {}


@router.get("/login/sso/callback", name="sso_callback")
async def sso_callback(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    """The provider's answer: check it, sign the person in, go to the page they came from."""
    saved = _read_state(request, settings)
    target = saved.next if saved else "/"
    params = request.query_params
    try:
        if not sso_configured(settings):
            raise SsoFailed(404, N_("Single sign-on is not in use on this service."))
        if saved is None:
            raise SsoFailed(
                400,
                N_(
                    "This sign-in was not started in this browser, or it took more than ten "
                    "minutes. Start the sign-in again."
                ),
            )
        if params.get("error"):
            # before the state check: some providers leave the state out of an error, and
            # an error signs nobody in (the page only says so; the sign-in starts again)
            log.info("single sign-on: the provider answered %s", params.get("error"))
            if params.get("error") in ("access_denied", "consent_required", "login_required"):
                raise SsoFailed(
                    403,
                    N_(
                        "The sign-in was cancelled or your organisation's sign-in service "
                        "refused it. You are not signed in."
                    ),
                )
            raise SsoFailed(
                502,
                N_("Your organisation's sign-in service answered with an error (%(error)s)."),
                # an error code is a word (RFC 6749 4.1.2.1); nothing else of it is shown
                error=re.sub(r"[^A-Za-z0-9_.-]", "", str(params.get("error")))[:60] or "?",
            )
        if not hmac.compare_digest(str(params.get("state") or ""), saved.state):
            log.warning("single sign-on: a callback with a wrong state was refused")
            raise SsoFailed(
                400,
                N_(
                    "This answer from the sign-in service does not belong to the sign-in "
                    "started in this browser, so it was refused. Start the sign-in again."
                ),
            )
        code = params.get("code")
        if not code:
            raise _bad_answer()
        provider = await _provider(settings)
        token = await _exchange(
            provider, settings, code, saved.verifier, redirect_uri(request, settings)
        )
        claims = await _id_token_claims(provider, settings, token, saved.nonce)
        info = await _userinfo(provider, token, claims["sub"])
        # the ID token's (signed) claims win over the userinfo's
        claims = {**info, **claims}
        lang = choose_lang(request)
        try:
            mapping = await run_in_threadpool(checked_mapping, driver, settings)
        except BadArgument as error:
            log.error("single sign-on: %s", error)
            raise _misconfigured(error.text_in(lang)) from None
        try:
            account = await run_in_threadpool(
                account_for, driver, settings, mapping, provider.issuer, claims
            )
        except Conflict:
            # the username is taken by an account that signs in otherwise (a password)
            raise SsoFailed(
                409,
                N_(
                    "An account named %(username)s already exists in this service and signs "
                    "in with a password. Sign in with it, or ask an admin to sort this out."
                ),
                username=repr(_username(claims)),
            ) from None
        except TurvaError as error:
            raise _turva_failure(error, lang) from None
        if account.disabled:
            raise SsoFailed(403, N_("This account is disabled. Ask an admin to enable it."))
        response = RedirectResponse(target, status_code=303)
        await run_in_threadpool(
            start_session, response, request, driver, settings, account, via="sso"
        )
    except SsoFailed as failure:
        page = _failure_page(request, failure, target)
        _forget_state(page, settings)
        return page
    except (Neo4jError, DriverError):
        page = _failure_page(request, _database_down(), target)
        _forget_state(page, settings)
        return page
    _forget_state(response, settings)
    response.headers["Cache-Control"] = "no-store"
    log.info("single sign-on: %s signed in", account.username)
    return response
