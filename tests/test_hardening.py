"""Hardening (issue 13): security headers on every response, a CSP that runs the maps by
their scripts' hashes and nothing else inline, and a JSON access log that names tokens but
never their secrets. The last tests drive Chromium against a real server."""

from __future__ import annotations

import base64
import doctest
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from selenium.webdriver.common.by import By

import turva.api.security
from tests.api_client import bearer, client, serve, signed_in_as, token
from tests.browser import (
    chromium_with_console,
    console_messages,
    csp_violations,
    distinct_colours,
    wait_until_stable,
)
from tests.conftest import wipe
from tests.maps_support import TINY
from turva.api.main import create_app
from turva.graph.store.load import load_document
from turva.visualize import MapRequest, read_map, write_map
from turva.visualize.write_html import script_hashes

HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def tiny(driver: Driver) -> Driver:
    """The small map document, loaded once for this module (nothing here writes)."""
    wipe(driver)
    load_document(driver, TINY)
    return driver


@pytest.fixture(scope="module")
def web(tiny: Driver, neo4j_target):
    with client(tiny, neo4j_target.settings()) as c:
        yield c


def directives(policy: str) -> dict[str, list[str]]:
    parts = [d.split() for d in policy.split(";") if d.strip()]
    return {p[0]: p[1:] for p in parts}


class _Scripts(HTMLParser):
    """Inline scripts (bodies), external scripts, and attributes that run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline: list[str] = []
        self.external: list[str] = []
        self.data_blocks = 0
        self.handlers: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.handlers += [f"{tag} {k}" for k in values if k.startswith("on")]
        self.handlers += [
            f"{tag} {k}={v}"
            for k, v in values.items()
            if v and v.strip().lower().startswith("javascript:")
        ]
        if tag == "script":
            if values.get("src"):
                self.external.append(values["src"])
            elif values.get("type") == "application/json":
                self.data_blocks += 1
            else:
                self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.inline.append("".join(self._open))
            self._open = None


def scripts_of(html: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser


def sha256_source(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def assert_hardened(response, https: bool = False) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] in ("same-origin", "strict-origin-when-cross-origin")
    if https:
        assert headers["strict-transport-security"] == HSTS
    else:
        assert "strict-transport-security" not in headers
    policy = directives(headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    return policy


def test_the_security_module_examples():
    result = doctest.testmod(turva.api.security)
    assert result.attempted and not result.failed


RESPONSES = [
    ("/", 200, "text/html"),  # a page
    ("/phenomena/cyber", 200, "text/html"),
    ("/phenomena/nothing-here", 404, "text/html"),  # a page's 404
    ("/api/v1/phenomena/cyber", 200, "application/json"),  # the API
    ("/api/v1/phenomena/nothing-here", 404, "application/problem+json"),  # a problem
    ("/api/v1/no-such-route", 404, "application/problem+json"),
    ("/api/v1/search", 422, "application/problem+json"),
    ("/static/turva.css", 200, "text/css"),  # a static file
    ("/maps/who-works-on-what", 200, "text/html"),  # a map page
    ("/maps/assets/vis-network.min.js", 200, "text/javascript"),
    ("/api/v1/maps/who-works-on-what.html", 200, "text/html"),  # a map download
    ("/api/v1/maps/who-works-on-what.json", 200, "application/json"),
    ("/healthz", 200, "application/json"),
    ("/api/v1/openapi.json", 200, "application/json"),
]


@pytest.mark.parametrize(("path", "status", "media"), RESPONSES)
def test_every_response_carries_the_security_headers(web, path, status, media):
    response = web.get(path)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith(media)
    policy = assert_hardened(response)
    assert policy["img-src"] == ["'self'", "data:"]
    # the maps' two fixed scripts and nothing else inline
    assert policy["script-src"] == ["'self'", *script_hashes()]
    # inline styles stay allowed (vis-network, legend swatches); they run no code
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_a_500_answer_is_hardened_too(tiny, neo4j_target, capsys):
    app = create_app(neo4j_target.settings(), driver=tiny)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_hardened(response)
    [line] = access_lines(capsys, "/boom")
    assert line["status"] == 500


def test_hsts_only_when_the_public_url_is_https(tiny, neo4j_target):
    for public, https in [
        ("", False),
        ("http://turva.example", False),
        ("https://turva.example", True),
        ("HTTPS://turva.example/", True),
    ]:
        with client(tiny, neo4j_target.settings(), public_url=public) as c:
            for path in ("/", "/api/v1/phenomena/cyber", "/static/turva.css", "/nope"):
                assert_hardened(c.get(path), https=https)


@pytest.mark.parametrize(
    "path",
    [
        "/maps/who-works-on-what",
        "/maps/group?id=G1",
        "/api/v1/maps/who-works-on-what.html",
        "/api/v1/maps/collaboration.html?lang=en",
    ],
)
def test_the_csp_allows_each_inline_script_of_a_map_by_its_hash(web, path):
    response = web.get(path)
    assert response.status_code == 200
    allowed = directives(response.headers["content-security-policy"])["script-src"]
    found = scripts_of(response.text)
    assert found.inline, "a map runs an inline script"
    assert found.data_blocks == 1
    for script in found.inline:
        assert sha256_source(script) in allowed
    # an external script comes from this service
    assert all(src.startswith("/") and not src.startswith("//") for src in found.external)
    # and nothing runs code outside a script element
    assert found.handlers == []


@pytest.mark.parametrize(
    "path", ["/", "/phenomena/cyber", "/organisations/POHA", "/gaps", "/coverage", "/maps"]
)
def test_pages_hold_no_inline_handlers_or_javascript_urls(web, path):
    response = web.get(path)
    assert response.status_code == 200
    found = scripts_of(response.text)
    assert found.handlers == []
    assert found.inline == [], "a page's inline script would need its hash in the CSP"
    assert "javascript:" not in response.text.lower()


def test_a_map_saved_to_a_file_holds_the_same_two_scripts(tiny, tmp_path: Path):
    graph = read_map(tiny, MapRequest("who-works-on-what", all_periods=True))
    page = tmp_path / "map.html"
    write_map(graph, page)
    found = scripts_of(page.read_text(encoding="utf-8"))
    assert [sha256_source(s) for s in found.inline] == list(script_hashes())
    assert found.handlers == []


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_allow_their_own_inline_script_and_no_other_origin(web, path):
    response = web.get(path)
    assert response.status_code == 200
    policy = assert_hardened(response)
    found = scripts_of(response.text)
    assert found.inline or path == "/redoc"  # Swagger UI starts with one, ReDoc none
    assert policy["script-src"] == ["'self'", *(sha256_source(s) for s in found.inline)]
    assert "'unsafe-inline'" not in policy["script-src"]
    # their scripts, style sheets and images come from this service only
    for directive in ("default-src", "style-src", "img-src", "connect-src"):
        assert not [s for s in policy[directive] if "//" in s or s.startswith("http")], policy
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert "cdn.jsdelivr.net" not in response.headers["content-security-policy"]
    assert "cdn.jsdelivr.net" not in response.text and "googleapis" not in response.text
    for asset in re.findall(r'(?:src|href)="(/static/docs/[^"]+)"', response.text):
        assert web.get(asset).status_code == 200, asset


# --- the access log ---------------------------------------------------------------------


def access_lines(capsys, path: str | None = None) -> list[dict]:
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    return [x for x in lines if path is None or x["path"] == path]


def test_the_access_log_names_the_token_never_its_secret(tiny, neo4j_target, capsys):
    secret = token(tiny, "reader", name="hardening-reader")
    with client(tiny, neo4j_target.settings()) as c:
        capsys.readouterr()
        assert c.get("/api/v1/whoami", headers=bearer(secret)).status_code == 200
        assert c.get("/api/v1/phenomena/cyber", params={"lang": "en"}).status_code == 200
        # a secret in the query string (the login form's field is called token)
        c.get("/api/v1/search", params={"q": "kyber", "token": secret, "api_key": "k3y"})
        c.get("/api/v1/whoami", headers=bearer("not-a-token"))
        captured = capsys.readouterr().err
    assert secret not in captured
    assert "k3y" not in captured
    lines = [json.loads(x) for x in captured.splitlines() if x.startswith("{")]
    assert len(lines) == 4
    who, anonymous, search, wrong = lines
    assert who["token"] == "hardening-reader"
    assert {"time", "method", "path", "status", "duration_ms", "token"} <= set(who)
    assert (who["method"], who["path"], who["status"]) == ("GET", "/api/v1/whoami", 200)
    assert isinstance(who["duration_ms"], float) and who["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", who["time"])
    assert anonymous["token"] is None and anonymous["query"] == "lang=en"
    assert search["query"] == "q=kyber&token=***&api_key=***"
    assert (wrong["status"], wrong["token"]) == (401, None)


def test_the_access_log_names_the_signed_in_person(tiny, neo4j_target, capsys):
    with client(tiny, neo4j_target.settings(), reads_require_token=True) as c:
        signed_in_as(c, tiny, "reader", name="hardening-person")
        secret = c.cookies.get("turva_session")
        capsys.readouterr()
        assert c.get("/phenomena/cyber").status_code == 200
        captured = capsys.readouterr().err
    assert secret and secret not in captured
    [line] = [json.loads(x) for x in captured.splitlines() if x.startswith("{")]
    assert (line["path"], line["token"]) == ("/phenomena/cyber", "user:hardening-person")


def test_no_access_log_when_turned_off(tiny, neo4j_target, capsys):
    with client(tiny, neo4j_target.settings(), access_log=False) as c:
        capsys.readouterr()
        response = c.get("/api/v1/phenomena/cyber")
        assert response.status_code == 200
        assert_hardened(response)  # the headers stay
        assert capsys.readouterr().err == ""


def test_the_access_log_setting_reads_its_variable(monkeypatch):
    from turva.graph.settings import Settings

    assert Settings().access_log is True
    monkeypatch.setenv("TURVA_ACCESS_LOG", "false")
    assert Settings().access_log is False


# --- in Chromium --------------------------------------------------------------------------


@pytest.mark.browser
def test_pages_and_maps_work_in_chromium_under_the_csp(tiny, neo4j_target, tmp_path: Path):
    app = create_app(neo4j_target.settings(), driver=tiny)
    # no network: anything not on the local test server goes to a proxy that is not there
    flags = ("--window-size=1400,1000", "--proxy-server=127.0.0.1:9")
    with serve(app) as base, chromium_with_console(tmp_path / "profile", *flags) as browser:
        browser.get(f"{base}/phenomena/cyber")
        assert browser.find_element(By.TAG_NAME, "h1").text == "kyberrikollisuus"
        style = browser.find_element(By.CSS_SELECTOR, "header.site")
        assert style.value_of_css_property("border-bottom-style") == "solid"
        messages = console_messages(browser)
        assert csp_violations(messages) == [], messages

        # the map page: vis-network from /maps/assets, the drawing script by its hash
        # every period: the map opens on the latest one by default
        browser.get(f"{base}/maps/who-works-on-what?period=all")
        wait_until_stable(browser)
        assert browser.execute_script("return window.turvaMap.nodes.length") == 8
        assert distinct_colours(browser) > 50  # drawn: fills, borders, labels, edges
        messages = console_messages(browser)
        assert csp_violations(messages) == [], messages

        # the download: vis-network and the drawing script both inline, both by hash
        browser.get(f"{base}/api/v1/maps/who-works-on-what.html?lang=en")
        wait_until_stable(browser)
        latest = read_map(tiny, MapRequest("who-works-on-what", lang="en"))
        assert browser.execute_script("return window.turvaMap.nodes.length") == len(latest) > 0
        assert distinct_colours(browser) > 50
        messages = console_messages(browser)
        assert csp_violations(messages) == [], messages

        # and the policy bites: an inline script the service did not write does not run
        browser.execute_script(
            "var s = document.createElement('script');"
            "s.textContent = 'window.injected = true;';"
            "document.body.appendChild(s);"
        )
        assert browser.execute_script("return window.injected === true") is False
        assert csp_violations(console_messages(browser)), "the violation is reported"


@pytest.mark.browser
def test_a_map_file_opened_from_disk_still_works(tiny, tmp_path: Path):
    graph = read_map(tiny, MapRequest("who-works-on-what", all_periods=True))
    page = tmp_path / "map.html"
    write_map(graph, page)
    flags = ("--window-size=1400,1000", "--proxy-server=127.0.0.1:9")
    with chromium_with_console(tmp_path / "profile", *flags) as browser:
        browser.get(page.as_uri())
        wait_until_stable(browser)
        assert browser.execute_script("return window.turvaMap.nodes.length") == 8
        assert distinct_colours(browser) > 50
        assert csp_violations(console_messages(browser)) == []
