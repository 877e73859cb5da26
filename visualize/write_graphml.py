"""The styled map as GraphML: every node and edge attribute, the analytics and positions.

>>> import networkx as nx
>>> from turva.visualize.styled import styled_map
>>> g = nx.Graph(view="overview", lang="fi")
>>> g.add_node("theme:T1", type="theme", id="T1")
>>> b"<graphml" in graphml_bytes(styled_map(g))
True
"""

from __future__ import annotations

import io

import networkx as nx

from turva.visualize.styled import StyledMap, flat_graph

__all__ = ["graphml_bytes"]


def graphml_bytes(styled: StyledMap) -> bytes:
    """GraphML (UTF-8) of the map's graph: lists joined with ';', ``x``/``y`` as drawn."""
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(styled), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()
