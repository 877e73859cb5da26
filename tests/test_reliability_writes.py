"""Writes that must not be lost: concurrent creates, versions and If-Match, serialised
writes whose history is a chain, idempotent retries, and merge patches.

The concurrency tests run many requests at once from threads against the real app
served by uvicorn on the real Neo4j, each wave started together by a barrier.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from neo4j import Driver

from tests.api_client import bearer, client, serve, token
from turva.api.main import create_app

PROBLEM = "application/problem+json"


def _measure(rid: str = "M-race", org: str = "POHA", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": rid,
        "title": {"fi": "Kilpailutesti"},
        "status": "planned",
        "responsible": [{"organisation": org, "role": "lead"}],
        "addresses": ["money-laundering"],
    }
    body.update(over)
    return body


@pytest.fixture
def base_url(graph_2021: Driver, neo4j_target) -> Iterator[str]:
    """The app served by uvicorn on the 2021 graph."""
    with serve(create_app(neo4j_target.settings(), driver=graph_2021)) as url:
        yield url


@pytest.fixture
def api(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def _at_once(n: int, request: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run ``request(i)`` for i in 0..n-1 in n threads that start together."""
    barrier = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return request(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record without empty lists (the API shows empty optional lists, history not)."""
    return {k: v for k, v in record.items() if v != []}


def _history(api, rid: str) -> list[dict[str, Any]]:
    """The record's changes, oldest first."""
    body = api.get("/api/v1/changes", params={"type": "measures", "id": rid, "limit": 1000})
    return list(reversed(body.json()["data"]))


# --- 1. a create is a create ---------------------------------------------------------


def test_concurrent_creates_of_one_id_let_exactly_one_through(base_url, graph_2021, api):
    admin = bearer(token(graph_2021, "admin"))
    with httpx.Client(base_url=base_url, timeout=60) as http:
        responses = _at_once(
            16,
            lambda i: http.post(
                "/api/v1/measures",
                json=_measure(title={"fi": f"Versio {i}"}),
                headers=admin,
            ),
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 15, statuses
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert api.get("/api/v1/measures/M-race").json() == winner
    history = _history(api, "M-race")
    assert [c["action"] for c in history] == ["create"]
    assert history[0]["after"] == _plain(winner)
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.headers["content-type"].startswith(PROBLEM)


def test_editors_of_two_organisations_never_replace_each_others_new_record(
    base_url, graph_2021, api
):
    editors = {
        "POHA": bearer(token(graph_2021, "editor", "POHA")),
        "KRP": bearer(token(graph_2021, "editor", "KRP")),
    }
    orgs = sorted(editors)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for round_ in range(4):
            rid = f"M-both-{round_}"
            responses = _at_once(
                2,
                lambda i, rid=rid: http.post(
                    "/api/v1/measures",
                    json=_measure(rid, orgs[i]),
                    headers=editors[orgs[i]],
                ),
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [201, 409], (round_, statuses)
            won = orgs[[r.status_code for r in responses].index(201)]
            stored = api.get(f"/api/v1/measures/{rid}").json()
            assert stored["responsible"] == [{"organisation": won, "role": "lead"}]
            assert [c["action"] for c in _history(api, rid)] == ["create"]


# --- 2. versions, ETag and If-Match --------------------------------------------------


def test_get_answers_a_strong_etag_that_every_write_changes(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    first = api.get("/api/v1/measures/M01")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert api.get("/api/v1/measures/M01").headers["etag"] == etag  # stable while unchanged
    assert "_version" not in first.json()

    # even a write that changes nothing is a new version
    same = api.put("/api/v1/measures/M01", json=first.json(), headers=admin)
    assert same.status_code == 200
    assert same.headers["etag"] != etag
    assert api.get("/api/v1/measures/M01").headers["etag"] == same.headers["etag"]
    created = api.post("/api/v1/measures", json=_measure(), headers=admin)
    assert created.headers["etag"] == api.get("/api/v1/measures/M-race").headers["etag"]
    # the version is not part of the record nor of the export
    export = api.get("/api/v1/export", params={"history": False}).json()
    assert all("_version" not in m for m in export["measures"])


def test_two_puts_from_the_same_get_one_wins_one_is_412(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    read = api.get("/api/v1/measures/M01")
    etag, record = read.headers["etag"], read.json()
    mine = {**record, "status": "done"}
    theirs = {**record, "status": "cancelled"}
    won = api.put("/api/v1/measures/M01", json=mine, headers={**admin, "If-Match": etag})
    assert won.status_code == 200, won.text
    lost = api.put("/api/v1/measures/M01", json=theirs, headers={**admin, "If-Match": etag})
    assert lost.status_code == 412, lost.text
    assert lost.headers["content-type"].startswith(PROBLEM)
    problem = lost.json()
    current = api.get("/api/v1/measures/M01")
    assert problem["etag"] == lost.headers["etag"] == current.headers["etag"]
    assert problem["etag"] == won.headers["etag"]
    assert problem["status"] == 412 and isinstance(problem["version"], int)
    assert "If-Match" in problem["detail"]
    assert current.json()["status"] == "done"
    assert [c["after"]["status"] for c in _history(api, "M01")] == ["done"]


def test_two_concurrent_puts_from_the_same_get(base_url, graph_2021, api):
    admin = bearer(token(graph_2021, "admin"))
    read = api.get("/api/v1/measures/M02")
    etag, record = read.headers["etag"], read.json()
    statuses = ("done", "cancelled")
    with httpx.Client(base_url=base_url, timeout=60) as http:
        responses = _at_once(
            2,
            lambda i: http.put(
                "/api/v1/measures/M02",
                json={**record, "status": statuses[i]},
                headers={**admin, "If-Match": etag},
            ),
        )
    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = statuses[[r.status_code for r in responses].index(200)]
    assert api.get("/api/v1/measures/M02").json()["status"] == winner
    assert len(_history(api, "M02")) == 1


def test_if_match_on_delete_and_patch(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    assert api.post("/api/v1/measures", json=_measure(), headers=admin).status_code == 201
    old = api.get("/api/v1/measures/M-race").headers["etag"]
    patched = api.patch(
        "/api/v1/measures/M-race",
        json={"status": "ongoing"},
        headers={**admin, "If-Match": old},
    )
    assert patched.status_code == 200, patched.text
    new = patched.headers["etag"]
    stale_patch = api.patch(
        "/api/v1/measures/M-race", json={"status": "done"}, headers={**admin, "If-Match": old}
    )
    assert stale_patch.status_code == 412
    stale = api.delete("/api/v1/measures/M-race", headers={**admin, "If-Match": old})
    assert stale.status_code == 412 and stale.json()["etag"] == new
    weak = api.delete("/api/v1/measures/M-race", headers={**admin, "If-Match": f"W/{new}"})
    assert weak.status_code == 412  # If-Match compares strongly
    assert api.get("/api/v1/measures/M-race").json()["status"] == "ongoing"
    listed = f'"0-0000000000000000", {new}'
    gone = api.delete("/api/v1/measures/M-race", headers={**admin, "If-Match": listed})
    assert gone.status_code == 204
    assert api.get("/api/v1/measures/M-race").status_code == 404
    # a record that is not there is 404, whatever If-Match says
    assert api.delete(
        "/api/v1/measures/M-race", headers={**admin, "If-Match": "*"}
    ).status_code == (404)
    assert [c["action"] for c in _history(api, "M-race")] == ["create", "patch", "delete"]


def test_if_match_star_matches_any_current_version(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    record = api.get("/api/v1/measures/M03").json()
    response = api.put(
        "/api/v1/measures/M03",
        json={**record, "status": "done"},
        headers={**admin, "If-Match": "*"},
    )
    assert response.status_code == 200


def test_parallel_writes_without_if_match_form_a_history_chain(base_url, graph_2021, api):
    admin = bearer(token(graph_2021, "admin"))
    original = api.get("/api/v1/measures/M01").json()
    statuses = ("planned", "ongoing", "done", "cancelled")
    n = 32

    def put(i: int, http: httpx.Client) -> httpx.Response:
        body = {
            **original,
            "status": statuses[i % 4],
            "title": {**original["title"], "en": f"Writer {i}"},
        }
        return http.put("/api/v1/measures/M01", json=body, headers=admin)

    with httpx.Client(
        base_url=base_url, timeout=120, limits=httpx.Limits(max_connections=n)
    ) as http:
        responses = _at_once(n, lambda i: put(i, http))
    assert [r.status_code for r in responses] == [200] * n, [r.text for r in responses][:3]

    history = _history(api, "M01")
    assert len(history) == n
    assert history[0]["before"] == _plain(original)
    for previous, change in zip(history, history[1:], strict=False):
        assert change["before"] == previous["after"], "a write was lost between two changes"
    final = api.get("/api/v1/measures/M01").json()
    assert history[-1]["after"] == _plain(final)
    assert sorted(c["after"]["title"]["en"] for c in history) == sorted(
        f"Writer {i}" for i in range(n)
    )


# --- 3. retried POSTs -----------------------------------------------------------------


def test_idempotency_key_returns_the_first_answer(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    keyed = {**admin, "Idempotency-Key": "create-M-race-1"}
    first = api.post("/api/v1/measures", json=_measure(), headers=keyed)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    # someone changes the record; a retry still gets the first answer, and writes nothing
    assert (
        api.patch("/api/v1/measures/M-race", json={"status": "done"}, headers=admin).status_code
        == 200
    )
    again = api.post("/api/v1/measures", json=_measure(), headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert [c["action"] for c in _history(api, "M-race")] == ["create", "patch"]

    other_body = api.post("/api/v1/measures", json=_measure("M-other"), headers=keyed)
    assert other_body.status_code == 422
    assert other_body.headers["content-type"].startswith(PROBLEM)
    assert "Idempotency-Key" in other_body.json()["detail"]
    assert api.get("/api/v1/measures/M-other").status_code == 404

    # a key belongs to its token: another token's same key is a new request
    other_admin = bearer(token(graph_2021, "admin"))
    theirs = api.post(
        "/api/v1/measures",
        json=_measure(),
        headers={**other_admin, "Idempotency-Key": "create-M-race-1"},
    )
    assert theirs.status_code == 409
    # without a key a repeated create is what it is: a conflict
    assert api.post("/api/v1/measures", json=_measure(), headers=admin).status_code == 409


def test_a_refused_create_keeps_no_key(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    keyed = {**admin, "Idempotency-Key": "retry-after-fix"}
    bad = _measure(addresses=["no-such-phenomenon"])
    assert api.post("/api/v1/measures", json=bad, headers=keyed).status_code == 422
    # the first request changed nothing, so the key is free for the corrected request
    assert api.post("/api/v1/measures", json=_measure(), headers=keyed).status_code == 201


def test_concurrent_retries_with_one_key_create_once(base_url, graph_2021, api):
    admin = bearer(token(graph_2021, "admin"))
    keyed = {**admin, "Idempotency-Key": "8f1c0d4e-retry"}
    with httpx.Client(base_url=base_url, timeout=60) as http:
        responses = _at_once(
            8, lambda i: http.post("/api/v1/measures", json=_measure(), headers=keyed)
        )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 7
    assert [c["action"] for c in _history(api, "M-race")] == ["create"]


def test_bad_idempotency_keys_are_422(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    for key in ("", "x" * 256, "with space"):
        response = api.post(
            "/api/v1/measures", json=_measure(), headers={**admin, "Idempotency-Key": key}
        )
        assert response.status_code == 422, key
        assert response.json()["errors"][0]["parameter"] == "idempotency-key"


# --- PATCH ----------------------------------------------------------------------------


def test_patch_merges_fields_and_validates_the_result(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    body = _measure(title={"fi": "Suomeksi", "en": "In English"}, resources={"eur": 5})
    assert api.post("/api/v1/measures", json=body, headers=admin).status_code == 201
    response = api.patch(
        "/api/v1/measures/M-race",
        json={"title": {"sv": "På svenska", "en": None}, "resources": None, "end": "2026-12-31"},
        headers={**admin, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    got = api.get("/api/v1/measures/M-race").json()
    assert got["title"] == {"fi": "Suomeksi", "sv": "På svenska"}
    assert "resources" not in got and got["end"] == "2026-12-31"
    assert response.json() == got

    invalid = api.patch(
        "/api/v1/measures/M-race",
        json={"status": "maybe", "title": None, "start": "2027-01-01"},
        headers=admin,
    )
    assert invalid.status_code == 422
    assert {"/status", "/title"} <= {e["pointer"] for e in invalid.json()["errors"]}
    dangling = api.patch("/api/v1/measures/M-race", json={"addresses": ["nope"]}, headers=admin)
    assert [e["pointer"] for e in dangling.json()["errors"]] == ["/addresses/0"]
    renamed = api.patch("/api/v1/measures/M-race", json={"id": "M-else"}, headers=admin)
    assert renamed.status_code == 422
    assert api.patch("/api/v1/measures/M-none", json={}, headers=admin).status_code == 404
    assert api.get("/api/v1/measures/M-race").json() == got
    assert [c["action"] for c in _history(api, "M-race")] == ["create", "patch"]


def _deadlock_while_reading() -> Exception:
    """What the driver raises when the server detects a deadlock while a result is read:
    a ResultFailedError caused by the TransientError, which the driver does not retry."""
    from neo4j.exceptions import Neo4jError, ResultFailedError

    deadlock = Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.Transaction.DeadlockDetected", message="deadlock"
    )
    try:
        raise ResultFailedError(None, "result failed") from deadlock
    except ResultFailedError as e:
        return e


def test_a_write_hit_by_a_deadlock_while_reading_is_retried(api, graph_2021, monkeypatch):
    import turva.graph.store.records as records

    real_lock = records.lock_record
    attempts: list[str] = []

    def deadlocks_once(tx, nt, record_id):
        attempts.append(record_id)
        if len(attempts) == 1:
            raise _deadlock_while_reading()
        return real_lock(tx, nt, record_id)

    monkeypatch.setattr(records, "lock_record", deadlocks_once)
    admin = bearer(token(graph_2021, "admin"))
    record = api.get("/api/v1/measures/M03").json()
    response = api.put("/api/v1/measures/M03", json={**record, "status": "done"}, headers=admin)
    assert response.status_code == 200, response.text
    assert attempts == ["M03", "M03"]
    history = _history(api, "M03")
    assert [c["after"]["status"] for c in history] == ["done"]


def test_a_deadlock_that_persists_is_503_with_retry_after(api, graph_2021, monkeypatch):
    import turva.graph.store.records as records
    import turva.graph.store.transactions as transactions

    def always_deadlocks(tx, nt, record_id):
        raise _deadlock_while_reading()

    monkeypatch.setattr(records, "lock_record", always_deadlocks)
    monkeypatch.setattr(transactions, "RETRY_SECONDS", 0.3)
    admin = bearer(token(graph_2021, "admin"))
    record = api.get("/api/v1/measures/M03").json()
    response = api.put("/api/v1/measures/M03", json={**record, "status": "done"}, headers=admin)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["Retry-After"]
    assert api.get("/api/v1/measures/M03").json()["status"] == record["status"]


def test_a_load_makes_an_earlier_if_match_stale(api, graph_2021, dataset_2021):
    """Even a load that leaves a record's content as it was is a new version of it."""
    admin = bearer(token(graph_2021, "admin"))
    before = api.get("/api/v1/measures/M02")
    document = json.loads(json.dumps(dataset_2021, default=str))
    for _ in range(2):
        assert api.post("/api/v1/import", json=document, headers=admin).status_code == 200
    after = api.get("/api/v1/measures/M02")
    assert after.json() == before.json()
    version = [int(r.headers["ETag"].strip('"').split("-")[0]) for r in (before, after)]
    assert version[1] == version[0] + 2
    stale = api.put(
        "/api/v1/measures/M02",
        json={**before.json(), "status": "done"},
        headers={**admin, "If-Match": before.headers["ETag"]},
    )
    assert stale.status_code == 412, stale.text
    assert api.get("/api/v1/measures/M02").json() == before.json()


def test_writers_of_one_record_take_turns_in_the_process_others_do_not_wait():
    import time as clock

    from turva.graph.store.transactions import one_at_a_time

    inside: dict[str, int] = {}
    most: dict[str, int] = {}
    guard = threading.Lock()

    def write(key: str) -> None:
        with one_at_a_time(("Measure", key)):
            with guard:
                inside[key] = inside.get(key, 0) + 1
                most[key] = max(most.get(key, 0), inside[key])
                most["all"] = max(most.get("all", 0), sum(inside.values()))
            clock.sleep(0.05)
            with guard:
                inside[key] -= 1

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, ["M01"] * 8 + [f"M{i}" for i in range(10, 18)]))
    assert most["M01"] == 1  # one at a time
    # writers of other records were inside at the same time as M01's
    assert most["all"] >= 2
