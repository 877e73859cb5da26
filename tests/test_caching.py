"""Hardening (issue 13), caching and limits: the graph's version moves with every write
and only then; analyses and maps are cached by it, revalidated with ETags, rendered once
for concurrent misses, and limited per client (``api/caching.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver, ManagedTransaction

import turva.api.routes.analyses as analyses_routes
import turva.api.routes.maps as maps_routes
from tests.api_client import bearer, client, serve, token
from tests.conftest import measure, wipe
from tests.maps_support import TINY
from turva.api.caching import (
    CACHE_ENV,
    Limit,
    ResponseCache,
    TokenBucket,
    response_cache,
)
from turva.api.main import create_app
from turva.graph.domain.model import Measure
from turva.graph.store.documents import import_document
from turva.graph.store.history import record_change
from turva.graph.store.load import load_document
from turva.graph.store.records import create_record
from turva.graph.store.tokens import create_token, revoke_token
from turva.graph.store.versions import GraphVersion, graph_version

COVERAGE = "/api/v1/analysis/coverage"
FALLS = "/api/v1/phenomena/falls/actors"
PROBLEM = "application/problem+json"


@pytest.fixture
def tiny(empty_graph: Driver) -> Driver:
    """A fresh small graph for each test (the tests here write)."""
    load_document(empty_graph, TINY)
    return empty_graph


@pytest.fixture
def api(tiny: Driver, neo4j_target) -> Iterator[TestClient]:
    with client(tiny, neo4j_target.settings()) as c:
        yield c


@pytest.fixture
def admin(tiny: Driver) -> dict[str, str]:
    return bearer(token(tiny, "admin", name="caching-admin"))


def _measure(**over: Any) -> dict[str, Any]:
    spr = [{"organisation": "SPR", "role": "lead"}]
    return {**measure("m9", "Kotikäynnit yhdessä", "ongoing", spr, ["falls"]), **over}


def _actors(response: httpx.Response) -> set[str]:
    return {a["organisation"] for a in response.json()["actors"]}


# --- the graph's version -----------------------------------------------------------------


def test_every_write_bumps_the_version_once(tiny: Driver):
    start = graph_version(tiny)
    assert start.number == 1 and start.epoch  # the load bumped it
    create_record(tiny, "measures", Measure.model_validate(_measure()), who="test")
    assert graph_version(tiny).number == start.number + 1
    # an import records its history entry and restores the document's: still one bump
    import_document(tiny, {"format": "turva/1", "themes": TINY["themes"]}, who="test")
    assert graph_version(tiny) == GraphVersion(start.number + 2, start.epoch)


def test_token_writes_leave_the_version_alone(tiny: Driver):
    before = graph_version(tiny)
    create_token(tiny, name="reader-x", role="reader", organisations=[], who="test")
    revoke_token(tiny, "reader-x", who="test")
    assert graph_version(tiny) == before


def test_a_wiped_graph_counts_under_a_new_epoch(empty_graph: Driver):
    load_document(empty_graph, TINY)
    first = graph_version(empty_graph)
    wipe(empty_graph)
    assert graph_version(empty_graph).number == 0
    load_document(empty_graph, TINY)
    again = graph_version(empty_graph)
    assert again.number == first.number and again.epoch != first.epoch


def test_the_bump_rolls_back_with_its_transaction(tiny: Driver):
    before = graph_version(tiny)

    def work(tx: ManagedTransaction) -> None:
        record_change(tx, who="test", type="measures", record_id="m1", action="patch")
        raise RuntimeError("refused after the history entry")

    with tiny.session() as session, pytest.raises(RuntimeError):
        session.execute_write(work)
    assert graph_version(tiny) == before


# --- analyses: cache, ETag, 304, writes --------------------------------------------------


def test_an_analysis_is_computed_once_then_served_from_the_cache(api):
    first = api.get(COVERAGE)
    second = api.get(COVERAGE)
    assert first.status_code == second.status_code == 200
    assert first.headers["x-turva-cache"] == "miss"
    assert second.headers["x-turva-cache"] == "hit"
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["etag"].startswith('"') and first.headers["cache-control"] == "no-cache"
    assert first.content == second.content
    assert response_cache(api.app).renders == 1
    # another format of the same analysis is another entry, with its own tag
    csv = api.get(COVERAGE, params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["etag"] != first.headers["etag"]
    assert api.get(COVERAGE, headers={"Accept": "text/csv"}).headers["x-turva-cache"] == "hit"


def test_if_none_match_answers_304_without_rendering(api):
    tag = api.get(FALLS).headers["etag"]
    renders = response_cache(api.app).renders
    for header in (tag, f'W/{tag}, "0-nothing"', "*"):
        response = api.get(FALLS, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b"" and response.headers["etag"] == tag
    assert api.get(FALLS, headers={"If-None-Match": '"1-other"'}).status_code == 200
    assert response_cache(api.app).renders == renders


def test_a_write_changes_the_version_the_etag_and_the_answer(api, tiny, admin):
    before = api.get(FALLS)
    version = graph_version(tiny)
    assert "SPR" not in _actors(before)

    assert api.post("/api/v1/measures", json=_measure(), headers=admin).status_code == 201

    assert graph_version(tiny).number == version.number + 1
    after = api.get(FALLS)
    assert after.headers["x-turva-cache"] == "miss"
    assert after.headers["etag"] != before.headers["etag"]
    assert "SPR" in _actors(after)  # no stale answer
    revalidated = api.get(FALLS, headers={"If-None-Match": before.headers["etag"]})
    assert revalidated.status_code == 200 and "SPR" in _actors(revalidated)


def test_a_failed_write_does_not_bump_the_version(api, tiny, admin):
    tag = api.get(FALLS).headers["etag"]
    version = graph_version(tiny)
    taken = api.post("/api/v1/measures", json=_measure(id="m1"), headers=admin)
    assert taken.status_code == 409, taken.text
    dangling = api.post(
        "/api/v1/measures", json=_measure(addresses=["no-such-phenomenon"]), headers=admin
    )
    assert dangling.status_code == 422, dangling.text
    editor = bearer(token(tiny, "editor", "LONE"))  # may not write THL's measure
    refused = api.patch("/api/v1/measures/m5", json={"status": "done"}, headers=editor)
    assert refused.status_code == 403, refused.text
    assert graph_version(tiny) == version
    again = api.get(FALLS, headers={"If-None-Match": tag})
    assert again.status_code == 304


def test_an_answer_rendered_across_a_commit_is_sent_but_not_kept(api, tiny, monkeypatch):
    real = analyses_routes._analyses

    class WriteMeanwhile:
        def __init__(self, analyses: Any):
            self.analyses = analyses

        def who_addresses(self, *args: Any) -> Any:
            result = self.analyses.who_addresses(*args)
            create_record(tiny, "measures", Measure.model_validate(_measure()), who="test")
            return result

    monkeypatch.setattr(
        analyses_routes, "_analyses", lambda d, s: WriteMeanwhile(real(d, s)), raising=True
    )
    stale = api.get(FALLS)
    assert stale.status_code == 200 and "SPR" not in _actors(stale)
    monkeypatch.setattr(analyses_routes, "_analyses", real)
    fresh = api.get(FALLS)
    assert fresh.headers["x-turva-cache"] == "miss" and "SPR" in _actors(fresh)


def test_the_cache_can_be_turned_off(tiny, neo4j_target, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "false")
    with client(tiny, neo4j_target.settings()) as api:
        first, second = api.get(COVERAGE), api.get(COVERAGE)
        assert [first.headers["x-turva-cache"], second.headers["x-turva-cache"]] == ["off", "off"]
        assert first.headers["etag"] == second.headers["etag"]
        assert response_cache(api.app).renders == 2


# --- maps: single flight and limits ------------------------------------------------------


def test_concurrent_misses_of_one_map_render_once(tiny, neo4j_target, monkeypatch):
    renders = []
    real = maps_routes.export_map

    def slow_export(*args: Any, **kwargs: Any) -> bytes:
        renders.append(threading.get_ident())
        time.sleep(0.5)  # long enough for every client to arrive meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(maps_routes, "export_map", slow_export)
    app = create_app(neo4j_target.settings(), driver=tiny)
    url = "/api/v1/maps/overview.png"
    with serve(app) as base, ThreadPoolExecutor(16) as pool:
        barrier = threading.Barrier(16)

        def get(_: int) -> httpx.Response:
            barrier.wait()
            return httpx.get(base + url, timeout=60)

        responses = list(pool.map(get, range(16)))
    assert [r.status_code for r in responses] == [200] * 16
    assert len(renders) == 1
    assert {r.content for r in responses} == {responses[0].content}
    assert responses[0].content.startswith(b"\x89PNG")
    assert len({r.headers["etag"] for r in responses}) == 1
    how = sorted(r.headers["x-turva-cache"] for r in responses)
    assert how.count("miss") == 1 and set(how) <= {"miss", "shared", "hit"}


def test_a_client_over_its_limit_gets_429_and_others_are_served(tiny, neo4j_target):
    now = [1000.0]
    app = create_app(neo4j_target.settings(), driver=tiny)
    app.state.response_cache = ResponseCache(
        limits={"maps": TokenBucket(Limit("maps", burst=3, per_second=0.5), clock=lambda: now[0])}
    )
    reader = bearer(token(tiny, "reader", name="another-client"))
    with TestClient(app, raise_server_exceptions=False) as c:
        urls = [f"/api/v1/maps/overview.json?lang={lang}" for lang in ("fi", "sv", "en")]
        first = [c.get(u) for u in urls]
        assert [r.status_code for r in first] == [200, 200, 200]
        over = c.get("/api/v1/maps/who-works-on-what.json")
        assert over.status_code == 429, over.text
        assert over.headers["content-type"].startswith(PROBLEM)
        assert over.headers["retry-after"] == "2"  # 1 token at 0.5 a second
        assert over.json()["status"] == 429
        # answers already rendered cost nothing: a hit and a 304 still come
        assert c.get(urls[0]).headers["x-turva-cache"] == "hit"
        tag = first[1].headers["etag"]
        assert c.get(urls[1], headers={"If-None-Match": tag}).status_code == 304
        # another client has its own bucket
        assert c.get("/api/v1/maps/who-works-on-what.json", headers=reader).status_code == 200
        # and the first one may render again once its bucket refilled
        now[0] += 2.0
        assert c.get("/api/v1/maps/who-works-on-what.json?lang=en").status_code == 200
        assert c.get("/api/v1/maps/who-works-on-what.json?lang=sv").status_code == 429
        # healthz and pages are not limited
        assert c.get("/healthz").status_code == 200
        assert c.get("/maps").status_code == 200
