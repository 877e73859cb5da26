"""One look for every map: node types, colours, shapes, links and the words on the map.

Every renderer (pyvis HTML, PNG, GEXF) takes its colours and shapes from here, so a
phenomenon looks the same in the browser, in a report and in Gephi.

>>> node_key("organisation", "SM")
'organisation:SM'
>>> node_url("phenomenon", "cybercrime", base_url="http://127.0.0.1:8000")
'http://127.0.0.1:8000/phenomena/cybercrime'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

__all__ = [
    "NodeStyle",
    "NODE_TYPES",
    "NODE_STYLES",
    "TYPE_OF_LABEL",
    "LANGS",
    "NO_BRANCH_COLOUR",
    "BROKER_BORDER",
    "SINGLE_BRANCH_BORDER",
    "STATUS_COLOURS",
    "node_key",
    "node_url",
    "branch_colours",
    "community_colour",
    "text",
]

LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class NodeStyle:
    """How one node type is drawn: vis-network shape, matplotlib marker and colour."""

    shape: str
    marker: str
    colour: str


#: node types in the users' words, in legend order
NODE_TYPES = (
    "organisation",
    "phenomenon",
    "group",
    "goal",
    "measure",
    "branch",
    "theme",
    "body",
)

NODE_STYLES = {
    # organisations are coloured by branch; this is the colour of those without one
    "organisation": NodeStyle("dot", "o", "#9e9e9e"),
    "phenomenon": NodeStyle("diamond", "D", "#f2a900"),
    "group": NodeStyle("hexagon", "h", "#7b3fa0"),
    "goal": NodeStyle("triangle", "^", "#00897b"),
    "measure": NodeStyle("square", "s", "#2e7d32"),
    "branch": NodeStyle("star", "*", "#37474f"),
    "theme": NodeStyle("triangleDown", "v", "#c2185b"),
    "body": NodeStyle("hexagon", "h", "#455a64"),
}

TYPE_OF_LABEL = {
    "Organisation": "organisation",
    "Phenomenon": "phenomenon",
    "PriorityGroup": "group",
    "Goal": "goal",
    "Measure": "measure",
    "AdministrativeBranch": "branch",
    "Theme": "theme",
    "CooperationBody": "body",
}

NO_BRANCH_COLOUR = NODE_STYLES["organisation"].colour
BROKER_BORDER = "#000000"
SINGLE_BRANCH_BORDER = "#d32f2f"

#: measures: active ones stand out, finished and cancelled ones fade
STATUS_COLOURS = {
    "ongoing": "#2e7d32",
    "planned": "#81c784",
    "done": "#bdbdbd",
    "cancelled": "#eeeeee",
}

# A qualitative palette (Tableau 20 reordered so neighbours differ): branches are few
# (twelve ministries) and each keeps its colour across maps because the order is by id.
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

_PAGES = {
    "organisation": "organisations",
    "phenomenon": "phenomena",
    "group": "groups",
    "measure": "measures",
}


def node_key(node_type: str, record_id: str) -> str:
    """The map's key of a node: ids are unique per type only (SM is a branch and a ministry)."""
    return f"{node_type}:{record_id}"


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


def branch_colours(branches: Iterable[str]) -> dict[str, str]:
    """A colour per branch id, stable for the same set of branches.

    >>> branch_colours(["SM", "OM"])
    {'OM': '#1f77b4', 'SM': '#ff7f0e'}
    """
    return {b: _PALETTE[i % len(_PALETTE)] for i, b in enumerate(sorted(set(branches)))}


def community_colour(index: int) -> str:
    """The colour of community number ``index`` (0 = the largest)."""
    return _PALETTE[index % len(_PALETTE)]


_TEXTS: dict[str, dict[str, str]] = {
    "who-works-on-what": {
        "fi": "Kuka tekee mitä",
        "sv": "Vem gör vad",
        "en": "Who works on what",
    },
    "group": {"fi": "Painopisteryhmä", "sv": "Prioritetsgrupp", "en": "Priority group"},
    "phenomenon": {"fi": "Ilmiön verkosto", "sv": "Fenomenets nätverk", "en": "Phenomenon"},
    "organisation": {
        "fi": "Organisaation verkosto",
        "sv": "Organisationens nätverk",
        "en": "Organisation",
    },
    "collaboration": {"fi": "Yhteistyöverkosto", "sv": "Samarbetsnätverk", "en": "Collaboration"},
    "overview": {"fi": "Koko verkosto", "sv": "Hela nätverket", "en": "Overview"},
    "type.organisation": {"fi": "organisaatio", "sv": "organisation", "en": "organisation"},
    "type.phenomenon": {"fi": "ilmiö", "sv": "fenomen", "en": "phenomenon"},
    "type.group": {"fi": "painopisteryhmä", "sv": "prioritetsgrupp", "en": "priority group"},
    "type.goal": {"fi": "tavoite", "sv": "mål", "en": "goal"},
    "type.measure": {"fi": "toimenpide", "sv": "åtgärd", "en": "measure"},
    "type.branch": {"fi": "hallinnonala", "sv": "förvaltningsområde", "en": "branch"},
    "type.theme": {"fi": "teema", "sv": "tema", "en": "theme"},
    "type.body": {"fi": "yhteistyöelin", "sv": "samarbetsorgan", "en": "cooperation body"},
    "filter.period": {"fi": "kausi", "sv": "period", "en": "period"},
    "filter.theme": {"fi": "teema", "sv": "tema", "en": "theme"},
    "filter.branch": {"fi": "hallinnonala", "sv": "förvaltningsområde", "en": "branch"},
    "filter.group": {"fi": "painopisteryhmä", "sv": "prioritetsgrupp", "en": "priority group"},
    "filter.radius": {"fi": "säde", "sv": "radie", "en": "radius"},
    "no_filters": {"fi": "ei rajauksia", "sv": "inga filter", "en": "no filters"},
    "no_branch": {
        "fi": "ei hallinnonalaa (järjestöt, alueet)",
        "sv": "inget förvaltningsområde",
        "en": "no branch (NGOs, regions)",
    },
    "broker": {
        "fi": "välittäjä: pitää verkoston osia yhdessä (paksu musta reuna)",
        "sv": "förmedlare: håller ihop delar av nätet (tjock svart kant)",
        "en": "broker: holds parts of the network together (thick black border)",
    },
    "single_branch": {
        "fi": "ilmiö, jonka ympärillä vain yksi hallinnonala (punainen reuna)",
        "sv": "fenomen med endast ett förvaltningsområde (röd kant)",
        "en": "phenomenon with a single branch around it (red border)",
    },
    "size": {
        "fi": "koko: yhteyksien määrä",
        "sv": "storlek: antal förbindelser",
        "en": "size: number of connections",
    },
    "edge.who-works-on-what": {
        "fi": "viivan paksuus: aktiivisten toimenpiteiden määrä",
        "sv": "linjens bredd: antal aktiva åtgärder",
        "en": "line width: number of active measures",
    },
    "edge.collaboration": {
        "fi": "viivan paksuus: yhteiset ilmiöt + yhteiset painopisteryhmät",
        "sv": "linjens bredd: gemensamma fenomen + gemensamma grupper",
        "en": "line width: shared phenomena + shared priority groups",
    },
    "edge.other": {
        "fi": "viiva: suhde (vie hiiri viivan päälle)",
        "sv": "linje: relation (håll musen över)",
        "en": "line: a relationship (hover for its kind)",
    },
    "community": {"fi": "yhteisö", "sv": "gemenskap", "en": "community"},
    "communities": {
        "fi": "väri: yhteisö (Louvain)",
        "sv": "färg: gemenskap (Louvain)",
        "en": "colour: community (Louvain)",
    },
    "click": {
        "fi": "Napsauta solmua avataksesi sen sivun.",
        "sv": "Klicka på en nod för att öppna dess sida.",
        "en": "Click a node to open its page.",
    },
    "large": {
        "fi": "Suuri kartta: asettelu laskettu palvelimella, fysiikka pois päältä.",
        "sv": "Stor karta: layouten beräknad på servern, fysiken avstängd.",
        "en": "Large map: laid out on the server, physics off.",
    },
    "empty": {
        "fi": "Kartalla ei ole solmuja näillä rajauksilla.",
        "sv": "Kartan har inga noder med dessa filter.",
        "en": "Nothing on the map with these filters.",
    },
    "nodes": {"fi": "solmua", "sv": "noder", "en": "nodes"},
    "edges": {"fi": "yhteyttä", "sv": "förbindelser", "en": "links"},
    "legend": {"fi": "Selite", "sv": "Teckenförklaring", "en": "Legend"},
    "active_measures": {
        "fi": "aktiivista toimenpidettä",
        "sv": "aktiva åtgärder",
        "en": "active measures",
    },
    "lead": {"fi": "vastuutaho", "sv": "ansvarig", "en": "lead"},
    "shared_phenomena": {
        "fi": "yhteiset ilmiöt",
        "sv": "gemensamma fenomen",
        "en": "shared phenomena",
    },
    "shared_groups": {
        "fi": "yhteiset painopisteryhmät",
        "sv": "gemensamma grupper",
        "en": "shared priority groups",
    },
    "branches": {"fi": "hallinnonaloja", "sv": "förvaltningsområden", "en": "branches"},
    "degree": {"fi": "yhteyksiä", "sv": "förbindelser", "en": "connections"},
    "betweenness": {"fi": "välillisyys", "sv": "mellanhet", "en": "betweenness"},
    "status": {"fi": "tila", "sv": "status", "en": "status"},
    "status.planned": {"fi": "suunniteltu", "sv": "planerad", "en": "planned"},
    "status.ongoing": {"fi": "käynnissä", "sv": "pågående", "en": "ongoing"},
    "status.done": {"fi": "valmis", "sv": "klar", "en": "done"},
    "status.cancelled": {"fi": "peruttu", "sv": "inställd", "en": "cancelled"},
}


def text(key: str, lang: str = "fi") -> str:
    """A word on the map in ``lang`` (fi, sv or en), falling back to English, then the key.

    >>> text("type.phenomenon", "fi")
    'ilmiö'
    """
    entry = _TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("en") or key
