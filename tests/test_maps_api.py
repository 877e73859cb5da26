"""Maps over HTTP: /api/v1/maps/{view}.{format} and the web UI's map pages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.maps_support import REMOTE_ASSET, map_data
from turva.api.main import create_app
from turva.visualize import MapRequest, read_map


@pytest.fixture(scope="module")
def client(loaded_2021: Driver, neo4j_target) -> Iterator[TestClient]:
    app = create_app(neo4j_target.settings(), driver=loaded_2021)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    ("url", "media_type", "magic"),
    [
        ("/api/v1/maps/who-works-on-what.html?period=2021", "text/html", b"<!doctype html>"),
        ("/api/v1/maps/group.graphml?id=PG2021-1", "application/graphml+xml", b"<?xml"),
        ("/api/v1/maps/collaboration.gexf", "application/gexf+xml", b"<?xml"),
        ("/api/v1/maps/phenomenon.json?id=cybercrime&radius=1", "application/json", b"{"),
        ("/api/v1/maps/overview.png", "image/png", b"\x89PNG"),
    ],
)
def test_each_format(client, url, media_type, magic):
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert response.content.startswith(magic)


def test_api_map_equals_the_view(client, loaded_2021):
    expected = read_map(loaded_2021, MapRequest("organisation", id="SM", radius=1))
    html = client.get("/api/v1/maps/organisation.html?id=SM&radius=1").text
    data = map_data(html)
    assert {n["id"] for n in data["nodes"]} == set(expected.nodes)
    assert len(data["edges"]) == expected.number_of_edges()
    # served by the web UI: links stay on the same origin
    assert {n["url"] for n in data["nodes"] if n["id"] == "organisation:SM"} == {
        "/organisations/SM"
    }
    assert REMOTE_ASSET.search(html) is None
    body = client.get("/api/v1/maps/organisation.json?id=SM&radius=1").json()
    assert nx.node_link_graph(body, edges="edges").number_of_nodes() == len(expected)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/v1/maps/nope.html", 422, "view"),
        ("/api/v1/maps/overview.pdf", 422, "fmt"),
        ("/api/v1/maps/group.html", 422, "needs an id"),
        ("/api/v1/maps/group.png?id=PG-none", 404, "no priority group 'PG-none'"),
        ("/api/v1/maps/overview.json?theme=everyday-security", 422, "no theme filter"),
        ("/api/v1/maps/who-works-on-what.json?period=1999", 422, "periods in the graph: 2021"),
        ("/api/v1/maps/phenomenon.html?id=cybercrime&radius=9", 422, "radius"),
    ],
)
def test_errors_are_problems(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in json.dumps(response.json())


def test_map_page_shows_map_legend_and_filter_form(client, loaded_2021):
    response = client.get("/maps/who-works-on-what?period=2021&branch=SM&theme=&group=")
    assert response.status_code == 200
    page = response.text
    expected = read_map(loaded_2021, MapRequest("who-works-on-what", period=2021, branch="SM"))
    assert {n["id"] for n in map_data(page)["nodes"]} == set(expected.nodes)
    assert '<form class="map-filters" method="get" action="/maps/who-works-on-what">' in page
    for name in ("period", "theme", "branch", "group"):
        assert f'<select name="{name}">' in page
    assert '<option value="SM" selected>' in page
    assert "Selite" in page and "turva-map-legend" in page
    assert '<script src="/maps/assets/vis-network.min.js"></script>' in page
    assert "/api/v1/maps/who-works-on-what.png?period=2021&amp;branch=SM" in page
    assert REMOTE_ASSET.search(page) is None


def test_map_page_in_english_for_a_group(client):
    page = client.get("/maps/group?id=PG2021-8&lang=en").text
    assert "Priority group: Cybercrime as a threat to everyday security" in page
    assert '<option value="PG2021-8" selected>' in page
    assert "Legend" in page


def test_map_page_errors_keep_the_form(client):
    missing = client.get("/maps/phenomenon?id=no-such-thing")
    assert missing.status_code == 404
    assert "no phenomenon &#39;no-such-thing&#39;" in missing.text
    assert '<input type="text" name="id"' in missing.text
    bad = client.get("/maps/overview?period=soon")
    assert bad.status_code == 422 and "period must be a whole number" in bad.text
    assert client.get("/maps/nowhere").status_code == 404


def test_maps_index_lists_views_and_groups(client):
    page = client.get("/maps").text
    assert 'href="/maps/who-works-on-what"' in page
    assert 'href="/maps/group?id=PG2021-8"' in page


def test_assets_are_served_locally(client):
    js = client.get("/maps/assets/vis-network.min.js")
    assert js.status_code == 200 and "vis-network" in js.text[:200]
    assert client.get("/maps/assets/map.css").status_code == 200
    assert client.get("/maps/assets/../main.py").status_code == 404


def test_reads_can_require_a_token(loaded_2021, neo4j_target):
    app = create_app(neo4j_target.settings(reads_require_token=True), driver=loaded_2021)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/api/v1/maps/overview.json").status_code == 401
        page = c.get("/maps/overview", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
