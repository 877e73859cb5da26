"""Maps as interactive HTML: pyvis nodes and edges drawn by a vendored vis-network.

The HTML references nothing on the internet: vis-network (shipped in the pyvis package)
is inlined into standalone files, or served by the web UI itself. Clicking a node opens
its page in the web UI. Maps above :data:`LARGE_MAP` (300) nodes are laid out on the server
(:mod:`visualize.layout`) and drawn with physics off so that the browser stays
responsive; smaller ones settle with vis-network's physics from a fixed seed and then
stop.

>>> import re
>>> g = nx.Graph(view="overview", filters={}, lang="en")
>>> g.add_node("phenomenon:x", type="phenomenon", id="x", label_fi="x", label_sv="x",
...            label_en="x")
>>> re.search(r"(src|href)=.?https?:", render_html(g)) is None
True
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from turva.visualize.analytics import annotate
from turva.visualize.layout import layout
from turva.visualize.style import (
    BROKER_BORDER,
    NO_BRANCH_COLOUR,
    NODE_STYLES,
    NODE_TYPES,
    SINGLE_BRANCH_BORDER,
    STATUS_COLOURS,
    branch_colours,
    community_colour,
    node_url,
    text,
)

__all__ = [
    "LARGE_MAP",
    "VIS_SEED",
    "LegendItem",
    "prepare",
    "display_label",
    "map_title",
    "legend",
    "to_pyvis",
    "vis_options",
    "map_data",
    "render_fragment",
    "render_html",
    "vis_js",
    "map_css",
]

#: above this many nodes a map is laid out on the server and drawn without physics
#: (measured, bench/README.md: vis-network's physics needed ~6 s to settle 400 nodes and
#: ~20 s for 950 on a 2-core machine; a server layout is drawn in 1-4 s up to 5,000)
LARGE_MAP = 300
#: vis-network's layout seed: the same data gives the same picture
VIS_SEED = 7
#: pixels per layout unit for server-side positions
_SCALE = 35.0
_LABEL_MAX = 40

ASSETS = Path(__file__).resolve().parent / "assets"
_SYMBOLS = {
    "dot": "●",
    "diamond": "◆",
    "hexagon": "⬢",
    "triangle": "▲",
    "square": "■",
    "star": "★",
    "triangleDown": "▼",
}
_DERIVED = {"who-works-on-what", "collaboration"}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(ASSETS)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html")),
        keep_trailing_newline=True,
    )


@cache
def vis_js() -> str:
    """The vendored vis-network 9.1.2 script (from the pyvis package)."""
    return (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")


@cache
def map_css() -> str:
    """The maps' own style sheet (legend, canvas, tooltips)."""
    return (ASSETS / "map.css").read_text(encoding="utf-8")


class _Network(Network):  # type: ignore[misc]
    """pyvis's Network, checking node membership in a dict instead of scanning a list.

    pyvis scans its node list twice per added edge, which makes 5,000-node maps take
    seconds just to assemble.
    """

    def get_nodes(self) -> Any:
        return self.node_map


def prepare(graph: nx.Graph) -> nx.Graph:
    """Annotate the graph with analytics (once) and, when large, with positions ``x``/``y``."""
    if graph.graph.get("annotated"):
        return graph
    annotate(graph)
    if len(graph) > LARGE_MAP:
        parts: dict[int, list[Any]] = {}
        for node, attrs in graph.nodes(data=True):
            parts.setdefault(attrs["community"], []).append(node)
        for node, (x, y) in layout(graph, parts=parts.values()).items():
            graph.nodes[node]["x"] = round(x * _SCALE, 1)
            graph.nodes[node]["y"] = round(-y * _SCALE, 1)
    graph.graph["annotated"] = True
    return graph


def _lang(graph: nx.Graph, lang: str | None) -> str:
    return lang or graph.graph.get("lang") or "fi"


def display_label(attrs: dict[str, Any], lang: str = "fi") -> str:
    """What the map writes beside a node: an abbreviation, an id or a shortened name.

    >>> display_label({"type": "measure", "id": "M01", "label_fi": "Pitkä nimi"})
    'M01'
    >>> display_label({"type": "group", "id": "PG1", "number": 8, "label_fi": "Kyber"})
    '8. Kyber'
    """
    name = str(attrs.get(f"label_{lang}") or attrs.get("label_fi") or attrs["id"])
    if attrs["type"] in ("goal", "measure"):
        label = str(attrs["id"])
    elif attrs["type"] == "group" and attrs.get("number") is not None:
        label = f"{attrs['number']}. {name}"
    else:
        label = str(attrs.get("abbreviation") or name)
    return label if len(label) <= _LABEL_MAX else label[: _LABEL_MAX - 1].rstrip() + "…"


def _centre(graph: nx.Graph) -> dict[str, Any] | None:
    return next((a for _, a in graph.nodes(data=True) if a.get("centre")), None)


def map_title(graph: nx.Graph, lang: str | None = None) -> tuple[str, str]:
    """The map's title and the line under it (filters applied, size).

    >>> g = nx.Graph(view="who-works-on-what", filters={"period": 2021})
    >>> map_title(g, "en")
    ('Who works on what', 'period 2021 · 0 nodes, 0 links')
    """
    lang = _lang(graph, lang)
    view = graph.graph.get("view", "overview")
    title = text(view, lang)
    centre = _centre(graph)
    if centre is not None:
        name = centre.get(f"label_{lang}") or centre.get("label_fi") or centre["id"]
        title = f"{title}: {name}"
    filters = graph.graph.get("filters") or {}
    parts = [f"{text('filter.' + k, lang)} {v}" for k, v in filters.items()]
    size = (
        f"{graph.number_of_nodes()} {text('nodes', lang)}, "
        f"{graph.number_of_edges()} {text('edges', lang)}"
    )
    return title, " · ".join([*parts, size]) if parts else f"{text('no_filters', lang)} · {size}"


def _branch_palette(graph: nx.Graph) -> dict[str, str]:
    return branch_colours(
        a["branch"]
        for _, a in graph.nodes(data=True)
        if a["type"] == "organisation" and a.get("branch")
    )


def node_colour(graph: nx.Graph, attrs: dict[str, Any], palette: dict[str, str]) -> str:
    """The fill colour of a node on this map."""
    if attrs["type"] == "organisation":
        if graph.graph.get("view") == "collaboration":
            return community_colour(int(attrs.get("community", 0)))
        return palette.get(attrs.get("branch") or "", NO_BRANCH_COLOUR)
    if attrs["type"] == "measure":
        return STATUS_COLOURS.get(str(attrs.get("status")), NODE_STYLES["measure"].colour)
    return NODE_STYLES[attrs["type"]].colour


def _single_branch(graph: nx.Graph, attrs: dict[str, Any]) -> bool:
    return (
        graph.graph.get("view") == "who-works-on-what"
        and attrs["type"] == "phenomenon"
        and attrs.get("branches", 2) <= 1
    )


def _tooltip(graph: nx.Graph, attrs: dict[str, Any], lang: str) -> str:
    name = attrs.get(f"label_{lang}") or attrs.get("label_fi") or attrs["id"]
    lines = [str(name), f"{text('type.' + attrs['type'], lang)} · {attrs['id']}"]
    if attrs.get("branch"):
        lines.append(f"{text('filter.branch', lang)}: {attrs['branch']}")
    if attrs.get("status"):
        lines.append(f"{text('status', lang)}: {text('status.' + str(attrs['status']), lang)}")
    if attrs.get("period") is not None:
        lines.append(f"{text('filter.period', lang)}: {attrs['period']}")
    if "branches" in attrs:
        lines.append(f"{text('branches', lang)}: {attrs['branches']}")
    lines.append(f"{text('degree', lang)}: {attrs.get('degree', 0)}")
    lines.append(f"{text('betweenness', lang)}: {attrs.get('betweenness', 0.0):.3f}")
    if graph.graph.get("view") == "collaboration":
        lines.append(f"{text('community', lang)}: {int(attrs.get('community', 0)) + 1}")
    if attrs.get("broker"):
        lines.append(text("broker", lang).split(" (")[0])
    return "\n".join(lines)


def _edge_tooltip(graph: nx.Graph, a: str, b: str, attrs: dict[str, Any], lang: str) -> str:
    names = [display_label(graph.nodes[n], lang) for n in (a, b)]
    if attrs.get("rel") == "WORKS_ON":
        lead = f" ({text('lead', lang)})" if attrs.get("lead") else ""
        measures = ", ".join(attrs.get("measures", []))
        return (
            f"{names[0]} → {names[1]}{lead}\n"
            f"{attrs['weight']} {text('active_measures', lang)}: {measures}"
        )
    if attrs.get("rel") == "COLLABORATES":
        return (
            f"{names[0]} — {names[1]}\n"
            f"{text('shared_phenomena', lang)}: {', '.join(attrs['shared_phenomena']) or '-'}\n"
            f"{text('shared_groups', lang)}: {', '.join(attrs['shared_groups']) or '-'}"
        )
    role = f" ({attrs['role']})" if attrs.get("role") else ""
    return f"{names[0]} —{str(attrs.get('rel', '')).lower()}{role}→ {names[1]}"


def to_pyvis(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> Network:
    """The map as a pyvis Network: one styled vis node per graph node, one edge per edge.

    Node dicts carry vis-network's styling plus ``url`` (the page a click opens, or
    None) and ``ntype`` (the node type).
    """
    lang = _lang(graph, lang)
    prepare(graph)
    palette = _branch_palette(graph)
    net = _Network(directed=True)
    top = max((a.get("degree", 0) for _, a in graph.nodes(data=True)), default=0) or 1
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        fill = node_colour(graph, attrs, palette)
        border, border_width = fill, 1
        if attrs.get("broker"):
            border, border_width = BROKER_BORDER, 4
        elif _single_branch(graph, attrs):
            border, border_width = SINGLE_BRANCH_BORDER, 3
        size = 8 + 24 * math.sqrt(attrs.get("degree", 0) / top)
        options: dict[str, Any] = {
            "title": _tooltip(graph, attrs, lang),
            "size": round(36.0 if attrs.get("centre") else size, 1),
            "borderWidth": border_width,
            "url": node_url(attrs["type"], attrs["id"], attrs.get("group"), base_url),
            "ntype": attrs["type"],
        }
        if attrs.get("centre"):
            options["font"] = {"size": 18, "bold": True}
        if "x" in attrs:
            options["x"], options["y"] = attrs["x"], attrs["y"]
        net.add_node(
            node,
            label=display_label(attrs, lang),
            shape=NODE_STYLES[attrs["type"]].shape,
            color={
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": "#000000"},
                "hover": {"background": fill, "border": "#000000"},
            },
            **options,
        )
    derived = graph.graph.get("view") in _DERIVED
    for a, b in sorted(graph.edges, key=lambda e: (str(e[0]), str(e[1]))):
        attrs = graph.edges[a, b]
        weight = int(attrs.get("weight", 1))
        net.add_edge(
            a,
            b,
            width=round(1 + 0.9 * min(weight, 10), 1) if derived else 1,
            title=_edge_tooltip(graph, a, b, attrs, lang),
            arrows={"to": {"enabled": not derived, "scaleFactor": 0.4}},
            weight=weight,
        )
    return net


def vis_options(node_count: int, physics: bool) -> dict[str, Any]:
    """vis-network options: physics that settles and stops, or none for large maps."""
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"randomSeed": VIS_SEED, "improvedLayout": node_count <= 150},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "hideEdgesOnDrag": node_count > 300,
            "hideEdgesOnZoom": node_count > 300,
        },
        "nodes": {"font": {"size": 13, "face": "sans-serif"}},
        "edges": {
            "smooth": False,
            "color": {"color": "#a0a0a0", "highlight": "#333333", "hover": "#555555"},
            "selectionWidth": 2,
        },
    }
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 90,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50},
        }
    else:
        options["physics"] = {"enabled": False}
    return options


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend: a symbol in a colour and what it means."""

    kind: str
    symbol: str
    style: str
    text: str


def legend(graph: nx.Graph, lang: str | None = None) -> tuple[list[LegendItem], list[str]]:
    """The legend of this map (only what is on it) and its notes."""
    lang = _lang(graph, lang)
    view = graph.graph.get("view")
    present = {a["type"] for _, a in graph.nodes(data=True)}
    items: list[LegendItem] = []

    def node_item(kind: str, shape: str, colour: str, words: str) -> None:
        items.append(LegendItem(kind, _SYMBOLS.get(shape, "●"), f"color:{colour}", words))

    for node_type in NODE_TYPES:
        if node_type not in present:
            continue
        style = NODE_STYLES[node_type]
        if node_type == "organisation" and view == "collaboration":
            for i in range(int(graph.graph.get("communities", 0))):
                node_item(
                    "community",
                    style.shape,
                    community_colour(i),
                    f"{text('type.organisation', lang)}, {text('community', lang)} {i + 1}",
                )
        elif node_type == "organisation":
            palette = _branch_palette(graph)
            for branch, colour in palette.items():
                node_item(
                    "branch",
                    style.shape,
                    colour,
                    f"{text('type.organisation', lang)}, {text('filter.branch', lang)} {branch}",
                )
            if any(
                a["type"] == "organisation" and not a.get("branch")
                for _, a in graph.nodes(data=True)
            ):
                node_item(
                    "branch",
                    style.shape,
                    NO_BRANCH_COLOUR,
                    f"{text('type.organisation', lang)}, {text('no_branch', lang)}",
                )
        elif node_type == "measure":
            statuses = {
                a.get("status") for _, a in graph.nodes(data=True) if a["type"] == "measure"
            }
            for status, colour in STATUS_COLOURS.items():
                if status in statuses:
                    node_item(
                        "status",
                        style.shape,
                        colour,
                        f"{text('type.measure', lang)}, {text('status.' + status, lang)}",
                    )
        else:
            node_item("type", style.shape, style.colour, text("type." + node_type, lang))
    if any(a.get("broker") for _, a in graph.nodes(data=True)):
        items.append(
            LegendItem(
                "broker",
                "●",
                f"color:#fff;-webkit-text-stroke:2px {BROKER_BORDER}",
                text("broker", lang),
            )
        )
    if any(_single_branch(graph, a) for _, a in graph.nodes(data=True)):
        items.append(
            LegendItem(
                "single-branch",
                "◆",
                f"color:#fff;-webkit-text-stroke:2px {SINGLE_BRANCH_BORDER}",
                text("single_branch", lang),
            )
        )
    edge_key = f"edge.{view}" if view in _DERIVED else "edge.other"
    items.append(LegendItem("edge", "", "border-top-width:3px", text(edge_key, lang)))
    notes = [text("size", lang)]
    if view == "collaboration":
        notes.append(text("communities", lang))
    if len(graph) > LARGE_MAP:
        notes.append(text("large", lang))
    notes.append(text("click", lang))
    return items, notes


def _safe_json(value: Any) -> Markup:
    # inside <script> the only dangerous characters are <, > and &: escape them as JSON
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    raw = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(raw)


def map_data(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> dict[str, Any]:
    """What the HTML embeds: ``{"nodes", "edges", "options"}`` for vis-network."""
    net = to_pyvis(graph, base_url, lang)
    physics = len(graph) <= LARGE_MAP
    return {"nodes": net.nodes, "edges": net.edges, "options": vis_options(len(graph), physics)}


def render_fragment(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> Markup:
    """The map as an HTML fragment (heading, legend, canvas, script) for a web page.

    The page must load vis-network first (the web UI serves the vendored copy).
    """
    lang = _lang(graph, lang)
    data = map_data(graph, base_url, lang)
    title, subtitle = map_title(graph, lang)
    items, notes = legend(graph, lang)
    html = (
        _environment()
        .get_template("map_fragment.html.j2")
        .render(
            lang=lang,
            title=title,
            subtitle=subtitle,
            legend_title=text("legend", lang),
            legend=items,
            notes=notes,
            node_count=len(data["nodes"]),
            edge_count=len(data["edges"]),
            physics=data["options"]["physics"]["enabled"],
            empty_text=text("empty", lang),
            data_json=_safe_json(data),
        )
    )
    return Markup(html)


def render_html(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> str:
    """The map as one standalone HTML file that works with no network at all.

    ``base_url`` prefixes the links a click opens (e.g. ``http://127.0.0.1:8000``); leave
    it empty for pages served by the web UI itself.
    """
    lang = _lang(graph, lang)
    fragment = render_fragment(graph, base_url, lang)
    title, _ = map_title(graph, lang)
    return (
        _environment()
        .get_template("map.html.j2")
        .render(
            lang=lang,
            title=title,
            css=Markup(map_css()),
            vis_js=Markup(vis_js()),
            fragment=fragment,
        )
    )
