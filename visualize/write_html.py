"""The styled map as interactive HTML: pyvis nodes and edges drawn by a vendored vis-network.

The HTML references nothing on the internet: vis-network (shipped in the pyvis package)
is inlined into standalone files, or served by the web UI itself (:data:`ASSETS`).
Large maps (``physics`` off) are drawn at the positions of the styled map so that the
browser stays responsive; smaller ones settle with vis-network's physics from a fixed
seed and then stop.

Inside the map (``assets/map.js``): the headline over the canvas; zoom in, zoom out and
fit buttons; a search box that finds a node by name and focuses it; a first click (or a
search, or a neighbour's button) highlights the node's neighbours, dims the rest and
shows a side panel with its details and an "open page" link; a second click on the same
node opens its page. Nodes marked ``labelled`` always show their label, the others on
hover, when selected or zoomed in; labels are at least :data:`MIN_LABEL_PX` pixels at
the first zoom. The focused node lives in the page's URL (``focus=<node id>``), so a
link or a saved view opens the map on it. An empty map says so inside its canvas.

A map's HTML runs exactly two scripts, both fixed: vis-network (:func:`vis_js`, inlined
into standalone files) and the drawing script (:func:`map_js`, ``assets/map.js``), which
reads the map from a JSON data block. Their hashes (:func:`script_hashes`) are what a
Content-Security-Policy must allow; the HTML has no inline event handler and no
``javascript:`` URL. A file opened from disk has no such header and needs nothing.

>>> import re
>>> import networkx as nx
>>> from turva.visualize.styled import styled_map
>>> g = nx.Graph(view="overview", filters={}, lang="en")
>>> g.add_node("phenomenon:x", type="phenomenon", id="x", label_en="x")
>>> styled = styled_map(g, positions=False)
>>> [n["id"] for n in vis_data(styled)["nodes"]]
['phenomenon:x']
>>> html_fragment(styled).startswith('<section class="turva-map" lang="en">')
True
>>> re.search(r"(src|href)=.?https?:", html_document(styled)) is None
True
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from turva.graph.domain.provenance import PROVENANCE_WORDS
from turva.graph.messages import NC_, gettext_for, pgettext_for
from turva.visualize.style import text
from turva.visualize.styled import LegendEntry, StyledMap

__all__ = [
    "ASSETS",
    "VIS_SEED",
    "MIN_LABEL_PX",
    "FOCUS_PARAM",
    "CONTROL_WORDS",
    "vis_js",
    "map_js",
    "map_css",
    "script_hashes",
    "vis_network",
    "vis_options",
    "vis_data",
    "text_alternative",
    "control_words",
    "html_fragment",
    "html_document",
    "html_bytes",
]

ASSETS = Path(__file__).resolve().parent / "assets"
#: vis-network's layout seed: the same data gives the same picture
VIS_SEED = 7
#: the smallest on-screen size of a label at the map's first zoom, in CSS pixels
MIN_LABEL_PX = 12
#: the URL query parameter that names the focused node (a vis node id such as
#: ``organisation:POHA``); map.js reads it on load and keeps it current
FOCUS_PARAM = "focus"
#: the words of the map's controls: the template's (buttons, labels) and map.js's (read
#: from the data block: the script itself holds no words of any language)
CONTROL_WORDS = {
    "controls": NC_("map", "Map controls"),
    "search": NC_("map", "Find on the map"),
    "find": NC_("map", "Find"),
    "zoom_in": NC_("map", "Zoom in"),
    "zoom_out": NC_("map", "Zoom out"),
    "fit": NC_("map", "Show the whole map"),
    "panel": NC_("map", "Selected node"),
    "close": NC_("map", "Close"),
    "open": NC_("map", "Open page"),
    "no_page": NC_("map", "This node has no page of its own."),
    "links": NC_("map", "Linked on the map (%(n)s)"),
    "more": NC_("map", "… and %(n)s more"),
    "not_found": NC_("map", "Nothing on the map matches “%(text)s”."),
    "selected": NC_(
        "map",
        "%(name)s selected: its links are highlighted. Click it again or press Enter "
        "to open its page.",
    ),
    "how": NC_(
        "map",
        "Click a node to highlight its links and see its details; click it again to open "
        "its page. The search box finds a node by name.",
    ),
}
#: how many lines of a node's tooltip the side panel shows under its name
_ABOUT_LINES = 6
#: the legend's symbol for each node shape
_SYMBOLS = {
    "dot": "●",
    "diamond": "◆",
    "hexagon": "⬢",
    "triangle": "▲",
    "square": "■",
    "star": "★",
    "triangleDown": "▼",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(ASSETS)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html")),
        keep_trailing_newline=True,
    )


def _inline_script(name: str) -> str:
    # an HTML parser turns CR LF and CR into LF before a script runs or is hashed: do it
    # here, so that the text written is the text a browser hashes
    text = (ASSETS / name).read_text(encoding="utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@cache
def vis_js() -> str:
    """The vendored vis-network 9.1.2 script (from the pyvis package), as inlined."""
    return _inline_script("vis-network.min.js")


@cache
def map_js() -> str:
    """The script that draws a map from its JSON data block (``assets/map.js``)."""
    return _inline_script("map.js")


def _sha256_source(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def script_hashes() -> tuple[str, ...]:
    """The CSP sources (``'sha256-...'``) of every inline script a map's HTML holds.

    A server adds them to ``script-src``: then the maps run, and no other inline script.

    >>> [h[:8] for h in script_hashes()]
    ["'sha256-", "'sha256-"]
    """
    return (_sha256_source(vis_js()), _sha256_source(map_js()))


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


def vis_network(styled: StyledMap) -> Network:
    """The map as a pyvis Network: one vis node per styled node, one edge per edge.

    Node dicts carry vis-network's styling plus what map.js and its side panel read:
    ``type`` (the node type; ``ntype`` as well, its older name), ``branch`` (the
    administrative branch id or None), ``url`` (the page a second click opens, or None),
    ``name``, ``kind``, ``about`` (the tooltip's lines under the name), ``labelled``
    (False: the label shows on hover, selection or zoom) and ``centre``; positions only
    when ``physics`` is off.

    Examples
    --------
    >>> import networkx as nx
    >>> from turva.visualize.styled import styled_map
    >>> g = nx.Graph(view="overview", lang="fi")
    >>> g.add_node("theme:T1", type="theme", id="T1", label_fi="arki")
    >>> node = vis_network(styled_map(g)).nodes[0]
    >>> node["id"], node["label"], node["shape"], node["url"], "x" in node
    ('theme:T1', 'arki', 'triangleDown', None, False)
    >>> node["type"], node["branch"], node["name"], node["labelled"]
    ('theme', None, 'arki', True)
    """
    net = _Network(directed=True)
    for node in styled.nodes:
        options: dict[str, Any] = {
            "title": node.tooltip,
            "size": round(node.size, 1),
            "borderWidth": node.border_width,
            "url": node.url,
            "ntype": node.type,
            "type": node.type,
            "branch": node.branch,
            "name": node.name or node.label,
            "kind": node.kind,
            "about": "\n".join(node.tooltip.splitlines()[1 : 1 + _ABOUT_LINES]),
            "labelled": node.labelled,
            "centre": node.centre,
            "provenance": node.provenance,
        }
        if node.dashed:
            # an illustrative record: a dashed outline (and never a hair-thin one)
            options["shapeProperties"] = {"borderDashes": [5, 4]}
            options["borderWidth"] = max(node.border_width, 2)
        if not styled.physics and node.x is not None and node.y is not None:
            options["x"], options["y"] = round(node.x, 1), round(node.y, 1)
        net.add_node(
            node.key,
            label=node.label,
            shape=node.shape,
            color={
                "background": node.fill,
                "border": node.border,
                "highlight": {"background": node.fill, "border": "#000000"},
                "hover": {"background": node.fill, "border": "#000000"},
            },
            **options,
        )
    for edge in styled.edges:
        net.add_edge(
            edge.source,
            edge.target,
            width=edge.width,
            title=edge.tooltip,
            arrows={"to": {"enabled": edge.arrow, "scaleFactor": 0.4}},
            weight=edge.weight,
            dashes=edge.dashed,
        )
    return net


def vis_options(node_count: int, physics: bool) -> dict[str, Any]:
    """vis-network options: physics that settles and stops, or none for large maps.

    Examples
    --------
    >>> vis_options(10, physics=False)["physics"]
    {'enabled': False}
    """
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
        # map.js sets the size once it knows the first zoom (MIN_LABEL_PX on screen); a
        # white halo keeps a label readable over the lines it crosses
        "nodes": {
            "font": {
                "size": 14,
                "face": "sans-serif",
                "color": "#1f1f1f",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            }
        },
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


def vis_data(styled: StyledMap) -> dict[str, Any]:
    """What the HTML embeds: ``{"nodes", "edges", "options"}`` for vis-network."""
    net = vis_network(styled)
    options = vis_options(len(styled.nodes), styled.physics)
    return {"nodes": net.nodes, "edges": net.edges, "options": options}


@dataclass(frozen=True)
class _Swatch:
    """A legend line as the template writes it: a symbol, its CSS and the words."""

    kind: str
    symbol: str
    style: str
    text: str


def _swatch(entry: LegendEntry) -> _Swatch:
    if entry.shape is None:
        line = "dashed" if entry.dashed else "solid"
        return _Swatch(entry.kind, "", f"border-top-width:3px;border-top-style:{line}", entry.text)
    if entry.dashed:
        # a dashed ring: the outline of an illustrative record
        return _Swatch(
            entry.kind,
            "",
            f"border:2px dashed {entry.border or '#555555'};border-radius:50%;"
            "width:.9em;height:.9em;vertical-align:middle",
            entry.text,
        )
    style = f"color:{entry.colour}"
    if entry.border:
        style += f";-webkit-text-stroke:2px {entry.border}"
    return _Swatch(entry.kind, _SYMBOLS.get(entry.shape, "●"), style, entry.text)


def _safe_json(value: Any) -> Markup:
    # inside <script> the only dangerous characters are <, > and &: escape them as JSON
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    raw = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(raw)


def _provenance_word(value: str | None, lang: str) -> str:
    if value is None:
        return "–"
    return gettext_for(lang)(PROVENANCE_WORDS.get(value, value))  # type: ignore[call-overload]


def text_alternative(styled: StyledMap) -> dict[str, Any]:
    """The map as two tables a screen reader or a keyboard reaches: its nodes (name, kind,
    provenance) and its links (from, relation, to, provenance), in the map's language.

    Examples
    --------
    >>> import networkx as nx
    >>> from turva.visualize.styled import styled_map
    >>> g = nx.DiGraph(view="overview", lang="en")
    >>> g.add_node("o:P", type="organisation", id="P", label_en="Police", abbreviation="P",
    ...            source="illustrative")
    >>> g.add_node("g:G", type="group", id="G", label_en="Cyber")
    >>> g.add_edge("o:P", "g:G", rel="MEMBER_OF", role="lead", provenance="illustrative")
    >>> table = text_alternative(styled_map(g, positions=False))
    >>> table["nodes"][1]  # doctest: +NORMALIZE_WHITESPACE
    {'name': 'P – Police', 'kind': 'organisation', 'provenance': 'illustrative',
     'illustrative': True, 'url': '/organisations/P'}
    >>> table["edges"][0]["relation"], table["edges"][0]["illustrative"]
    ('is a member of (lead)', True)
    """
    lang = styled.lang
    by_key = {n.key: n for n in styled.nodes}

    def name(node: Any) -> str:
        abbreviation = styled.graph.nodes[node.key].get("abbreviation")
        if abbreviation and abbreviation != node.name:
            return f"{abbreviation} – {node.name}"
        return str(node.name)

    nodes = [
        {
            "name": name(n),
            "kind": n.kind,
            "provenance": _provenance_word(n.provenance, lang),
            "illustrative": n.dashed,
            "url": n.url,
        }
        for n in sorted(styled.nodes, key=lambda n: (n.type, n.name.casefold()))
    ]
    edges = [
        {
            "from": name(by_key[e.source]),
            "relation": e.relation,
            "to": name(by_key[e.target]),
            "provenance": _provenance_word(e.provenance, lang),
            "illustrative": e.dashed,
        }
        for e in styled.edges
    ]
    return {
        "title": text("text_alternative", lang),
        "columns": {
            k: text(k, lang) for k in ("name", "kind", "provenance", "from", "relation", "to")
        },
        "nodes_title": f"{len(nodes)} {text('nodes', lang)}",
        "edges_title": f"{len(edges)} {text('edges', lang)}",
        "nodes": nodes,
        "edges": edges,
    }


def control_words(lang: str) -> dict[str, str]:
    """:data:`CONTROL_WORDS` in ``lang``.

    >>> control_words("en")["open"]
    'Open page'
    """
    words = pgettext_for(lang)
    return {key: words("map", message) for key, message in CONTROL_WORDS.items()}


def html_fragment(styled: StyledMap) -> Markup:
    """The map as an HTML fragment (heading, headline, controls, canvas, side panel,
    legend, script) for a web page.

    The page must load vis-network first (the web UI serves the vendored copy).
    """
    lang = styled.lang
    words = control_words(lang)
    data = {
        **vis_data(styled),
        "words": words,
        "minLabelPx": MIN_LABEL_PX,
        "focusParam": FOCUS_PARAM,
    }
    table = text_alternative(styled)
    html = (
        _environment()
        .get_template("map_fragment.html.j2")
        .render(
            lang=lang,
            title=styled.title,
            subtitle=styled.subtitle,
            headline=styled.headline,
            words=words,
            names=sorted({n["name"] for n in table["nodes"]}, key=str.casefold),
            legend_title=text("legend", lang),
            map_label=text("map_label", lang) % {"title": styled.title},
            table=table,
            legend=[_swatch(entry) for entry in styled.legend],
            notes=[*styled.notes, words["how"]],
            node_count=len(data["nodes"]),
            edge_count=len(data["edges"]),
            physics=styled.physics,
            empty_text=text("empty", lang),
            data_json=_safe_json(data),
            map_js=Markup(map_js()),
        )
    )
    return Markup(html)


def html_document(styled: StyledMap) -> str:
    """The map as one standalone HTML file that works with no network at all."""
    return (
        _environment()
        .get_template("map.html.j2")
        .render(
            lang=styled.lang,
            title=styled.title,
            css=Markup(map_css()),
            vis_js=Markup(vis_js()),
            fragment=html_fragment(styled),
        )
    )


def html_bytes(styled: StyledMap) -> bytes:
    """:func:`html_document` encoded as UTF-8, as files and the API carry it."""
    return html_document(styled).encode("utf-8")
