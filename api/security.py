"""Hardening at the edge of the service: security headers on every response, an access log.

Both are pure ASGI layers that :func:`harden` puts around the whole application, outside
even the error handler of last resort, so that every answer (pages, API, problems, 500s,
static files, maps) carries the headers and is logged.

**Content-Security-Policy.** Scripts run only from this service (``'self'``) or when
their SHA-256 is listed: the maps' two fixed inline scripts
(:func:`turva.visualize.write_html.script_hashes`: vis-network and the drawing script).
The hashes are known in advance rather than collected from each response, so a script
that found its way into a page by a bug (an unescaped value) is *not* allowed: that is
the point of the policy. No ``'unsafe-inline'`` for scripts means that no inline event
handler (``onclick=``) and no ``javascript:`` URL runs; pages bind events in scripts.
The exception is the API's documentation (``/docs``, Swagger UI, and ``/redoc``): their
scripts and style sheets come from this service (``/static/docs``, so that they work on
a closed network), but each page starts with an inline script that FastAPI writes from
the app's configuration (no request data). Those pages alone allow the hashes of their
own inline scripts, and ReDoc's search worker, which it starts from a ``blob:`` URL.
No page allows any other origin.

>>> policy = content_security_policy(["'sha256-abc='"])
>>> policy.split("; ")[:2]
["default-src 'self'", "script-src 'self' 'sha256-abc='"]
>>> "unsafe-inline" in policy.split("; ")[1]
False
>>> redacted_query("q=kyber&token=s3cret&lang=en&api_key=x")
'q=kyber&token=***&lang=en&api_key=***'
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, TextIO
from urllib.parse import parse_qsl, quote

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turva.graph.settings import Settings
from turva.visualize.write_html import script_hashes

__all__ = [
    "ACCESS_LOGGER",
    "TOKEN_NAME",
    "content_security_policy",
    "security_headers",
    "inline_script_hashes",
    "redacted_query",
    "SecurityHeaders",
    "AccessLog",
    "harden",
]

#: the logger of the access log: one JSON line a request
ACCESS_LOGGER = "turva.access"
#: the ``request.state`` attribute where the auth dependency leaves the token's *name*
TOKEN_NAME = "token_name"
#: where the documentation pages may start workers from: ReDoc's search runs in one
#: made from a ``blob:`` URL of its own script (no origin outside this service)
DOCS_WORKER_SOURCES = ("blob:",)
_JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
}
#: query keys whose values the access log never writes
_SECRET_KEY = re.compile(r"token|secret|pass|key|auth|session|cookie|sig|credential", re.I)


def content_security_policy(
    script_sources: Iterable[str] = (),
    *,
    style_sources: Iterable[str] = (),
    img_sources: Iterable[str] = (),
    worker_sources: Iterable[str] = (),
) -> str:
    """The policy: ``'self'`` plus the given sources (hashes, origins); never
    ``'unsafe-inline'`` or ``'unsafe-eval'`` for scripts."""
    scripts = " ".join(["'self'", *script_sources])
    # style-src keeps 'unsafe-inline': vis-network sets inline styles on the elements it
    # draws (tooltips, canvas size), the maps' legend colours its swatches with style=""
    # and the pages have <style> blocks. Inline styles cannot run code.
    styles = " ".join(["'self'", "'unsafe-inline'", *style_sources])
    images = " ".join(["'self'", "data:", *img_sources])
    workers = " ".join(["'self'", *worker_sources])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            f"img-src {images}",
            f"worker-src {workers}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(policy: str, *, https: bool) -> list[tuple[str, str]]:
    """The headers every response carries (HSTS only when the service is public on https)."""
    headers = [
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        given = dict(attrs)
        kind = (given.get("type") or "").strip().lower()
        # an external script is allowed by its origin; a data block never runs
        self._current = [] if "src" not in given and kind in _JS_TYPES else None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_script_hashes(html: str) -> list[str]:
    """The ``'sha256-...'`` source of each inline script of ``html``, as a browser hashes it.

    >>> inline_script_hashes('<script>1</script><script type="application/json">{}</script>')
    ["'sha256-a4ayc/80/OGda4BO/1o/V0etpOqiLx1JwB5S3beHW0s='"]
    """
    parser = _InlineScripts()
    # the HTML parser of a browser turns CR LF and CR into LF before anything else
    parser.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    hashes = []
    for script in parser.scripts:
        digest = hashlib.sha256(script.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP response (a route's own header wins).

    ``docs_paths`` (Swagger UI, ReDoc) get a policy that allows the hashes of the inline
    scripts of the page itself, read from the response body, and ``blob:`` workers;
    still no other origin.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        https: bool,
        script_sources: Iterable[str] = (),
        docs_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.https = https
        self.headers = security_headers(content_security_policy(script_sources), https=https)
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _merge(message, self.headers)
            await send(message)

        await self.app(scope, receive, add_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def hold_html(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            assert start is not None
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
            # the whole body (or something this layer does not read): the policy now
            body = b"".join(chunks)
            headers = MutableHeaders(scope=start)
            charset = _charset(headers.get("content-type", "")) or "utf-8"
            hashes = inline_script_hashes(body.decode(charset, "replace"))
            policy = content_security_policy(hashes, worker_sources=DOCS_WORKER_SOURCES)
            _merge(start, security_headers(policy, https=self.https))
            await send(start)
            if message["type"] == "http.response.body":
                await send({"type": "http.response.body", "body": body, "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, hold_html)


def _merge(start: Message, headers: list[tuple[str, str]]) -> None:
    mutable = MutableHeaders(scope=start)
    for name, value in headers:
        mutable.setdefault(name, value)


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=\"?([\w.:-]+)", content_type, re.I)
    return match.group(1) if match else None


def redacted_query(query: str) -> str:
    """The query string with the values of secret-like keys (token, secret, ...) removed."""
    parts = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        shown = "***" if _SECRET_KEY.search(key) else quote(value, safe="")
        parts.append(f"{quote(key, safe='')}={shown}")
    return "&".join(parts)


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a line is written (not when created)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def _access_logger() -> logging.Logger:
    """``turva.access``, writing bare JSON lines to stderr unless logging was configured
    for it already (a handler of its own); like uvicorn's access log, it does not
    propagate, so that a root handler does not print each line twice."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        logger.addHandler(_Stderr())
        logger.propagate = False
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return logger


class AccessLog:
    """One JSON line a request on ``turva.access``: time, method, path, query (secret-like
    values removed), status, duration_ms and the token's name (never its secret), or
    null when no token identified the caller."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = _access_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        when = datetime.now(UTC)
        # the same dict as request.state in the routes: the auth dependency writes the
        # token's name there
        state = scope.setdefault("state", {})
        status = 500  # no answer started: the server answers 500

        async def note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, note_status)
        finally:
            line: dict[str, Any] = {
                "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "method": scope["method"],
                "path": scope["path"],
            }
            query = scope.get("query_string", b"").decode("latin-1")
            if query:
                line["query"] = redacted_query(query)
            line["status"] = status
            line["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            line["token"] = state.get(TOKEN_NAME)
            self.log.info(json.dumps(line, ensure_ascii=False))


def harden(app: ASGIApp, settings: Settings, *, docs_paths: Iterable[str] = ()) -> ASGIApp:
    """``app`` inside the security headers and (unless ``TURVA_ACCESS_LOG=false``) the
    access log, which is outermost so that it times and sees everything."""
    https = settings.public_url.strip().lower().startswith("https://")
    hardened: ASGIApp = SecurityHeaders(
        app, https=https, script_sources=script_hashes(), docs_paths=docs_paths
    )
    if settings.access_log:
        hardened = AccessLog(hardened)
    return hardened
