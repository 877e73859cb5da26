"""The styled map as networkx's node-link JSON: nodes, edges, the analytics and positions.

>>> import networkx as nx
>>> from turva.visualize.styled import styled_map
>>> g = nx.Graph(view="overview", lang="fi")
>>> g.add_node("theme:T1", type="theme", id="T1")
>>> data = node_link(styled_map(g))
>>> data["graph"]["view"], data["nodes"][0]["id"], data["nodes"][0]["degree"]
('overview', 'theme:T1', 0)
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from turva.visualize.styled import StyledMap, node_looks

__all__ = ["node_link", "json_bytes"]


def node_link(styled: StyledMap) -> dict[str, Any]:
    """``{"graph", "nodes", "edges", ...}`` as :func:`networkx.node_link_data` gives it,
    each node with its looks (:func:`~turva.visualize.styled.node_looks`: provenance,
    label, colour, branch and its name) and ``x``/``y`` as drawn when the map is laid out
    (memberships and responsibilities carry their ``provenance`` too, and their own source
    as ``provenance_source``: ``source`` and ``target`` are the edge's ends); the graph
    carries the map's ``headline``."""
    graph = styled.graph.copy()
    # "source" and "target" name an edge's ends in node-link JSON: a membership's or a
    # responsibility's own source goes under another name
    for _, _, attrs in graph.edges(data=True):
        if "source" in attrs:
            attrs["provenance_source"] = attrs.pop("source")
    data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
    styled_nodes = {n.key: n for n in styled.nodes}
    for node in data["nodes"]:
        drawn = styled_nodes[node["id"]]
        node.update(node_looks(styled, drawn))
        if drawn.x is not None and drawn.y is not None:
            node["x"], node["y"] = round(drawn.x, 1), round(drawn.y, 1)
    data["graph"]["headline"] = styled.headline
    return data


def json_bytes(styled: StyledMap) -> bytes:
    """:func:`node_link` as indented UTF-8 JSON with sorted keys."""
    return json.dumps(node_link(styled), ensure_ascii=False, indent=1, sort_keys=True).encode()
