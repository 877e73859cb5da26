"""The query files of ``queries/``: the rules the runner checks at load, one definition of
"active", no Cypher outside ``graph/`` and ``queries/``, and the pages' login guard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from neo4j import Driver

from tests.api_client import client, signed_in_as, token
from turva.api.auth import login_required
from turva.api.login_pages import router as login_router
from turva.api.routes import maps as maps_routes
from turva.api.situation_pages import router as situation_router
from turva.api.web import router as web_router
from turva.graph.domain.model import ACTIVE_STATUSES, MEASURE_STATUSES
from turva.graph.domain.schema import NODE_TYPES
from turva.queries.runner import (
    QUERY_DIR,
    QueryFileError,
    load_queries,
    parse_query,
    query,
    run_query,
)

ROOT = Path(__file__).resolve().parent.parent
CYPHER_FILES = sorted(QUERY_DIR.glob("*.cypher"))
_STATUS_LITERAL = re.compile(
    "|".join(rf"""['"]{re.escape(s)}['"]""" for s in MEASURE_STATUSES), re.IGNORECASE
)
_HEADER = "// A test query.\n// params: {params}\n// columns: x\n"


def _code(path: Path) -> str:
    """A file's text without its // comments."""
    return "\n".join(line.split("//")[0] for line in path.read_text("utf-8").splitlines())


def test_every_query_file_loads_and_passes_the_checks():
    loaded = load_queries()
    assert sorted(loaded) == sorted(p.stem for p in CYPHER_FILES)
    assert len(loaded) >= 29


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.stem)
def test_no_query_file_hard_codes_a_status(path):
    code = _code(path)
    assert not _STATUS_LITERAL.search(code), f"{path.name} spells out a measure status"
    tests = re.findall(r"\.status\s*(?:=|<>|!=|\bIN\b)\s*[$\w\[]+", code, re.IGNORECASE)
    assert all(re.fullmatch(r"\.status\s+IN\s+\$active", t, re.I) for t in tests), tests
    if tests:
        assert "active" in query(path.stem).params


def test_active_is_the_queries_one_definition():
    # every analysis that speaks of active measures takes $active from the runner
    for name in ("who_addresses", "gaps", "overlaps", "coverage", "profile", "path"):
        assert "active" in query(name).params
        assert "active" not in query(name).caller_params
    assert ACTIVE_STATUSES == ("planned", "ongoing")


@pytest.mark.parametrize(
    "body",
    [
        "MATCH (m:Measure) WHERE m.status IN ['planned', 'ongoing'] RETURN m.id AS x",
        "MATCH (m:Measure) WHERE m.status = 'done' RETURN m.id AS x",
        'MATCH (m:Measure) WHERE m.status <> "cancelled" RETURN m.id AS x',
        "MATCH (m:Measure {status: 'ongoing'}) RETURN m.id AS x",
    ],
)
def test_the_runner_refuses_hard_coded_statuses(body):
    with pytest.raises(QueryFileError, match="status"):
        parse_query("bad.cypher", _HEADER.format(params="none") + body)


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ("statuses", "MATCH (m:Measure) WHERE m.status IN $statuses RETURN m.id AS x"),
        ("s", "MATCH (m:Measure) WHERE m.status = $s RETURN m.id AS x"),
        ("s", "MATCH (m:Measure {status: $s}) RETURN m.id AS x"),
    ],
)
def test_the_runner_refuses_other_status_tests(params, body):
    with pytest.raises(QueryFileError, match="status"):
        parse_query("bad.cypher", _HEADER.format(params=params) + body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("MATCH (n:Person) RETURN n.id AS x", "'Person' not in the schema"),
        ("MATCH (n:Measure)-[:KNOWS]->(m) RETURN m.id AS x", "'KNOWS' not in the schema"),
        ("MATCH (n)-[r:MEMBER_OF|KNOWS*1..2]-(m) RETURN m.id AS x", "'KNOWS'"),
        ("MATCH (n) WHERE n:Organisation OR n:Person RETURN n.id AS x", "'Person'"),
        # a relationship type used as a label, and the reverse
        ("MATCH (n:MEMBER_OF) RETURN n.id AS x", "'MEMBER_OF' not in the schema"),
        ("MATCH (n)-[:Measure]->(m) RETURN m.id AS x", "'Measure' not in the schema"),
        ("MATCH (n:Measure) SET n.x = 1 RETURN n.id AS x", "only read"),
        ("MERGE (n:Measure {id: 'x'}) RETURN n.id AS x", "only read"),
        ("MATCH (n:Measure) DETACH DELETE n", "only read"),
        ("MATCH (n:Measure {id: $id}) RETURN n.id AS x", "must list exactly"),
    ],
)
def test_the_runner_refuses_bad_query_files(body, message):
    with pytest.raises(QueryFileError, match=message):
        parse_query("bad.cypher", _HEADER.format(params="none") + body)


def test_the_runner_accepts_maps_strings_and_comments():
    text = _HEADER.format(params="id") + (
        "// a comment naming :Nothing and 'done' and $nothing\n"
        "MATCH (n:Measure {id: $id})  // trailing :Comment\n"
        "RETURN {fi: n.title_fi, note: 'a:b // c'} AS x\n"
    )
    assert parse_query("good.cypher", text).params == {"id"}
    with pytest.raises(QueryFileError, match="header"):
        parse_query("bad.cypher", "MATCH (n) RETURN n")


def test_callers_cannot_pass_another_active_list():
    with pytest.raises(TypeError, match=r"\$active is supplied by the runner"):
        run_query(None, "coverage", active=["done"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="missing parameters"):
        run_query(None, "gaps", period=None)  # type: ignore[arg-type]


def test_the_page_queries_cover_every_node_type():
    texts = query("page_texts").text
    counts = query("page_home_counts").text
    for nt in NODE_TYPES:
        assert f"MATCH (n:{nt.label}) WHERE $label = '{nt.label}'" in texts
        assert f"MATCH (n:{nt.label}) RETURN count(n) AS {nt.label} }}" in counts


_CYPHER_IN_PYTHON = re.compile(
    r"\b(?:OPTIONAL MATCH|MATCH|MERGE|UNWIND|DETACH DELETE)\s*[(\w$]"
    r"|\bCALL\s*(?:\(|\{|db\.)|\bRETURN\s+[\w{(]+[\w.()]*\s+AS\b"
)


@pytest.mark.parametrize("folder", ["api", "visualize"])
def test_no_cypher_in_the_api_or_visualize(folder):
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if _CYPHER_IN_PYTHON.search(line)
    ]
    assert not found, f"Cypher belongs in queries/*.cypher: {found}"


def _routes(routes: list, guards: tuple = ()) -> list[tuple[str, tuple]]:
    """(path, the dependencies on the way) of every route, into included routers too."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((route.path, (*guards, *route.dependencies)))
        elif hasattr(route, "original_router"):  # FastAPI's lazily included router
            inner = route.original_router
            found += _routes(inner.routes, (*guards, *inner.dependencies))
    return found


def test_every_page_but_login_and_assets_has_the_guard():
    pages = [
        (path, deps)
        for path, deps in _routes(
            [
                *web_router.routes,
                *situation_router.routes,
                *maps_routes.router.routes,
                *login_router.routes,
            ]
        )
        if not path.startswith("/api/")
    ]
    guarded = {path for path, deps in pages if any(d.dependency is login_required for d in deps)}
    assert {path for path, _ in pages} - guarded == {"/login", "/logout", "/maps/assets/{name}"}
    assert {"/", "/gaps", "/coverage", "/search", "/maps", "/maps/{view}"} <= guarded


PAGES = [
    "/",
    "/search?q=rahanpesu",
    "/phenomena/harassment",
    "/organisations/SM",
    "/groups/PG2021-1",
    "/measures/M01",
    "/gaps",
    "/coverage",
    "/maps",
    "/maps/overview",
]


def test_the_guard_redirects_every_page_until_login(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings(), reads_require_token=True) as web:
        for page in PAGES:
            response = web.get(page, follow_redirects=False)
            assert response.status_code == 303, page
            assert response.headers["location"] == f"/login?next={page.split('?')[0]}"
        assert web.get("/login").status_code == 200
        # a bearer header is not a page login; a wrong cookie is no login either
        secret = token(graph_2021, "reader")
        bearer = {"Authorization": f"Bearer {secret}"}
        assert web.get("/", headers=bearer, follow_redirects=False).status_code == 303
        web.cookies.set("turva_session", "wrongwrongwrongwrongwrongwrongwrongwrong")
        assert web.get("/gaps", follow_redirects=False).status_code == 303
        web.cookies.clear()
        signed_in_as(web, graph_2021, "reader")
        for page in PAGES:
            assert web.get(page, follow_redirects=False).status_code == 200, page
    with client(graph_2021, neo4j_target.settings()) as open_web:
        for page in PAGES:
            assert open_web.get(page, follow_redirects=False).status_code == 200, page
