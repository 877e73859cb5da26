"""The network measures against values worked out by hand on small graphs."""

from __future__ import annotations

import networkx as nx
import pytest

from turva.visualize.analytics import (
    annotate,
    betweenness,
    brokers,
    communities,
    degree,
    degree_centrality,
    weighted_degree,
)
from turva.visualize.layout import SPRING_LIMIT, layout
from turva.visualize.views import collaboration_graph


def who_works_on_what() -> nx.DiGraph:
    """The tiny document's who-works-on-what map, built by hand.

    POHA-fraud, SPR-fraud, POHA-cyber | OM-harass, THL-harass, THL-falls
    """
    g = nx.DiGraph()
    for org in ("POHA", "SPR", "OM", "THL"):
        g.add_node(org, type="organisation")
    for phen in ("fraud", "cyber", "harass", "falls"):
        g.add_node(phen, type="phenomenon")
    g.add_edge("POHA", "fraud", weight=2)
    g.add_edges_from(
        [
            ("SPR", "fraud"),
            ("POHA", "cyber"),
            ("OM", "harass"),
            ("THL", "harass"),
            ("THL", "falls"),
        ],
        weight=1,
    )
    return g


def test_degree_counts_neighbours_and_weights():
    g = who_works_on_what()
    assert degree(g) == {
        "POHA": 2,
        "SPR": 1,
        "OM": 1,
        "THL": 2,
        "fraud": 2,
        "cyber": 1,
        "harass": 2,
        "falls": 1,
    }
    assert weighted_degree(g)["POHA"] == 3 and weighted_degree(g)["fraud"] == 3
    # 2 neighbours out of 7 possible
    assert degree_centrality(g)["POHA"] == pytest.approx(2 / 7)


def test_betweenness_by_hand():
    g = who_works_on_what()
    between = betweenness(g)
    # POHA lies on cyber-fraud and cyber-SPR: 2 of the (8-1)(8-2)/2 = 21 pairs
    assert between["POHA"] == pytest.approx(2 / 21)
    assert between["THL"] == pytest.approx(2 / 21)  # harass-falls, OM-falls
    assert between["fraud"] == pytest.approx(2 / 21)  # SPR-POHA, SPR-cyber
    assert between["SPR"] == 0 and between["falls"] == 0


def test_betweenness_is_sampled_but_seeded_on_large_graphs():
    g = nx.path_graph(40)
    exact = betweenness(g)
    sampled = betweenness(g, exact_limit=10, pivots=20)
    assert sampled == betweenness(g, exact_limit=10, pivots=20)  # same seed, same numbers
    assert sampled != exact
    assert max(sampled, key=sampled.get) in (19, 20)  # still the middle of the path


def test_brokers_are_organisations_that_hold_parts_together():
    g = who_works_on_what()
    found = brokers(g)
    # removing POHA cuts cyber off; removing THL cuts falls off; fraud and harass are cut
    # vertices too but are phenomena
    assert [(b.node, b.separates) for b in found] == [("POHA", 2), ("THL", 2)]
    assert found[0].betweenness == pytest.approx(2 / 21)
    assert {b.node for b in brokers(g, node_type=None)} == {"POHA", "THL", "fraud", "harass"}


def test_a_broker_can_split_its_part_in_three():
    star = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("x", "y")])
    nx.set_node_attributes(star, "organisation", "type")
    assert [(b.node, b.separates, b.betweenness) for b in brokers(star)] == [
        ("hub", 3, pytest.approx(3 / 10))  # a-b, a-c, b-c of 5*4/2 = 10 pairs
    ]


def test_collaboration_weights_by_hand():
    g = collaboration_graph(
        works_on={
            "POHA": ["cyber", "fraud"],
            "SPR": ["fraud"],
            "OM": ["harass"],
            "THL": ["harass", "falls"],
        },
        member_of={"POHA": ["G1"], "SPR": ["G1", "G2"], "OM": ["G2"], "THL": ["G2", "G3"]},
    )
    weights = {frozenset(e): w for *e, w in g.edges(data="weight")}
    assert weights == {
        frozenset(("POHA", "SPR")): 2,  # fraud + G1
        frozenset(("SPR", "OM")): 1,  # G2
        frozenset(("SPR", "THL")): 1,  # G2
        frozenset(("OM", "THL")): 2,  # harass + G2
    }
    assert g.edges["THL", "OM"]["shared_phenomena"] == ["harass"]
    assert g.edges["THL", "OM"]["shared_groups"] == ["G2"]
    assert set(g.nodes) == {"POHA", "SPR", "OM", "THL"}


def test_collaboration_counts_several_shared_things():
    g = collaboration_graph(
        {"a": ["p1", "p2", "p3"], "b": ["p2", "p3"], "c": []},
        {"a": ["G1", "G2"], "b": ["G2"], "c": ["G3"]},
    )
    assert g.edges["a", "b"]["weight"] == 3  # p2, p3, G2
    assert "c" in g and g.degree("c") == 0  # an organisation that shares nothing stays


def test_louvain_finds_the_two_clusters_and_is_seeded():
    # two 4-cliques joined by one weak edge
    g = nx.Graph()
    for clique in (("a", "b", "c", "d"), ("w", "x", "y", "z")):
        g.add_edges_from(((u, v) for i, u in enumerate(clique) for v in clique[i + 1 :]), weight=3)
    g.add_edge("d", "w", weight=1)
    found = communities(g)
    assert [sorted(c) for c in found] == [["a", "b", "c", "d"], ["w", "x", "y", "z"]]
    assert communities(g) == found


def test_annotate_writes_the_measures_on_the_nodes():
    g = annotate(who_works_on_what())
    assert g.nodes["POHA"]["degree"] == 2
    assert g.nodes["POHA"]["broker"] == 2 and g.nodes["SPR"]["broker"] == 0
    # the two components are the two communities
    assert g.nodes["POHA"]["community"] == g.nodes["cyber"]["community"]
    assert g.nodes["POHA"]["community"] != g.nodes["THL"]["community"]
    assert g.graph["communities"] == 2


def test_layouts_are_deterministic_small_and_large():
    small = nx.path_graph(30)
    assert layout(small) == layout(small)
    large = nx.barabasi_albert_graph(SPRING_LIMIT * 2, 2, seed=1)
    large.add_nodes_from(["alone-1", "alone-2"])
    pos = layout(large)
    assert set(pos) == set(large.nodes) and pos == layout(large)
    # isolated nodes sit below the linked ones, not on top of them
    assert pos["alone-1"][1] < min(y for n, (x, y) in pos.items() if isinstance(n, int))
