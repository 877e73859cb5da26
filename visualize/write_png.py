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
import textwrap
from collections.abc import Hashable
from typing import Any

from turva.visualize.style import NODE_STYLES
from turva.visualize.styled import LegendEntry, StyledMap

__all__ = ["png_bytes", "label_boxes"]

#: matplotlib's marker for each node shape (a table of names alike in shape only to
#: api/routes/records.py's RESOURCE_TAGS)
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
#: labels in points: about 14 px at the default 100 dpi, legible on paper and screen
_LABEL_SIZE = 10
#: the gap in points between a node and its label
_GAP = 2.0
#: a label's room kept free around it (pixels), so neighbouring labels do not touch
_PAD = 2.0


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


def _marker_radius(size: float) -> float:
    """A node's marker radius in points (the scatter's area is ``(size * 1.4) ** 2 / 4``)."""
    return size * 1.4 / 4


def _figure(styled: StyledMap, dpi: int) -> tuple[Any, dict[Hashable, Any]]:
    """The drawn figure and the labels placed on it (node key -> matplotlib Text)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    # matplotlib's y axis points up, the canvas's down
    pos = {n.key: (n.x, -n.y) for n in styled.nodes if n.x is not None and n.y is not None}
    if len(pos) != len(styled.nodes):
        raise ValueError("a PNG needs a laid-out map: styled_map(graph, positions=True)")
    figure = Figure(figsize=(16, 10.5), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.01, 0.02, 0.68, 0.84))
    axes.set_axis_off()
    figure.text(0.01, 0.96, styled.title, fontsize=18, weight="bold")
    figure.text(0.01, 0.93, styled.subtitle, fontsize=11, color="#555555")
    if styled.headline:
        figure.text(0.01, 0.885, textwrap.fill(styled.headline, 150), fontsize=13)
    labels: dict[Hashable, Any] = {}
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
        axes.autoscale_view()
        axes.margins(0.05)
        labels = _place_labels(figure, axes, styled, pos)
    figure.legend(
        handles=[_handle(entry) for entry in styled.legend],
        loc="upper left",
        bbox_to_anchor=(0.70, 0.86),
        fontsize=9,
        frameon=False,
    )
    notes = [textwrap.fill(note, 55) for note in styled.notes]
    figure.text(0.70, 0.04, "\n".join(notes), fontsize=9, color="#555555")
    return figure, labels


def _place_labels(
    figure: Any, axes: Any, styled: StyledMap, pos: dict[Hashable, tuple[float, float]]
) -> dict[Hashable, Any]:
    """Label the labelled nodes, most connected first, each where it overlaps no label
    placed before it (above, below, right or left of its node); a label with no free
    place is left out (its node's name is in the browser's map and the text table)."""
    renderer = figure.canvas.get_renderer()
    area = axes.get_window_extent(renderer)
    taken: list[Any] = []
    placed: dict[Hashable, Any] = {}
    for node in sorted(
        (n for n in styled.nodes if n.labelled), key=lambda n: (-n.size, str(n.key))
    ):
        away = _marker_radius(node.size) + _GAP
        for dx, dy, ha, va in (
            (0, away, "center", "bottom"),
            (0, -away, "center", "top"),
            (away, 0, "left", "center"),
            (-away, 0, "right", "center"),
        ):
            label = axes.annotate(
                node.label,
                pos[node.key],
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=_LABEL_SIZE,
                ha=ha,
                va=va,
                zorder=3,
                annotation_clip=False,
                # a light backing keeps a label legible over the lines behind it
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
            )
            box = label.get_window_extent(renderer).expanded(1.0, 1.0).padded(_PAD)
            fits = area.x0 <= box.x0 and box.x1 <= area.x1 + area.width * 0.02
            if fits and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                placed[node.key] = label
                break
            label.remove()
    return placed


def label_boxes(styled: StyledMap, dpi: int = 100) -> dict[Hashable, tuple[float, ...]]:
    """Where the PNG draws each label: node key -> ``(x0, y0, x1, y1)`` in pixels.

    Only labelled nodes (:attr:`~turva.visualize.styled.StyledNode.labelled`) are drawn,
    and no two labels overlap.
    """
    figure, labels = _figure(styled, dpi)
    renderer = figure.canvas.get_renderer()
    return {
        key: tuple(float(v) for v in label.get_window_extent(renderer).extents)
        for key, label in labels.items()
    }


def png_bytes(styled: StyledMap, dpi: int = 100) -> bytes:
    """The map as a 16 x 10.5 inch PNG (1600 x 1050 pixels at the default ``dpi``): title,
    subtitle, headline, the network with the labelled nodes' names, legend and notes.

    The styled map must be laid out (:func:`turva.visualize.styled.styled_map` with
    ``positions=True``, the default).
    """
    figure, _ = _figure(styled, dpi)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
