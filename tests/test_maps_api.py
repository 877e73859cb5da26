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
    missing = client.get("/maps/phenomenon?id=no-such-thing&lang=fi")
    assert missing.status_code == 404
    assert "Hakusanalla ”no-such-thing” ei löytynyt mitään." in missing.text
    assert '<input type="search" name="id" value="no-such-thing"' in missing.text
    bad = client.get("/maps/overview?period=soon&lang=fi")
    assert bad.status_code == 422
    assert "Kauden on oltava vuosiluku, esimerkiksi 2021, eikä &#39;soon&#39;." in bad.text
    assert client.get("/maps/nowhere?lang=fi").status_code == 404


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        # the API: problem+json naming what is wrong
        ("/api/v1/maps/nope.html", 422, "view"),
        ("/api/v1/maps/overview.pdf", 422, "fmt"),
        ("/api/v1/maps/group.html", 422, "needs an id"),
        ("/api/v1/maps/group.png?id=PG-none", 404, "no priority group 'PG-none'"),
        ("/api/v1/maps/overview.json?theme=everyday-security", 422, "no theme filter"),
        ("/api/v1/maps/who-works-on-what.json?period=1999", 422, "periods in the graph: 2021"),
        ("/api/v1/maps/phenomenon.html?id=cybercrime&radius=9", 422, "radius"),
        # the pages: an error page in the page's language
        ("/maps/nowhere?lang=sv", 404, "Kartvyn &#39;nowhere&#39; finns inte."),
        ("/maps/nowhere?lang=fi", 404, "Karttanäkymää &#39;nowhere&#39; ei ole."),
        ("/maps/overview?period=1999&lang=sv", 422, "ingen prioritetsgrupp har perioden 1999"),
        ("/maps/overview?period=1999&lang=fi", 422, "millään painopisteryhmällä ei ole kautta"),
        ("/maps/phenomenon?id=cybercrime&radius=x&lang=sv", 422, "Radien ska vara 1, 2 eller 3"),
        ("/maps/phenomenon?id=cybercrime&radius=9&lang=fi", 422, "säteen on oltava 1, 2 tai 3"),
        ("/maps/who-works-on-what?theme=nope&lang=fi", 422, "teemaa &#39;nope&#39; ei ole"),
        (f"/maps/phenomenon?id={'x' * 201}&lang=fi", 422, "teksti on liian pitkä"),
    ],
)
def test_errors_are_problems_or_pages_in_the_language(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.headers["content-type"].startswith("application/problem+json")
        assert words in json.dumps(response.json())
    else:
        assert words in response.text
    assert "Traceback" not in response.text


def test_api_map_errors_speak_the_asked_language(client):
    body = client.get("/api/v1/maps/group.png?id=PG-none&lang=fi").json()
    assert "painopisteryhmää 'PG-none' ei ole tiedoissa" in body["detail"]


@pytest.mark.parametrize(
    ("asked", "centre"),
    [
        ("rahanpesu", "phenomenon:money-laundering"),
        ("rahanpesun", "phenomenon:money-laundering"),  # inflected Finnish
        ("Money laundering", "phenomenon:money-laundering"),
        ("money-laundering", "phenomenon:money-laundering"),
    ],
)
def test_map_selector_takes_names_in_any_language(client, asked, centre):
    response = client.get("/maps/phenomenon", params={"id": asked, "radius": 1, "lang": "fi"})
    assert response.status_code == 200, response.text
    nodes = map_data(response.text)["nodes"]
    assert centre in {n["id"] for n in nodes}
    # the box keeps what the person typed; the downloads name the record by its id
    assert f'value="{asked}"' in response.text
    assert "/api/v1/maps/phenomenon.json?id=money-laundering" in response.text


def test_map_selector_organisation_by_swedish_name_and_its_label(client):
    page = client.get("/maps/organisation?id=Polisstyrelsen&radius=1&lang=sv").text
    nodes = {n["id"]: n for n in map_data(page)["nodes"]}
    assert nodes["organisation:POHA"]["label"] == "POHA"
    assert nodes["organisation:POHA"]["title"].startswith("POHA – Polisstyrelsen")
    assert "Organisation: namn, förkortning eller id" in page
    assert "Tunniste (id)" not in page and ">Id<" not in page


def test_map_selector_suggests_when_nothing_matches(client):
    page = client.get("/maps/phenomenon?id=kyberrikolisuus&lang=fi")
    assert page.status_code == 404
    assert "Tarkoititko:" in page.text
    assert 'href="/maps/phenomenon?id=cybercrime"' in page.text
    assert "Ilmiö: nimi, lyhenne tai tunniste" in page.text


def test_map_page_names_in_the_pages_language(client):
    fi = map_data(client.get("/maps/organisation?id=POHA&radius=1&lang=fi").text)
    sv = map_data(client.get("/maps/organisation?id=POHA&radius=1&lang=sv").text)
    fi_titles = {n["id"]: n["title"] for n in fi["nodes"]}
    sv_titles = {n["id"]: n["title"] for n in sv["nodes"]}
    assert "Poliisihallitus" in fi_titles["organisation:POHA"]
    assert "Polisstyrelsen" in sv_titles["organisation:POHA"]
    assert "organisaatio, virasto" in fi_titles["organisation:POHA"]
    assert "organisation, ämbetsverk" in sv_titles["organisation:POHA"]
    # no relationship codes in the link tooltips
    assert not any("member_of" in e["title"].lower() for e in fi["edges"])


def test_map_page_opens_with_the_illustrative_banner_and_a_text_alternative(client, loaded_2021):
    page = client.get("/maps/group?id=PG2021-8&lang=fi").text
    expected = read_map(loaded_2021, MapRequest("group", id="PG2021-8"))
    banner = page.index('class="illustrative-banner"')
    assert banner < page.index('class="turva-map"')
    assert "toimenpiteistä" in page or "toimenpide" in page
    nodes = page.split('<table class="turva-map-nodes">')[1].split("</table>")[0]
    assert nodes.count("<tr") == 1 + len(expected)
    edges = page.split('<table class="turva-map-edges">')[1].split("</table>")[0]
    assert edges.count("<tr") == 1 + expected.number_of_edges()
    assert "on jäsenenä" in edges and "havainnollistava" in edges
    data = map_data(page)
    illustrative = [
        (a, b) for a, b, e in expected.edges(data=True) if e.get("provenance") == "illustrative"
    ]
    assert illustrative, "the 2021 data has illustrative memberships in group 8"
    dashed = {(e["from"], e["to"]) for e in data["edges"] if e["dashes"]}
    assert dashed == set(illustrative)
    assert 'tabindex="0"' in page and 'aria-describedby="turva-map-text"' in page
    # the legend names branches, not their codes
    legend = page.split('class="turva-map-legend"')[1].split("</aside>")[0]
    assert "hallinnonala SM" not in legend
    assert "organisaatio: sisäministeriön hallinnonala" in legend.lower()


def test_who_works_on_what_links_take_the_provenance_of_their_measures(client):
    page = client.get("/maps/who-works-on-what?period=2021&lang=sv").text
    # every 2021 measure is illustrative (data/README.md): every link is drawn dashed
    data = map_data(page)
    assert data["edges"] and all(e["dashes"] for e in data["edges"])
    assert "streckad linje: illustrativ koppling" in page
    assert 'class="illustrative-banner"' in page


def test_exports_carry_provenance(client):
    body = client.get("/api/v1/maps/group.json?id=PG2021-8").json()
    assert all(n["provenance"] in ("sourced", "unsourced", "illustrative") for n in body["nodes"])
    members = [e for e in body["edges"] if e["rel"] == "MEMBER_OF"]
    assert members and all("provenance" in e for e in members)
    # "source" is an edge's end in node-link JSON: the membership's own source is beside it
    assert any(e.get("provenance_source") == "illustrative" for e in members)
    assert all(e["source"].startswith("organisation:") for e in members)
    graphml = client.get("/api/v1/maps/group.graphml?id=PG2021-8").text
    gexf = client.get("/api/v1/maps/group.gexf?id=PG2021-8").text
    for text in (graphml, gexf):
        assert "provenance" in text and "illustrative" in text


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


def test_a_branch_keeps_its_colour_on_every_map(loaded_2021):
    """Who works on what, a group's, a phenomenon's and an organisation's map: each
    organisation of a branch is drawn in that branch's one colour on all of them."""
    from turva.visualize import styled_map
    from turva.visualize.style import branch_colour

    requests = [
        MapRequest("who-works-on-what", period=2021),
        MapRequest("group", id="PG2021-8"),
        MapRequest("phenomenon", id="money-laundering"),
        MapRequest("organisation", id="KRP"),
    ]
    seen: dict[str, set[str]] = {}
    for request in requests:
        graph = read_map(loaded_2021, request)
        styled = styled_map(graph)
        for node in styled.nodes:
            branch = graph.nodes[node.key].get("branch")
            if graph.nodes[node.key]["type"] == "organisation" and branch:
                seen.setdefault(branch, set()).add(node.fill)
    assert "SM" in seen and len(seen) >= 4  # the maps do show several branches
    assert {b: sorted(c) for b, c in seen.items()} == {b: [branch_colour(b)] for b in seen}
    assert len({branch_colour(b) for b in seen}) == len(seen)  # and no two share one
