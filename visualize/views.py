"""The map views: which part of the graph each one shows, read from Neo4j into networkx.

Every view becomes a typed networkx graph. Node keys are ``"<type>:<id>"`` (see
:func:`node_key`); node attributes:

``type``
    one of :data:`NODE_TYPES`: organisation, phenomenon, group, goal, measure, branch,
    theme or body.
``id``, ``label_fi``, ``label_sv``, ``label_en``
    the record id and its name (title, text) in each language, Finnish where missing.
``abbreviation``, ``branch``, ``kind``, ``status``, ``period``, ``number``, ``group``
    where the record type has them (``group`` is the priority group that sets a goal).
``source``, ``provenance``
    the record's ``source`` (when it has one) and what it makes it: sourced, unsourced or
    illustrative (:func:`turva.graph.domain.provenance.provenance`).
``centre``
    True on the node a group, phenomenon or organisation map is about.

Edge attributes: ``rel`` (the relationship type, or ``WORKS_ON`` / ``COLLABORATES`` for
the derived views), ``weight`` (int), ``role`` where the relationship has one, and on
memberships and responsibilities their ``source`` and ``provenance``.

The views (names as in URLs and the CLI):

``who-works-on-what``
    organisations and the phenomena they work on: an edge when the organisation is
    responsible for an active measure (planned or ongoing) that addresses the phenomenon
    directly; ``weight`` = the number of such measures (also listed in ``measures``),
    ``lead`` = lead on at least one, ``provenance`` = the best founded of those measures'
    (a link is illustrative when every measure behind it is). Filters: ``period`` and
    ``group`` keep phenomena in the scope of the period's groups / of that group (their
    focus phenomena and the narrower ones under them), ``theme`` keeps phenomena in the
    theme (directly or through a broader phenomenon), ``branch`` keeps organisations of
    that administrative branch.
``group``
    one priority group, its members, focus phenomena, goals and the phenomena they target,
    the measures advancing those goals with their responsible organisations and the
    phenomena they address, and every relationship among these.
``phenomenon``, ``organisation``
    the nodes within ``radius`` (1-3, default 2) steps of one phenomenon or organisation
    along the cooperation work (membership of priority groups, focus, goals, targets,
    measures, responsibility and the two hierarchies), and every relationship among them.
    With a ``period``, priority groups of other periods and their goals are left out.
``collaboration``
    organisation x organisation: an edge when two organisations share phenomena they work
    on (as in who-works-on-what) or priority groups they are members of;
    ``weight`` = shared phenomena + shared groups (:func:`collaboration_graph`). Same
    filters as who-works-on-what (the ``period``/``group``/``theme`` filters also restrict
    the groups counted).
``overview``
    every node and relationship of the graph (with a ``period``: without other periods'
    priority groups and their goals).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

import networkx as nx
from neo4j import Driver

from turva.graph.domain.model import ACTIVE_STATUSES
from turva.graph.domain.properties import LANGS
from turva.graph.domain.provenance import provenance
from turva.graph.errors import BadArgument, NotFound, Word
from turva.graph.messages import N_
from turva.queries.names import names_of
from turva.queries.runner import run_query

__all__ = [
    "VIEWS",
    "VIEW_FILTERS",
    "ID_VIEWS",
    "LANGS",
    "NODE_TYPES",
    "TYPE_OF_LABEL",
    "MapRequest",
    "read_map",
    "LATEST_PERIOD_VIEWS",
    "node_key",
    "node_attributes",
    "collaboration_graph",
]

VIEWS = ("who-works-on-what", "group", "phenomenon", "organisation", "collaboration", "overview")

#: node types in the users' words
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

#: the node type of each Neo4j label a map shows
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

#: the filters each view takes
VIEW_FILTERS: dict[str, tuple[str, ...]] = {
    "who-works-on-what": ("period", "theme", "branch", "group"),
    "collaboration": ("period", "theme", "branch", "group"),
    "group": (),
    "phenomenon": ("period", "radius"),
    "organisation": ("period", "radius"),
    "overview": ("period",),
}

#: views that open on the latest period's priority groups when no period is asked for (a
#: leader reads what the cooperation does now; ``MapRequest(all_periods=True)`` shows all)
LATEST_PERIOD_VIEWS = frozenset({"who-works-on-what", "collaboration"})

#: views about one record, and what their id names
ID_VIEWS = {"group": "priority group", "phenomenon": "phenomenon", "organisation": "organisation"}

DEFAULT_RADIUS = 2
#: what an id view says when it is given no id
_NEEDS_ID = {
    "group": N_(
        "the group map needs an id: the priority group's id (--id in the CLI, ?id= in a URL)"
    ),
    "phenomenon": N_(
        "the phenomenon map needs an id: the phenomenon's id (--id in the CLI, ?id= in a URL)"
    ),
    "organisation": N_(
        "the organisation map needs an id: the organisation's id (--id in the CLI, ?id= in a URL)"
    ),
}
#: what an id view says when its id names nothing
_NO_SUCH_ID = {
    "group": N_("no priority group %(id)r in the graph"),
    "phenomenon": N_("no phenomenon %(id)r in the graph"),
    "organisation": N_("no organisation %(id)r in the graph"),
}
#: what a filter says when its id names nothing
_NO_SUCH_FILTER = {
    "theme": N_(
        "theme: there is no theme %(id)r in the graph; check the id (ids are case-sensitive)"
    ),
    "branch": N_(
        "branch: there is no administrative branch %(id)r in the graph; "
        "check the id (ids are case-sensitive)"
    ),
    "group": N_(
        "group: there is no priority group %(id)r in the graph; "
        "check the id (ids are case-sensitive)"
    ),
}
#: relationships that carry a ``source`` (and so a provenance) of their own
_SOURCED_RELS = frozenset({"MEMBER_OF", "RESPONSIBLE_FOR"})
_TEXT_FIELDS = ("name", "title", "text")


@dataclass(frozen=True)
class MapRequest:
    """What a person asked to see: a view, its subject and its filters.

    Without a ``period`` (or a ``group``, which has its own), the views in
    :data:`LATEST_PERIOD_VIEWS` show the latest period's priority groups;
    ``all_periods=True`` asks for every period instead.

    >>> MapRequest("who-works-on-what", period=2021).filters()
    {'period': 2021}
    """

    view: str
    id: str | None = None
    period: int | None = None
    theme: str | None = None
    branch: str | None = None
    group: str | None = None
    radius: int | None = None
    lang: str = "fi"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    all_periods: bool = False

    def filters(self) -> dict[str, Any]:
        """The filters given, in a fixed order."""
        names = ("period", "theme", "branch", "group", "radius")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def check(self) -> None:
        """Refuse what no view can answer, naming the argument and the fix."""
        if self.view not in VIEWS:
            raise BadArgument.said(
                N_("unknown map view %(view)r; choose one of: %(views)s"),
                view=self.view,
                views=", ".join(VIEWS),
            )
        if self.lang not in LANGS:
            raise BadArgument.said(
                N_("lang must be one of %(langs)s, not %(lang)r"),
                langs=", ".join(LANGS),
                lang=self.lang,
            )
        if self.view in ID_VIEWS and not self.id:
            raise BadArgument.said(_NEEDS_ID[self.view])
        if self.view not in ID_VIEWS and self.id:
            raise BadArgument.said(
                N_("the %(view)s map takes no id; only the %(views)s maps do"),
                view=self.view,
                views=", ".join(ID_VIEWS),
            )
        allowed = VIEW_FILTERS[self.view]
        for name in self.filters():
            if name not in allowed and allowed:
                raise BadArgument.said(
                    N_("the %(view)s map takes no %(name)s filter; its filters: %(allowed)s"),
                    view=self.view,
                    name=name,
                    allowed=", ".join(allowed),
                )
            if name not in allowed:
                raise BadArgument.said(
                    N_("the %(view)s map takes no %(name)s filter; it takes no filters"),
                    view=self.view,
                    name=name,
                )
        if self.radius is not None and not 1 <= self.radius <= 3:
            raise BadArgument.said(
                N_("radius must be 1, 2 or 3, not %(radius)s"), radius=self.radius
            )


def node_key(node_type: str, record_id: str) -> str:
    """The map's key of a node: ids are unique per type only (SM is a branch and a ministry).

    >>> node_key("organisation", "SM")
    'organisation:SM'
    """
    return f"{node_type}:{record_id}"


def _text_of(props: Mapping[str, Any], lang: str) -> str | None:
    for name in _TEXT_FIELDS:
        value = props.get(f"{name}_{lang}")
        if value:
            return str(value)
    return None


def node_attributes(node_type: str, props: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A node's attributes from its Neo4j properties (the map keeps only what it shows).

    >>> a = node_attributes("organisation", {"id": "SM", "name_fi": "sisäministeriö",
    ...                                      "abbreviation": "SM"}, branch="SM")
    >>> a["label_en"], a["abbreviation"], a["branch"]
    ('sisäministeriö', 'SM', 'SM')
    """
    finnish = _text_of(props, "fi") or str(props["id"])
    attrs: dict[str, Any] = {"type": node_type, "id": str(props["id"])}
    for lang in LANGS:
        attrs[f"label_{lang}"] = _text_of(props, lang) or finnish
    for name in ("abbreviation", "kind", "status", "period", "number", "source"):
        if props.get(name) is not None:
            attrs[name] = props[name]
    for name, value in extra.items():
        if value is not None:
            attrs[name] = value
    attrs["provenance"] = provenance(attrs.get("source"))
    return attrs


def _check_filters(driver: Driver, request: MapRequest, database: str | None) -> list[int]:
    """Refuse filters naming nothing; returns the periods in the graph."""
    found = run_query(
        driver,
        "map_filters",
        database=database,
        theme=request.theme,
        branch=request.branch,
        group=request.group,
    )[0]
    for name, message in _NO_SUCH_FILTER.items():
        if not found[f"{name}_found"]:
            raise BadArgument.said(message, id=getattr(request, name))
    periods = found["periods"]
    if request.period is not None and request.period not in periods:
        known: str = ", ".join(str(p) for p in periods) or Word(
            N_("none: no priority groups are loaded")
        )
        raise BadArgument.said(
            N_("period: no priority group has period %(period)s; periods in the graph: %(known)s"),
            period=request.period,
            known=known,
        )
    return [int(p) for p in periods]


def _work_filters(request: MapRequest) -> dict[str, Any]:
    return {
        "active": list(ACTIVE_STATUSES),
        "period": request.period,
        "theme": request.theme,
        "branch": request.branch,
        "group": request.group,
    }


def _who_works_on_what(driver: Driver, request: MapRequest, database: str | None) -> nx.DiGraph:
    rows = run_query(driver, "map_who_works_on_what", database=database, **_work_filters(request))
    graph = nx.DiGraph()
    for row in rows:
        org = node_key("organisation", row["organisation"]["id"])
        phen = node_key("phenomenon", row["phenomenon"]["id"])
        if org not in graph:
            graph.add_node(
                org, **node_attributes("organisation", row["organisation"], branch=row["branch"])
            )
        if phen not in graph:
            graph.add_node(phen, **node_attributes("phenomenon", row["phenomenon"]))
        graph.add_edge(
            org,
            phen,
            rel="WORKS_ON",
            weight=len(row["measures"]),
            measures=list(row["measures"]),
            lead=bool(row["lead"]),
        )
    # a phenomenon with at most one branch around it is a weak spot (the analyses' gap)
    for node, attrs in graph.nodes(data=True):
        if attrs["type"] == "phenomenon":
            branches = {graph.nodes[o].get("branch") for o in graph.predecessors(node)}
            attrs["branches"] = len(branches - {None})
    _measure_provenance(driver, graph, request.lang, database)
    return graph


#: the better-founded of two provenances first: a link backed by one sourced measure is sourced
_FOUNDED = ("sourced", "unsourced", "illustrative")


def _measure_provenance(driver: Driver, graph: nx.DiGraph, lang: str, database: str | None) -> None:
    """Give each derived link the provenance of the measures behind it (the best founded of
    them), and the graph ``measure_provenance`` (measure id -> provenance) for the banner."""
    ids = {m for _, _, a in graph.edges(data=True) for m in a.get("measures", [])}
    names = names_of(driver, ids, lang, database, types=["measures"]) if ids else {}
    found = {m: provenance(names[m].source if m in names else None) for m in sorted(ids)}
    graph.graph["measure_provenance"] = found
    for _, _, attrs in graph.edges(data=True):
        kinds = {found[m] for m in attrs.get("measures", [])}
        if kinds:
            attrs["provenance"] = min(kinds, key=_FOUNDED.index)
            attrs["illustrative_measures"] = sum(
                found[m] == "illustrative" for m in attrs["measures"]
            )


def collaboration_graph(
    works_on: Mapping[str, Iterable[str]],
    member_of: Mapping[str, Iterable[str]],
    attributes: Mapping[str, Mapping[str, Any]] | None = None,
) -> nx.Graph:
    """The organisation x organisation graph, weighted by what organisations share.

    ``works_on`` maps an organisation to the phenomena it works on, ``member_of`` to its
    priority groups. Two organisations are linked when they share at least one of either;
    the edge carries ``shared_phenomena`` and ``shared_groups`` (sorted ids) and
    ``weight`` = their total count. Every organisation given is a node, linked or not.

    >>> g = collaboration_graph({"SM": ["cyber"], "OM": ["cyber"], "SPR": []},
    ...                         {"SM": ["PG1"], "OM": ["PG1"], "SPR": ["PG1"]})
    >>> g.edges["SM", "OM"]["weight"], g.edges["SM", "SPR"]["weight"]
    (2, 1)
    """
    graph = nx.Graph()
    attributes = attributes or {}
    for org in sorted(set(works_on) | set(member_of)):
        graph.add_node(org, **dict(attributes.get(org, {"type": "organisation", "id": org})))
    shared: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"shared_phenomena": set(), "shared_groups": set()}
    )
    for source, key in ((works_on, "shared_phenomena"), (member_of, "shared_groups")):
        holders: dict[str, set[str]] = defaultdict(set)
        for org, things in source.items():
            for thing in things:
                holders[thing].add(org)
        for thing, orgs in holders.items():
            for a, b in combinations(sorted(orgs), 2):
                shared[(a, b)][key].add(thing)
    for (a, b), both in sorted(shared.items()):
        phenomena = sorted(both["shared_phenomena"])
        groups = sorted(both["shared_groups"])
        graph.add_edge(
            a,
            b,
            rel="COLLABORATES",
            shared_phenomena=phenomena,
            shared_groups=groups,
            weight=len(phenomena) + len(groups),
        )
    return graph


def _collaboration(driver: Driver, request: MapRequest, database: str | None) -> nx.Graph:
    rows = run_query(driver, "map_collaboration", database=database, **_work_filters(request))
    organisations = {
        node_key("organisation", r["organisation"]["id"]): node_attributes(
            "organisation", r["organisation"], branch=r["branch"]
        )
        for r in rows
    }
    works_on = {node_key("organisation", r["organisation"]["id"]): r["phenomena"] for r in rows}
    member_of = {node_key("organisation", r["organisation"]["id"]): r["groups"] for r in rows}
    graph = collaboration_graph(works_on, member_of, organisations)
    # the clusters are named by the phenomena their organisations share: by name, not id
    shared = {p for r in rows for p in r["phenomena"]}
    if shared:
        names = names_of(driver, shared, request.lang, database, types=["phenomena"])
        graph.graph["phenomenon_names"] = {p: names[p].text for p in sorted(names)}
    return graph


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return list(rows[0]["ids"]) if rows else []


def _neighbourhood(
    driver: Driver, request: MapRequest, database: str | None
) -> tuple[list[str], str]:
    label = "Phenomenon" if request.view == "phenomenon" else "Organisation"
    centre = run_query(driver, "map_centre", database=database, label=label, id=request.id)
    if not centre:
        raise NotFound.said(_NO_SUCH_ID[request.view], id=request.id)
    seen = {centre[0]["id"]}
    frontier = list(seen)
    for _ in range(request.radius or DEFAULT_RADIUS):
        found = _ids(
            run_query(
                driver, "map_neighbours", database=database, ids=frontier, period=request.period
            )
        )
        frontier = [n for n in found if n not in seen]
        seen.update(frontier)
        if not frontier:
            break
    return sorted(seen), centre[0]["id"]


def _induced(
    driver: Driver, element_ids: Iterable[str], database: str | None, centre: str | None = None
) -> nx.DiGraph:
    """The nodes with these element ids and every relationship among them."""
    ids = list(element_ids)
    rows = run_query(driver, "map_subgraph", database=database, ids=ids)
    keys: dict[str, str] = {}
    graph = nx.DiGraph()
    for row in rows:
        node_type = TYPE_OF_LABEL.get(row["label"])
        if node_type is None:
            continue
        key = node_key(node_type, row["properties"]["id"])
        keys[row["id"]] = key
        graph.add_node(
            key,
            **node_attributes(
                node_type, row["properties"], branch=row["branch"], group=row["group"]
            ),
        )
        if row["id"] == centre:
            graph.nodes[key]["centre"] = True
    for row in rows:
        start = keys.get(row["id"])
        for rel in row["out"]:
            end = keys.get(rel["to"])
            if start is None or end is None:
                continue
            attrs = {"rel": rel["type"], "weight": 1}
            if rel["properties"].get("role"):
                attrs["role"] = rel["properties"]["role"]
            # memberships and responsibilities have a source of their own (the data format's
            # member/responsible entries): the map says where each such link comes from
            if rel["type"] in _SOURCED_RELS:
                source = rel["properties"].get("source")
                if source is not None:
                    attrs["source"] = source
                attrs["provenance"] = provenance(source)
            graph.add_edge(start, end, **attrs)
    return graph


def read_map(driver: Driver, request: MapRequest, database: str | None = None) -> nx.Graph:
    """Read the subgraph of ``request``'s view from Neo4j into a typed networkx graph.

    Raises :class:`~turva.graph.errors.BadArgument` for a bad view, filter or radius and
    :class:`~turva.graph.errors.NotFound` for an unknown subject id. ``graph.graph`` holds
    ``view``, ``subject`` (the id or None), ``filters`` (with the latest period the view
    picked itself, see :class:`MapRequest`), ``default_period`` (that period, else None)
    and ``lang``.

    Examples
    --------
    >>> graph = read_map(driver, MapRequest("who-works-on-what", period=2021))  # doctest: +SKIP
    >>> graph.nodes["organisation:SM"]["type"]  # doctest: +SKIP
    'organisation'
    """
    request.check()
    periods = _check_filters(driver, request, database)
    latest = None
    if (
        request.period is None
        and request.group is None  # a group names its own period
        and not request.all_periods
        and request.view in LATEST_PERIOD_VIEWS
        and periods
    ):
        latest = max(periods)
        request = replace(request, period=latest)
    graph: nx.Graph
    if request.view == "who-works-on-what":
        graph = _who_works_on_what(driver, request, database)
    elif request.view == "collaboration":
        graph = _collaboration(driver, request, database)
    elif request.view == "group":
        ids = _ids(run_query(driver, "map_group", database=database, id=request.id))
        if not ids:
            raise NotFound.said(_NO_SUCH_ID["group"], id=request.id)
        graph = _induced(driver, ids, database)
        graph.nodes[node_key("group", str(request.id))]["centre"] = True
    elif request.view in ("phenomenon", "organisation"):
        ids, centre = _neighbourhood(driver, request, database)
        graph = _induced(driver, ids, database, centre=centre)
    else:
        ids = _ids(run_query(driver, "map_overview", database=database, period=request.period))
        graph = _induced(driver, ids, database)
    graph.graph.update(
        view=request.view,
        subject=request.id,
        filters=request.filters(),
        lang=request.lang,
        default_period=latest,
    )
    # the legend and tooltips name branches, not their codes
    branches = {a["branch"] for _, a in graph.nodes(data=True) if a.get("branch")}
    if branches:
        names = names_of(driver, branches, request.lang, database, types=["branches"])
        graph.graph["branch_names"] = {b: names[b].text for b in sorted(names)}
    return graph
