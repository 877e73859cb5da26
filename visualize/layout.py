"""Seeded positions for maps: the same data always gives the same picture.

Small maps use networkx's spring layout. Large ones use a two-level layout that stays
fast at thousands of nodes: Louvain communities are laid out as one small spring graph,
each community's own nodes by a spring layout inside its disc, isolated nodes in a grid
below. (networkx's spring layout on 1,000+ nodes takes tens of seconds; this takes about
a second at 5,000.) Parts are laid out as graphs of their own with their nodes in sorted
order, so the picture does not depend on Python's hash seed either.

>>> pos = layout(nx.path_graph(3))
>>> pos == layout(nx.path_graph(3))
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np

from turva.visualize.analytics import SEED, communities, undirected

__all__ = ["SPRING_LIMIT", "layout", "community_layout", "stretched"]

#: maps up to this size get a plain spring layout
SPRING_LIMIT = 300

Positions = dict[Hashable, tuple[float, float]]


def _ordered(graph: nx.Graph, nodes: Iterable[Hashable]) -> nx.Graph:
    """The subgraph of ``nodes`` as a graph of its own, nodes and edges in sorted order.

    (A subgraph view iterates its nodes in set order, which changes with the hash seed.)
    """
    keep = sorted(nodes, key=str)
    inside = set(keep)
    sub = nx.Graph()
    sub.add_nodes_from(keep)
    for u in keep:
        for v in sorted(graph[u], key=str):
            if v in inside:
                sub.add_edge(u, v, **graph.edges[u, v])
    return sub


def _normalised(pos: dict[Hashable, np.ndarray]) -> dict[Hashable, np.ndarray]:
    """Centred on 0 and scaled to fit the unit disc."""
    if not pos:
        return {}
    points = np.array(list(pos.values()), dtype=float)
    points -= points.mean(axis=0)
    radius = float(np.sqrt((points**2).sum(axis=1)).max()) or 1.0
    return {n: points[i] / radius for i, n in enumerate(pos)}


def _spring(graph: nx.Graph, seed: int, iterations: int = 50) -> dict[Hashable, np.ndarray]:
    if len(graph) == 1:
        return {next(iter(graph)): np.zeros(2)}
    return nx.spring_layout(graph, seed=seed, iterations=iterations)


def _local(graph: nx.Graph, seed: int, depth: int) -> dict[Hashable, np.ndarray]:
    if len(graph) <= SPRING_LIMIT:
        return _normalised(_spring(graph, seed, iterations=40))
    if depth < 3:
        split = communities(graph, seed=seed, resolution=2.0)
        if len(split) > 1:
            return _normalised(_two_level(graph, seed, depth + 1, split))
    # one dense lump the communities cannot split: a seeded random disc is honest enough
    return _normalised(nx.random_layout(graph, seed=seed, center=(0, 0)))


def _two_level(
    graph: nx.Graph, seed: int, depth: int, parts: list[frozenset[Hashable]]
) -> dict[Hashable, np.ndarray]:
    part_of = {n: i for i, p in enumerate(parts) for n in p}
    summary = nx.Graph()
    summary.add_nodes_from(range(len(parts)))
    for a, b in graph.edges():
        i, j = part_of[a], part_of[b]
        if i != j:
            w = summary.get_edge_data(i, j, {"weight": 0})["weight"]
            summary.add_edge(i, j, weight=w + 1)
    centres = _normalised(_spring(summary, seed))
    spread = math.sqrt(len(graph)) * 1.6
    pos: dict[Hashable, np.ndarray] = {}
    for i, part in enumerate(parts):
        radius = math.sqrt(len(part))
        local = _local(_ordered(graph, part), seed, depth)
        for n, p in local.items():
            pos[n] = centres[i] * spread + p * radius
    return pos


def community_layout(
    graph: nx.Graph, seed: int = SEED, parts: Iterable[Iterable[Hashable]] | None = None
) -> Positions:
    """Two-level positions for a large graph (see the module's description).

    ``parts`` are communities already found (e.g. by :func:`visualize.analytics.annotate`);
    without them Louvain runs here.
    """
    und = undirected(graph)
    isolated = sorted((n for n in und if und.degree(n) == 0), key=str)
    linked = _ordered(und, (n for n in und if und.degree(n) > 0))
    pos: dict[Hashable, np.ndarray] = {}
    if len(linked):
        if parts is None:
            found = communities(linked, seed=seed)
        else:
            found = [frozenset(n for n in part if n in linked) for part in parts]
            found = [part for part in found if part]
        pos = _two_level(linked, seed, 0, found)
    if isolated:
        columns = max(1, int(math.sqrt(len(isolated)) * 2))
        bottom = min((p[1] for p in pos.values()), default=0.0) - 3.0
        left = min((p[0] for p in pos.values()), default=0.0)
        for k, n in enumerate(isolated):
            pos[n] = np.array([left + (k % columns) * 1.5, bottom - (k // columns) * 1.5])
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def stretched(pos: Positions, aspect: float) -> Positions:
    """Positions stretched along one axis so that they fill a ``aspect`` (width / height) box.

    A spring layout is round and a canvas is wide: the narrower side is stretched (never
    shrunk), so the picture uses the whole canvas.

    >>> stretched({"a": (0.0, -1.0), "b": (0.0, 1.0), "c": (1.0, 0.0)}, 2.0)["c"]
    (4.0, 0.0)
    """
    if len(pos) < 2:
        return dict(pos)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    sx = sy = 1.0
    if width > 0 and height > 0:
        if width / height < aspect:
            sx = aspect * height / width
        else:
            sy = width / (aspect * height)
    return {n: (x * sx, y * sy) for n, (x, y) in pos.items()}


def layout(
    graph: nx.Graph,
    seed: int = SEED,
    parts: Iterable[Iterable[Hashable]] | None = None,
    aspect: float | None = None,
) -> Positions:
    """Positions for every node, deterministic for the same graph and seed.

    A spring layout up to :data:`SPRING_LIMIT` nodes, :func:`community_layout` above;
    with ``aspect`` (width / height) :func:`stretched` to fill a canvas of that shape.

    >>> sorted(layout(nx.Graph([("a", "b")])))
    ['a', 'b']
    """
    und = undirected(graph)
    if len(und) == 0:
        return {}
    if len(und) > SPRING_LIMIT:
        found = community_layout(und, seed, parts)
    else:
        found = {n: (float(p[0]), float(p[1])) for n, p in _spring(und, seed).items()}
    return stretched(found, aspect) if aspect else found
