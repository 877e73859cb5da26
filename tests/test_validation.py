"""Bad input to `turva load`: every error named with its path, nothing written."""

from __future__ import annotations

import copy
import json
import os

import pytest
import yaml

from tests.conftest import ROOT, measure
from turva.graph.domain.formats import read_document_data
from turva.graph.store.export import export_document

SMALL = ROOT / "tests" / "fixtures" / "small.yaml"


@pytest.fixture
def small() -> dict:
    return read_document_data(SMALL)


@pytest.fixture
def loaded(empty_graph, small):
    """A graph holding the small document; returns (driver, its export before the bad load)."""
    from turva.graph.store.load import load_document

    load_document(empty_graph, small)
    return empty_graph, export_document(empty_graph)


def _write(tmp_path, data, name="bad.yaml") -> str:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, default=str))
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return str(path)


def _measure(doc: dict, measure_id: str) -> dict:
    return next(m for m in doc["measures"] if m["id"] == measure_id)


def _breaks(doc: dict, case: str) -> None:
    """Break a copy of the small document in one way."""
    if case == "unknown key":
        _measure(doc, "m-campaign")["budget"] = 5
    elif case == "dangling reference":
        _measure(doc, "m-mediation")["addresses"] = ["kyber"]
    elif case == "duplicate id":
        doc["organisations"].append({"id": "POHA", "name": {"fi": "kopio"}, "kind": "agency"})
    elif case == "parent cycle":
        doc["phenomena"][0]["parent"] = "online-fraud"
    elif case == "bad enum":
        _measure(doc, "m-campaign")["status"] = "running"
    elif case == "bad date":
        _measure(doc, "m-campaign")["end"] = "2026-13-45"
    elif case == "negative resources":
        _measure(doc, "m-campaign")["resources"] = {"eur": -1}
    elif case == "bad id":
        doc["themes"][0]["id"] = "-no spaces-"
    elif case == "missing name":
        del doc["phenomena"][2]["name"]


EXPECTED = {
    "unknown key": "measures[0].budget: unknown key 'budget'",
    "dangling reference": "measures[1].addresses[0]: unknown phenomenon 'kyber'",
    "duplicate id": (
        "organisations[4].id: duplicate organisation id 'POHA' (first at organisations[2])"
    ),
    "parent cycle": "parent cycle: cybercrime -> online-fraud -> cybercrime",
    "bad enum": "measures[0].status: input should be 'planned', 'ongoing', 'done' or 'cancelled'",
    "bad date": "measures[0].end: expected a date YYYY-MM-DD, got '2026-13-45'",
    "negative resources": "measures[0].resources.eur: input should be greater than or equal to 0",
    "bad id": "themes[0].id: invalid id '-no spaces-'",
    "missing name": "phenomena[2].name: required field is missing",
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_validation_error_is_named_and_nothing_is_written(
    case, loaded, small, turva, tmp_path
):
    driver, before = loaded
    bad = copy.deepcopy(small)
    # a valid new record too, to prove that the valid part is not written either
    bad["themes"].append({"id": "new-theme", "name": {"fi": "uusi"}})
    _breaks(bad, case)

    result = turva("load", _write(tmp_path, bad))

    assert result.code != 0
    assert EXPECTED[case] in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert export_document(driver) == before


def test_every_error_is_reported_at_once(loaded, small, turva, tmp_path):
    bad = copy.deepcopy(small)
    for case in ("unknown key", "dangling reference", "bad enum", "duplicate id"):
        _breaks(bad, case)
    result = turva("load", _write(tmp_path, bad))
    assert result.code != 0
    # shape errors come first; reference errors need a well-formed document
    for case in ("unknown key", "bad enum"):
        assert EXPECTED[case] in result.stderr


def test_a_merge_may_refer_to_records_already_in_the_graph(loaded, turva, tmp_path):
    driver, _ = loaded
    new = measure("m-new", "Uusi", "planned", [{"organisation": "POHA"}], ["harassment"])
    result = turva("load", _write(tmp_path, {"format": "turva/1", "measures": [new]}))
    assert result.code == 0, result.stderr
    # but --replace needs a document that stands on its own
    other = {**new, "id": "m-other"}
    replace = turva(
        "load", _write(tmp_path, {"format": "turva/1", "measures": [other]}), "--replace"
    )
    assert replace.code != 0
    assert "measures[0].responsible[0].organisation: unknown organisation 'POHA'" in replace.stderr
    assert {m["id"] for m in export_document(driver)["measures"]} == {
        "m-campaign",
        "m-mediation",
        "m-new",
    }


def test_a_parent_cycle_through_the_graph_is_refused(loaded, turva, tmp_path):
    flipped = {
        "format": "turva/1",
        "phenomena": [{"id": "cybercrime", "name": {"fi": "kyber"}, "parent": "online-fraud"}],
    }
    result = turva("load", _write(tmp_path, flipped))
    assert result.code != 0
    assert (
        "phenomena[0].parent: parent cycle: cybercrime -> online-fraud -> cybercrime"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yaml", b"format: turva/1\nthemes: [\n", "is not valid YAML"),
        ("broken.json", b'{"format": "turva/1", "themes": [}', "is not valid JSON"),
        ("list.yaml", b"- just\n- a list\n", "must be a mapping with 'format: turva/1'"),
        ("other.yaml", b"format: turva/2\n", "not a turva/1 document"),
        ("noformat.json", b'{"themes": []}', "format: required field is missing"),
        ("latin1.yaml", "format: turva/1 # äö".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_unreadable_files_get_one_clear_paragraph(loaded, turva, tmp_path, name, content, message):
    driver, before = loaded
    path = tmp_path / name
    path.write_bytes(content)
    result = turva("load", str(path))
    assert result.code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert export_document(driver) == before


def test_fifty_megabytes_of_garbage_is_refused_quickly(loaded, turva, tmp_path):
    driver, before = loaded
    path = tmp_path / "garbage.yaml"
    with open(path, "wb") as handle:
        for _ in range(51):
            handle.write(os.urandom(1024 * 1024))
    result = turva("load", str(path))
    assert result.code != 0
    assert "over the 50 MiB limit" in result.stderr
    small_garbage = tmp_path / "garbage2.json"
    small_garbage.write_bytes(os.urandom(2 * 1024 * 1024))
    result = turva("load", str(small_garbage))
    assert result.code != 0
    assert "is not UTF-8 text" in result.stderr or "is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert export_document(driver) == before


def test_a_missing_file_is_named(turva, tmp_path):
    result = turva("load", str(tmp_path / "nope.yaml"))
    assert result.code != 0
    assert "nope.yaml" in result.stderr and "No such file" in result.stderr


def test_dry_run_validates_without_writing(loaded, small, turva, tmp_path):
    driver, before = loaded
    doc = copy.deepcopy(small)
    doc["themes"].append({"id": "t2", "name": {"fi": "uusi"}})
    result = turva("load", _write(tmp_path, doc, "ok.json"), "--dry-run")
    assert result.code == 0, result.stderr
    assert "valid; would load 16 records (1 new, 15 updated)" in result.stdout
    assert export_document(driver) == before
