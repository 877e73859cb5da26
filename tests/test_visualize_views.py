"""Each view's map, read from a real Neo4j and rendered to HTML, holds exactly the nodes and
edges the view's definition gives for a tiny hand-made graph (worked out by hand in
tests/maps_support.py's document)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver

from tests.conftest import wipe
from tests.maps_support import TINY, edge_pairs, map_data, map_html, node_ids
from turva.graph.errors import BadArgument, NotFound
from turva.graph.store.load import load_document
from turva.visualize import MapRequest, read_map, styled_map

BASE = "http://turva.example:8000"


@pytest.fixture(scope="module")
def tiny(driver: Driver) -> Iterator[Driver]:
    wipe(driver)
    load_document(driver, TINY)
    yield driver


def html_of(driver: Driver, **request: object) -> str:
    graph = read_map(driver, MapRequest(**request))  # type: ignore[arg-type]
    return map_html(graph, base_url=BASE)


def o(x: str) -> str:
    return f"organisation:{x}"


def p(x: str) -> str:
    return f"phenomenon:{x}"


ALL_WORK = {
    (o("POHA"), p("fraud")),
    (o("SPR"), p("fraud")),
    (o("POHA"), p("cyber")),
    (o("OM"), p("harass")),
    (o("THL"), p("harass")),
    (o("THL"), p("falls")),
}


def test_who_works_on_what_links_organisations_to_phenomena_of_their_active_measures(tiny):
    html = html_of(tiny, view="who-works-on-what", all_periods=True)
    # m4 (done, LONE) and m6 (cancelled, SM) are not active: LONE and SM are absent
    assert node_ids(html) == {
        o("POHA"),
        o("SPR"),
        o("OM"),
        o("THL"),
        p("fraud"),
        p("cyber"),
        p("harass"),
        p("falls"),
    }
    assert edge_pairs(html) == ALL_WORK
    weights = {(e["from"], e["to"]): e["weight"] for e in map_data(html)["edges"]}
    assert weights[(o("POHA"), p("fraud"))] == 2  # m1 and m2
    assert weights[(o("SPR"), p("fraud"))] == 1
    assert {w for pair, w in weights.items() if pair != (o("POHA"), p("fraud"))} == {1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # 2021 groups focus on cyber (and fraud under it) and harass; falls is G3's (2023)
        ({"period": 2021}, ALL_WORK - {(o("THL"), p("falls"))}),
        ({"period": 2023}, {(o("THL"), p("falls"))}),
        # T1 is cyber's theme; fraud is in it through its broader phenomenon
        (
            {"theme": "T1", "all_periods": True},
            {(o("POHA"), p("fraud")), (o("SPR"), p("fraud")), (o("POHA"), p("cyber"))},
        ),
        ({"branch": "SM", "all_periods": True}, {(o("POHA"), p("fraud")), (o("POHA"), p("cyber"))}),
        ({"group": "G2"}, {(o("OM"), p("harass")), (o("THL"), p("harass"))}),
        ({"branch": "STM", "period": 2021}, {(o("THL"), p("harass"))}),
    ],
)
def test_who_works_on_what_filters(tiny, filters, expected):
    html = html_of(tiny, view="who-works-on-what", **filters)
    assert edge_pairs(html) == expected
    assert node_ids(html) == {n for pair in expected for n in pair}


def test_who_works_on_what_marks_single_branch_phenomena(tiny):
    graph = read_map(tiny, MapRequest("who-works-on-what", all_periods=True))
    branches = {n: a["branches"] for n, a in graph.nodes(data=True) if a["type"] == "phenomenon"}
    # fraud: POHA (SM) + SPR (no branch); harass: OM + THL (STM)
    assert branches == {p("fraud"): 1, p("cyber"): 1, p("harass"): 2, p("falls"): 1}
    html = map_html(graph)
    widths = {n["id"]: n["borderWidth"] for n in map_data(html)["nodes"]}
    assert {n for n, w in widths.items() if w == 3} == {p("fraud"), p("cyber"), p("falls")}
    # POHA holds cyber to the rest; THL holds falls: both are brokers (thick black border)
    assert {n for n, w in widths.items() if w == 4} == {o("POHA"), o("THL")}
    legend = map_html(graph, lang="en")
    assert "single branch around it (red border)" in legend
    assert "connects parts of the network (thick black border)" in legend


def test_group_map_holds_the_group_its_people_goals_and_measures(tiny):
    html = html_of(tiny, view="group", id="G1")
    assert node_ids(html) == {
        "group:G1",
        o("POHA"),
        o("SPR"),
        p("cyber"),
        p("fraud"),
        "goal:g1",
        "measure:m1",
        "measure:m2",
    }
    assert edge_pairs(html) == {
        (o("POHA"), "group:G1"),
        (o("SPR"), "group:G1"),
        ("group:G1", p("cyber")),
        ("group:G1", "goal:g1"),
        ("goal:g1", p("fraud")),
        ("measure:m1", "goal:g1"),
        ("measure:m2", "goal:g1"),
        ("measure:m1", p("fraud")),
        ("measure:m2", p("fraud")),
        ("measure:m2", p("cyber")),
        (o("POHA"), "measure:m1"),
        (o("SPR"), "measure:m1"),
        (o("POHA"), "measure:m2"),
        (p("fraud"), p("cyber")),
    }


def test_phenomenon_neighbourhood_grows_with_the_radius(tiny):
    one = html_of(tiny, view="phenomenon", id="harass", radius=1)
    assert node_ids(one) == {p("harass"), "group:G2", "goal:g2", "measure:m3", "measure:m6"}
    assert edge_pairs(one) == {
        ("group:G2", p("harass")),
        ("goal:g2", p("harass")),
        ("measure:m3", p("harass")),
        ("measure:m6", p("harass")),
        ("group:G2", "goal:g2"),
        ("measure:m3", "goal:g2"),
    }
    two = html_of(tiny, view="phenomenon", id="harass")  # radius 2 by default
    assert node_ids(two) == node_ids(one) | {o("OM"), o("THL"), o("SPR"), o("SM")}
    assert edge_pairs(two) == edge_pairs(one) | {
        (o("OM"), "group:G2"),
        (o("THL"), "group:G2"),
        (o("SPR"), "group:G2"),
        (o("OM"), "measure:m3"),
        (o("THL"), "measure:m3"),
        (o("SM"), "measure:m6"),
    }
    centre = [n for n in map_data(two)["nodes"] if n["id"] == p("harass")]
    assert centre[0]["size"] == max(n["size"] for n in map_data(two)["nodes"])


def test_organisation_neighbourhood_and_period(tiny):
    html = html_of(tiny, view="organisation", id="SPR", radius=1)
    assert edge_pairs(html) == {
        (o("SPR"), "group:G1"),
        (o("SPR"), "group:G2"),
        (o("SPR"), "measure:m1"),
    }
    later = html_of(tiny, view="organisation", id="SPR", radius=1, period=2023)
    assert node_ids(later) == {o("SPR"), "measure:m1"}


def test_collaboration_weights_shared_phenomena_and_groups(tiny):
    graph = read_map(tiny, MapRequest("collaboration", all_periods=True))
    edges = {
        frozenset((a.split(":")[1], b.split(":")[1])): (
            attrs["weight"],
            attrs["shared_phenomena"],
            attrs["shared_groups"],
        )
        for a, b, attrs in graph.edges(data=True)
    }
    assert edges == {
        frozenset(("POHA", "SPR")): (2, ["fraud"], ["G1"]),
        frozenset(("SPR", "OM")): (1, [], ["G2"]),
        frozenset(("SPR", "THL")): (1, [], ["G2"]),
        frozenset(("OM", "THL")): (2, ["harass"], ["G2"]),
    }
    html = map_html(graph)
    assert node_ids(html) == {o("POHA"), o("SPR"), o("OM"), o("THL")}
    later = read_map(tiny, MapRequest("collaboration", period=2023))
    assert list(later.nodes) == [o("THL")] and later.number_of_edges() == 0


def test_collaboration_brokers_and_communities_on_the_map(tiny):
    data = map_data(map_html(read_map(tiny, MapRequest("collaboration", all_periods=True))))
    # SPR alone ties POHA to OM and THL
    brokers = {n["id"] for n in data["nodes"] if n["borderWidth"] == 4}
    assert brokers == {o("SPR")}
    colours = {n["id"]: n["color"]["background"] for n in data["nodes"]}
    assert colours[o("OM")] == colours[o("THL")]


def test_overview_holds_every_node_and_relationship(tiny):
    html = html_of(tiny, view="overview")
    ids = node_ids(html)
    assert len(ids) == 28  # 2 themes, 3 branches, 6 organisations, 4 phenomena,
    # 3 groups, 1 body, 3 goals, 6 measures
    assert {"theme:T1", "branch:SM", "body:coop", "organisation:LONE", "measure:m4"} <= ids
    pairs = edge_pairs(html)
    # BELONGS_TO 4, PART_OF 2, IN_THEME 3, FOCUSES_ON 3, MEMBER_OF 7, SETS 3, TARGETS 3,
    # ADVANCES 4, ADDRESSES 7, RESPONSIBLE_FOR 8
    assert len(pairs) == 44
    assert {
        (o("POHA"), "branch:SM"),
        (o("POHA"), o("SM")),
        (o("SM"), "body:coop"),
        ("group:G1", "theme:T1"),
        (o("LONE"), "measure:m4"),
    } <= pairs
    in_2021 = html_of(tiny, view="overview", period=2021)
    assert node_ids(in_2021) == ids - {"group:G3", "goal:g3"}
    assert len(edge_pairs(in_2021)) == 44 - 5


def test_clicks_open_the_web_pages(tiny):
    data = map_data(html_of(tiny, view="overview"))
    urls = {n["id"]: n["url"] for n in data["nodes"]}
    assert urls[o("POHA")] == f"{BASE}/organisations/POHA"
    assert urls[p("fraud")] == f"{BASE}/phenomena/fraud"
    assert urls["group:G2"] == f"{BASE}/groups/G2"
    assert urls["measure:m3"] == f"{BASE}/measures/m3"
    assert urls["goal:g3"] == f"{BASE}/groups/G3"
    assert urls["theme:T1"] is None and urls["branch:SM"] is None and urls["body:coop"] is None
    relative = map_data(map_html(read_map(tiny, MapRequest("overview"))))
    assert {n["url"] for n in relative["nodes"]} >= {"/organisations/POHA", "/groups/G1"}


def test_title_legend_and_labels_follow_the_language(tiny):
    graph = read_map(tiny, MapRequest("who-works-on-what", period=2021, lang="en"))
    html = map_html(graph)
    assert "<title>Who works on what</title>" in html
    assert "period 2021" in html
    labels = {n["id"]: n["label"] for n in map_data(html)["nodes"]}
    assert labels[p("cyber")] == "cybercrime" and labels[p("fraud")] == "verkkohuijaus"
    assert labels[o("POHA")] == "POHA"
    fi = map_html(read_map(tiny, MapRequest("who-works-on-what", period=2021)))
    assert "Kuka tekee mitä" in fi and "kausi 2021" in fi and "Selite" in fi


def test_same_data_gives_the_same_map(tiny):
    first = html_of(tiny, view="collaboration")
    second = html_of(tiny, view="collaboration")
    assert first == second


@pytest.mark.parametrize(
    ("request_args", "error", "words"),
    [
        ({"view": "nope"}, BadArgument, "who-works-on-what, group"),
        ({"view": "group"}, BadArgument, "needs an id"),
        ({"view": "overview", "id": "G1"}, BadArgument, "takes no id"),
        ({"view": "overview", "theme": "T1"}, BadArgument, "no theme filter"),
        ({"view": "phenomenon", "id": "cyber", "radius": 4}, BadArgument, "radius must be"),
        (
            {"view": "who-works-on-what", "period": 2019},
            BadArgument,
            "periods in the graph: 2021, 2023",
        ),
        (
            {"view": "who-works-on-what", "theme": "T9"},
            BadArgument,
            "theme: there is no theme 'T9'",
        ),
        ({"view": "collaboration", "branch": "XX"}, BadArgument, "branch"),
        ({"view": "group", "id": "G9"}, NotFound, "no priority group 'G9'"),
        ({"view": "phenomenon", "id": "G1"}, NotFound, "no phenomenon 'G1'"),
        ({"view": "overview", "lang": "de"}, BadArgument, "lang must be one of"),
    ],
)
def test_bad_requests_say_what_to_fix(tiny, request_args, error, words):
    with pytest.raises(error) as raised:
        read_map(tiny, MapRequest(**request_args))
    assert words in str(raised.value)


def test_empty_map_says_so(tiny):
    graph = read_map(tiny, MapRequest("who-works-on-what", branch="OM", period=2023))
    html = map_html(graph, lang="en")
    assert map_data(html)["nodes"] == []
    assert "Nothing on the map with these filters." in html


def test_who_works_on_what_opens_on_the_latest_period(tiny):
    # no period asked: the latest (2023: G3, THL on falls), and the subtitle says so
    graph = read_map(tiny, MapRequest("who-works-on-what", lang="en"))
    assert graph.graph["filters"] == {"period": 2023} and graph.graph["default_period"] == 2023
    assert edge_pairs(map_html(graph)) == {(o("THL"), p("falls"))}
    assert styled_map(graph).subtitle.startswith("latest period 2023 · ")
    fi = styled_map(read_map(tiny, MapRequest("collaboration")))
    assert fi.subtitle.startswith("viimeisin kausi 2023 · ")
    # a period or a group asked for is kept; all_periods shows every period
    asked = read_map(tiny, MapRequest("who-works-on-what", period=2021, lang="en"))
    assert asked.graph["default_period"] is None
    assert styled_map(asked).subtitle.startswith("period 2021 · ")
    g2 = read_map(tiny, MapRequest("who-works-on-what", group="G2"))
    assert edge_pairs(map_html(g2)) == {(o("OM"), p("harass")), (o("THL"), p("harass"))}
    every = read_map(tiny, MapRequest("who-works-on-what", all_periods=True))
    assert edge_pairs(map_html(every)) == ALL_WORK and every.graph["filters"] == {}
    # views about one record and the overview show every period
    assert read_map(tiny, MapRequest("overview")).graph["default_period"] is None
