"""What a map says in words: its headline, the names of its communities, and which of
its nodes carry a label without hovering.

Everything here reads an annotated view graph (:func:`turva.visualize.analytics.annotate`:
``degree``, ``betweenness``, ``community`` and ``broker`` on every node) and speaks the
map's language through the one message catalogue (:mod:`turva.graph.messages`).

>>> g = nx.Graph(view="who-works-on-what", lang="en")
>>> g.add_node("o:P", type="organisation", id="P", abbreviation="POHA")
>>> g.add_node("o:K", type="organisation", id="K", label_en="Kuntaliitto")
>>> g.add_node("o:S", type="organisation", id="S", label_en="SPR")
>>> for p in "abcd":
...     g.add_node("p:" + p, type="phenomenon", id=p, branches=1 if p != "a" else 2)
>>> g.add_edges_from([("o:P", "p:a"), ("o:P", "p:b"), ("o:K", "p:c"), ("o:S", "p:d")])
>>> headline(annotate(g))
'POHA and Kuntaliitto are in 75% of the links between organisations and phenomena; \
3 phenomena rest on a single branch'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from turva.graph.messages import N_, gettext_for, ngettext_for
from turva.visualize.analytics import annotate

__all__ = [
    "LABEL_ALL",
    "LABELLED_MOST",
    "name_of",
    "joined_names",
    "percent",
    "connections",
    "community_names",
    "labelled_nodes",
    "headline",
]

#: maps up to this many nodes label every node; larger ones only their most connected
LABEL_ALL = 30
LABELLED_MOST = 18
#: the headline names at most this many organisations and communities
_TOP_ORGANISATIONS = 2
_TOP_COMMUNITIES = 4


def name_of(attrs: Mapping[str, Any], lang: str) -> str:
    """A node's short name in ``lang``: its abbreviation, else its name (Finnish where missing).

    >>> name_of({"id": "x", "abbreviation": "POHA", "label_fi": "Poliisihallitus"}, "fi")
    'POHA'
    """
    return str(
        attrs.get("abbreviation")
        or attrs.get(f"label_{lang}")
        or attrs.get("label_fi")
        or attrs["id"]
    )


def joined_names(names: list[str], lang: str) -> str:
    """Names as a sentence lists them: "a", "a and b", "a, b and c".

    >>> joined_names(["POHA", "SM", "OM"], "fi"), joined_names(["POHA"], "en")
    ('POHA, SM ja OM', 'POHA')
    """
    if len(names) <= 1:
        return "".join(names)
    _ = gettext_for(lang)
    return _("%(first)s and %(second)s") % {"first": ", ".join(names[:-1]), "second": names[-1]}


def percent(share: float, lang: str) -> str:
    """A share (0-1) as a whole percentage written the language's way.

    >>> percent(0.375, "fi"), percent(0.375, "en")
    ('38 %', '38%')
    >>> percent(0.004, "fi"), percent(0.004, "en")
    ('alle 1 %', 'under 1%')
    """
    _ = gettext_for(lang)
    if 0 < share < 0.005:
        # a share that rounds to 0 is still there: "0 %" would say it is not
        return _("under %(n)s%%") % {"n": 1}
    # round half up: 37.5 % is 38 %, as a reader rounds
    return _("%(n)s%%") % {"n": int(share * 100 + 0.5)}


def connections(n: int, lang: str) -> str:
    """A node's degree in words ("N yhteyttä").

    >>> connections(1, "fi"), connections(5, "fi"), connections(5, "en")
    ('1 yhteys', '5 yhteyttä', '5 connections')
    """
    ngettext = ngettext_for(lang)
    return ngettext("%(n)s connection", "%(n)s connections", n) % {"n": n}


def _members(graph: nx.Graph) -> dict[int, list[Hashable]]:
    members: dict[int, list[Hashable]] = {}
    for node in sorted(graph.nodes, key=str):
        members.setdefault(int(graph.nodes[node].get("community", 0)), []).append(node)
    return members


def _candidates(graph: nx.Graph, nodes: list[Hashable], lang: str) -> list[str]:
    """What may name a community, best first: its dominant phenomenon or branch."""
    inside = set(nodes)
    und = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    phenomenon_names = graph.graph.get("phenomenon_names") or {}
    branch_names = graph.graph.get("branch_names") or {}
    phenomena: Counter[str] = Counter()
    links = 0
    # a collaboration link names the phenomena its two organisations share
    for *_, attrs in und.subgraph(nodes).edges(data=True):
        links += 1
        for found in attrs.get("shared_phenomena", ()):
            phenomena[str(phenomenon_names.get(found, found))] += 1
    # on other maps the phenomena are nodes: those most tied into the community lead
    for node in nodes:
        attrs = graph.nodes[node]
        if attrs.get("type") == "phenomenon":
            within = sum(1 for n in und[node] if n in inside)
            phenomena[name_of(attrs, lang)] += within or 1
    branches = Counter(
        str(branch_names.get(a["branch"], a["branch"]))
        for n in nodes
        if (a := graph.nodes[n]).get("branch")
    )
    ranked_phenomena = [p for p, _ in sorted(phenomena.items(), key=lambda i: (-i[1], i[0]))]
    ranked_branches = [b for b, _ in sorted(branches.items(), key=lambda i: (-i[1], i[0]))]
    phenomenon_share = phenomena[ranked_phenomena[0]] / max(links, 1) if ranked_phenomena else 0
    branch_share = branches[ranked_branches[0]] / len(nodes) if ranked_branches else 0
    # a branch names the community only when it holds more of it together than any phenomenon
    if branch_share > 0.5 and branch_share > phenomenon_share:
        return [*ranked_branches, *ranked_phenomena]
    return [*ranked_phenomena, *ranked_branches]


def community_names(graph: nx.Graph, lang: str | None = None) -> dict[int, str]:
    """A name for each community of an annotated graph: what holds it together.

    The phenomenon its members share most, or the administrative branch most of them
    belong to when a branch holds it together more (over half of its members, more than
    the share of links any phenomenon is on). Two communities never take one name: the
    second takes its next candidate, and one with none is named by its most connected
    member.

    Examples
    --------
    >>> g = nx.Graph(lang="fi", phenomenon_names={"cyber": "kyberrikollisuus"},
    ...              branch_names={"SM": "sisäministeriön hallinnonala"})
    >>> for a, b in [("A", "B"), ("B", "C"), ("A", "C")]:
    ...     g.add_edge(a, b, shared_phenomena=["cyber"])
    >>> for a, b in [("D", "E"), ("E", "F"), ("D", "F")]:
    ...     g.add_edge(a, b, shared_phenomena=[a + b])
    >>> for n in g:
    ...     g.nodes[n].update(type="organisation", id=n, branch="SM" if n in "DEF" else None)
    >>> community_names(annotate(g))
    {0: 'kyberrikollisuus', 1: 'sisäministeriön hallinnonala'}
    """
    lang = lang or graph.graph.get("lang") or "fi"
    names: dict[int, str] = {}
    for index, nodes in sorted(_members(graph).items()):
        taken = set(names.values())
        found = next((c for c in _candidates(graph, nodes, lang) if c not in taken), None)
        if found is None:
            top = min(nodes, key=lambda n: (-graph.nodes[n].get("degree", 0), str(n)))
            found = name_of(graph.nodes[top], lang)
        names[index] = found
    return names


def labelled_nodes(graph: nx.Graph) -> set[Hashable]:
    """The nodes whose label is always drawn: every node of a map of up to
    :data:`LABEL_ALL` nodes, else the :data:`LABELLED_MOST` most connected (ties by key)
    and the node the map is about.

    >>> star = annotate(nx.star_graph(40))
    >>> len(labelled_nodes(star)), 0 in labelled_nodes(star)
    (18, True)
    >>> len(labelled_nodes(annotate(nx.path_graph(30))))
    30
    """
    if len(graph) <= LABEL_ALL:
        return set(graph.nodes)
    ranked = sorted(graph.nodes, key=lambda n: (-graph.nodes[n].get("degree", 0), str(n)))
    centre = {n for n, a in graph.nodes(data=True) if a.get("centre")}
    return set(ranked[:LABELLED_MOST]) | centre


def _of_type(graph: nx.Graph, node_type: str) -> list[Hashable]:
    return [n for n, a in graph.nodes(data=True) if a.get("type") == node_type]


def _most_connected(graph: nx.Graph, nodes: list[Hashable]) -> list[Hashable]:
    def rank(n: Hashable) -> tuple[int, float, str]:
        attrs = graph.nodes[n]
        return (-attrs.get("degree", 0), -attrs.get("betweenness", 0.0), str(n))

    return sorted((n for n in nodes if graph.nodes[n].get("degree", 0) > 0), key=rank)


def _brokers(graph: nx.Graph, lang: str) -> list[str]:
    count = sum(1 for _, a in graph.nodes(data=True) if a.get("broker"))
    if not count:
        return []
    ngettext = ngettext_for(lang)
    return [
        ngettext(
            "%(n)s organisation connects parts of the network",
            "%(n)s organisations connect parts of the network",
            count,
        )
        % {"n": count}
    ]


def _who_works_on_what(graph: nx.Graph, lang: str) -> list[str]:
    ngettext = ngettext_for(lang)
    parts = []
    top = _most_connected(graph, _of_type(graph, "organisation"))[:_TOP_ORGANISATIONS]
    links = graph.number_of_edges()
    if top and links:
        touched = sum(1 for a, b in graph.edges if a in top or b in top)
        parts.append(
            ngettext(
                "%(names)s is in %(percent)s of the links between organisations and phenomena",
                "%(names)s are in %(percent)s of the links between organisations and phenomena",
                len(top),
            )
            % {
                "names": joined_names([name_of(graph.nodes[n], lang) for n in top], lang),
                "percent": percent(touched / links, lang),
            }
        )
    phenomena = _of_type(graph, "phenomenon")
    single = sum(1 for n in phenomena if graph.nodes[n].get("branches", 2) <= 1)
    if single:
        parts.append(
            ngettext(
                "%(n)s phenomenon rests on a single branch",
                "%(n)s phenomena rest on a single branch",
                single,
            )
            % {"n": single}
        )
    elif phenomena:
        parts.append(
            gettext_for(lang)(N_("every phenomenon has two or more branches working on it"))
        )
    return parts


def _collaboration(graph: nx.Graph, lang: str, names: Mapping[int, str] | None) -> list[str]:
    ngettext = ngettext_for(lang)
    names = names if names is not None else community_names(graph, lang)
    # a lone organisation is no cluster of cooperation
    clusters = [i for i, nodes in sorted(_members(graph).items()) if len(nodes) > 1]
    if not clusters:
        return []
    shown = [names[i] for i in clusters[:_TOP_COMMUNITIES]]
    if len(clusters) > _TOP_COMMUNITIES:
        shown.append("…")
    sentence = ngettext(
        "the organisations form %(n)s cooperation cluster: %(names)s",
        "the organisations form %(n)s cooperation clusters: %(names)s",
        len(clusters),
    ) % {"n": len(clusters), "names": ", ".join(shown)}
    return [sentence, *_brokers(graph, lang)]


def _central(graph: nx.Graph, lang: str) -> list[str]:
    candidates = [n for n, a in graph.nodes(data=True) if not a.get("centre")]
    organisations = [n for n in candidates if graph.nodes[n].get("type") == "organisation"]
    top = _most_connected(graph, organisations) or _most_connected(graph, candidates)
    if not top:
        return []
    attrs = graph.nodes[top[0]]
    sentence = gettext_for(lang)(N_("%(name)s is the most connected on this map: %(count)s")) % {
        "name": name_of(attrs, lang),
        "count": connections(int(attrs.get("degree", 0)), lang),
    }
    return [sentence, *_brokers(graph, lang)]


def headline(
    graph: nx.Graph, lang: str | None = None, clusters: Mapping[int, str] | None = None
) -> str:
    """One sentence over the map, from the analytics of an annotated view graph.

    Who works on what: the (at most two) most connected organisations and the share of
    the map's links they are in, and how many phenomena rest on a single branch (at most
    one administrative branch works on them). Collaboration: the cooperation clusters
    (:func:`community_names`) and how many organisations connect parts of the network.
    Other maps: the most connected organisation (else node) besides the one the map is
    about, and the connecting organisations. Empty for an empty map. A graph without
    analytics is annotated (a copy) first; ``clusters`` are the community names when
    already found (:func:`community_names`).

    >>> g = nx.Graph(view="group", lang="fi")
    >>> g.add_node("g", type="group", id="G1", centre=True)
    >>> g.add_node("o", type="organisation", id="SM", label_fi="sisäministeriö")
    >>> g.add_node("m", type="measure", id="M1")
    >>> g.add_edges_from([("g", "o"), ("o", "m")])
    >>> headline(annotate(g))
    'Kartan keskeisin on sisäministeriö: 2 yhteyttä; 1 organisaatio yhdistää verkoston osia'
    """
    lang = lang or graph.graph.get("lang") or "fi"
    if graph.number_of_nodes() == 0:
        return ""
    if any("degree" not in attrs for _, attrs in graph.nodes(data=True)):
        graph = annotate(graph.copy())
    view = graph.graph.get("view")
    if view == "who-works-on-what":
        parts = _who_works_on_what(graph, lang)
    elif view == "collaboration":
        parts = _collaboration(graph, lang, clusters)
    else:
        parts = _central(graph, lang)
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:]
