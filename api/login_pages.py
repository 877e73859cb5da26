"""Signing in and out: ``GET``/``POST /login`` and ``POST /logout``.

The form has ``username``, ``password``, ``csrf_token`` and ``next`` (the page to return
to). A wrong password, an unknown username and a disabled account get the same answer in
comparable time (an unknown name is checked against a dummy hash), so the page never says
whether a username exists. After :data:`MAX_FAILURES` failed sign-ins for one username in
15 minutes, further tries for it wait, and the page says for how long (whatever the
password: a guess that would be right is refused too while waiting).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from neo4j import Driver
from starlette.concurrency import run_in_threadpool

from turva.api.auth import person
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.sessions import end_current_session, start_session, verify_csrf
from turva.api.web import render
from turva.graph.messages import N_, gettext_for, ngettext_for
from turva.graph.settings import Settings
from turva.graph.store.accounts import Account, get_account, verify_password
from turva.graph.store.sessions import FAILURE_WINDOW, clear_failures, record_failure
from turva.queries.runner import run_query

__all__ = ["router", "MAX_FAILURES", "safe_next", "wait_words"]

router = APIRouter(include_in_schema=False)

#: failed sign-ins for one username within FAILURE_WINDOW before further tries wait
MAX_FAILURES = 5
_MAX_USERNAME = 100


def safe_next(value: Any) -> str:
    """The page to go to after signing in: a path on this site, else ``/``.

    >>> safe_next("/gaps?lang=sv"), safe_next("//evil.example"), safe_next("https://x")
    ('/gaps?lang=sv', '/', '/')
    """
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    return text


def wait_words(lang: str, seconds: float) -> str:
    """How long to wait, in words of ``lang``, in whole minutes (rounded up).

    >>> "Wait 12 minutes" in wait_words("en", 11 * 60 + 5)
    True
    """
    minutes = max(1, math.ceil(seconds / 60))
    ngettext = ngettext_for(lang)
    return ngettext(
        "Too many failed sign-ins with this username. Wait %(n)s minute and then try again.",
        "Too many failed sign-ins with this username. Wait %(n)s minutes and then try again.",
        minutes,
    ) % {"n": minutes}


@dataclass(frozen=True)
class _Outcome:
    account: Account | None = None
    wait_seconds: float = 0.0


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _attempt(driver: Driver, settings: Settings, username: str, password: str) -> _Outcome:
    """Check one sign-in (blocking: run it in a thread pool)."""
    database = settings.neo4j_database
    name = username.strip().lower()[:_MAX_USERNAME]
    row = run_query(driver, "account_sign_in", database, username=name)[0]
    now = dt.datetime.now(dt.UTC)
    recent = sorted(f for f in (_native(x) for x in row["failures"]) if f > now - FAILURE_WINDOW)
    if len(recent) >= MAX_FAILURES:
        # wait until the oldest of the last MAX_FAILURES leaves the window
        free_at = recent[-MAX_FAILURES] + FAILURE_WINDOW
        return _Outcome(wait_seconds=(free_at - now).total_seconds())
    if verify_password(row["hash"], password):
        account = get_account(driver, name, database)
        if account is not None and not account.disabled:
            if recent:
                clear_failures(driver, name, database)
            return _Outcome(account=account)
    record_failure(driver, name, database)
    return _Outcome()


def _sso_enabled(settings: Settings) -> bool:
    # as turva.api.sso.sso_configured (not imported: this page needs no OpenID library)
    return bool(settings.oidc_issuer.strip() and settings.oidc_client_id.strip())


def _page(
    request: Request,
    settings: Settings,
    *,
    next_path: str,
    status_code: int = 200,
    error: str | None = None,
    username: str = "",
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        status_code=status_code,
        next=next_path,
        error=error,
        username=username,
        sso=_sso_enabled(settings),
        reads_require_token=settings.reads_require_token,
    )


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, driver: DriverDep, settings: SettingsDep, next: str = "/"
) -> Response:
    await person(request, driver, settings)  # the header shows who is signed in
    return _page(request, settings, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def login(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = safe_next(form.get("next"))
    request.state.person = await person(request, driver, settings)
    lang = choose_lang(request)
    _ = gettext_for(lang)

    def refused(status_code: int, error: str) -> HTMLResponse:
        """The sign-in page again, with the name kept and why it was refused."""
        return _page(
            request,
            settings,
            next_path=target,
            status_code=status_code,
            error=error,
            username=username,
        )

    if not username.strip() or not password:
        return refused(422, _(N_("Give both your username and your password.")))
    outcome = await run_in_threadpool(_attempt, driver, settings, username, password)
    if outcome.wait_seconds:
        page = refused(429, wait_words(lang, outcome.wait_seconds))
        page.headers["Retry-After"] = str(max(1, math.ceil(outcome.wait_seconds)))
        return page
    if outcome.account is None:
        return refused(401, _(N_("The username or the password is wrong.")))
    response = RedirectResponse(target, status_code=303)
    await run_in_threadpool(start_session, response, request, driver, settings, outcome.account)
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
async def logout(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    form = await request.form()
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    await run_in_threadpool(end_current_session, response, request, driver, settings)
    return response
