"""Every write records who, when, what, before and after; the history survives export/import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from neo4j import Driver

from tests.api_client import bearer, client, token
from tests.conftest import measure, wipe
from turva.graph.store.export import export_document
from turva.graph.store.history import (
    CHANGE_FIELDS,
    parse_changes,
    record_load,
    restore_changes,
)
from turva.graph.store.load import load_document


@pytest.fixture
def api(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


MEASURE = measure(
    "M-hist",
    "Historiatesti",
    "planned",
    [{"organisation": "POHA", "role": "lead"}],
    ["money-laundering"],
)


def test_create_replace_delete_are_recorded_with_before_and_after(api, graph_2021):
    editor = bearer(token(graph_2021, "editor", "POHA", name="poha desk"))
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert api.post("/api/v1/measures", json=MEASURE, headers=editor).status_code == 201
    done = {**MEASURE, "status": "done"}
    assert api.put("/api/v1/measures/M-hist", json=done, headers=editor).status_code == 200
    assert api.delete("/api/v1/measures/M-hist", headers=editor).status_code == 204

    body = api.get("/api/v1/changes", params={"type": "measures", "id": "M-hist"}).json()
    assert body["count"] == 3
    deleted, replaced, created = body["data"]  # newest first
    assert [c["action"] for c in (created, replaced, deleted)] == ["create", "replace", "delete"]
    assert {c["who"] for c in body["data"]} == {"token:poha desk"}
    assert created["before"] is None and created["after"]["status"] == "planned"
    assert replaced["before"]["status"] == "planned" and replaced["after"]["status"] == "done"
    assert deleted["before"]["status"] == "done" and deleted["after"] is None
    for change in body["data"]:
        assert dt.datetime.fromisoformat(change["at"]) >= start


def test_refused_writes_record_nothing(api, graph_2021):
    reader = bearer(token(graph_2021, "reader"))
    admin = bearer(token(graph_2021, "admin"))
    api.post("/api/v1/measures", json=MEASURE, headers=reader)
    api.post("/api/v1/measures", json={**MEASURE, "addresses": ["nope"]}, headers=admin)
    api.delete("/api/v1/phenomena/money-laundering", headers=admin)
    assert api.get("/api/v1/changes", params={"type": "measures"}).json()["count"] == 0
    assert api.get("/api/v1/changes", params={"type": "phenomena"}).json()["count"] == 0


def test_changes_filter_by_since(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert api.get("/api/v1/changes", params={"since": future}).json()["count"] == 0
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    assert (
        api.get("/api/v1/changes", params={"since": past, "type": "measures"}).json()["count"] == 1
    )
    bad = api.get("/api/v1/changes", params={"since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["parameter"] == "since"


def test_changes_log_command_shows_the_history(api, graph_2021, turva):
    admin = bearer(token(graph_2021, "admin", name="the admin"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    result = turva("changes-log", "--type", "measures")
    assert result.code == 0, result.stderr
    assert "M-hist" in result.stdout and "token:the admin" in result.stdout
    as_json = turva("changes-log", "--json", "--id", "M-hist")
    assert '"action": "create"' in as_json.stdout


def test_history_survives_export_and_import_into_a_fresh_graph(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    exported = api.get("/api/v1/export").json()
    assert [c["id"] for c in exported["changes"] if c["type"] == "measures"] == ["M-hist"]

    wipe(graph_2021)
    fresh_admin = bearer(token(graph_2021, "admin"))
    response = api.post("/api/v1/import", json=exported, headers=fresh_admin)
    assert response.status_code == 200, response.text
    body = api.get("/api/v1/changes", params={"type": "measures", "id": "M-hist"}).json()
    assert body["count"] == 1 and body["data"][0]["after"]["title"] == {"fi": "Historiatesti"}
    imports = api.get("/api/v1/changes", params={"type": "document"}).json()
    assert imports["data"][0]["action"] == "load-merge"


def test_import_replace_keeps_history_and_tokens(api, graph_2021, dataset_2021):
    admin = bearer(token(graph_2021, "admin"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    response = api.post(
        "/api/v1/import",
        params={"mode": "replace"},
        content=json.dumps(dataset_2021, default=str),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["deleted"]["measures"] == 1
    assert api.get("/api/v1/measures/M-hist").status_code == 404
    history = api.get("/api/v1/changes", params={"id": "M-hist"}, headers=admin).json()
    assert history["count"] == 1
    assert api.get("/api/v1/whoami", headers=admin).json()["role"] == "admin"


def test_load_export_load_export_is_identical_with_history(graph_2021, dataset_2021):
    load_document(
        graph_2021, dataset_2021, in_transaction=lambda tx: record_load(tx, "cli:test", {"n": 1})
    )
    first = export_document(graph_2021)
    assert first["changes"][0]["who"] == "cli:test"
    wipe(graph_2021)
    load_document(graph_2021, first)
    assert export_document(graph_2021) == first
    # loading the same history again adds nothing
    load_document(graph_2021, first)
    assert export_document(graph_2021) == first


def test_bad_history_in_a_document_is_reported_with_paths(graph_2021, dataset_2021):
    from turva.graph.errors import ValidationFailed

    doc = {**dataset_2021, "changes": [{"change": "x", "who": "a", "type": "t", "action": "a"}]}
    with pytest.raises(ValidationFailed) as info:
        load_document(graph_2021, doc)
    assert [i.pointer for i in info.value.issues] == ["/changes/0/at"]


# --- token changes are for admins --------------------------------------------------------


def test_token_changes_are_shown_to_admins_only(api, graph_2021):
    admin = bearer(token(graph_2021, "admin", name="the admin"))
    made = api.post(
        "/api/v1/tokens",
        json={"name": "secret desk", "role": "editor", "organisations": ["POHA"]},
        headers=admin,
    )
    assert made.status_code == 201
    callers = {
        "anonymous": {},
        "reader": bearer(token(graph_2021, "reader")),
        "editor": bearer(token(graph_2021, "editor", "POHA")),
    }
    for name, headers in callers.items():
        listed = api.get("/api/v1/changes", params={"limit": 1000}, headers=headers)
        assert listed.status_code == 200, name
        assert all(c["type"] != "tokens" for c in listed.json()["data"]), name
        assert "secret desk" not in listed.text, name
        assert (
            api.get("/api/v1/changes", params={"id": made.json()["id"]}, headers=headers).json()[
                "count"
            ]
            == 0
        ), name
        asked = api.get("/api/v1/changes", params={"type": "tokens"}, headers=headers)
        assert asked.status_code == 403, name
        assert asked.headers["content-type"].startswith("application/problem+json")
    as_admin = api.get("/api/v1/changes", params={"type": "tokens"}, headers=admin).json()
    assert "secret desk" in [c["after"]["name"] for c in as_admin["data"]]
    everything = api.get("/api/v1/changes", params={"limit": 1000}, headers=admin).json()
    assert "tokens" in {c["type"] for c in everything["data"]}


def test_exports_leave_token_changes_out_unless_asked(api, graph_2021):
    admin = bearer(token(graph_2021, "admin", name="exporting admin"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    exported = export_document(graph_2021)
    assert {c["type"] for c in exported["changes"]} == {"measures"}
    with_tokens = export_document(graph_2021, include_token_changes=True)
    assert {c["type"] for c in with_tokens["changes"]} == {"measures", "tokens"}
    over_http = api.get("/api/v1/export").json()
    assert {c["type"] for c in over_http["changes"]} == {"measures"}
    reader = bearer(token(graph_2021, "reader"))
    refused = api.get("/api/v1/export", params={"tokens": True}, headers=reader)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    asked = api.get("/api/v1/export", params={"tokens": True}, headers=admin).json()
    assert {c["type"] for c in asked["changes"]} == {"measures", "tokens"}


def test_changes_log_command_shows_token_changes(api, graph_2021, turva):
    token(graph_2021, "reader", name="cli-visible reader")
    result = turva("changes-log", "--type", "tokens", "--json")
    assert result.code == 0, result.stderr
    assert "cli-visible reader" in result.stdout


# --- imported history is marked -----------------------------------------------------------

FOREIGN = {
    "change": "20200101T000000000000-abcdef01",
    "at": "2020-01-01T00:00:00+00:00",
    "who": "token:the minister",
    "type": "measures",
    "id": "M01",
    "action": "replace",
    "before": None,
    "after": {"id": "M01"},
}


def test_imported_changes_are_marked_by_whom_and_when(api, graph_2021, dataset_2021, turva):
    admin = bearer(token(graph_2021, "admin", name="importer"))
    assert api.post("/api/v1/measures", json=MEASURE, headers=admin).status_code == 201
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    document = {**json.loads(json.dumps(dataset_2021, default=str)), "changes": [FOREIGN]}
    response = api.post("/api/v1/import", json=document, headers=admin)
    assert response.status_code == 200, response.text

    body = api.get("/api/v1/changes", params={"type": "measures", "limit": 1000}).json()
    by_key = {c["change"]: c for c in body["data"]}
    imported = by_key[FOREIGN["change"]]
    assert imported["who"] == "token:the minister" and imported["at"] == FOREIGN["at"]
    assert dt.datetime.fromisoformat(imported["imported_at"]) >= start
    assert imported["imported_by"] == "token:importer"
    local = next(c for c in body["data"] if c["id"] == "M-hist")
    assert local["imported_at"] is None and local["imported_by"] is None

    # the mark is this graph's: exports leave it out, and the round trip stays exact
    exported = api.get("/api/v1/export").json()
    assert all(set(c) == set(CHANGE_FIELDS) for c in exported["changes"])

    log = turva("changes-log", "--type", "measures")
    assert log.code == 0, log.stderr
    line = next(row for row in log.stdout.splitlines() if "the minister" in row)
    assert "by token:importer" in line and imported["imported_at"][:10] in line


def test_restore_changes_records_the_importer(api, graph_2021, turva):
    at = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    with graph_2021.session() as session:
        session.execute_write(
            lambda tx: restore_changes(
                tx, parse_changes([FOREIGN]), imported_by="cli:importer", imported_at=at
            )
        )
    change = api.get("/api/v1/changes", params={"id": "M01"}).json()["data"][0]
    assert change["imported_by"] == "cli:importer"
    assert change["imported_at"] == at.isoformat()
    log = turva("changes-log", "--id", "M01")
    assert "by cli:importer 2024-05-01 12:00" in log.stdout
    # a document cannot bring its own mark
    from turva.graph.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        parse_changes([{**FOREIGN, "imported_by": "nobody"}])


def test_a_document_with_one_change_key_twice_is_refused_whole(api, graph_2021, dataset_2021):
    admin = bearer(token(graph_2021, "admin"))
    other = {**FOREIGN, "who": "token:someone else", "after": {"id": "M01", "status": "done"}}
    document = {**json.loads(json.dumps(dataset_2021, default=str)), "changes": [FOREIGN, other]}
    response = api.post("/api/v1/import", json=document, headers=admin)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert [e["pointer"] for e in problem["errors"]] == ["/changes/1/change"]
    assert "changes[0]" in problem["errors"][0]["detail"]
    keys = {c["change"] for c in api.get("/api/v1/changes", params={"limit": 1000}).json()["data"]}
    assert FOREIGN["change"] not in keys
