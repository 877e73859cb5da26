"""Helpers the API, web and history tests share: the app on the test server, tokens, and
people's accounts signed in through the login form."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from neo4j import Driver

from turva.api.main import create_app
from turva.graph.server.managed import free_port
from turva.graph.settings import Settings
from turva.graph.store.accounts import create_account
from turva.graph.store.tokens import create_token


def client(driver: Driver, settings: Settings, **extra: Any) -> TestClient:
    """A client of the real app on the test server (the driver is shared, not closed)."""
    app = create_app(settings.model_copy(update=extra), driver=driver)
    return TestClient(app, raise_server_exceptions=False)


def token(driver: Driver, role: str, *organisations: str, name: str | None = None) -> str:
    """A new token's secret."""
    _, secret = create_token(
        driver,
        name=name or f"{role} {' '.join(organisations)} {time.monotonic_ns()}",
        role=role,
        organisations=list(organisations),
        who="test",
    )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


#: the test accounts' password (12+ characters, on no common-password list)
PASSWORD = "vihreä kivi ja kolme sanaa"


def account(driver: Driver, role: str, *organisations: str, name: str = "") -> str:
    """A new account of ``role`` for ``organisations``, password :data:`PASSWORD`; its
    username."""
    username = name or f"{role}{time.monotonic_ns()}"
    create_account(driver, username, role, organisations, PASSWORD, by="test")
    return username


def csrf(page: str) -> str:
    """The ``csrf_token`` field's value in a page's form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no csrf_token field"
    return html.unescape(found.group(1))


def sign_in(web: TestClient, username: str, password: str = PASSWORD, next: str = "/"):
    """Post the login form as a browser would (with the form's CSRF token)."""
    return web.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf(web.get("/login").text),
            "next": next,
        },
        follow_redirects=False,
    )


def signed_in_as(
    web: TestClient, driver: Driver, role: str, *organisations: str, name: str = ""
) -> str:
    """A new account of ``role`` signed in on ``web`` (its session cookie); its username."""
    username = account(driver, role, *organisations, name=name)
    answer = sign_in(web, username)
    assert answer.status_code == 303, answer.text[:2000]
    return username


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError("the test server did not start")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
