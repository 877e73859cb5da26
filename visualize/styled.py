"""The styled map: a view's graph with analytics, positions and looks, ready to be written.

:func:`styled_map` turns a view's networkx graph (:func:`turva.visualize.views.read_map`)
into one :class:`StyledMap`: every node's label, tooltip, fill, border, mark, size, link
and position, every edge's width and tooltip, the title, the legend and its notes. The
writers (``write_html``, ``write_png``, ``write_graphml``, ``write_gexf``,
``write_json``) only read it, so every format shows the same map.

Positions are canvas units (about a pixel at 100 % zoom) with ``y`` pointing down, as
vis-network draws them. Maps above :data:`LARGE_MAP` nodes are always laid out here; the
browser lays out smaller ones itself (``physics``), so the HTML alone may skip their
layout (``positions=False``).

>>> g = nx.DiGraph(view="who-works-on-what", filters={"period": 2021}, lang="en")
>>> g.add_node("organisation:SM", type="organisation", id="SM", label_en="Interior", branch="SM")
>>> for p in ("cyber", "fraud"):
...     g.add_node(f"phenomenon:{p}", type="phenomenon", id=p, label_en=p, branches=1)
...     g.add_edge("organisation:SM", f"phenomenon:{p}", rel="WORKS_ON", weight=2)
>>> styled = styled_map(g)
>>> styled.title, styled.subtitle
('Who works on what', 'period 2021 · 3 nodes, 2 links')
>>> [(n.label, n.fill, n.mark) for n in styled.nodes]  # doctest: +NORMALIZE_WHITESPACE
[('Interior', '#0072b2', 'broker'), ('cyber', '#f2a900', 'single-branch'),
 ('fraud', '#f2a900', 'single-branch')]
>>> styled.edges[0].width, styled.legend[-1].text
(2.8, 'line width: number of active measures')
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from turva.graph.domain.provenance import PROVENANCE_WORDS, provenance
from turva.graph.domain.words import BODY_KINDS, ORGANISATION_KINDS, ROLES
from turva.graph.messages import gettext_for, ngettext_for
from turva.visualize.analytics import annotate
from turva.visualize.layout import SPRING_LIMIT, layout
from turva.visualize.style import (
    MARK_BORDERS,
    NO_BRANCH_COLOUR,
    NODE_STYLES,
    STATUS_COLOURS,
    branch_colours,
    community_colour,
    node_url,
    text,
)
from turva.visualize.summary import community_names, connections, headline, labelled_nodes

__all__ = [
    "LARGE_MAP",
    "StyledNode",
    "StyledEdge",
    "LegendEntry",
    "StyledMap",
    "styled_map",
    "display_label",
    "map_title",
    "flat_graph",
    "node_looks",
    "illustrative_shares",
]

#: above this many nodes a map is laid out on the server and drawn without physics
#: (measured, bench/README.md: vis-network's physics needed ~6 s to settle 400 nodes and
#: ~20 s for 950 on a 2-core machine; a server layout is drawn in 1-4 s up to 5,000)
LARGE_MAP = 300
#: canvas units per layout unit: a spring layout fills the unit disc, a community
#: layout spreads over about sqrt(nodes) units
_SPRING_SCALE = 100.0
_COMMUNITY_SCALE = 35.0
#: the canvas's width over its height: the layout is stretched to fill it
ASPECT = 1.6
_LABEL_MAX = 40
_SENTENCE_MAX = 28
#: views whose edges are derived and weighted (drawn wider for more), not relationships
_DERIVED = {"who-works-on-what", "collaboration"}
#: border widths (canvas units) of marked and plain nodes
_BORDER_WIDTHS: dict[str | None, int] = {"broker": 4, "single-branch": 3, None: 1}
#: the node type each mark can fall on (its legend entry takes that type's shape)
_MARKED_TYPE = {"broker": "organisation", "single-branch": "phenomenon"}


@dataclass(frozen=True)
class StyledNode:
    """One node as every writer draws it.

    ``mark`` is ``"broker"``, ``"single-branch"`` or None; ``border`` is the mark's
    colour, or the fill for a plain node. ``x`` and ``y`` are None only for a small map
    styled with ``positions=False``.
    """

    key: Hashable
    type: str
    record_id: str
    label: str
    tooltip: str
    shape: str
    fill: str
    border: str
    border_width: int
    mark: str | None
    size: float
    centre: bool
    url: str | None
    x: float | None
    y: float | None
    name: str = ""
    kind: str = ""
    provenance: str = "unsourced"
    #: the administrative branch id the node belongs to (a branch node: its own id)
    branch: str | None = None
    #: False for a node whose label shows only on hover or zoom (a minor node of a big map)
    labelled: bool = True

    @property
    def dashed(self) -> bool:
        """True for an illustrative record: drawn with a dashed border."""
        return self.provenance == "illustrative"


@dataclass(frozen=True)
class StyledEdge:
    """One edge as every writer draws it: ``width`` in canvas units, an arrow or none."""

    source: Hashable
    target: Hashable
    weight: int
    width: float
    arrow: bool
    tooltip: str
    relation: str = ""
    provenance: str | None = None

    @property
    def dashed(self) -> bool:
        """True for an illustrative membership or responsibility: drawn dashed."""
        return self.provenance == "illustrative"


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a swatch and what it means.

    ``kind`` is type, branch, status, community, broker, single-branch, illustrative-node,
    edge or illustrative-edge (``dashed``: the swatch is drawn dashed); ``shape``
    is a node shape (None for the edge line), ``colour`` its fill and ``border`` the
    outline of a mark's swatch (None for others).
    """

    kind: str
    shape: str | None
    colour: str
    border: str | None
    text: str
    dashed: bool = False


@dataclass(frozen=True)
class StyledMap:
    """A view's map, analysed, laid out and styled: what every writer reads.

    ``graph`` is an annotated copy of the view's graph (analytics on every node; treat
    it as read-only). ``physics`` is True for maps the browser lays out itself.
    """

    graph: nx.Graph
    view: str
    lang: str
    title: str
    subtitle: str
    nodes: tuple[StyledNode, ...]
    edges: tuple[StyledEdge, ...]
    legend: tuple[LegendEntry, ...]
    notes: tuple[str, ...]
    physics: bool
    #: one sentence computed from the analytics, in ``lang``, shown over the map
    headline: str = ""


def _name(attrs: Mapping[str, Any], lang: str) -> str:
    return str(attrs.get(f"label_{lang}") or attrs.get("label_fi") or attrs["id"])


def _branch_of(attrs: Mapping[str, Any]) -> str | None:
    if attrs["type"] == "branch":
        return str(attrs["id"])
    return str(attrs["branch"]) if attrs.get("branch") else None


def display_label(attrs: Mapping[str, Any], lang: str = "fi") -> str:
    """What the map writes beside a node: an organisation's abbreviation, else its name
    in ``lang`` (Finnish where missing), shortened.

    Examples
    --------
    >>> display_label({"type": "measure", "id": "M01", "label_fi": "Pitkä nimi"}, "sv")
    'Pitkä nimi'
    >>> display_label({"type": "group", "id": "PG1", "number": 8, "label_fi": "Kyber"})
    '8. Kyber'
    >>> display_label({"type": "organisation", "id": "x", "abbreviation": "POHA",
    ...                "label_fi": "Poliisihallitus"})
    'POHA'
    """
    name = _name(attrs, lang)
    if attrs["type"] == "group" and attrs.get("number") is not None:
        label = f"{attrs['number']}. {name}"
    else:
        label = str(attrs.get("abbreviation") or name)
    # goals and measures are long sentences: a shorter start keeps the map readable (the
    # whole text is in the tooltip and in the table under the map)
    most = _SENTENCE_MAX if attrs["type"] in ("goal", "measure") else _LABEL_MAX
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def map_title(graph: nx.Graph, lang: str | None = None) -> tuple[str, str]:
    """The map's title and the line under it (filters applied, size).

    Examples
    --------
    >>> g = nx.Graph(view="who-works-on-what", filters={"period": 2021})
    >>> map_title(g, "en")
    ('Who works on what', 'period 2021 · 0 nodes, 0 links')
    """
    lang = lang or graph.graph.get("lang") or "fi"
    title = text(graph.graph.get("view", "overview"), lang)
    centre = next((a for _, a in graph.nodes(data=True) if a.get("centre")), None)
    if centre is not None:
        title = f"{title}: {_name(centre, lang)}"
    filters = graph.graph.get("filters") or {}
    # a period the view picked itself (the latest) says so: the reader did not choose it
    latest = graph.graph.get("default_period")
    parts = [
        f"{text('latest_period' if k == 'period' and v == latest else 'filter.' + k, lang)} {v}"
        for k, v in filters.items()
    ]
    size = (
        f"{graph.number_of_nodes()} {text('nodes', lang)}, "
        f"{graph.number_of_edges()} {text('edges', lang)}"
    )
    return title, " · ".join([*parts, size]) if parts else f"{text('no_filters', lang)} · {size}"


def _mark(view: str, attrs: Mapping[str, Any]) -> str | None:
    if attrs.get("broker"):
        return "broker"
    # a phenomenon with at most one branch around it is a weak spot (the analyses' gap)
    if view == "who-works-on-what" and attrs["type"] == "phenomenon":
        if attrs.get("branches", 2) <= 1:
            return "single-branch"
    return None


def _fill(view: str, attrs: Mapping[str, Any], palette: Mapping[str, str]) -> str:
    if attrs["type"] == "organisation":
        if view == "collaboration":
            return community_colour(int(attrs.get("community", 0)))
        return palette.get(attrs.get("branch") or "", NO_BRANCH_COLOUR)
    if attrs["type"] == "measure":
        return STATUS_COLOURS.get(str(attrs.get("status")), NODE_STYLES["measure"].colour)
    if attrs["type"] == "branch":
        return palette.get(str(attrs["id"]), NODE_STYLES["branch"].colour)
    return NODE_STYLES[attrs["type"]].colour


def _kind(attrs: Mapping[str, Any], lang: str) -> str:
    """The node's type in words, with an organisation's or a body's kind when it has one."""
    words = {"organisation": ORGANISATION_KINDS, "body": BODY_KINDS}.get(attrs["type"], {})
    kind = attrs.get("kind")
    if kind and kind in words:
        return f"{text('type.' + attrs['type'], lang)}, {gettext_for(lang)(words[kind])}"
    return text("type." + attrs["type"], lang)


def _provenance_word(value: str, lang: str) -> str:
    return gettext_for(lang)(PROVENANCE_WORDS.get(value, value))  # type: ignore[call-overload]


def _tooltip(
    view: str,
    attrs: Mapping[str, Any],
    lang: str,
    branches: Mapping[str, str] | None = None,
    clusters: Mapping[int, str] | None = None,
) -> str:
    name = _name(attrs, lang)
    abbreviation = attrs.get("abbreviation")
    lines = [f"{abbreviation} – {name}" if abbreviation and abbreviation != name else name]
    lines.append(f"{_kind(attrs, lang)} · {attrs['id']}")
    lines.append(
        f"{text('provenance', lang)}: {_provenance_word(provenance(attrs.get('source')), lang)}"
    )
    if attrs.get("branch"):
        branch = (branches or {}).get(attrs["branch"], attrs["branch"])
        lines.append(f"{text('filter.branch', lang)}: {branch}")
    if attrs.get("status"):
        lines.append(f"{text('status', lang)}: {text('status.' + str(attrs['status']), lang)}")
    if attrs.get("period") is not None:
        lines.append(f"{text('filter.period', lang)}: {attrs['period']}")
    if "branches" in attrs:
        n = int(attrs["branches"])
        ngettext = ngettext_for(lang)
        lines.append(
            ngettext("%(n)s branch works on it", "%(n)s branches work on it", n) % {"n": n}
        )
    # plain words, no measures' names: "5 connections", "connects parts of the network"
    lines.append(connections(int(attrs.get("degree", 0)), lang))
    if view == "collaboration" and clusters:
        lines.append(f"{text('community', lang)}: {clusters[int(attrs.get('community', 0))]}")
    if attrs.get("broker"):
        lines.append(text("connects", lang))
    return "\n".join(lines)


def _relation(attrs: Mapping[str, Any], lang: str) -> str:
    """The edge's relationship in words, with a role where it has one ("lead")."""
    rel = str(attrs.get("rel", ""))
    word = text("rel." + rel, lang)
    role = attrs.get("role")
    if role:
        word += f" ({gettext_for(lang)(ROLES.get(str(role), str(role)))})"
    return word


def _edge_tooltip(names: tuple[str, str], attrs: Mapping[str, Any], lang: str) -> str:
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
    line = f"{names[0]} → {_relation(attrs, lang)} → {names[1]}"
    if attrs.get("provenance"):
        word = _provenance_word(str(attrs["provenance"]), lang)
        line += f"\n{text('provenance', lang)}: {word}"
    return line


def _positions(graph: nx.Graph) -> dict[Hashable, tuple[float, float]]:
    """Canvas positions (y down) from the seeded layout, communities as its parts."""
    parts: dict[int, list[Hashable]] = {}
    for node, attrs in graph.nodes(data=True):
        parts.setdefault(attrs["community"], []).append(node)
    scale = _COMMUNITY_SCALE if len(graph) > SPRING_LIMIT else _SPRING_SCALE
    return {
        node: (x * scale, -y * scale)
        for node, (x, y) in layout(graph, parts=parts.values(), aspect=ASPECT).items()
    }


def _swatches(
    graph: nx.Graph,
    view: str,
    node_type: str,
    palette: Mapping[str, str],
    lang: str,
    clusters: Mapping[int, str],
) -> list[tuple[str, str, str]]:
    """The legend's (kind, colour, words) for one node type on this map."""
    if node_type == "organisation":
        org = text("type.organisation", lang)
        if view == "collaboration":
            return [
                ("community", community_colour(i), f"{text('community', lang)}: {name}")
                for i, name in sorted(clusters.items())
            ]
        named = graph.graph.get("branch_names") or {}
        found = [
            (
                "branch",
                colour,
                f"{org}: {named[branch]}"
                if branch in named
                else f"{org}, {text('filter.branch', lang)} {branch}",
            )
            # by the name a reader looks for, not by the branch's code
            for branch, colour in sorted(palette.items(), key=lambda i: named.get(i[0], i[0]))
        ]
        if any(
            a["type"] == "organisation" and not a.get("branch") for _, a in graph.nodes(data=True)
        ):
            found.append(("branch", NO_BRANCH_COLOUR, f"{org}, {text('no_branch', lang)}"))
        return found
    if node_type == "measure":
        statuses = {a.get("status") for _, a in graph.nodes(data=True) if a["type"] == "measure"}
        measure = text("type.measure", lang)
        return [
            ("status", colour, f"{measure}, {text('status.' + status, lang)}")
            for status, colour in STATUS_COLOURS.items()
            if status in statuses
        ]
    return [("type", NODE_STYLES[node_type].colour, text("type." + node_type, lang))]


def _legend(
    graph: nx.Graph,
    view: str,
    palette: Mapping[str, str],
    marks: set[str],
    lang: str,
    illustrative_nodes: bool = False,
    illustrative_edges: bool = False,
    clusters: Mapping[int, str] | None = None,
) -> tuple[LegendEntry, ...]:
    present = {a["type"] for _, a in graph.nodes(data=True)}
    entries = [
        LegendEntry(kind, style.shape, colour, None, words)
        for node_type, style in NODE_STYLES.items()
        if node_type in present
        for kind, colour, words in _swatches(graph, view, node_type, palette, lang, clusters or {})
    ]
    entries.extend(
        LegendEntry(
            mark,
            NODE_STYLES[_MARKED_TYPE[mark]].shape,
            "#ffffff",
            border,
            text(mark.replace("-", "_"), lang),
        )
        for mark, border in MARK_BORDERS.items()
        if mark in marks
    )
    if illustrative_nodes:
        entries.append(
            LegendEntry(
                "illustrative-node",
                "dot",
                "#ffffff",
                "#555555",
                text("illustrative_node", lang),
                dashed=True,
            )
        )
    edge_key = f"edge.{view}" if view in _DERIVED else "edge.other"
    entries.append(LegendEntry("edge", None, "#999999", None, text(edge_key, lang)))
    if illustrative_edges:
        entries.append(
            LegendEntry(
                "illustrative-edge",
                None,
                "#999999",
                None,
                text("illustrative_edge", lang),
                dashed=True,
            )
        )
    return tuple(entries)


def _notes(view: str, size: int, lang: str, branches: bool = False) -> tuple[str, ...]:
    notes = [text("size", lang)]
    if view == "collaboration":
        notes.append(text("communities", lang))
    elif branches:
        notes.append(text("branch_colours", lang))
    if size > LARGE_MAP:
        notes.append(text("large", lang))
    return tuple(notes)


def styled_map(
    graph: nx.Graph, lang: str | None = None, base_url: str = "", positions: bool = True
) -> StyledMap:
    """The map of a view's graph, analysed, laid out and styled for every writer.

    Parameters
    ----------
    graph : networkx graph
        A view's graph (:func:`turva.visualize.views.read_map`); ``graph.graph`` names
        its ``view``, ``filters`` and ``lang``. It is not changed: the analytics
        (:func:`turva.visualize.analytics.annotate`) go on a copy.
    lang : str, optional
        fi, sv or en; by default the graph's.
    base_url : str
        Prefixes the links a click opens (empty: same-origin links for the web UI).
    positions : bool
        Lay out every map (True), or only those above :data:`LARGE_MAP` nodes, which the
        browser does not lay out itself (False: enough for the HTML, and faster).

    Returns
    -------
    StyledMap
        Nodes sorted by key, edges by their ends: the same graph gives the same map.

    Examples
    --------
    >>> g = nx.Graph(view="overview", filters={}, lang="fi")
    >>> g.add_node("organisation:SM", type="organisation", id="SM", label_fi="sisäministeriö")
    >>> g.add_node("theme:T1", type="theme", id="T1", label_fi="arki")
    >>> g.add_edge("organisation:SM", "theme:T1", rel="IN_THEME")
    >>> sm, t1 = styled_map(g, base_url="http://x").nodes
    >>> sm.label, sm.shape, sm.url, t1.url
    ('sisäministeriö', 'dot', 'http://x/organisations/SM', None)
    >>> sm.x is not None, styled_map(g, positions=False).nodes[0].x
    (True, None)
    >>> [e.kind for e in styled_map(g, lang="en").legend]
    ['branch', 'type', 'edge']
    >>> styled_map(g, lang="en").legend[0].text
    'organisation, no branch (NGOs, regions)'
    """
    graph = annotate(graph.copy())
    lang = lang or graph.graph.get("lang") or "fi"
    view = str(graph.graph.get("view", "overview"))
    physics = len(graph) <= LARGE_MAP
    where = _positions(graph) if positions or not physics else {}
    # one colour per branch (style.BRANCH_COLOURS), whichever map shows it
    palette = branch_colours(
        b
        for _, a in graph.nodes(data=True)
        if a["type"] in ("organisation", "branch") and (b := _branch_of(a))
    )
    top = max((a["degree"] for _, a in graph.nodes(data=True)), default=0) or 1
    clusters = community_names(graph, lang) if view == "collaboration" else {}
    labelled = labelled_nodes(graph)
    nodes = []
    for key in sorted(graph.nodes, key=str):
        attrs = graph.nodes[key]
        fill = _fill(view, attrs, palette)
        mark = _mark(view, attrs)
        x, y = where.get(key, (None, None))
        nodes.append(
            StyledNode(
                key=key,
                type=attrs["type"],
                record_id=str(attrs["id"]),
                label=display_label(attrs, lang),
                tooltip=_tooltip(view, attrs, lang, graph.graph.get("branch_names"), clusters),
                shape=NODE_STYLES[attrs["type"]].shape,
                fill=fill,
                border=MARK_BORDERS[mark] if mark else fill,
                border_width=_BORDER_WIDTHS[mark],
                mark=mark,
                size=36.0 if attrs.get("centre") else 8 + 24 * math.sqrt(attrs["degree"] / top),
                centre=bool(attrs.get("centre")),
                url=node_url(attrs["type"], str(attrs["id"]), attrs.get("group"), base_url),
                x=x,
                y=y,
                name=_name(attrs, lang),
                kind=_kind(attrs, lang),
                provenance=str(attrs.get("provenance") or provenance(attrs.get("source"))),
                branch=_branch_of(attrs),
                labelled=key in labelled,
            )
        )
    derived = view in _DERIVED
    edges = []
    for a, b in sorted(graph.edges, key=lambda e: (str(e[0]), str(e[1]))):
        attrs = graph.edges[a, b]
        weight = int(attrs.get("weight", 1))
        names = (display_label(graph.nodes[a], lang), display_label(graph.nodes[b], lang))
        edges.append(
            StyledEdge(
                source=a,
                target=b,
                weight=weight,
                width=round(1 + 0.9 * min(weight, 10), 1) if derived else 1,
                arrow=not derived,
                tooltip=_edge_tooltip(names, attrs, lang),
                relation=_relation(attrs, lang),
                provenance=attrs.get("provenance"),
            )
        )
    title, subtitle = map_title(graph, lang)
    marks = {n.mark for n in nodes if n.mark}
    # every field by name, alike in shape only to api/web.py's template contexts
    return StyledMap(
        graph=graph,
        view=view,
        lang=lang,
        title=title,
        subtitle=subtitle,
        nodes=tuple(nodes),
        edges=tuple(edges),
        legend=_legend(
            graph,
            view,
            palette,
            marks,
            lang,
            illustrative_nodes=any(n.dashed for n in nodes),
            illustrative_edges=any(e.dashed for e in edges),
            clusters=clusters,
        ),
        notes=_notes(view, len(graph), lang, branches=bool(palette)),
        physics=physics,
        headline=headline(graph, lang, clusters or None),
    )


def illustrative_shares(styled: StyledMap) -> list[tuple[int, int, str]]:
    """How much of the map is illustrative: ``(shown, illustrative, kind)`` for measures,
    goals, memberships and responsibilities shown (a page's illustrative banner).

    On the derived maps the measures are those behind the links.

    Examples
    --------
    >>> g = nx.DiGraph(view="overview", lang="en")
    >>> g.add_node("m:1", type="measure", id="1", source="illustrative")
    >>> g.add_node("m:2", type="measure", id="2", source="https://x")
    >>> g.add_node("o:P", type="organisation", id="P")
    >>> g.add_edge("o:P", "m:1", rel="RESPONSIBLE_FOR", provenance="illustrative")
    >>> illustrative_shares(styled_map(g, positions=False))
    [(2, 1, 'measures'), (0, 0, 'goals'), (0, 0, 'memberships'), (1, 1, 'responsibilities')]
    """
    behind = styled.graph.graph.get("measure_provenance")
    if behind:
        measures = list(behind.values())
    else:
        measures = [n.provenance for n in styled.nodes if n.type == "measure"]
    goals = [n.provenance for n in styled.nodes if n.type == "goal"]
    rels = {"MEMBER_OF": "memberships", "RESPONSIBLE_FOR": "responsibilities"}
    links: dict[str, list[str | None]] = {kind: [] for kind in rels.values()}
    for edge in styled.edges:
        rel = styled.graph.edges[edge.source, edge.target].get("rel")
        if rel in rels:
            links[rels[rel]].append(edge.provenance)
    found: list[tuple[str, list[Any]]] = [
        ("measures", measures),
        ("goals", goals),
        *links.items(),
    ]
    return [(len(ps), sum(p == "illustrative" for p in ps), kind) for kind, ps in found]


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flat_graph(styled: StyledMap) -> nx.Graph:
    """The map's graph with every attribute a scalar (lists joined with ';'), as GraphML
    and GEXF need; nodes also carry their canvas position ``x``, ``y`` when laid out.

    Examples
    --------
    >>> g = nx.Graph(view="overview", lang="fi")
    >>> g.add_edge("theme:a", "theme:b", measures=["M1", "M2"], gone=None)
    >>> nx.set_node_attributes(g, "theme", "type"); nx.set_node_attributes(g, "x", "id")
    >>> flat_graph(styled_map(g)).edges["theme:a", "theme:b"]
    {'measures': 'M1;M2'}
    """
    graph = styled.graph
    flat = graph.__class__()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for a, b, attrs in graph.edges(data=True):
        flat.add_edge(a, b, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for node in styled.nodes:
        flat.nodes[node.key].update(node_looks(styled, node))
        if node.x is not None and node.y is not None:
            flat.nodes[node.key].update(x=round(node.x, 1), y=round(node.y, 1))
    if styled.headline:
        flat.graph["headline"] = styled.headline
    return flat


def node_looks(styled: StyledMap, node: StyledNode) -> dict[str, Any]:
    """What every export says of a node besides its data: provenance, label (and whether
    it is always drawn), colour, and its branch's id and full name (one colour a branch,
    :func:`turva.visualize.style.branch_colour`); no None values.

    Examples
    --------
    >>> g = nx.Graph(view="overview", lang="fi", branch_names={"SM": "SM:n hallinnonala"})
    >>> g.add_node("organisation:SM", type="organisation", id="SM", branch="SM")
    >>> styled = styled_map(g, positions=False)
    >>> node_looks(styled, styled.nodes[0])  # doctest: +NORMALIZE_WHITESPACE
    {'provenance': 'unsourced', 'label': 'SM', 'labelled': True, 'colour': '#0072b2',
     'branch': 'SM', 'branch_name': 'SM:n hallinnonala'}
    """
    looks: dict[str, Any] = {
        "provenance": node.provenance,
        "label": node.label,
        "labelled": node.labelled,
        "colour": node.fill,
    }
    if node.branch:
        names = styled.graph.graph.get("branch_names") or {}
        looks.update(branch=node.branch, branch_name=names.get(node.branch, node.branch))
    return looks
