"""Maps as files: interactive HTML, GraphML and GEXF (for Gephi), node-link JSON, PNG.

Every format carries the same nodes, edges and analytics (degree, betweenness,
community, broker); GEXF also carries each node's colour, size and position, so a map
opened in Gephi looks like the one in the browser.

>>> format_of("maps/sm.gexf")
'gexf'
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx

from turva.graph.errors import BadArgument
from turva.visualize.layout import layout
from turva.visualize.render import (
    _branch_palette,
    _single_branch,
    display_label,
    legend,
    map_title,
    node_colour,
    prepare,
    render_html,
)
from turva.visualize.style import BROKER_BORDER, NODE_STYLES, SINGLE_BRANCH_BORDER
from turva.visualize.views import FORMATS

__all__ = [
    "MEDIA_TYPES",
    "format_of",
    "flat_graph",
    "to_graphml",
    "to_gexf",
    "to_json",
    "to_png",
    "export_map",
    "write_map",
]

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "png": "image/png",
}


def format_of(path: str | Path) -> str:
    """The export format named by a file's extension; a clear error for any other.

    >>> format_of("x.PNG")
    'png'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BadArgument(
            f"output file {str(path)!r}: the extension must be one of "
            f"{', '.join('.' + f for f in FORMATS)} (it picks the format)"
        )
    return suffix


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flat_graph(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars (lists joined with ';'), as GraphML needs.

    >>> g = nx.Graph(); g.add_edge("a", "b", measures=["M1", "M2"], gone=None)
    >>> flat_graph(g).edges["a", "b"]
    {'measures': 'M1;M2'}
    """
    flat = graph.__class__()
    flat.graph.update(
        {k: _scalar(v) for k, v in graph.graph.items() if v is not None and k != "annotated"}
    )
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for a, b, attrs in graph.edges(data=True):
        flat.add_edge(a, b, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    return flat


def _positions(graph: nx.Graph) -> dict[Hashable, tuple[float, float]]:
    if graph.number_of_nodes() and all("x" in a for _, a in graph.nodes(data=True)):
        return {n: (a["x"], -a["y"]) for n, a in graph.nodes(data=True)}
    return layout(graph)


def _size(attrs: dict[str, Any], top: int) -> float:
    return 8 + 24 * math.sqrt(attrs.get("degree", 0) / (top or 1))


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML with every node and edge attribute (and the analytics)."""
    prepare(graph)
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(graph: nx.Graph, lang: str | None = None) -> bytes:
    """GEXF 1.2 for Gephi, with each node's label, colour, size and position."""
    lang = lang or graph.graph.get("lang") or "fi"
    prepare(graph)
    flat = flat_graph(graph)
    palette = _branch_palette(graph)
    pos = _positions(graph)
    top = max((a.get("degree", 0) for _, a in graph.nodes(data=True)), default=0)
    scale = 100.0 if len(graph) <= 300 else 1.0
    for node, attrs in graph.nodes(data=True):
        colour = node_colour(graph, attrs, palette).lstrip("#")
        r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        x, y = pos.get(node, (0.0, 0.0))
        # networkx's GEXF writer takes an "id" attribute as the node's id, and record ids
        # repeat across types (SM is a branch and a ministry): keep the map's key instead
        flat.nodes[node]["record_id"] = flat.nodes[node].pop("id")
        flat.nodes[node]["label"] = display_label(attrs, lang)
        flat.nodes[node]["viz"] = {
            "color": {"r": r, "g": g, "b": b, "a": 1.0},
            "size": round(_size(attrs, top), 2),
            "position": {"x": round(x * scale, 3), "y": round(y * scale, 3), "z": 0.0},
        }
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    return buffer.getvalue()


def to_json(graph: nx.Graph) -> dict[str, Any]:
    """networkx's node-link JSON (``nodes``, ``edges``, ``graph``), analytics included."""
    prepare(graph)
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {k: v for k, v in data["graph"].items() if k != "annotated"}
    return data


def to_png(graph: nx.Graph, lang: str | None = None, dpi: int = 100) -> bytes:
    """A static picture for reports (matplotlib, Agg): nodes, edges, labels, legend, title."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    lang = lang or graph.graph.get("lang") or "fi"
    prepare(graph)
    pos = _positions(graph)
    palette = _branch_palette(graph)
    top = max((a.get("degree", 0) for _, a in graph.nodes(data=True)), default=0)
    title, subtitle = map_title(graph, lang)
    figure = Figure(figsize=(16, 10.5), dpi=dpi)
    axes = figure.add_axes((0.01, 0.02, 0.68, 0.88))
    axes.set_axis_off()
    figure.text(0.01, 0.96, title, fontsize=18, weight="bold")
    figure.text(0.01, 0.925, subtitle, fontsize=11, color="#555555")
    if len(graph):
        segments = [(pos[a], pos[b]) for a, b in graph.edges()]
        widths = [0.5 + 0.5 * min(int(graph.edges[e].get("weight", 1)), 10) for e in graph.edges()]
        axes.add_collection(LineCollection(segments, colors="#b0b0b0", linewidths=widths, zorder=1))
        for node_type, style in NODE_STYLES.items():
            members = sorted(
                (n for n, a in graph.nodes(data=True) if a["type"] == node_type), key=str
            )
            if not members:
                continue
            attrs = [graph.nodes[n] for n in members]
            axes.scatter(
                [pos[n][0] for n in members],
                [pos[n][1] for n in members],
                s=[(_size(a, top) * 1.4) ** 2 / 4 for a in attrs],
                c=[node_colour(graph, a, palette) for a in attrs],
                marker=style.marker,
                edgecolors=[_border(graph, a)[0] for a in attrs],
                linewidths=[_border(graph, a)[1] for a in attrs],
                zorder=2,
            )
        labelled = sorted(graph.nodes, key=lambda n: (-graph.nodes[n].get("degree", 0), str(n)))
        for node in labelled[: len(graph) if len(graph) <= 150 else 60]:
            x, y = pos[node]
            axes.annotate(
                display_label(graph.nodes[node], lang),
                (x, y),
                fontsize=7,
                ha="center",
                va="bottom",
                xytext=(0, 5),
                textcoords="offset points",
                zorder=3,
            )
        axes.autoscale_view()
        axes.margins(0.04)
    items, notes = legend(graph, lang)
    handles = [
        Line2D(
            [],
            [],
            linestyle="none" if item.kind != "edge" else "-",
            color=_legend_colour(item.style),
            marker=_legend_marker(item.symbol) if item.kind != "edge" else None,
            markersize=9,
            markeredgecolor=_legend_edge(item),
            markeredgewidth=2 if item.kind in ("broker", "single-branch") else 0.5,
            label=item.text,
        )
        for item in items
    ]
    figure.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(0.70, 0.9), fontsize=8, frameon=False
    )
    figure.text(0.70, 0.04, "\n".join(notes[:-1]), fontsize=8, color="#555555")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _border(graph: nx.Graph, attrs: dict[str, Any]) -> tuple[str, float]:
    if attrs.get("broker"):
        return BROKER_BORDER, 2.5
    if _single_branch(graph, attrs):
        return SINGLE_BRANCH_BORDER, 2.0
    return "#555555", 0.5


_MARKERS = {"●": "o", "◆": "D", "⬢": "h", "▲": "^", "■": "s", "★": "*", "▼": "v"}


def _legend_edge(item: Any) -> str:
    if item.kind == "broker":
        return BROKER_BORDER
    if item.kind == "single-branch":
        return SINGLE_BRANCH_BORDER
    return "#555555"


def _legend_marker(symbol: str) -> str:
    return _MARKERS.get(symbol, "o")


def _legend_colour(style: str) -> str:
    for part in style.split(";"):
        if part.startswith("color:"):
            colour = part.split(":", 1)[1]
            return "#ffffff" if colour == "#fff" else colour
    return "#999999"


def export_map(graph: nx.Graph, fmt: str, base_url: str = "", lang: str | None = None) -> bytes:
    """The map in format ``fmt`` (html, graphml, gexf, json, png) as bytes."""
    if fmt == "html":
        return render_html(graph, base_url=base_url, lang=lang).encode("utf-8")
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "gexf":
        return to_gexf(graph, lang)
    if fmt == "json":
        return json.dumps(to_json(graph), ensure_ascii=False, indent=1, sort_keys=True).encode()
    if fmt == "png":
        return to_png(graph, lang)
    raise BadArgument(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def write_map(
    graph: nx.Graph, path: str | Path, base_url: str = "", lang: str | None = None
) -> str:
    """Write the map to ``path`` in the format its extension names; returns the format."""
    fmt = format_of(path)
    Path(path).write_bytes(export_map(graph, fmt, base_url=base_url, lang=lang))
    return fmt
