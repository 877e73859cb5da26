"""Indicators, their yearly observations and goal targets in the turva/1 format: checked
whole, loaded in one transaction, exported back identically."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import count_nodes
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.validate import validate_document
from turva.graph.errors import ValidationFailed
from turva.graph.store.export import export_document
from turva.graph.store.load import load_document

SMALL = Path(__file__).parent / "fixtures" / "small.yaml"


def _with_indicators() -> dict[str, Any]:
    doc = read_document_data(SMALL)
    phenomenon = doc["phenomena"][0]["id"]
    doc["indicators"] = [
        {
            "id": "reported-fraud",
            "name": {"fi": "Ilmoitetut petokset", "en": "Reported frauds"},
            "unit": {"fi": "tapausta", "en": "cases"},
            "direction": "decrease",
            "phenomena": [phenomenon],
            "source": "illustrative",
        },
        {
            "id": "trust",
            "name": {"fi": "Luottamus poliisiin"},
            "direction": "increase",
            "phenomena": [phenomenon],
        },
    ]
    doc["observations"] = [
        {"indicator": "reported-fraud", "year": 2020, "value": 14000, "source": "illustrative"},
        {"indicator": "reported-fraud", "year": 2021, "value": 12345.5},
        {"indicator": "trust", "year": 2021, "value": 0.91, "source": "illustrative"},
    ]
    doc["goals"][0]["target"] = {
        "indicator": "reported-fraud",
        "baseline_year": 2020,
        "baseline": 14000,
        "year": 2027,
        "value": 10000,
    }
    return doc


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_document(data)
    return {issue.path: issue.text(str) for issue in caught.value.issues}


def test_a_document_with_indicators_round_trips_through_the_graph(empty_graph):
    doc = _with_indicators()

    report = load_document(empty_graph, doc)

    assert report.created["indicators"] == 2
    assert report.created["observations"] == 3
    exported = export_document(empty_graph, history=False)
    assert [i["id"] for i in exported["indicators"]] == ["reported-fraud", "trust"]
    assert exported["indicators"][0]["unit"] == {"fi": "tapausta", "en": "cases"}
    assert exported["observations"] == [
        {"indicator": "reported-fraud", "year": 2020, "value": 14000, "source": "illustrative"},
        {"indicator": "reported-fraud", "year": 2021, "value": 12345.5},
        {"indicator": "trust", "year": 2021, "value": 0.91, "source": "illustrative"},
    ]
    goal = next(g for g in exported["goals"] if g["id"] == doc["goals"][0]["id"])
    assert goal["target"] == doc["goals"][0]["target"]
    # export -> empty graph -> export gives the same document
    first = json.dumps(exported, sort_keys=True)
    load_document(empty_graph, exported, replace=True)
    assert json.dumps(export_document(empty_graph, history=False), sort_keys=True) == first


def test_a_merge_of_observations_alone_replaces_a_year_and_adds_others(empty_graph):
    load_document(empty_graph, _with_indicators())

    report = load_document(
        empty_graph,
        {
            "format": "turva/1",
            "observations": [
                {"indicator": "reported-fraud", "year": 2021, "value": 12000, "source": "x"},
                {"indicator": "reported-fraud", "year": 2022, "value": 11000},
            ],
        },
    )

    assert (report.created["observations"], report.updated["observations"]) == (1, 1)
    values = {
        (o["indicator"], o["year"]): o["value"]
        for o in export_document(empty_graph, history=False)["observations"]
    }
    assert values == {
        ("reported-fraud", 2020): 14000,
        ("reported-fraud", 2021): 12000,
        ("reported-fraud", 2022): 11000,
        ("trust", 2021): 0.91,
    }


def test_replace_drops_the_observations_the_file_does_not_hold(empty_graph):
    load_document(empty_graph, _with_indicators())
    doc = _with_indicators()
    doc["observations"] = doc["observations"][:1]

    report = load_document(empty_graph, doc, replace=True)

    assert report.deleted["observations"] == 2
    exported = export_document(empty_graph, history=False)["observations"]
    assert [(o["indicator"], o["year"]) for o in exported] == [("reported-fraud", 2020)]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: d["observations"].append({"indicator": "nope", "year": 2021, "value": 1}),
            "observations[3].indicator",
            "unknown indicator 'nope'",
        ),
        (
            lambda d: d["observations"].append({"indicator": "trust", "year": 2021, "value": 0.5}),
            "observations[3].year",
            "second observation of indicator 'trust' for 2021 (first at observations[2])",
        ),
        (
            lambda d: d["observations"][0].update(value=float("inf")),
            "observations[0].value",
            "finite number",
        ),
        (
            lambda d: d["observations"][0].update(value=10**16),
            "observations[0].value",
            "less than or equal to",
        ),
        (
            lambda d: d["observations"][0].update(year=1899),
            "observations[0].year",
            "greater than or equal to 1900",
        ),
        (
            lambda d: d["observations"][0].update(year=2101),
            "observations[0].year",
            "less than or equal to 2100",
        ),
        (
            lambda d: d["observations"][0].update(year="2021"),
            "observations[0].year",
            "whole number",
        ),
        (
            lambda d: d["indicators"][0].update(phenomena=["missing"]),
            "indicators[0].phenomena[0]",
            "unknown phenomenon 'missing'",
        ),
        (
            lambda d: d["indicators"][0].update(phenomena=[]),
            "indicators[0].phenomena",
            "at least 1",
        ),
        (
            lambda d: d["indicators"][0].update(direction="down"),
            "indicators[0].direction",
            "'decrease' or 'increase'",
        ),
        (
            lambda d: d["goals"][0]["target"].update(indicator="nope"),
            "goals[0].target.indicator",
            "unknown indicator 'nope'",
        ),
        (
            lambda d: d["goals"][0]["target"].update(year=2020),
            "goals[0].target",
            "target year 2020 must be after the baseline year 2020",
        ),
        (
            lambda d: d["goals"][0]["target"].update(baseline=float("nan")),
            "goals[0].target.baseline",
            "finite number",
        ),
    ],
)
def test_bad_indicator_data_names_its_path_and_nothing_is_written(empty_graph, change, path, words):
    doc = _with_indicators()
    change(doc)

    problems = _problems(copy.deepcopy(doc))

    assert path in problems, problems
    assert words in problems[path]
    with pytest.raises(ValidationFailed):
        load_document(empty_graph, doc)
    assert count_nodes(empty_graph) == 0


def test_the_cli_loads_and_exports_indicators(empty_graph, turva, tmp_path):
    source = tmp_path / "with-indicators.yaml"
    source.write_text(yaml.safe_dump(_with_indicators(), allow_unicode=True))

    assert turva("load", str(source)).code == 0
    out = tmp_path / "out.yaml"
    assert turva("export", "--no-history", str(out)).code == 0

    exported = yaml.safe_load(out.read_text())
    assert len(exported["observations"]) == 3
    assert exported["indicators"][1]["direction"] == "increase"


def test_an_indicator_with_observations_or_targets_is_not_deleted(empty_graph):
    from turva.graph.errors import Conflict
    from turva.graph.store.records import delete_record

    doc = _with_indicators()
    load_document(empty_graph, doc)

    with pytest.raises(Conflict) as caught:
        delete_record(empty_graph, "indicators", "reported-fraud", who="test")

    assert caught.value.referenced_by == [
        f"goals/{doc['goals'][0]['id']}",
        "observations/reported-fraud/2020",
        "observations/reported-fraud/2021",
    ]
    assert len(export_document(empty_graph, history=False)["observations"]) == 3


def test_a_goal_written_with_an_unknown_target_indicator_is_refused(empty_graph):
    from turva.graph.domain.model import Goal
    from turva.graph.store.records import replace_record

    doc = _with_indicators()
    load_document(empty_graph, doc)
    goal = copy.deepcopy(doc["goals"][0])
    goal["target"]["indicator"] = "nope"

    with pytest.raises(ValidationFailed) as caught:
        replace_record(empty_graph, "goals", Goal.model_validate(goal), who="test")

    assert [i.path for i in caught.value.issues] == ["target.indicator"]


def test_an_upload_plans_and_writes_yearly_values_and_keeps_them_on_replace(empty_graph):
    from turva.graph.store.import_plan import apply_plan, plan_import

    load_document(empty_graph, _with_indicators())
    upload = export_document(empty_graph, history=False)
    upload["observations"][1]["value"] = 12000
    upload["observations"].append({"indicator": "trust", "year": 2022, "value": 0.93})

    plan = plan_import(empty_graph, upload, replace=True)

    assert plan.observations == {"create": 1, "update": 1, "unchanged": 2}
    assert not plan.is_empty
    apply_plan(empty_graph, plan, who="user:admin")
    values = {
        (o["indicator"], o["year"]): o["value"]
        for o in export_document(empty_graph, history=False)["observations"]
    }
    assert values[("reported-fraud", 2021)] == 12000
    assert len(values) == 4

    # an editor's upload writes no yearly values: they belong to no organisation
    upload["observations"][0]["value"] = 1
    editor_plan = plan_import(empty_graph, upload, editor=["SM"])
    assert editor_plan.observations == {"unchanged": 3, "refused": 1}
    assert editor_plan.observations_to_write == 0


def test_the_api_keeps_indicators_as_records(empty_graph, neo4j_target):
    from tests.api_client import bearer, client, token

    load_document(empty_graph, _with_indicators())
    with client(empty_graph, neo4j_target.settings()) as api:
        api.headers.update(bearer(token(empty_graph, "admin", name="admin")))
        listed = api.get("/api/v1/indicators", params={"direction": "increase"})
        assert listed.status_code == 200, listed.text
        assert [i["id"] for i in listed.json()["data"]] == ["trust"]

        created = api.post(
            "/api/v1/indicators",
            json={
                "id": "new-one",
                "name": {"fi": "Uusi"},
                "direction": "decrease",
                "phenomena": ["missing-phenomenon"],
            },
        )
        assert created.status_code == 422
        assert "phenomena" in created.text and "missing-phenomenon" in created.text

        # an indicator with yearly values is not deleted: they would be lost
        refused = api.delete("/api/v1/indicators/trust")
        assert refused.status_code == 409
        assert "observations/trust/2021" in refused.text
