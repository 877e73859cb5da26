"""Network analytics on a map's graph: who is central, who holds the network together.

All measures treat the map as undirected (a responsibility or a membership ties both
ends together) and are deterministic: Louvain and the betweenness sample use a fixed seed.
They read any networkx graph; :func:`annotate` writes them on a view's nodes for the
styled map (:mod:`turva.visualize.styled`).

>>> g = nx.path_graph(["a", "b", "c"])
>>> degree(g)["b"], round(betweenness(g)["b"], 2)
(2, 1.0)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx

__all__ = [
    "SEED",
    "EXACT_BETWEENNESS_LIMIT",
    "Broker",
    "undirected",
    "degree",
    "weighted_degree",
    "degree_centrality",
    "betweenness",
    "communities",
    "community_index",
    "brokers",
    "annotate",
]

SEED = 0
#: above this many nodes betweenness is estimated from a seeded sample of pivots
EXACT_BETWEENNESS_LIMIT = 500
#: the sample keeps pivots x nodes about constant (100 pivots at 1,000 nodes, 32 at 5,000)
PIVOT_BUDGET = 100_000
MIN_PIVOTS = 32


def undirected(graph: nx.Graph) -> nx.Graph:
    """The graph without directions (the graph itself when it has none)."""
    return graph.to_undirected(as_view=True) if graph.is_directed() else graph


def degree(graph: nx.Graph) -> dict[Hashable, int]:
    """How many distinct neighbours each node has.

    >>> degree(nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")]))
    {'a': 2, 'b': 1, 'c': 1}
    """
    und = undirected(graph)
    return {n: und.degree(n) for n in und.nodes}


def weighted_degree(graph: nx.Graph, weight: str = "weight") -> dict[Hashable, float]:
    """The sum of the weights of each node's edges (1 for an edge without a weight).

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=3); g.add_edge("a", "c")
    >>> weighted_degree(g)["a"]
    4
    """
    und = undirected(graph)
    return {n: d for n, d in und.degree(weight=weight)}


def degree_centrality(graph: nx.Graph) -> dict[Hashable, float]:
    """Degree over the largest possible degree (n - 1), as networkx defines it.

    >>> degree_centrality(nx.star_graph(3))[0]
    1.0
    """
    und = undirected(graph)
    return nx.degree_centrality(und) if len(und) > 1 else dict.fromkeys(und.nodes, 0.0)


def betweenness(
    graph: nx.Graph,
    seed: int = SEED,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    pivots: int | None = None,
) -> dict[Hashable, float]:
    """Normalised betweenness centrality over hops (edge weights ignored).

    Exact up to ``exact_limit`` nodes; above that estimated from ``pivots`` source nodes
    (by default :data:`PIVOT_BUDGET` / nodes, at least :data:`MIN_PIVOTS`) drawn with
    ``seed``, so large maps stay fast and still the same on every run.

    >>> betweenness(nx.star_graph(3))[0]
    1.0
    """
    und = undirected(graph)
    if len(und) > exact_limit:
        k = pivots if pivots is not None else max(MIN_PIVOTS, PIVOT_BUDGET // len(und))
        return nx.betweenness_centrality(und, k=min(k, len(und)), seed=seed)
    return nx.betweenness_centrality(und)


def communities(
    graph: nx.Graph, seed: int = SEED, weight: str = "weight", resolution: float = 1.0
) -> list[frozenset[Hashable]]:
    """Louvain communities (weighted), largest first, ties by their smallest node.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"),
    ...               ("c", "x")])
    >>> [sorted(c) for c in communities(g)]
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    und = undirected(graph)
    if len(und) == 0:
        return []
    found = nx.community.louvain_communities(und, weight=weight, resolution=resolution, seed=seed)
    return sorted((frozenset(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def community_index(graph: nx.Graph, seed: int = SEED) -> dict[Hashable, int]:
    """Each node's community number (0 = the largest community), in the graph's node order.

    >>> community_index(nx.Graph([("x", "y"), ("y", "z"), ("z", "x"), ("a", "b")]))
    {'x': 0, 'y': 0, 'z': 0, 'a': 1, 'b': 1}
    """
    index = {n: i for i, c in enumerate(communities(graph, seed=seed)) for n in c}
    return {n: index[n] for n in graph}


@dataclass(frozen=True)
class Broker:
    """A node whose removal splits its part of the network into ``separates`` pieces."""

    node: Hashable
    betweenness: float
    separates: int


def brokers(
    graph: nx.Graph,
    node_type: str | None = "organisation",
    between: Mapping[Hashable, float] | None = None,
) -> list[Broker]:
    """Brokers: nodes (of ``node_type``; None for any) that connect otherwise separate parts.

    A broker is a cut vertex (articulation point): without it, its connected part of the
    map falls into ``separates`` >= 2 pieces. Sorted by betweenness, highest first, then
    by node key.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "e")])
    >>> [(b.node, b.separates) for b in brokers(g, node_type=None)]
    [('b', 3), ('c', 2)]
    """
    und = undirected(graph)
    between = between if between is not None else betweenness(und)
    found = []
    for node in nx.articulation_points(und):
        if node_type is not None and und.nodes[node].get("type") != node_type:
            continue
        part = nx.node_connected_component(und, node) - {node}
        pieces = nx.number_connected_components(und.subgraph(part))
        found.append(Broker(node, float(between.get(node, 0.0)), pieces))
    return sorted(found, key=lambda b: (-b.betweenness, str(b.node)))


def annotate(graph: nx.Graph, seed: int = SEED) -> nx.Graph:
    """Write ``degree``, ``betweenness``, ``community`` and ``broker`` on every node.

    ``broker`` is the number of pieces the node's removal leaves (0 for non-brokers;
    only organisations are brokers). ``graph.graph["communities"]`` is their count.
    Returns the same graph.

    >>> g = annotate(nx.Graph([("a", "b")]))
    >>> g.nodes["a"]["degree"], g.nodes["a"]["community"], g.graph["communities"]
    (1, 0, 1)
    """
    deg = degree(graph)
    between = betweenness(graph, seed=seed)
    found = communities(graph, seed=seed)
    index = {n: i for i, c in enumerate(found) for n in c}
    split = {b.node: b.separates for b in brokers(graph, between=between)}
    for node, attrs in graph.nodes(data=True):
        attrs["degree"] = deg[node]
        attrs["betweenness"] = round(float(between.get(node, 0.0)), 6)
        attrs["community"] = index.get(node, 0)
        attrs["broker"] = split.get(node, 0)
    graph.graph["communities"] = len(found)
    return graph
