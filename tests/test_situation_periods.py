"""The situation picture across two periods: the figures that count a period show their
change since the previous one; the whole-graph figures (the gaps) show none."""

from __future__ import annotations

import copy
import re
from typing import Any

from neo4j import Driver

from tests.api_client import client
from turva.api.situation_pages import GAP_KEYS, PERIOD_KEYS
from turva.graph.store.load import load_document

_CHANGE = re.compile(
    r'data-kpi="(\w+)">(\d+)</span>.*?(?:data-change="(-?\d+)">([^<]+)<|</li>)', re.S
)


def test_the_period_figures_show_their_change(
    empty_graph: Driver, dataset_2021: dict[str, Any], neo4j_target
):
    doc = copy.deepcopy(dataset_2021)
    first = next(g for g in doc["priority_groups"] if g["id"] == "PG2021-1")
    doc["priority_groups"].append(
        {
            "id": "PG2023-1",
            "number": 1,
            "period": 2023,
            "name": {"fi": "Seuraava kausi", "en": "The next period"},
            "focuses_on": first["focuses_on"][:3],
            "members": [{"organisation": "SM", "role": "lead"}, {"organisation": "VM"}],
        }
    )
    load_document(empty_graph, doc)
    with client(empty_graph, neo4j_target.settings()) as web:
        page = web.get("/", params={"lang": "fi"}).text  # the latest period: 2023
        earlier = web.get("/", params={"lang": "fi", "period": 2021}).text
    shown = {key: (int(n), change, words) for key, n, change, words in _CHANGE.findall(page)}
    assert shown["focus_phenomena"][0] == 3
    assert shown["organisations_taking_part"][0] == 2
    assert shown["active_measures"][0] == 0
    before = {key: int(n) for key, n, _, _ in _CHANGE.findall(earlier)}
    for key in PERIOD_KEYS:
        change = shown[key][0] - before[key]
        assert shown[key][1] == str(change), key
        assert shown[key][2].startswith(f"−{-change} edelliseen kauteen"), shown[key]
    for key in GAP_KEYS:
        assert shown[key][1] == "", key
    # the first period has nothing before it
    assert "data-change" not in earlier
