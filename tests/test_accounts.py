"""People's accounts and sessions (graph/store/accounts.py, api/sessions.py,
api/login_pages.py, api/cli/users.py): the ``turva user`` commands and their errors, the
password rules, signing in and out, the waiting after failed sign-ins, idle sessions,
sessions ending when an account changes, and CSRF tokens. The Chromium side is
tests/test_sign_in_browser.py."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_client import PASSWORD, bearer, client, csrf, sign_in, token
from tests.conftest import TURVA
from turva.graph.errors import BadArgument, Conflict, NotFound
from turva.graph.store.accounts import (
    create_account,
    get_account,
    set_disabled,
    set_password,
    set_role,
)


@pytest.fixture
def graph(loaded_2021: Driver) -> Driver:
    """The 2021 dataset (organisations for editors), without accounts from other tests."""
    loaded_2021.execute_query(
        "MATCH (n) WHERE n:Account OR n:Session OR n:LoginThrottle OR n:AccountChange "
        "DETACH DELETE n"
    )
    return loaded_2021


def user(
    args: list[str], neo4j_target, tmp_path: Path, stdin: str = ""
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **neo4j_target.env(),
        "TURVA_HOME": str(tmp_path / "home"),
        "TURVA_LANG": "en",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(TURVA), "user", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )


def header(web: TestClient, path: str = "/gaps") -> str:
    page = web.get(path)
    assert page.status_code == 200, page.text[:500]
    return page.text.split("<main", 1)[0]


def test_user_commands_make_list_and_change_accounts(graph, neo4j_target, tmp_path):
    made = user(
        ["create", "Maija.V", "--role", "editor", "--organisation", "SM", "--password-stdin",
         "--name", "Maija Virtanen"],
        neo4j_target, tmp_path, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "created editor account maija.v for SM" in made.stdout
    stored = graph.execute_query("MATCH (a:Account {id: 'maija.v'}) RETURN a.password_hash AS h")
    assert stored.records[0]["h"].startswith("$argon2id$")
    assert PASSWORD not in stored.records[0]["h"]

    listed = user(["list"], neo4j_target, tmp_path)
    assert "maija.v" in listed.stdout and "Maija Virtanen" in listed.stdout
    assert "editor" in listed.stdout and "enabled" in listed.stdout

    assert user(["set-role", "maija.v", "--role", "admin"], neo4j_target, tmp_path).returncode == 0
    assert user(["disable", "maija.v"], neo4j_target, tmp_path).returncode == 0
    rows = json.loads(user(["list", "--json"], neo4j_target, tmp_path).stdout)
    assert [(r["username"], r["role"], r["disabled"]) for r in rows] == [("maija.v", "admin", True)]
    assert user(["enable", "maija.v"], neo4j_target, tmp_path).returncode == 0
    changed = user(
        ["set-password", "maija.v", "--password-stdin"], neo4j_target, tmp_path,
        stdin="toinen hyvä salalause 7\n",
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    # every change recorded: who did it, when, what
    log = json.loads(user(["log", "maija.v", "--json"], neo4j_target, tmp_path).stdout)
    assert [c["action"] for c in log] == [
        "set-password", "enable", "disable", "set-role", "create",
    ]  # fmt: skip
    assert all(c["who"].startswith("cli:") and c["at"] for c in log)
    assert all("password" not in json.dumps(c["after"]) for c in log)
    # accounts are never data: the export has none of them
    from turva.graph.store.export import export_document

    assert "maija" not in json.dumps(export_document(graph), default=str)


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["create", "x1", "--role", "editor", "--organisation", "NOPE", "--organisation",
          "SM", "--password-stdin"], PASSWORD, "unknown organisation(s) NOPE"),
        (["create", "x4", "--role", "reader", "--password-stdin"], "lyhyt", "at least 12"),
        (["create", "x5", "--role", "reader", "--password-stdin"], "Salasana1234", "common"),
        (["create", "x6", "--role", "reader"], "", "--password-stdin"),
        (["disable", "nobody"], "", "no account has the username 'nobody'"),
    ],
)  # fmt: skip
def test_user_command_errors_say_what_to_fix(graph, neo4j_target, tmp_path, args, stdin, says):
    answer = user(args, neo4j_target, tmp_path, stdin=stdin + "\n" if stdin else "")
    assert answer.returncode == 1, answer.stdout
    assert says in answer.stderr and "Traceback" not in answer.stderr
    assert graph.execute_query("MATCH (a:Account) RETURN count(a) AS n").records[0]["n"] == 0


def test_password_rules_and_taken_names(graph):
    for bad in ("short", "qwertyuiop123", "aaaaaaaaaaaaaaaa", "PASSWORD1234"):
        with pytest.raises(BadArgument, match="password"):
            create_account(graph, "maija", "reader", (), bad, by="test")
    for args, says in [
        (("a b", "reader", ()), "username"),
        (("maija", "boss", ()), "unknown role"),
        (("maija", "editor", ()), "--organisation"),
        (("maija", "reader", ("SM",)), "editors only"),
    ]:
        with pytest.raises(BadArgument, match=says):
            create_account(graph, *args, PASSWORD, by="test")
    with pytest.raises(NotFound):
        set_role(graph, "nobody", "reader", by="test")
    create_account(graph, "maija", "reader", (), PASSWORD, by="test")
    with pytest.raises(Conflict):
        create_account(graph, "MAIJA", "reader", (), PASSWORD, by="test")
    account = get_account(graph, "Maija")
    assert account is not None and account.role == "reader" and not account.disabled


@pytest.fixture
def web(graph, neo4j_target):
    with client(graph, neo4j_target.settings()) as c:
        yield c


def test_signing_in_shows_the_name_and_signing_out_ends_the_session(graph, web):
    create_account(graph, "matti", "editor", ["SM"], PASSWORD, by="test", display_name="Matti M")
    before = header(web)
    assert 'href="/login?next=/gaps"' in before and "Kirjaudu sisään" in before
    answer = sign_in(web, "Matti", next="/gaps")
    assert answer.status_code == 303 and answer.headers["location"] == "/gaps"
    cookie = answer.headers["set-cookie"]
    assert "turva_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # TURVA_PUBLIC_URL is not https here
    signed = header(web)
    assert "Matti M" in signed and "Kirjaudu ulos" in signed
    # the stored session holds a hash, never the cookie's secret
    secret = web.cookies.get("turva_session")
    ids = graph.execute_query("MATCH (s:Session) RETURN s.id AS id").records
    assert len(ids) == 1 and ids[0]["id"] != secret
    # signing out: a form with a CSRF token; without one it is refused
    refused = web.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    wrong = web.post("/logout", data={"csrf_token": "x" * 64}, follow_redirects=False)
    assert wrong.status_code == 403
    assert "Matti M" in header(web)
    # a multipart form (as a file upload sends) is checked too, and the route still reads it
    token_now = csrf(web.get("/gaps").text)
    upload = {"note": ("note.txt", b"x", "text/plain")}
    forged = web.post("/logout", data={"csrf_token": token_now[::-1]}, files=upload,
                      follow_redirects=False)  # fmt: skip
    assert forged.status_code == 403 and "Matti M" in header(web)
    out = web.post("/logout", data={"csrf_token": token_now, "next": "/coverage"}, files=upload,
                   follow_redirects=False)  # fmt: skip
    assert out.status_code == 303 and out.headers["location"] == "/coverage"
    assert "Kirjaudu sisään" in header(web) and "Matti M" not in header(web)
    assert not graph.execute_query("MATCH (s:Session) RETURN s").records


def test_the_login_form_needs_its_csrf_token(graph, web):
    create_account(graph, "matti", "reader", (), PASSWORD, by="test")
    web.get("/login")
    answer = web.post(
        "/login", data={"username": "matti", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    # a token from another browser (another pre-session cookie) does not do either
    other = TestClient(web.app)
    forged = csrf(other.get("/login").text)
    answer = web.post(
        "/login",
        data={"username": "matti", "password": PASSWORD, "csrf_token": forged},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    # nor a cookie planted by someone else with a token made up to match it (it is signed)
    planted = "planted-by-a-sibling-site"
    web.cookies.set("turva_csrf", planted)
    made_up = hashlib.sha256(f"turva-csrf:pre:{planted}".encode()).hexdigest()
    answer = web.post(
        "/login",
        data={"username": "matti", "password": PASSWORD, "csrf_token": made_up},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert not graph.execute_query("MATCH (s:Session) RETURN s").records
    # the page's own token for that cookie works
    answer = web.post(
        "/login",
        data={
            "username": "matti",
            "password": PASSWORD,
            "csrf_token": csrf(web.get("/login").text),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_unknown_users_and_wrong_passwords_get_the_same_answer_then_wait(graph, web):
    create_account(graph, "matti", "reader", (), PASSWORD, by="test")
    wrong = sign_in(web, "matti", "väärä salasana 123")
    unknown = sign_in(web, "eiole", "väärä salasana 123")
    assert wrong.status_code == unknown.status_code == 401
    said = [
        re.search(r'<p class="error"[^>]*>(.*?)</p>', a.text).group(1) for a in (wrong, unknown)
    ]
    assert said[0] == said[1] == "Käyttäjätunnus tai salasana on väärä."
    for name in ("matti", "eiole"):
        for _ in range(4):
            assert sign_in(web, name, "väärä salasana 123").status_code == 401
        # the sixth try waits, even with the right password, and says for how long
        waits = sign_in(web, name, PASSWORD)
        assert waits.status_code == 429
        assert "Odota 15 minuuttia" in waits.text, waits.text[-1500:]
        assert int(waits.headers["retry-after"]) > 800
    assert not graph.execute_query("MATCH (s:Session) RETURN s").records
    # an admin's new password does not lift the wait, but the window passing does
    graph.execute_query(
        "MATCH (t:LoginThrottle {id: 'matti'}) "
        "SET t.failures = [f IN t.failures | f - duration({minutes: 16})]"
    )
    assert sign_in(web, "matti").status_code == 303


def test_an_idle_session_ends(graph, neo4j_target):
    create_account(graph, "matti", "reader", (), PASSWORD, by="test", display_name="Matti M")
    with client(graph, neo4j_target.settings(), session_idle_hours=1.5 / 3600) as web:
        assert sign_in(web, "matti").status_code == 303
        assert "Matti M" in header(web)
        time.sleep(2.0)
        after = web.get("/gaps")
        assert "Matti M" not in after.text.split("<main", 1)[0]
        assert 'turva_session=""' in after.headers.get("set-cookie", "")
        assert not graph.execute_query("MATCH (s:Session) RETURN s").records
        # signing in again works at the first try, from the login page an expired session
        # cookie comes to
        assert sign_in(web, "matti").status_code == 303
        time.sleep(2.0)
        assert sign_in(web, "matti").status_code == 303


def test_sessions_end_when_the_account_is_disabled_or_changed(graph, web):
    create_account(graph, "matti", "editor", ["SM"], PASSWORD, by="test", display_name="Matti M")
    for change in (
        lambda: set_disabled(graph, "matti", True, by="cli:test"),
        lambda: set_role(graph, "matti", "reader", by="cli:test"),
        lambda: set_password(graph, "matti", "uusi salalause on pitkä", by="cli:test"),
    ):
        # as it was (each of these ends sessions too, so before signing in)
        set_disabled(graph, "matti", False, by="cli:test")
        set_role(graph, "matti", "editor", ["SM"], by="cli:test")
        set_password(graph, "matti", PASSWORD, by="cli:test")
        assert sign_in(web, "matti").status_code == 303
        assert "Matti M" in header(web)
        change()
        assert "Matti M" not in header(web)
    # a disabled account cannot sign in, and is told nothing more than a wrong password
    set_disabled(graph, "matti", True, by="cli:test")
    refused = sign_in(web, "matti")
    assert refused.status_code == 401 and "Käyttäjätunnus tai salasana on väärä" in refused.text


def test_reads_that_need_a_token_need_a_signed_in_person(graph, neo4j_target):
    create_account(graph, "lukija", "reader", (), PASSWORD, by="test")
    with client(graph, neo4j_target.settings(), reads_require_token=True) as web:
        page = web.get("/gaps", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/gaps"
        assert web.get("/login").status_code == 200
        assert sign_in(web, "lukija", next="/gaps").headers["location"] == "/gaps"
        assert web.get("/gaps").status_code == 200
        # the session reads the API too, but never writes through it
        assert web.get("/api/v1/measures").status_code == 200
        write = web.post("/api/v1/themes", json={"id": "T9", "name": {"fi": "Uusi"}})
        assert write.status_code == 401
    # programs keep their tokens, without CSRF tokens
    with client(graph, neo4j_target.settings(), reads_require_token=True) as api:
        secret = token(graph, "admin")
        made = api.post(
            "/api/v1/themes", json={"id": "T9", "name": {"fi": "Uusi"}}, headers=bearer(secret)
        )
        assert made.status_code == 201, made.text


def test_cookies_are_secure_behind_https(graph, neo4j_target):
    from turva.api.main import create_app

    create_account(graph, "matti", "reader", (), PASSWORD, by="test")
    app = create_app(neo4j_target.settings(public_url="https://turva.example"), driver=graph)
    with TestClient(app, base_url="https://testserver") as web:
        form = web.get("/login")
        assert "Secure" in form.headers["set-cookie"]  # the login form's CSRF cookie
        answer = sign_in(web, "matti")
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
