"""Single sign-on against a real OpenID provider (oidc-provider-mock, a Flask app built on
Authlib) started in the test session on a free port: the whole redirect flow in Chromium,
and the refusals (wrong state, cancelled consent, a disabled account, a provider that is
down, a mapping file with an error) over plain HTTP."""

from __future__ import annotations

import html
import re
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from neo4j import Driver
from oidc_provider_mock import run_server_in_thread

from tests.api_client import serve
from tests.browser import chromium, until
from turva.api.main import create_app
from turva.api.sso import STATE_COOKIE
from turva.graph.domain import sso_mapping
from turva.graph.domain.sso_mapping import parse_mapping
from turva.graph.errors import BadArgument
from turva.graph.server.managed import free_port
from turva.graph.settings import Settings
from turva.graph.store.accounts import (
    create_account,
    find_sso_account,
    get_account,
    set_disabled,
    set_role,
)

# the provider (a test tool) still calls a deprecated Authlib hook of its own
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")


def _documented_mapping() -> str:
    """The example file in the docs of :mod:`turva.graph.domain.sso_mapping`: the tests sign
    in with the rules people copy, so the example cannot go stale."""
    doc = sso_mapping.__doc__ or ""
    block = doc.split(".. code-block:: yaml\n\n", 1)[1].split("\n\n", 1)[0]
    return textwrap.dedent(block) + "\n"


# the first rule that matches wins: turva-admins -> admin, poliisi.fi -> editor of POHA
MAPPING = _documented_mapping()
CLIENT_ID = "turva-test"
CLIENT_SECRET = "test-secret-not-used-elsewhere"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The OpenID provider's issuer URL; the provider checks that a nonce is sent."""
    with run_server_in_thread(port=free_port(), require_nonce=True) as server:
        issuer = f"http://localhost:{server.server_port}"
        yield issuer


def person(issuer: str, sub: str, **claims: Any) -> None:
    """Tell the provider who ``sub`` is (the claims its next ID token for them carries)."""
    httpx.put(f"{issuer}/users/{sub}", json=claims, timeout=10).raise_for_status()


def sso_settings(neo4j_target: Any, issuer: str, mapping: Path | None, **extra: Any) -> Settings:
    return neo4j_target.settings(
        oidc_issuer=issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_mapping=mapping,
        **extra,
    )


@pytest.fixture(scope="module")
def mapping_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sso") / "sso-mapping.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(
    loaded_2021: Driver, neo4j_target: Any, provider: str, mapping_file: Path
) -> Iterator[str]:
    app = create_app(sso_settings(neo4j_target, provider, mapping_file), driver=loaded_2021)
    with serve(app) as base:
        yield base


def _at_provider(http: httpx.Client, site: str, next_path: str, lang: str = "en") -> str:
    """Start the sign-in on ``site``; the provider's authorization URL it sends us to."""
    start = http.get(f"{site}/login/sso", params={"next": next_path, "lang": lang})
    assert start.status_code == 303, start.text
    assert STATE_COOKIE in start.cookies
    location = start.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["client_id"] == [CLIENT_ID]
    return location


def _provider_answer(authorize_url: str, form: dict[str, str]) -> str:
    """What the provider sends the browser back with (the callback URL)."""
    answer = httpx.post(authorize_url, data=form, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:500]
    return answer.headers["location"]


def sign_in_over_http(site: str, sub: str, next_path: str = "/") -> httpx.Response:
    """The whole flow without a browser; the callback's answer (not followed)."""
    with httpx.Client(timeout=20) as http:
        back = _provider_answer(_at_provider(http, site, next_path), {"sub": sub})
        return http.get(back)


@pytest.mark.browser
def test_a_person_signs_in_through_the_provider_in_chromium(
    site: str, provider: str, loaded_2021: Driver, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    person(provider, "maija-sub", email="maija.meikalainen@poliisi.fi", name="Maija Meikäläinen")
    with chromium(tmp_path / "chromium") as browser:
        browser.get(f"{site}/login?next=/gaps&lang=en")
        button = browser.find_element(By.CSS_SELECTOR, "a[data-sso=start]")
        assert button.text == "Sign in with your organisation's account"
        button.click()
        # the provider's own authorization page: who signs in is typed there
        sub = until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "input[name=sub]"))[0]
        assert browser.current_url.startswith(provider)
        sub.send_keys("maija-sub")
        sub.submit()
        until(browser, lambda b: b.current_url.startswith(site) and "/gaps" in b.current_url)
        # back on the page they started from, signed in
        assert urlsplit(browser.current_url).path == "/gaps"
        assert browser.find_elements(By.CSS_SELECTOR, "section.gap")
        browser.get(f"{site}/login")
        assert (
            "You are signed in as Maija Meikäläinen."
            in browser.find_element(By.TAG_NAME, "main").text
        )

    account = find_sso_account(loaded_2021, provider, "maija-sub")
    assert account is not None
    assert (account.username, account.role, account.organisations) == (
        "maija.meikalainen@poliisi.fi",
        "editor",
        ("POHA",),
    )


def test_first_rule_wins_and_no_rule_gives_a_reader(
    site: str, provider: str, loaded_2021: Driver
) -> None:
    # both rules match; the admin rule comes first
    person(provider, "admin-sub", email="paa@poliisi.fi", groups=["turva-admins", "x"])
    answer = sign_in_over_http(site, "admin-sub", "/coverage?lang=sv")
    assert answer.status_code == 303 and answer.headers["location"] == "/coverage?lang=sv"
    assert "turva_session" in answer.cookies
    admin = get_account(loaded_2021, "paa@poliisi.fi")
    assert admin is not None and admin.role == "admin" and admin.organisations == ()

    # no rule: a reader; the username from preferred_username when there is no e-mail
    person(provider, "reader-sub", preferred_username="liisa@example.org")
    answer = sign_in_over_http(site, "reader-sub", "https://evil.example/")
    assert answer.status_code == 303 and answer.headers["location"] == "/"  # local paths only
    reader = find_sso_account(loaded_2021, provider, "reader-sub")
    assert reader is not None and (reader.username, reader.role) == ("liisa@example.org", "reader")

    # an admin promotes the reader; no rule matches at the next sign-in, so that stays
    set_role(loaded_2021, "liisa@example.org", "editor", ["KRP"], by="test")
    assert sign_in_over_http(site, "reader-sub").status_code == 303
    again = get_account(loaded_2021, "liisa@example.org")
    assert again is not None and (again.role, again.organisations) == ("editor", ("KRP",))

    # a disabled account does not sign in
    set_disabled(loaded_2021, "liisa@example.org", True, by="test")
    refused = sign_in_over_http(site, "reader-sub")
    assert refused.status_code == 403 and "turva_session" not in refused.cookies
    assert "This account is disabled" in refused.text


def test_a_wrong_or_missing_state_and_a_cancelled_consent_are_refused(
    site: str, provider: str, loaded_2021: Driver
) -> None:
    person(provider, "state-sub", email="tila@example.org")
    with httpx.Client(timeout=20) as http:
        back = _provider_answer(_at_provider(http, site, "/gaps"), {"sub": "state-sub"})
        forged = re.sub(r"state=[^&]+", "state=forged", back)
        answer = http.get(forged)
        assert answer.status_code == 400 and "turva_session" not in answer.cookies
        assert "does not belong to the sign-in started in this browser" in answer.text
        assert "Traceback" not in answer.text
    # the right code and state, but from a browser that did not start it (no cookie)
    answer = httpx.get(back, timeout=20)
    assert answer.status_code == 400  # and in Finnish: that browser chose no language
    assert "Tätä kirjautumista ei aloitettu tällä selaimella" in answer.text
    assert find_sso_account(loaded_2021, provider, "state-sub") is None

    with httpx.Client(timeout=20) as http:
        back = _provider_answer(_at_provider(http, site, "/", lang="fi"), {"action": "deny"})
        answer = http.get(back)
    assert answer.status_code == 403
    assert "Kirjautuminen keskeytettiin" in answer.text  # the page in the person's language


def test_provider_down_and_mapping_file_errors_are_pages(
    loaded_2021: Driver,
    neo4j_target: Any,
    provider: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    app = create_app(sso_settings(neo4j_target, down, None), driver=loaded_2021)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - {groups: [a], role: admin}\n  - {email_domain: x.fi, role: editor, "
        "organisations: [POHA, NOPE]}\n",
        encoding="utf-8",
    )
    broken = create_app(sso_settings(neo4j_target, provider, bad), driver=loaded_2021)
    with serve(app) as first, serve(broken) as second:
        # said in the log at the start, and on the page at every sign-in
        assert "bad.yaml, rule 2, field organisations: unknown organisation(s) NOPE" in caplog.text
        answer = httpx.get(f"{first}/login/sso?lang=en", timeout=20)
        assert answer.status_code == 502
        assert "cannot be reached right now" in answer.text
        answer = httpx.get(f"{second}/login/sso?lang=en", timeout=20)
        assert answer.status_code == 503
        assert "bad.yaml, rule 2, field organisations: unknown organisation(s) NOPE" in answer.text
        assert STATE_COOKIE not in answer.cookies  # nobody is sent to the provider


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("rules: [{groups: [a], role: boss}]", "m.yaml, rule 1, field role: unknown role 'boss'"),
        ("rules: [{role: admin}]", "m.yaml, rule 1: give groups or email_domain"),
        (
            "rules: [{groups: a, role: admin}, {groups: b, role: editor}]",
            "m.yaml, rule 2, field organisations: an editor changes what their organisations",
        ),
        (
            "rules: [{groups: a, role: reader, organisations: [POHA]}]",
            "m.yaml, rule 1, field organisations: only editors have organisations",
        ),
        ("rules: [{group: a, role: admin}]", "m.yaml, rule 1: unknown field 'group'"),
        ("rules: [{email_domain: '@@', role: admin}]", "field email_domain: '@@' is not a domain"),
        ("rule: []", "m.yaml: the mapping file needs a list of rules"),
        ("rules: [", "m.yaml is not valid YAML"),
    ],
)
def test_mapping_file_errors_name_the_rule_and_field(text: str, error: str) -> None:
    with pytest.raises(BadArgument) as raised:
        parse_mapping(text, "m.yaml")
    assert error in str(raised.value)
    assert raised.value.text_in("fi") != str(raised.value)  # translated where shown


def _minted(key: Any, **claims: Any) -> dict[str, Any]:
    """A token endpoint's answer with an ID token signed by ``key``."""
    from joserfc import jwt

    now = int(time.time())
    body = {"iss": "https://idp.example", "sub": "s1", "aud": CLIENT_ID, "iat": now}
    body |= {"exp": now + 300, "nonce": "n-1"} | claims
    body = {k: v for k, v in body.items() if v is not None}
    return {"id_token": jwt.encode({"alg": "RS256", "kid": "k1"}, body, key)}


@pytest.mark.parametrize(
    ("claims", "forged"),
    [
        ({}, False),
        ({"nonce": "another"}, False),
        ({"nonce": None}, False),
        ({"aud": "someone-else"}, False),
        ({"iss": "https://evil.example"}, False),
        ({"exp": int(time.time()) - 3600}, False),
        ({}, True),
    ],
)
def test_the_id_token_is_checked(claims: dict[str, Any], forged: bool) -> None:
    """Signature (JWKS), issuer, audience, nonce and expiry: each wrong one is refused."""
    import asyncio

    from joserfc.jwk import KeySet, RSAKey

    from turva.api.sso import SsoFailed, _id_token_claims, _Provider

    key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    # the same key id, another key: a token not signed by the provider
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    provider = _Provider(
        metadata={"issuer": "https://idp.example", "jwks_uri": "https://idp.example/jwks"},
        fetched=time.monotonic(),
        jwks=dict(KeySet([key]).as_dict(private=False)),
    )
    settings = Settings(TURVA_OIDC_CLIENT_ID=CLIENT_ID)  # type: ignore[call-arg]
    token = _minted(other if forged else key, **claims)
    check = _id_token_claims(provider, settings, token, "n-1")
    if not claims and not forged:
        assert asyncio.run(check)["sub"] == "s1"
        return
    with pytest.raises(SsoFailed) as refused:
        asyncio.run(check)
    assert refused.value.status == 401


def test_a_username_taken_by_a_password_account_is_refused(
    site: str, provider: str, loaded_2021: Driver
) -> None:
    create_account(
        loaded_2021, "kaksi@example.org", "reader", [], "pitkä salasana vihreä kivi", by="test"
    )
    person(provider, "twin-sub", email="kaksi@example.org")
    answer = sign_in_over_http(site, "twin-sub")
    assert answer.status_code == 409 and "turva_session" not in answer.cookies
    assert "'kaksi@example.org' already exists in this service" in html.unescape(answer.text)
    assert find_sso_account(loaded_2021, provider, "twin-sub") is None
