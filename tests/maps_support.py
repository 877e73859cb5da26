"""Shared by the map tests (no tests here): a tiny hand-made turva/1 document and helpers.

The document (illustrative data) is small enough to work out every view by hand:

- organisations POHA (branch SM, part of SM), SM (SM), OM (OM), THL (STM), SPR and LONE
  (NGOs, no branch); phenomena cyber (theme T1) > fraud, harass (theme T2), falls;
- groups G1 (2021, focus cyber, members POHA lead + SPR), G2 (2021, focus harass, members
  OM lead + THL + SPR), G3 (2023, focus falls, member THL); goals g1 (G1, targets fraud),
  g2 (G2, harass), g3 (G3, falls);
- measures m1 ongoing POHA+SPR -> fraud (g1), m2 planned POHA -> fraud, cyber (g1),
  m3 ongoing OM+THL -> harass (g2), m4 done LONE -> cyber, m5 ongoing THL -> falls (g3),
  m6 cancelled SM -> harass; body coop with member SM.
"""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx

from tests.conftest import measure
from turva.visualize import export_map

__all__ = ["REMOTE_ASSET", "TINY", "map_html", "map_data", "node_ids", "edge_pairs"]

#: an HTML attribute that loads something from another host: a map must work offline
#: (a script's or an image's src, a style sheet's href; a link a person follows, <a href>,
#: loads nothing until followed)
REMOTE_ASSET = re.compile(
    r"""(?:\bsrc|<link\b[^>]*\bhref|\burl\()\s*=?\s*["']?\s*(?:https?:)?//""", re.IGNORECASE
)


def _by(organisation: str) -> list[dict[str, str]]:
    """One responsible organisation, its role left to the default."""
    return [{"organisation": organisation}]


def _lead(lead: str, partner: str) -> list[dict[str, str]]:
    return [{"organisation": lead, "role": "lead"}, {"organisation": partner, "role": "partner"}]


TINY: dict[str, Any] = {
    "format": "turva/1",
    "themes": [
        {"id": "T1", "name": {"fi": "arjen turvallisuus", "en": "everyday security"}},
        {"id": "T2", "name": {"fi": "turvallisuuden tunne"}},
    ],
    "branches": [
        {"id": "SM", "name": {"fi": "sisäministeriön hallinnonala"}},
        {"id": "OM", "name": {"fi": "oikeusministeriön hallinnonala"}},
        {"id": "STM", "name": {"fi": "sosiaali- ja terveysministeriön hallinnonala"}},
    ],
    "organisations": [
        {"id": "SM", "name": {"fi": "sisäministeriö"}, "kind": "ministry", "branch": "SM"},
        {
            "id": "POHA",
            "name": {"fi": "Poliisihallitus", "en": "National Police Board"},
            "abbreviation": "POHA",
            "kind": "agency",
            "branch": "SM",
            "parent": "SM",
        },
        {"id": "OM", "name": {"fi": "oikeusministeriö"}, "kind": "ministry", "branch": "OM"},
        {
            "id": "THL",
            "name": {"fi": "Terveyden ja hyvinvoinnin laitos"},
            "kind": "agency",
            "branch": "STM",
        },
        {"id": "SPR", "name": {"fi": "Suomen Punainen Risti"}, "kind": "ngo"},
        {"id": "LONE", "name": {"fi": "Yksinäinen yhdistys"}, "kind": "ngo"},
    ],
    "phenomena": [
        {"id": "cyber", "name": {"fi": "kyberrikollisuus", "en": "cybercrime"}, "themes": ["T1"]},
        {"id": "fraud", "name": {"fi": "verkkohuijaus"}, "parent": "cyber"},
        {"id": "harass", "name": {"fi": "häirintä"}, "themes": ["T2"]},
        {"id": "falls", "name": {"fi": "kaatumiset"}},
    ],
    "priority_groups": [
        {
            "id": "G1",
            "number": 1,
            "period": 2021,
            "name": {"fi": "Kyber"},
            "themes": ["T1"],
            "focuses_on": ["cyber"],
            "members": [{"organisation": "POHA", "role": "lead"}, {"organisation": "SPR"}],
        },
        {
            "id": "G2",
            "number": 2,
            "period": 2021,
            "name": {"fi": "Häirintä"},
            "focuses_on": ["harass"],
            "members": [
                {"organisation": "OM", "role": "lead"},
                {"organisation": "THL"},
                {"organisation": "SPR"},
            ],
        },
        {
            "id": "G3",
            "number": 1,
            "period": 2023,
            "name": {"fi": "Kaatumiset"},
            "focuses_on": ["falls"],
            "members": [{"organisation": "THL", "role": "lead"}],
        },
    ],
    "bodies": [
        {
            "id": "coop",
            "kind": "cooperation-group",
            "name": {"fi": "yhteistyöryhmä"},
            "members": [{"organisation": "SM", "role": "lead"}],
        },
    ],
    "goals": [
        {"id": "g1", "text": {"fi": "Vähemmän huijauksia"}, "group": "G1", "targets": ["fraud"]},
        {"id": "g2", "text": {"fi": "Vähemmän häirintää"}, "group": "G2", "targets": ["harass"]},
        {"id": "g3", "text": {"fi": "Vähemmän kaatumisia"}, "group": "G3", "targets": ["falls"]},
    ],
    "measures": [
        measure("m1", "Kampanja", "ongoing", _lead("POHA", "SPR"), ["fraud"], advances=["g1"]),
        measure("m2", "Tutkinta", "planned", _by("POHA"), ["fraud", "cyber"], advances=["g1"]),
        measure("m3", "Sovittelu", "ongoing", _lead("OM", "THL"), ["harass"], advances=["g2"]),
        measure("m4", "Vanha hanke", "done", _by("LONE"), ["cyber"]),
        measure("m5", "Kotikäynnit", "ongoing", _by("THL"), ["falls"], advances=["g3"]),
        measure("m6", "Peruttu", "cancelled", _by("SM"), ["harass"]),
    ],
}

_DATA = re.compile(r'<script type="application/json" id="turva-map-data">(.*?)</script>', re.DOTALL)


def map_html(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> str:
    """The standalone HTML map of a view's graph, as the CLI and the API write it."""
    return export_map(graph, "html", base_url=base_url, lang=lang).decode("utf-8")


def map_data(html: str) -> dict[str, Any]:
    """The nodes, edges and options the map's HTML embeds for vis-network."""
    found = _DATA.findall(html)
    assert len(found) == 1, "a map page embeds exactly one data block"
    return json.loads(found[0])


def node_ids(html: str) -> set[str]:
    """The keys of the nodes an HTML map draws."""
    return {n["id"] for n in map_data(html)["nodes"]}


def edge_pairs(html: str) -> set[tuple[str, str]]:
    """The (from, to) keys of the edges an HTML map draws."""
    return {(e["from"], e["to"]) for e in map_data(html)["edges"]}
