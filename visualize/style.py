"""One look for every map: node shapes and colours, marks, links and the words on the map
(translated through the one message catalogue, :mod:`turva.graph.messages`).

Every writer (HTML, PNG, GEXF) gets its colours and shapes from here through the styled
map (:mod:`turva.visualize.styled`), so a phenomenon looks the same in the browser, in a
report and in Gephi. Shapes are named as vis-network names them; each writer draws them
in its own medium.

>>> NODE_STYLES["phenomenon"]
NodeStyle(shape='diamond', colour='#f2a900')
>>> from turva.visualize.views import NODE_TYPES
>>> tuple(NODE_STYLES) == NODE_TYPES  # every node type has a style
True
>>> node_url("phenomenon", "cybercrime", base_url="http://127.0.0.1:8000")
'http://127.0.0.1:8000/phenomena/cybercrime'
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from turva.graph.messages import NC_, pgettext_for

__all__ = [
    "NodeStyle",
    "NODE_STYLES",
    "NO_BRANCH_COLOUR",
    "MARK_BORDERS",
    "STATUS_COLOURS",
    "node_url",
    "BRANCH_COLOURS",
    "branch_colour",
    "branch_colours",
    "community_colour",
    "text",
]


@dataclass(frozen=True)
class NodeStyle:
    """How one node type is drawn: its shape (vis-network's name) and fill colour."""

    shape: str
    colour: str


#: one style per node type, in legend order
NODE_STYLES = {
    # organisations are coloured by branch; this is the colour of those without one
    "organisation": NodeStyle("dot", "#9e9e9e"),
    "phenomenon": NodeStyle("diamond", "#f2a900"),
    "group": NodeStyle("hexagon", "#7b3fa0"),
    "goal": NodeStyle("triangle", "#00897b"),
    "measure": NodeStyle("square", "#2e7d32"),
    "branch": NodeStyle("star", "#37474f"),
    "theme": NodeStyle("triangleDown", "#c2185b"),
    "body": NodeStyle("hexagon", "#455a64"),
}

NO_BRANCH_COLOUR = NODE_STYLES["organisation"].colour

#: the border of a marked node: a broker, a phenomenon with a single branch around it
MARK_BORDERS = {"broker": "#000000", "single-branch": "#d32f2f"}

#: measures: active ones stand out, finished and cancelled ones fade
STATUS_COLOURS = {
    "ongoing": "#2e7d32",
    "planned": "#81c784",
    "done": "#bdbdbd",
    "cancelled": "#eeeeee",
}

#: one colour per administrative branch, the same on every map: Paul Tol's colour-blind
#: safe "muted" scheme with three of Okabe and Ito's, one per ministry's branch (the
#: interior's blue); other branch ids take one of these by a hash (:func:`branch_colour`)
BRANCH_COLOURS = {
    "VNK": "#332288",
    "UM": "#88ccee",
    "OM": "#44aa99",
    "SM": "#0072b2",
    "PLM": "#117733",
    "VM": "#999933",
    "OKM": "#ddcc77",
    "MMM": "#e69f00",
    "LVM": "#cc6677",
    "TEM": "#882255",
    "STM": "#aa4499",
    "YM": "#d55e00",
}

# Communities (a map's own, numbered by size): a qualitative palette (Tableau 20
# reordered so neighbours differ).
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#9edae5",
    "#dbdb8d",
)

# The words on the maps, English message ids in the context "map" of the one catalogue
# (graph/messages); their Finnish and Swedish live in its .po files.
_WORDS: dict[str, str] = {
    "who-works-on-what": NC_("map", "Who works on what"),
    "group": NC_("map", "Priority group"),
    "phenomenon": NC_("map", "Phenomenon"),
    "organisation": NC_("map", "Organisation"),
    "collaboration": NC_("map", "Collaboration"),
    "overview": NC_("map", "Overview"),
    "type.organisation": NC_("map", "organisation"),
    "type.phenomenon": NC_("map", "phenomenon"),
    "type.group": NC_("map", "priority group"),
    "type.goal": NC_("map", "goal"),
    "type.measure": NC_("map", "measure"),
    "type.branch": NC_("map", "branch"),
    "type.theme": NC_("map", "theme"),
    "type.body": NC_("map", "cooperation body"),
    "filter.period": NC_("map", "period"),
    "filter.theme": NC_("map", "theme"),
    "filter.branch": NC_("map", "branch"),
    "filter.group": NC_("map", "priority group"),
    "filter.radius": NC_("map", "radius"),
    "no_filters": NC_("map", "no filters"),
    "no_branch": NC_("map", "no branch (NGOs, regions)"),
    "broker": NC_("map", "connects parts of the network (thick black border)"),
    "connects": NC_("map", "connects parts of the network"),
    "single_branch": NC_("map", "phenomenon with a single branch around it (red border)"),
    "size": NC_("map", "size: number of connections"),
    "edge.who-works-on-what": NC_("map", "line width: number of active measures"),
    "edge.collaboration": NC_("map", "line width: shared phenomena + shared priority groups"),
    "edge.other": NC_("map", "line: a relationship (hover for its kind)"),
    "community": NC_("map", "cooperation cluster"),
    "communities": NC_(
        "map",
        "colour: cooperation cluster, named by the phenomenon or branch that holds it together",
    ),
    "branch_colours": NC_("map", "colour: administrative branch, the same on every map"),
    "latest_period": NC_("map", "latest period"),
    "click": NC_("map", "Click a node to open its page."),
    "large": NC_("map", "Large map: laid out on the server, physics off."),
    "empty": NC_("map", "Nothing on the map with these filters."),
    "nodes": NC_("map", "nodes"),
    "edges": NC_("map", "links"),
    "legend": NC_("map", "Legend"),
    "active_measures": NC_("map", "active measures"),
    "lead": NC_("map", "lead"),
    "shared_phenomena": NC_("map", "shared phenomena"),
    "shared_groups": NC_("map", "shared priority groups"),
    "branches": NC_("map", "branches"),
    "degree": NC_("map", "connections"),
    "betweenness": NC_("map", "betweenness"),
    "status": NC_("map", "status"),
    "status.planned": NC_("map", "planned"),
    "status.ongoing": NC_("map", "ongoing"),
    "status.done": NC_("map", "done"),
    "status.cancelled": NC_("map", "cancelled"),
    "kind": NC_("map", "kind"),
    "provenance": NC_("map", "provenance"),
    "illustrative_edge": NC_("map", "dashed line: illustrative link, not from an official source"),
    "illustrative_node": NC_(
        "map", "dashed border: illustrative record, not from an official source"
    ),
    "text_alternative": NC_("map", "The map as text"),
    "map_label": NC_(
        "map",
        "Network map: %(title)s. Arrow keys move it; the table below holds the same content.",
    ),
    "name": NC_("map", "name"),
    "from": NC_("map", "from"),
    "to": NC_("map", "to"),
    "relation": NC_("map", "relation"),
    "rel.HAS_MINISTRY": NC_("map", "has as ministry"),
    "rel.BELONGS_TO": NC_("map", "belongs to"),
    "rel.PART_OF": NC_("map", "is part of"),
    "rel.IN_THEME": NC_("map", "is in theme"),
    "rel.FOCUSES_ON": NC_("map", "focuses on"),
    "rel.MEMBER_OF": NC_("map", "is a member of"),
    "rel.SETS": NC_("map", "sets"),
    "rel.TARGETS": NC_("map", "targets"),
    "rel.ADVANCES": NC_("map", "advances"),
    "rel.ADDRESSES": NC_("map", "addresses"),
    "rel.RESPONSIBLE_FOR": NC_("map", "is responsible for"),
    "rel.WORKS_ON": NC_("map", "works on"),
    "rel.COLLABORATES": NC_("map", "collaborates with"),
}

_PAGES = {
    "organisation": "organisations",
    "phenomenon": "phenomena",
    "group": "groups",
    "measure": "measures",
}


def node_url(
    node_type: str, record_id: str, group: str | None = None, base_url: str = ""
) -> str | None:
    """The web page a click on the node opens, or None for types without a page.

    A goal opens its priority group's page. ``base_url`` is empty for maps served by the
    web UI itself (same-origin links) and a full origin for files written by the CLI.

    >>> node_url("goal", "G1.1", group="PG2021-1")
    '/groups/PG2021-1'
    >>> node_url("theme", "everyday-security") is None
    True
    """
    if node_type == "goal":
        return f"{base_url.rstrip('/')}/groups/{quote(group, safe='')}" if group else None
    page = _PAGES.get(node_type)
    if page is None:
        return None
    return f"{base_url.rstrip('/')}/{page}/{quote(record_id, safe='')}"


def branch_colour(branch: str) -> str:
    """The colour of an administrative branch on every map, chart and export.

    Fixed by the branch's id, so a branch never changes colour between maps (whatever
    else a map shows); the twelve ministries' branches each have their own, and any other
    id gets one of the same twelve by a stable hash of the id.

    >>> branch_colour("SM"), branch_colour("OM")
    ('#0072b2', '#44aa99')
    >>> branch_colour("B7") == branch_colour("B7")
    True
    """
    colour = BRANCH_COLOURS.get(branch)
    if colour is None:
        colours = tuple(BRANCH_COLOURS.values())
        colour = colours[zlib.crc32(branch.encode("utf-8")) % len(colours)]
    return colour


def branch_colours(branches: Iterable[str]) -> dict[str, str]:
    """A colour per branch id (:func:`branch_colour`).

    >>> branch_colours(["SM", "OM"])
    {'OM': '#44aa99', 'SM': '#0072b2'}
    """
    return {b: branch_colour(b) for b in sorted(set(branches))}


def community_colour(index: int) -> str:
    """The colour of community number ``index`` (0 = the largest)."""
    return _PALETTE[index % len(_PALETTE)]


def text(key: str, lang: str = "fi") -> str:
    """A word on the map in ``lang`` (fi, sv or en; Finnish for any other), or the key.

    Examples
    --------
    >>> text("type.phenomenon", "fi"), text("type.phenomenon", "en"), text("nothing")
    ('ilmiö', 'phenomenon', 'nothing')
    """
    message = _WORDS.get(key)
    if message is None:
        return key
    return pgettext_for(lang)("map", message)
