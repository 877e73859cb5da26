"""Maps a leader reads in 30 seconds: a headline from the analytics, named cooperation
clusters, plain words in tooltips, the most connected nodes labelled, no overlapping labels
in a PNG, one colour a branch in every export, and the latest period by default.

Tiny hand-checked networkx graphs first (no Neo4j), then the 2021 data, whose headline
numbers are worked out here again straight from the data file."""

from __future__ import annotations

import io
import json
from collections import Counter
from itertools import combinations
from typing import Any

import networkx as nx
import pytest
from neo4j import Driver

from turva.visualize import MapRequest, read_map, styled_map
from turva.visualize.analytics import annotate
from turva.visualize.style import branch_colour
from turva.visualize.summary import LABELLED_MOST, community_names, headline, labelled_nodes
from turva.visualize.write_gexf import gexf_bytes
from turva.visualize.write_graphml import graphml_bytes
from turva.visualize.write_json import node_link
from turva.visualize.write_png import label_boxes

ACTIVE = {"planned", "ongoing"}


def who_works_on_what(lang: str = "fi") -> nx.DiGraph:
    """POHA (SM) on a, b, c; KL (no branch) on c, d; OM (OM) on d; THL (STM) on e.

    Links: 7. POHA and KL are in 5 of them (71 %). Branches around each phenomenon:
    a, b: SM; c: SM (KL has none); d: OM; e: STM: all five rest on a single branch.
    """
    graph = nx.DiGraph(view="who-works-on-what", filters={"period": 2021}, lang=lang)
    orgs = {"POHA": "SM", "KL": None, "OM": "OM", "THL": "STM"}
    for org, branch in orgs.items():
        graph.add_node(f"o:{org}", type="organisation", id=org, abbreviation=org, branch=branch)
    work = [("POHA", "a"), ("POHA", "b"), ("POHA", "c"), ("KL", "c"), ("KL", "d"), ("OM", "d")]
    work.append(("THL", "e"))
    for org, phen in work:
        graph.add_node(f"p:{phen}", type="phenomenon", id=phen, label_fi=f"ilmiö {phen}")
        graph.add_edge(f"o:{org}", f"p:{phen}", rel="WORKS_ON", weight=1)
    for node, attrs in graph.nodes(data=True):
        if attrs["type"] == "phenomenon":
            around = {graph.nodes[o].get("branch") for o in graph.predecessors(node)}
            attrs["branches"] = len(around - {None})
    return graph


def test_who_works_on_what_headline_counts_links_and_single_branch_phenomena():
    graph = who_works_on_what()
    styled = styled_map(graph)
    assert styled.headline == (
        "POHA ja KL ovat osapuolena 71 %:ssa organisaatioiden ja ilmiöiden välisistä "
        "yhteyksistä; 5 ilmiötä on yhden hallinnonalan varassa"
    )
    assert styled_map(graph, lang="en").headline.startswith("POHA and KL are in 71% of the links")
    sv = styled_map(graph, lang="sv").headline
    assert sv.startswith("POHA och KL är part i 71 % av länkarna") and "5 fenomen vilar" in sv
    # one phenomenon: the singular
    graph.add_edge("o:OM", "p:a", rel="WORKS_ON", weight=1)
    graph.add_edge("o:OM", "p:b", rel="WORKS_ON", weight=1)
    graph.add_edge("o:THL", "p:c", rel="WORKS_ON", weight=1)
    graph.add_edge("o:POHA", "p:e", rel="WORKS_ON", weight=1)
    graph.nodes["p:a"]["branches"] = graph.nodes["p:b"]["branches"] = 2
    graph.nodes["p:c"]["branches"] = graph.nodes["p:e"]["branches"] = 2
    assert headline(annotate(graph.copy()), "fi").endswith(
        "; 1 ilmiö on yhden hallinnonalan varassa"
    )


def collaboration() -> nx.Graph:
    """Two triangles and a tail: A, B, C share cybercrime on every link (mixed branches);
    D, E, F, all of the Ministry of the Interior's branch, share a different phenomenon
    on each link; G, H (ministry of justice) share cybercrime too: the name is taken."""
    graph = nx.Graph(
        view="collaboration",
        filters={},
        lang="fi",
        phenomenon_names={"cyber": "kyberrikollisuus", "fraud": "huijaukset"},
        branch_names={"SM": "sisäministeriön hallinnonala", "OM": "oikeusministeriön hallinnonala"},
    )
    for a, b in combinations("ABC", 2):
        graph.add_edge(
            a, b, rel="COLLABORATES", shared_phenomena=["cyber"], shared_groups=[], weight=1
        )
    for a, b in combinations("DEF", 2):
        graph.add_edge(
            a, b, rel="COLLABORATES", shared_phenomena=[a + b], shared_groups=[], weight=1
        )
    graph.add_edge(
        "G",
        "H",
        rel="COLLABORATES",
        shared_phenomena=["cyber", "fraud"],
        shared_groups=[],
        weight=2,
    )
    graph.add_edge(
        "C", "D", rel="COLLABORATES", shared_phenomena=[], shared_groups=["G1"], weight=1
    )
    branches = {"A": "SM", "B": "OM", "C": None, "D": "SM", "E": "SM", "F": "SM"}
    branches |= {"G": "OM", "H": None}
    for node in graph:
        graph.nodes[node].update(type="organisation", id=node, branch=branches[node])
    return graph


def test_communities_are_named_by_what_holds_them_together():
    graph = annotate(collaboration())
    clusters = {
        frozenset(n for n in graph if graph.nodes[n]["community"] == i): name
        for i, name in community_names(graph).items()
    }
    assert clusters == {
        frozenset("ABC"): "kyberrikollisuus",
        frozenset("DEF"): "sisäministeriön hallinnonala",
        # cybercrime already names A-C: the next phenomenon G and H share
        frozenset("GH"): "huijaukset",
    }
    styled = styled_map(collaboration())
    legend = [e.text for e in styled.legend if e.kind == "community"]
    assert legend == [
        "yhteistyöpiiri: kyberrikollisuus",
        "yhteistyöpiiri: sisäministeriön hallinnonala",
        "yhteistyöpiiri: huijaukset",
    ]
    assert styled.headline == (
        "Organisaatiot muodostavat 3 yhteistyöpiiriä: kyberrikollisuus, "
        "sisäministeriön hallinnonala, huijaukset; 2 organisaatiota yhdistää verkoston osia"
    )
    tooltips = {n.key: n.tooltip for n in styled.nodes}
    assert "yhteistyöpiiri: kyberrikollisuus" in tooltips["A"]
    # C and D hold the two triangles together: plain words, no measures' names
    assert "yhdistää verkoston osia" in tooltips["C"] and "3 yhteyttä" in tooltips["C"]
    everything = " ".join([*tooltips.values(), *(e.text for e in styled.legend), *styled.notes])
    for jargon in ("yhteisö", "Louvain", "välillisyys", "0."):
        assert jargon not in everything


def test_plain_words_in_tooltips():
    nodes = {n.key: n for n in styled_map(who_works_on_what()).nodes}
    poha = nodes["o:POHA"].tooltip.splitlines()
    assert "3 yhteyttä" in poha and "välillisyys" not in nodes["o:POHA"].tooltip
    assert "1 yhteys" in nodes["p:a"].tooltip.splitlines()
    assert "1 hallinnonala työskentelee sen parissa" in nodes["p:a"].tooltip.splitlines()
    en = {n.key: n for n in styled_map(who_works_on_what(), lang="en").nodes}
    assert "3 connections" in en["o:POHA"].tooltip.splitlines()


def test_central_node_headline_on_a_record_map():
    graph = nx.DiGraph(view="organisation", filters={}, lang="en")
    graph.add_node("o:KRP", type="organisation", id="KRP", abbreviation="KRP", centre=True)
    graph.add_node("o:POHA", type="organisation", id="POHA", abbreviation="POHA")
    for m in ("m1", "m2", "m3"):
        graph.add_node(m, type="measure", id=m, label_fi=m)
        graph.add_edge("o:POHA", m, rel="RESPONSIBLE_FOR")
    graph.add_edge("o:KRP", "o:POHA", rel="PART_OF")
    # KRP is what the map is about: POHA, with 4 links, is the most connected besides it
    assert styled_map(graph).headline == (
        "POHA is the most connected on this map: 4 connections; "
        "1 organisation connects parts of the network"
    )


def hairball(size: int) -> nx.Graph:
    """A dense tangle with long names: labels would overlap wherever they can."""
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(size, 3, seed=7), lambda n: f"n{n:03d}")
    for node, attrs in graph.nodes(data=True):
        attrs.update(type="organisation", id=node, label_fi=f"Pitkän niminen toimija {node}")
    graph.graph.update(view="overview", filters={}, lang="fi")
    return graph


def test_most_connected_nodes_are_labelled_small_maps_all():
    big = styled_map(hairball(60), positions=False)
    labelled = {n.key for n in big.nodes if n.labelled}
    degrees = dict(hairball(60).degree)
    assert len(labelled) == LABELLED_MOST
    # no node left without a label has more links than a labelled one
    assert min(degrees[n] for n in labelled) >= max(
        degrees[n] for n in degrees if n not in labelled
    )
    assert all(n.labelled for n in styled_map(hairball(30), positions=False).nodes)
    # the node a map is about is always labelled, however few links it has
    graph = hairball(60)
    graph.add_node("centre", type="organisation", id="centre", centre=True)
    assert "centre" in labelled_nodes(annotate(graph))


def test_measures_are_labelled_by_their_title():
    graph = nx.DiGraph(view="group", filters={}, lang="fi")
    title = "Verkkopetosten ja identiteettivarkauksien torjunnan yhteistyömalli"
    graph.add_node("measure:M71", type="measure", id="M71", label_fi=title, status="ongoing")
    node = styled_map(graph).nodes[0]
    assert node.label != "M71" and node.label.endswith("…")
    assert title.startswith(node.label[:-1]) and title in node.tooltip


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", [25, 200])
def test_png_labels_never_overlap_and_are_legible(size):
    styled = styled_map(hairball(size))
    boxes = label_boxes(styled)
    labelled = {n.key for n in styled.nodes if n.labelled}
    assert set(boxes) <= labelled
    assert len(boxes) >= min(len(labelled), 10)  # most labels find a free place
    for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
        assert not overlaps(box_a, box_b), (a, b)
    # 10 pt at 100 dpi: at least 12 px tall
    assert min(box[3] - box[1] for box in boxes.values()) >= 12


def test_layout_fills_a_wide_canvas():
    styled = styled_map(hairball(60))
    xs = [n.x for n in styled.nodes if n.x is not None]
    ys = [n.y for n in styled.nodes if n.y is not None]
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(1.6, rel=0.01)


def test_every_export_carries_the_branch_colour_and_name():
    graph = who_works_on_what()
    graph.graph["branch_names"] = {"SM": "sisäministeriön hallinnonala"}
    styled = styled_map(graph)
    poha = next(n for n in styled.nodes if n.key == "o:POHA")
    assert poha.fill == branch_colour("SM") == "#0072b2"
    data = {n["id"]: n for n in node_link(styled)["nodes"]}
    assert data["o:POHA"]["colour"] == "#0072b2"
    assert data["o:POHA"]["branch_name"] == "sisäministeriön hallinnonala"
    assert node_link(styled)["graph"]["headline"] == styled.headline
    graphml = nx.read_graphml(io.BytesIO(graphml_bytes(styled)))
    assert graphml.nodes["o:POHA"]["colour"] == "#0072b2"
    assert graphml.nodes["o:POHA"]["branch_name"] == "sisäministeriön hallinnonala"
    gexf = nx.read_gexf(io.BytesIO(gexf_bytes(styled)))
    assert gexf.nodes["o:POHA"]["viz"]["color"] == {"r": 0, "g": 114, "b": 178, "a": 1.0}
    assert gexf.nodes["o:POHA"]["branch_name"] == "sisäministeriön hallinnonala"
    legend = [e for e in styled.legend if e.kind == "branch"]
    assert ("#0072b2", "organisaatio: sisäministeriön hallinnonala") in {
        (e.colour, e.text) for e in legend
    }
    # a branch node takes its branch's colour too
    overview = nx.Graph(view="overview", filters={}, lang="fi")
    overview.add_node("branch:SM", type="branch", id="SM")
    assert styled_map(overview).nodes[0].fill == "#0072b2"


# --- the 2021 data ------------------------------------------------------------------------


def work_2021(data: dict[str, Any]) -> tuple[set[tuple[str, str]], dict[str, str | None]]:
    """Who works on what in the 2021 data, from the file: (organisation, phenomenon)
    links of active measures addressing a phenomenon in the 2021 groups' scope (their
    focus phenomena and those under them), and each organisation's branch."""
    children: dict[str, set[str]] = {}
    for p in data["phenomena"]:
        if p.get("parent"):
            children.setdefault(p["parent"], set()).add(p["id"])
    scope: set[str] = set()
    todo = [f for g in data["priority_groups"] if g["period"] == 2021 for f in g["focuses_on"]]
    while todo:
        p = todo.pop()
        if p not in scope:
            scope.add(p)
            todo.extend(children.get(p, ()))
    links = {
        (r["organisation"], p)
        for m in data["measures"]
        if m["status"] in ACTIVE
        for r in m["responsible"]
        for p in m["addresses"]
        if p in scope
    }
    return links, {o["id"]: o.get("branch") for o in data["organisations"]}


def test_2021_who_works_on_what_headline_and_legend(loaded_2021: Driver, dataset_2021):
    links, branch_of = work_2021(dataset_2021)
    degree = Counter(org for org, _ in links)
    (first, d1), (second, d2) = degree.most_common(2)
    share = round(100 * (d1 + d2) / len(links))
    around: dict[str, set[str]] = {}
    for org, phen in links:
        around.setdefault(phen, set())
        if branch_of[org]:
            around[phen].add(branch_of[org])
    single = sum(1 for branches in around.values() if len(branches) <= 1)

    # no period asked: the map opens on the latest (and only) period, 2021
    graph = read_map(loaded_2021, MapRequest("who-works-on-what"))
    styled = styled_map(graph)
    assert styled.subtitle.startswith("viimeisin kausi 2021 · ")
    assert graph.number_of_edges() == len(links)
    names = {
        o["id"]: o.get("abbreviation") or o["name"]["fi"] for o in dataset_2021["organisations"]
    }
    assert degree[first] > degree.most_common(3)[2][1]  # the top two are not a tie with a third
    assert styled.headline == (
        f"{names[first]} ja {names[second]} ovat osapuolena {share} %:ssa organisaatioiden ja "
        f"ilmiöiden välisistä yhteyksistä; {single} ilmiötä on yhden hallinnonalan varassa"
    )
    legend = [e.text for e in styled.legend if e.kind == "branch"]
    assert "organisaatio: sisäministeriön hallinnonala" in legend
    assert not any(text.endswith(" SM") for text in legend)  # full names, not codes
    assert sum(n.labelled for n in styled.nodes) == LABELLED_MOST
    sm = {n.fill for n in styled.nodes if n.type == "organisation" and n.branch == "SM"}
    assert sm == {branch_colour("SM")}


def test_2021_collaboration_clusters_are_named(loaded_2021: Driver, dataset_2021):
    styled = styled_map(read_map(loaded_2021, MapRequest("collaboration", lang="en")))
    names = [e.text for e in styled.legend if e.kind == "community"]
    phenomena = {p["name"].get("en", p["name"]["fi"]) for p in dataset_2021["phenomena"]}
    branches = {b["name"]["en"] for b in dataset_2021["branches"]}
    assert names and len(set(names)) == len(names)
    for text in names:
        assert text.startswith("cooperation cluster: ")
        assert text.removeprefix("cooperation cluster: ") in phenomena | branches
    assert styled.headline.startswith("The organisations form ")
    assert styled.subtitle.startswith("latest period 2021 · ")
    json.dumps(node_link(styled))  # every export stays serialisable
