"""CRUD of records through HTTP against the real Neo4j, and every error status."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import bearer, client, token

PROBLEM = "application/problem+json"


@pytest.fixture
def admin_api(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        c.headers.update(bearer(token(graph_2021, "admin", name="admin")))
        yield c


def _measure(**over: Any) -> dict[str, Any]:
    body = {
        "id": "M-new",
        "title": {"fi": "Uusi toimenpide", "en": "A new measure"},
        "status": "planned",
        "responsible": [{"organisation": "POHA", "role": "lead"}],
        "addresses": ["money-laundering"],
        "start": "2025-01-01",
        "resources": {"eur": 1000},
    }
    body.update(over)
    return body


def _is_problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in response.text and "MATCH" not in response.text
    return body


def test_list_is_paged_sorted_and_counted(admin_api, dataset_2021):
    expected = sorted(m["id"] for m in dataset_2021["measures"])
    first = admin_api.get("/api/v1/measures", params={"limit": 5}).json()
    second = admin_api.get("/api/v1/measures", params={"limit": 5, "offset": 5}).json()
    assert first["count"] == second["count"] == len(expected)
    assert [m["id"] for m in first["data"] + second["data"]] == expected[:10]


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({"phenomenon": "disinformation"}, lambda m: "disinformation" in m["addresses"]),
        (
            {"organisation": "POHA"},
            lambda m: any(r["organisation"] == "POHA" for r in m["responsible"]),
        ),
        ({"status": "planned"}, lambda m: m["status"] == "planned"),
        (
            {"status": "ongoing", "organisation": "SM"},
            lambda m: (
                m["status"] == "ongoing"
                and any(r["organisation"] == "SM" for r in m["responsible"])
            ),
        ),
    ],
)
def test_measures_filter(admin_api, dataset_2021, params, predicate):
    expected = sorted(m["id"] for m in dataset_2021["measures"] if predicate(m))
    assert expected, "the filter should select something in the 2021 data"
    body = admin_api.get("/api/v1/measures", params={**params, "limit": 1000}).json()
    assert [m["id"] for m in body["data"]] == expected
    assert body["count"] == len(expected)


def test_priority_groups_filter_by_period_and_member(admin_api, dataset_2021):
    groups = dataset_2021["priority_groups"]
    expected = sorted(
        g["id"] for g in groups if any(m["organisation"] == "OKM" for m in g["members"])
    )
    body = admin_api.get("/api/v1/priority-groups", params={"organisation": "OKM"}).json()
    assert [g["id"] for g in body["data"]] == expected
    assert admin_api.get("/api/v1/priority-groups", params={"period": 1999}).json() == {
        "data": [],
        "count": 0,
    }


def test_get_returns_the_turva1_record(admin_api, dataset_2021):
    source = next(p for p in dataset_2021["phenomena"] if p["id"] == "targeting")
    got = admin_api.get("/api/v1/phenomena/targeting").json()
    assert got["name"] == source["name"]
    assert got["parent"] == source["parent"]
    assert sorted(got["themes"]) == sorted(source["themes"])


def test_unknown_id_is_404_problem(admin_api):
    body = _is_problem(admin_api.get("/api/v1/measures/no-such-measure"), 404)
    assert "no-such-measure" in body["detail"]


def test_create_then_read_back(admin_api):
    response = admin_api.post("/api/v1/measures", json=_measure())
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/measures/M-new"
    got = admin_api.get(response.headers["location"]).json()
    assert got["title"] == {"fi": "Uusi toimenpide", "en": "A new measure"}
    assert got["responsible"] == [{"organisation": "POHA", "role": "lead"}]
    assert got["resources"] == {"eur": 1000}
    listed = admin_api.get("/api/v1/measures", params={"phenomenon": "money-laundering"}).json()
    assert "M-new" in [m["id"] for m in listed["data"]]


def test_create_existing_id_is_409(admin_api):
    body = _is_problem(admin_api.post("/api/v1/measures", json=_measure(id="M01")), 409)
    assert "M01" in body["detail"]


def test_unknown_reference_is_422_with_pointer(admin_api):
    body = _is_problem(
        admin_api.post(
            "/api/v1/measures",
            json=_measure(addresses=["money-laundering", "no-such-phenomenon"]),
        ),
        422,
    )
    assert [e["pointer"] for e in body["errors"]] == ["/addresses/1"]
    assert "no-such-phenomenon" in body["errors"][0]["detail"]
    assert admin_api.get("/api/v1/measures/M-new").status_code == 404


def test_invalid_body_is_422_with_pointers(admin_api):
    bad = _measure(status="maybe")
    del bad["title"]
    body = _is_problem(admin_api.post("/api/v1/measures", json=bad), 422)
    pointers = {e["pointer"] for e in body["errors"]}
    assert {"/title", "/status"} <= pointers


def test_not_json_is_422(admin_api):
    response = admin_api.post(
        "/api/v1/measures", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    _is_problem(response, 422)


def test_phenomenon_parent_cycle_is_422(admin_api):
    current = admin_api.get("/api/v1/phenomena/harassment").json()
    body = _is_problem(
        admin_api.put("/api/v1/phenomena/harassment", json={**current, "parent": "targeting"}),
        422,
    )
    assert body["errors"][0]["pointer"] == "/parent"


def test_replace_changes_fields_and_owned_relationships(admin_api):
    current = admin_api.get("/api/v1/measures/M01").json()
    changed = {**current, "status": "done", "addresses": ["disinformation"]}
    response = admin_api.put("/api/v1/measures/M01", json=changed)
    assert response.status_code == 200, response.text
    got = admin_api.get("/api/v1/measures/M01").json()
    assert got["status"] == "done"
    assert got["addresses"] == ["disinformation"]
    listed = admin_api.get("/api/v1/measures", params={"phenomenon": "social-media-speed"})
    assert "M01" not in [m["id"] for m in listed.json()["data"]]


def test_replace_with_other_id_in_body_is_422(admin_api):
    current = admin_api.get("/api/v1/measures/M01").json()
    body = _is_problem(admin_api.put("/api/v1/measures/M02", json=current), 422)
    assert body["errors"][0]["pointer"] == "/id"


def test_replace_unknown_is_404(admin_api):
    _is_problem(admin_api.put("/api/v1/measures/M-new", json=_measure()), 404)


def test_delete_referenced_record_is_409_with_referencing_ids(admin_api, dataset_2021):
    expected = {
        f"measures/{m['id']}"
        for m in dataset_2021["measures"]
        if "money-laundering" in m["addresses"]
    } | {f"goals/{g['id']}" for g in dataset_2021["goals"] if "money-laundering" in g["targets"]}
    body = _is_problem(admin_api.delete("/api/v1/phenomena/money-laundering"), 409)
    assert expected <= set(body["referenced_by"])
    assert admin_api.get("/api/v1/phenomena/money-laundering").status_code == 200


def test_delete_then_gone(admin_api):
    assert admin_api.post("/api/v1/measures", json=_measure()).status_code == 201
    assert admin_api.delete("/api/v1/measures/M-new").status_code == 204
    _is_problem(admin_api.get("/api/v1/measures/M-new"), 404)
    _is_problem(admin_api.delete("/api/v1/measures/M-new"), 404)


def test_bad_query_parameter_is_422_naming_it(admin_api):
    body = _is_problem(admin_api.get("/api/v1/measures", params={"limit": 0}), 422)
    assert body["errors"][0]["parameter"] == "limit"


def test_body_over_the_limit_is_413(graph_2021, neo4j_target):
    with client(graph_2021, neo4j_target.settings(), max_body_bytes=2000) as c:
        c.headers.update(bearer(token(graph_2021, "admin")))
        big = _measure(title={"fi": "x" * 1900, "en": "y" * 1900})
        body = _is_problem(c.post("/api/v1/measures", json=big), 413)
        assert "2000" in body["detail"]
        assert c.post("/api/v1/measures", json=_measure()).status_code == 201


def test_import_body_over_the_limit_is_413_even_when_chunked(graph_2021, neo4j_target):
    with client(graph_2021, neo4j_target.settings(), max_body_bytes=1000) as c:
        c.headers.update(bearer(token(graph_2021, "admin")))

        def chunks():
            yield b'{"format": "turva/1", "themes": ['
            for i in range(100):
                yield b'{"id": "t%d", "name": {"fi": "teema"}},' % i
            yield b'{"id": "last", "name": {"fi": "x"}}]}'

        _is_problem(c.post("/api/v1/import", content=chunks()), 413)


def test_health_and_readiness(admin_api):
    assert admin_api.get("/healthz").json() == {"status": "ok"}
    assert admin_api.get("/readyz").json() == {"status": "ready"}


def test_unknown_route_is_404_problem(admin_api):
    _is_problem(admin_api.get("/api/v1/nothing-here"), 404)


def test_every_resource_round_trips_one_record(admin_api, dataset_2021):
    """GET of each type returns exactly what the dataset has (lists compared as sets)."""

    def norm(value: Any) -> Any:
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=repr)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return str(value) if not isinstance(value, int | float | str) else value

    for section, resource in [
        ("themes", "themes"),
        ("branches", "branches"),
        ("organisations", "organisations"),
        ("phenomena", "phenomena"),
        ("priority_groups", "priority-groups"),
        ("bodies", "bodies"),
        ("goals", "goals"),
        ("measures", "measures"),
    ]:
        record = copy.deepcopy(dataset_2021[section][0])
        got = admin_api.get(f"/api/v1/{resource}/{record['id']}").json()
        assert norm(got) == norm(record), resource
