"""The styled map as GEXF 1.2 for Gephi: the attributes plus each node's label, colour,
size and position, so a map opened in Gephi looks like the one in the browser.

>>> import networkx as nx
>>> from turva.visualize.styled import styled_map
>>> g = nx.Graph(view="overview", lang="fi")
>>> g.add_node("theme:T1", type="theme", id="T1", label_fi="arki")
>>> read = nx.read_gexf(io.BytesIO(gexf_bytes(styled_map(g))))
>>> read.nodes["theme:T1"]["label"], read.nodes["theme:T1"]["record_id"]
('arki', 'T1')
"""

from __future__ import annotations

import io

import networkx as nx

from turva.visualize.styled import StyledMap, flat_graph

__all__ = ["gexf_bytes"]


def _rgba(colour: str) -> dict[str, float]:
    hex_ = colour.lstrip("#")
    r, g, b = (int(hex_[i : i + 2], 16) for i in (0, 2, 4))
    return {"r": r, "g": g, "b": b, "a": 1.0}


def gexf_bytes(styled: StyledMap) -> bytes:
    """GEXF 1.2 (UTF-8) with ``viz`` colour, size and position (``y`` up, as in Gephi).

    The styled map must be laid out (``positions=True``, the default).
    """
    flat = flat_graph(styled)
    for node in styled.nodes:
        attrs = flat.nodes[node.key]
        # networkx's GEXF writer takes an "id" attribute as the node's id, and record ids
        # repeat across types (SM is a branch and a ministry): keep the map's key instead
        attrs["record_id"] = attrs.pop("id")
        attrs["label"] = node.label
        attrs["viz"] = {
            "color": _rgba(node.fill),
            "size": round(node.size, 2),
            "position": {"x": round(node.x or 0.0, 3), "y": round(-(node.y or 0.0), 3), "z": 0.0},
        }
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    return buffer.getvalue()
