"""Neo4j stops mid-run: requests get 503 with Retry-After, then succeed again, nothing lost."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from neo4j import GraphDatabase

from tests.api_client import bearer, token
from tests.conftest import ROOT, measure
from turva.api.main import create_app
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.schema import apply_schema
from turva.graph.server.managed import LocalServer
from turva.graph.settings import Settings, default_cache
from turva.graph.store.load import load_document


@pytest.fixture
def own_server(tmp_path):
    server = LocalServer(tmp_path / "neo4j-home", default_cache(), heap="512m")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_requests_get_503_while_neo4j_is_down_and_recover(own_server):
    with GraphDatabase.driver(own_server.uri, auth=(own_server.user, own_server.password)) as drv:
        apply_schema(drv)
        load_document(drv, read_document_data(ROOT / "tests" / "fixtures" / "small.yaml"))
        admin = bearer(token(drv, "admin"))
    settings = Settings(
        NEO4J_URI=own_server.uri, NEO4J_USER=own_server.user, NEO4J_PASSWORD=own_server.password
    )
    before_stop = measure(
        "m-before-stop", "Ennen katkoa", "planned", [{"organisation": "POHA"}], ["cybercrime"]
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        assert api.post("/api/v1/measures", json=before_stop, headers=admin).status_code == 201
        assert api.get("/readyz").status_code == 200

        own_server.stop()
        for method, path, kwargs in [
            ("get", "/api/v1/phenomena/cybercrime", {}),
            ("put", "/api/v1/measures/m-before-stop", {"json": before_stop, "headers": admin}),
            ("get", "/phenomena/cybercrime", {}),
        ]:
            started = time.monotonic()
            response = getattr(api, method)(path, **kwargs)
            assert response.status_code == 503, (path, response.text)
            assert int(response.headers["retry-after"]) > 0
            assert response.headers["content-type"].startswith("application/problem+json")
            assert "Traceback" not in response.text
            assert time.monotonic() - started < 15, path
        # a browser gets a page in its language, still 503 with Retry-After
        for lang, words in [
            ("fi", "Tilapäisesti poissa käytöstä"),
            ("en", "Temporarily unavailable"),
        ]:
            page = api.get(
                "/phenomena/cybercrime",
                params={"lang": lang},
                headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
            )
            assert page.status_code == 503
            assert int(page.headers["retry-after"]) > 0
            assert page.headers["content-type"].startswith("text/html")
            assert f"<h1>{words}</h1>" in page.text and f'<html lang="{lang}">' in page.text
            assert 'href="/"' in page.text and "Traceback" not in page.text
        assert api.get("/readyz").status_code == 503
        assert api.get("/healthz").status_code == 200

        own_server.start()
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status = api.get("/api/v1/measures/m-before-stop").status_code
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200
        assert api.get("/api/v1/phenomena/cybercrime").json()["name"]["fi"] == "kyberrikollisuus"
        changed = {**before_stop, "status": "ongoing"}
        assert (
            api.put("/api/v1/measures/m-before-stop", json=changed, headers=admin).status_code
            == 200
        )
        assert api.get("/api/v1/changes", params={"id": "m-before-stop"}).json()["count"] == 2
