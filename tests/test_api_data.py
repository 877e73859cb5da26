"""Search, import/export and the analyses through HTTP on the 2021 dataset."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from neo4j import Driver

from tests.api_client import bearer, client, token
from tests.conftest import measure
from turva.api.search import TYPE_ORDER
from turva.graph.store.export import export_document
from turva.queries import Analyses
from turva.queries.words import SECTION_TITLES


@pytest.fixture
def api(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def _ids(api, q: str, **params) -> list[str]:
    response = api.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["data"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("häirinnän", "harassment"),  # genitive -> Häirintä
        ("rahanpesun", "money-laundering"),  # genitive -> Rahanpesu
        ("kyberrikollisuuden", "cybercrime"),  # beyond the stemmer -> Kyberrikollisuus
        ("maalitaminen", "targeting"),  # typo: one t missing
        ("rahanpseu", "money-laundering"),  # typo: swapped letters
        ("Money laundering", "money-laundering"),  # English
        ("cybercrime", "cybercrime"),
    ],
)
def test_search_finds_inflected_forms_and_typos_first(api, query, expected):
    assert _ids(api, query)[0] == expected


def test_inflected_form_finds_the_phenomenon_among_the_first(api):
    # measures titled with the very word "maalittamisen" may rank above the base word
    assert "targeting" in _ids(api, "maalittamisen")[:3]


def test_search_result_shape_and_type_filter(api):
    body = api.get("/api/v1/search", params={"q": "rahanpesu", "type": "measures"}).json()
    assert body["count"] == len(body["data"]) > 0
    assert {hit["type"] for hit in body["data"]} == {"measures"}
    assert body["data"][0]["page"] == f"/measures/{body['data'][0]['id']}"
    scores = [hit["score"] for hit in body["data"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "a:b~*?", "((", "\\", "x" * 200])
def test_search_survives_lucene_syntax(api, query):
    assert api.get("/api/v1/search", params={"q": query}).status_code == 200


def _hits(api, q: str, **params) -> list[dict]:
    response = api.get("/api/v1/search", params={"q": q, "limit": 50, **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def test_search_ranks_the_exact_name_then_by_type(api):
    hits = _hits(api, "rahanpesu")
    assert (hits[0]["id"], hits[0]["exact"]) == ("money-laundering", True)
    # after the exact match: phenomena, organisations, groups, goals, measures...
    assert TYPE_ORDER[:5] == ("phenomena", "organisations", "priority-groups", "goals", "measures")
    order = [TYPE_ORDER.index(h["type"]) for h in hits if not h["exact"]]
    assert order == sorted(order) and len(set(order)) >= 3
    assert {"FIU", "M44", "M47"} <= {h["id"] for h in hits}


def test_search_puts_the_phenomenon_above_a_cancelled_measure(api):
    hits = _hits(api, "kyber")
    ids = [h["id"] for h in hits]
    assert ids[0] == "cybercrime"
    m73 = next(h for h in hits if h["id"] == "M73")
    assert m73["status"] == "cancelled"
    # active (planned, ongoing) measures above done and cancelled ones
    statuses = [h["status"] for h in hits if h["type"] == "measures"]
    active = [s in ("planned", "ongoing") for s in statuses]
    assert active == sorted(active, reverse=True) and True in active and False in active


def test_search_finds_an_abbreviation_first(api):
    # abbreviations are not in the full-text indexes, yet "poha" is the National Police Board
    hits = _hits(api, "poha")
    assert (hits[0]["type"], hits[0]["id"], hits[0]["exact"]) == ("organisations", "POHA", True)
    assert hits[0]["abbreviation"] == "POHA"


def test_every_search_hit_has_a_page_and_measures_a_status(api):
    hits = _hits(api, "turvallisuus")
    pages = {
        "phenomena": "/phenomena/",
        "organisations": "/organisations/",
        "priority-groups": "/groups/",
        "goals": "/goals/",
        "measures": "/measures/",
        "branches": "/branches/",
        "themes": "/themes/",
        "bodies": "/bodies/",
    }
    assert {"goals", "themes", "measures"} <= {h["type"] for h in hits}
    for h in hits:
        assert h["page"] == pages[h["type"]] + h["id"]
        assert (h["status"] is not None) == (h["type"] == "measures")


def test_search_needs_a_query(api):
    response = api.get("/api/v1/search")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "q"


def test_export_is_the_graph_as_turva1(api, graph_2021):
    body = api.get("/api/v1/export").json()
    assert body == json.loads(json.dumps(export_document(graph_2021), default=str))
    as_yaml = api.get("/api/v1/export", params={"format": "yaml"})
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text)["format"] == "turva/1"


def test_import_dry_run_writes_nothing(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    doc = {
        "format": "turva/1",
        "phenomena": [
            {"id": "deepfakes", "name": {"fi": "Syväväärennökset"}, "parent": "disinformation"}
        ],
    }
    response = api.post("/api/v1/import", params={"dry_run": "true"}, json=doc, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["created"]["phenomena"] == 1 and response.json()["written"] is False
    assert api.get("/api/v1/phenomena/deepfakes").status_code == 404
    response = api.post("/api/v1/import", json=doc, headers=admin)
    assert response.json()["written"] is True
    assert api.get("/api/v1/phenomena/deepfakes").json()["parent"] == "disinformation"


def test_import_yaml(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    text = "format: turva/1\nthemes:\n  - {id: new-theme, name: {fi: uusi teema}}\n"
    response = api.post(
        "/api/v1/import", content=text, headers={**admin, "Content-Type": "application/yaml"}
    )
    assert response.status_code == 200, response.text
    assert api.get("/api/v1/themes/new-theme").status_code == 200


def test_invalid_import_lists_every_error_with_pointers(api, graph_2021):
    admin = bearer(token(graph_2021, "admin"))
    doc = {
        "format": "turva/1",
        "measures": [
            measure("x", "x", "bad", [], ["nope"]),
        ],
        "phenomena": [{"id": "y"}],
    }
    response = api.post("/api/v1/import", json=doc, headers=admin)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert {"/measures/0/status", "/phenomena/0/name"} <= pointers
    broken = api.post(
        "/api/v1/import",
        content=b"format: [",
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert broken.status_code == 400 and "YAML" in broken.json()["detail"]
    wrong_type = api.post(
        "/api/v1/import", content=b"x", headers={**admin, "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415


def test_analysis_json_is_the_cli_json(api, graph_2021):
    analyses = Analyses(graph_2021)
    cases = [
        ("/api/v1/phenomena/harassment/actors", {}, analyses.who_addresses("harassment")),
        (
            "/api/v1/analysis/gaps",
            {"as_of": "2026-01-01"},
            analyses.gaps(as_of=_date("2026-01-01")),
        ),
        (
            "/api/v1/analysis/overlaps",
            {"min_branches": 2, "min_groups": 2},
            analyses.overlaps(min_branches=2, min_groups=2),
        ),
        ("/api/v1/analysis/coverage", {}, analyses.coverage()),
        ("/api/v1/organisations/POHA/profile", {}, analyses.profile("POHA")),
        ("/api/v1/organisations/POHA/path/OM", {}, analyses.path("POHA", "OM")),
    ]
    for path, params, expected in cases:
        response = api.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        assert response.json() == expected.model_dump(mode="json"), path


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_who_addresses_finds_the_organisations_of_the_dataset(api, dataset_2021):
    responsible = {
        r["organisation"]
        for m in dataset_2021["measures"]
        if "money-laundering" in m["addresses"] and m["status"] in ("planned", "ongoing")
        for r in m["responsible"]
    }
    body = api.get("/api/v1/phenomena/money-laundering/actors").json()
    assert responsible <= {a["organisation"] for a in body["actors"]}


def test_gaps_as_csv(api, graph_2021):
    expected = Analyses(graph_2021).gaps(as_of=_date("2026-01-01"))
    response = api.get(
        "/api/v1/analysis/gaps", params={"format": "csv", "as_of": "2026-01-01", "lang": "en"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # one row per finding, its section named in words, ids and names in columns of their own
    assert {r["Section"] for r in rows} == {
        SECTION_TITLES[s] for s, t in expected.tables().items() if t
    }
    overdue = [r for r in rows if r["Section"] == "Overdue measures"]
    assert [r["Measure, id"] for r in overdue] == [m.id for m in expected.overdue_measures]
    assert all(r["Measure"] and r["Measure"] != r["Measure, id"] for r in overdue)
    one = api.get(
        "/api/v1/analysis/gaps",
        params={"section": "unaddressed_phenomena", "as_of": "2026-01-01", "lang": "en"},
        headers={"Accept": "text/csv"},
    )
    table = list(csv.DictReader(io.StringIO(one.text)))
    assert [r["Phenomenon, id"] for r in table] == [p.id for p in expected.unaddressed_phenomena]


def test_analysis_errors(api):
    assert api.get("/api/v1/phenomena/nope/actors").status_code == 404
    assert api.get("/api/v1/organisations/POHA/path/nope").status_code == 404
    bad_period = api.get("/api/v1/analysis/gaps", params={"period": 1999})
    assert bad_period.status_code == 422 and "2021" in bad_period.json()["detail"]
    assert api.get("/api/v1/analysis/changes", params={"from": 2021}).status_code == 422
    unknown = api.get("/api/v1/analysis/gaps", params={"format": "csv", "section": "x"})
    assert unknown.status_code == 422
