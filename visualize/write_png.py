"""The styled map as a static PNG for reports (matplotlib, Agg): nodes, edges, labels,
legend and title.

Widths are the styled map's canvas units turned into points (half a point plus half the
width); plain nodes get a thin grey outline so that pale ones show on white paper.

>>> import networkx as nx
>>> from turva.visualize.styled import styled_map
>>> g = nx.Graph(view="overview", lang="en")
>>> g.add_edge("theme:a", "theme:b")
>>> nx.set_node_attributes(g, "theme", "type"); nx.set_node_attributes(g, "a", "id")
>>> png_bytes(styled_map(g))[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import io

from turva.visualize.style import NODE_STYLES
from turva.visualize.styled import LegendEntry, StyledMap

__all__ = ["png_bytes"]

#: matplotlib's marker for each node shape
_MARKERS = {
    "dot": "o",
    "diamond": "D",
    "hexagon": "h",
    "triangle": "^",
    "square": "s",
    "star": "*",
    "triangleDown": "v",
}
#: the outline of plain nodes and swatches
_OUTLINE = "#555555"
#: above this many nodes only the most connected ones are labelled
_LABEL_ALL = 150
_LABEL_MOST = 60


def _points(width: float) -> float:
    """Line width in points for a width in canvas units (1 -> 1 pt, 4 -> 2.5 pt)."""
    return 0.5 + width / 2


def _handle(entry: LegendEntry):  # noqa: ANN202 - matplotlib is imported lazily
    from matplotlib.lines import Line2D

    line = entry.shape is None
    return Line2D(
        [],
        [],
        linestyle="-" if line else "none",
        color=entry.colour,
        marker=None if line else _MARKERS.get(entry.shape or "", "o"),
        markersize=9,
        markeredgecolor=entry.border or _OUTLINE,
        markeredgewidth=2 if entry.border else 0.5,
        label=entry.text,
    )


def png_bytes(styled: StyledMap, dpi: int = 100) -> bytes:
    """The map as a 16 x 10.5 inch PNG (1600 x 1050 pixels at the default ``dpi``).

    The styled map must be laid out (:func:`turva.visualize.styled.styled_map` with
    ``positions=True``, the default).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    # matplotlib's y axis points up, the canvas's down
    pos = {n.key: (n.x, -n.y) for n in styled.nodes if n.x is not None and n.y is not None}
    if len(pos) != len(styled.nodes):
        raise ValueError("a PNG needs a laid-out map: styled_map(graph, positions=True)")
    figure = Figure(figsize=(16, 10.5), dpi=dpi)
    axes = figure.add_axes((0.01, 0.02, 0.68, 0.88))
    axes.set_axis_off()
    figure.text(0.01, 0.96, styled.title, fontsize=18, weight="bold")
    figure.text(0.01, 0.925, styled.subtitle, fontsize=11, color="#555555")
    if styled.nodes:
        segments = [(pos[e.source], pos[e.target]) for e in styled.edges]
        widths = [_points(e.width) for e in styled.edges]
        axes.add_collection(LineCollection(segments, colors="#b0b0b0", linewidths=widths, zorder=1))
        for node_type in NODE_STYLES:  # one scatter a type, in legend order
            members = [n for n in styled.nodes if n.type == node_type]
            if not members:
                continue
            axes.scatter(
                [pos[n.key][0] for n in members],
                [pos[n.key][1] for n in members],
                s=[(n.size * 1.4) ** 2 / 4 for n in members],
                c=[n.fill for n in members],
                marker=_MARKERS.get(members[0].shape, "o"),
                edgecolors=[n.border if n.mark else _OUTLINE for n in members],
                linewidths=[_points(n.border_width) if n.mark else 0.5 for n in members],
                zorder=2,
            )
        labelled = sorted(styled.nodes, key=lambda n: (-n.size, str(n.key)))
        for node in labelled[: len(labelled) if len(labelled) <= _LABEL_ALL else _LABEL_MOST]:
            axes.annotate(
                node.label,
                pos[node.key],
                fontsize=7,
                ha="center",
                va="bottom",
                xytext=(0, 5),
                textcoords="offset points",
                zorder=3,
            )
        axes.autoscale_view()
        axes.margins(0.04)
    figure.legend(
        handles=[_handle(entry) for entry in styled.legend],
        loc="upper left",
        bbox_to_anchor=(0.70, 0.9),
        fontsize=8,
        frameon=False,
    )
    figure.text(0.70, 0.04, "\n".join(styled.notes), fontsize=8, color="#555555")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
