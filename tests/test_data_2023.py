"""The shipped data: data/2021.yaml with its indicators, then the illustrative 2023 period
(data/2023.yaml) merged on top, as `make run` loads them."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver

from tests.api_client import client
from tests.conftest import ROOT, TURVA, searchable, wipe
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.provenance import provenance
from turva.graph.store.load import load_document
from turva.queries import Analyses

DATASET_2023 = ROOT / "data" / "2023.yaml"
PUBLIC_FACTS = ROOT.parent / "shared" / "reference" / "public-facts.yaml"
#: their indicator_facts, copied for machines without ../shared (a clean CI clone)
PUBLIC_FACTS_COPY = ROOT / "tests" / "fixtures" / "public-facts-indicators.yaml"
#: the day the data's monitoring story is told for (the Y of the definitions is 2026)
AS_OF = dt.date(2026, 11, 28)

#: public-facts.yaml's fact names -> the indicator of data/2021.yaml holding their values
FACT_INDICATORS = {
    "criminal_code_offences_known": "offences-known",
    "homicides_known": "homicides-known",
    "extortion_offences_known": "extortion-offences-known",
    "privacy_violating_disclosures_known": "privacy-disclosures-known",
    "assault_offences_known": "assault-offences-known",
    "robbery_offences_known": "robbery-offences-known",
}
#: the offence titles of ``offences_2023_by_title`` -> their indicator (year 2023)
TITLE_INDICATORS = {
    "petos (fraud)": "fraud-offences-known",
    "lievä petos (petty fraud)": "petty-frauds-known",
    "törkeä petos (aggravated fraud)": "aggravated-frauds-known",
    "identiteettivarkaus (identity theft)": "identity-thefts-known",
    "tietomurto (data breach)": "data-breaches-known",
    "törkeä tietomurto (aggravated data breach)": "aggravated-data-breaches-known",
    "maksuvälinepetos (means-of-payment fraud)": "payment-frauds-known",
    "kunnianloukkaus (defamation)": "defamation-offences-known",
    "laiton uhkaus (illegal threat)": "illegal-threats-known",
    "ryöstö (robbery)": "robberies-known",
}
_CHANGE = re.compile(r'data-kpi="(\w+)">(\d+)</span>.*?(?:data-change="(-?\d+)">|</li>)', re.S)


@pytest.fixture(scope="module")
def dataset_2023() -> dict[str, Any]:
    return read_document_data(DATASET_2023)


@pytest.fixture(scope="module")
def loaded_both(
    driver: Driver, dataset_2021: dict[str, Any], dataset_2023: dict[str, Any]
) -> Driver:
    """The session driver on data/2021.yaml, then data/2023.yaml merged (as `make run`)."""
    wipe(driver)
    load_document(driver, dataset_2021)
    load_document(driver, dataset_2023)
    searchable(driver)
    return driver


def _entries(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every record of ``doc`` and every membership or responsibility entry in it."""
    out: list[tuple[str, Any]] = []
    for section, records in doc.items():
        if not isinstance(records, list):
            continue
        for record in records:
            out.append((f"{section} {record.get('id')}", record.get("source")))
            for key in ("members", "responsible"):
                for entry in record.get(key, []):
                    out.append(
                        (f"{record['id']} {key} {entry['organisation']}", entry.get("source"))
                    )
    return out


def test_two_periods(loaded_both: Driver) -> None:
    assert Analyses(loaded_both).periods() == [2021, 2023]


def test_every_2023_record_and_entry_is_illustrative(
    loaded_both: Driver, dataset_2023: dict[str, Any]
) -> None:
    entries = _entries(dataset_2023)
    assert len(entries) > 100
    assert [e for e, source in entries if provenance(source) != "illustrative"] == []
    ids = [r["id"] for s, rs in dataset_2023.items() if isinstance(rs, list) for r in rs]
    stored, _, _ = loaded_both.execute_query(
        "MATCH (n) WHERE n.id IN $ids RETURN n.id AS id, n.source AS source", ids=ids
    )
    assert sorted(r["id"] for r in stored) == sorted(ids)
    assert {r["source"] for r in stored} == {"illustrative"}
    rels, _, _ = loaded_both.execute_query(
        "MATCH (o:Organisation)-[r]->(n) WHERE n.id STARTS WITH 'PG2023-' OR n.id STARTS WITH"
        " 'M2023-' RETURN count(r) AS n, collect(DISTINCT r.source) AS sources"
    )
    assert rels[0]["n"] > 80
    assert rels[0]["sources"] == ["illustrative"]


def test_the_2021_records_stay_as_they_were(
    loaded_both: Driver, dataset_2021: dict[str, Any]
) -> None:
    """The 2023 file adds records: it changes none of 2021's."""
    rows, _, _ = loaded_both.execute_query(
        "MATCH (g:PriorityGroup {period: 2021}) RETURN count(g) AS groups"
    )
    assert rows[0]["groups"] == len(dataset_2021["priority_groups"]) == 8


def test_the_changes_between_periods(loaded_both: Driver) -> None:
    changes = Analyses(loaded_both).changes(2021, 2023)
    assert changes.left_phenomena == ["seasonal-multilocality", "technological-disruption"]
    six = next(g for g in changes.matched_groups if g.number == 6)
    assert (six.from_group, six.to_group) == ("PG2021-6", "PG2023-6")
    assert six.entered_phenomena == ["youth-street-gangs"]
    assert six.joined_members == ["KRP"]


def test_the_situation_picture_compares_the_periods(loaded_both: Driver, neo4j_target) -> None:
    with client(loaded_both, neo4j_target.settings()) as web:
        page = web.get("/", params={"lang": "en"}).text  # the latest period: 2023
    changes = {key: change for key, _, change in _CHANGE.findall(page)}
    assert changes["focus_phenomena"] == "-2"  # two phenomena left, none entered
    assert changes["organisations_taking_part"] != ""


def test_the_monitoring_story_of_the_data(loaded_both: Driver) -> None:
    """Goals in every status, and an unaddressed phenomenon whose statistic keeps rising."""
    analyses = Analyses(loaded_both)
    status = {row.goal: row.status for row in analyses.goal_progress(AS_OF).goals}
    assert status == {
        "G2.1": "on_track",
        "G7.1": "off_track",
        "G7.3": "achieved",
        "G8.1": "off_track",
        "G8.2": "no_data",
    }
    attention = {row.phenomenon: row for row in analyses.attention(AS_OF).phenomena}
    breach = attention["data-breach-extortion"]
    assert breach.reason == "unaddressed"
    assert "aggravated-data-breaches-known" in breach.indicators


def _public_values() -> list[tuple[str, int, float, str]]:
    """(indicator, year, value, source) of every value in public-facts.yaml."""
    facts = yaml.safe_load(PUBLIC_FACTS_COPY.read_text(encoding="utf-8"))["indicator_facts"]
    if PUBLIC_FACTS.exists():
        shared = yaml.safe_load(PUBLIC_FACTS.read_text(encoding="utf-8"))["indicator_facts"]
        assert facts == shared, f"copy {PUBLIC_FACTS} again into {PUBLIC_FACTS_COPY}"
    out = []
    for name, fact in facts.items():
        if name == "offences_2023_by_title":
            for title, value in fact["values"].items():
                out.append((TITLE_INDICATORS[title], 2023, value, fact["source"]))
        else:
            for v in fact["values"]:
                out.append((FACT_INDICATORS[name], v["year"], v["value"], v["source"]))
    assert set(facts) == {*FACT_INDICATORS, "offences_2023_by_title"}
    return out


def test_every_public_value_is_there_with_its_source(loaded_both: Driver) -> None:
    expected = _public_values()
    assert len(expected) == 22
    rows, _, _ = loaded_both.execute_query(
        "MATCH (o:Observation) RETURN o.indicator AS i, o.year AS y, o.value AS v, o.source AS s"
    )
    stored = {(r["i"], r["y"]): (r["v"], r["s"]) for r in rows}
    for indicator, year, value, source in expected:
        assert stored[indicator, year] == (value, source), (indicator, year)
    # every other value is marked illustrative
    public = {(i, y) for i, y, _, _ in expected}
    others = {s for key, (_, s) in stored.items() if key not in public}
    assert others == {"illustrative"}


def test_the_readme_names_the_illustrative_parts() -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "2023.yaml" in readme
    assert "Every goal `target` is illustrative" in readme
    for indicator in {*FACT_INDICATORS.values(), *TITLE_INDICATORS.values()}:
        assert f"`{indicator}`" in readme, indicator


def test_the_files_parse_standalone() -> None:
    """data/2023.yaml is a merge document: it names records only data/2021.yaml holds."""
    for path in (ROOT / "data" / "2021.yaml", DATASET_2023):
        assert yaml.safe_load(Path(path).read_text(encoding="utf-8"))["format"] == "turva/1"


def _run_recipe_loads() -> str:
    """The load lines of the Makefile's `run` target as one shell script (`serve` left out)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    lines = [
        line.strip().lstrip("@")
        for line in recipe
        if "turva serve" not in line and not line.strip().startswith("@#")
    ]
    script = "\n".join(lines).replace("\\\n", " ")
    return script.replace("$(BIN)", str(TURVA.parent)).replace("$$", "$")


def test_make_run_loads_two_periods_once(empty_graph: Driver, neo4j_target) -> None:
    """`make run` on an empty graph loads both files; a second `make run` writes nothing."""
    env = {**os.environ, **neo4j_target.env(), "TURVA_LANG": "en"}
    script = _run_recipe_loads()
    assert "data/2023.yaml" in script
    first = subprocess.run(["sh", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert Analyses(empty_graph).periods() == [2021, 2023]
    # an edit made in the service survives the second run: 2023.yaml is not merged again
    empty_graph.execute_query("MATCH (g:Goal {id: 'G2023-1.1'}) SET g.deadline = '2029-12-31'")
    second = subprocess.run(["sh", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "was not loaded" in second.stdout
    rows, _, _ = empty_graph.execute_query(
        "MATCH (g:PriorityGroup) WITH count(g) AS groups MATCH (d:Goal {id: 'G2023-1.1'})"
        " RETURN groups, d.deadline AS deadline"
    )
    assert (rows[0]["groups"], str(rows[0]["deadline"])) == (16, "2029-12-31")
