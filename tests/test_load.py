"""Loading and exporting turva/1 documents against the real Neo4j, through the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATASET_2021, ROOT, TURVA, count_nodes, measure, wipe
from turva.graph.domain.formats import read_document_data
from turva.graph.store.export import export_document
from turva.graph.store.load import load_document

SMALL = ROOT / "tests" / "fixtures" / "small.yaml"


def data_counts(driver) -> tuple[int, int]:
    """Domain nodes and relationships (the change history left out)."""
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Change AND NOT n:ApiToken "
        "RETURN count(n) AS nodes, sum(COUNT { (n)-->() }) AS rels"
    )
    return int(records[0]["nodes"]), int(records[0]["rels"])


def test_load_writes_records_and_their_relationships(empty_graph, turva):
    result = turva("load", str(SMALL))
    assert result.code == 0, result.stderr
    assert "loaded 15 records (15 new, 0 updated)" in result.stdout
    records, _, _ = empty_graph.execute_query(
        """
        MATCH (o:Organisation {id: 'POHA'})-[:BELONGS_TO]->(b:AdministrativeBranch)
        MATCH (o)-[r:RESPONSIBLE_FOR]->(m:Measure {id: 'm-campaign'})-[:ADDRESSES]->(p:Phenomenon)
        MATCH (p)-[:PART_OF]->(broader:Phenomenon)
        RETURN b.id AS branch, r.role AS role, p.id AS phenomenon, broader.id AS broader,
               m.title_fi AS title, m.resources_eur AS eur, m.start AS start
        """
    )
    row = records[0]
    assert (row["branch"], row["role"], row["phenomenon"], row["broader"]) == (
        "SM",
        "lead",
        "online-fraud",
        "cybercrime",
    )
    assert row["title"] == "Huijausvaroituskampanja"
    assert row["eur"] == 120000
    assert row["start"].iso_format() == "2021-03-01"


def test_loading_the_same_file_twice_changes_nothing(empty_graph, turva):
    assert turva("load", str(DATASET_2021)).code == 0
    first = export_document(empty_graph, history=False)
    nodes, rels = data_counts(empty_graph)

    again = turva("load", str(DATASET_2021))

    assert again.code == 0, again.stderr
    assert "(0 new, " in again.stdout
    assert export_document(empty_graph, history=False) == first
    assert data_counts(empty_graph) == (nodes, rels)
    # the data is unchanged, but each load is on record
    history = export_document(empty_graph)["changes"]
    assert [c["action"] for c in history] == ["load-merge", "load-merge"]
    assert all(c["who"].startswith("cli:") for c in history)


def test_a_record_replaces_its_properties_and_owned_relationships(empty_graph, tmp_path):
    load_document(empty_graph, read_document_data(SMALL))
    update = {
        "format": "turva/1",
        "measures": [
            measure(
                "m-campaign",
                "Uusi nimi",
                "done",
                [{"organisation": "SPR", "role": "lead"}],
                ["harassment"],
            )
        ],
    }
    report = load_document(empty_graph, update)

    assert report.updated["measures"] == 1 and report.created["measures"] == 0
    exported = {m["id"]: m for m in export_document(empty_graph)["measures"]}
    assert exported["m-campaign"] == {
        "id": "m-campaign",
        "title": {"fi": "Uusi nimi"},
        "status": "done",
        "responsible": [{"organisation": "SPR", "role": "lead"}],
        "addresses": ["harassment"],
    }
    # the other measure and the records the update refers to are untouched
    assert exported["m-mediation"]["responsible"] == [{"organisation": "OM", "role": "lead"}]
    goals = export_document(empty_graph)["goals"]
    assert [g["id"] for g in goals] == ["g-fraud"]


def test_replace_makes_the_graph_equal_to_the_file(empty_graph, turva):
    assert turva("load", str(DATASET_2021)).code == 0

    result = turva("load", str(SMALL), "--replace")

    assert result.code == 0, result.stderr
    assert "deleted)" in result.stdout
    replaced = export_document(empty_graph, history=False)
    wipe(empty_graph)
    load_document(empty_graph, read_document_data(SMALL))
    assert replaced == export_document(empty_graph, history=False)
    assert {o["id"] for o in replaced["organisations"]} == {"SM", "OM", "POHA", "SPR"}


def test_export_round_trip_gives_identical_files(empty_graph, turva, tmp_path):
    assert turva("load", str(DATASET_2021)).code == 0
    for suffix in ("yaml", "json"):
        first, second = tmp_path / f"first.{suffix}", tmp_path / f"second.{suffix}"
        assert turva("export", "--no-history", str(first)).code == 0
        assert turva("load", str(first), "--replace").code == 0
        wipe(empty_graph)
        assert count_nodes(empty_graph) == 0
        assert turva("load", str(first)).code == 0
        assert turva("export", "--no-history", str(second)).code == 0
        assert first.read_bytes() == second.read_bytes()
    # and the export holds what the dataset holds
    exported = json.loads((tmp_path / "first.json").read_text())
    source = yaml.safe_load(DATASET_2021.read_text())
    for section in ("phenomena", "organisations", "measures", "goals", "priority_groups"):
        assert sorted(r["id"] for r in exported[section]) == sorted(
            r["id"] for r in source[section]
        )


def test_the_change_history_survives_export_and_import(empty_graph, turva, tmp_path):
    assert turva("load", str(DATASET_2021)).code == 0
    assert turva("load", str(SMALL)).code == 0
    exported = tmp_path / "with-history.yaml"
    assert turva("export", str(exported)).code == 0
    history = yaml.safe_load(exported.read_text())["changes"]
    assert [c["action"] for c in history] == ["load-merge", "load-merge"]

    wipe(empty_graph)
    assert turva("load", str(exported)).code == 0

    again = export_document(empty_graph)["changes"]
    # the old entries come back as they were, followed by this load's own entry
    assert again[: len(history)] == history
    assert [c["action"] for c in again[len(history) :]] == ["load-merge"]


def _big_document(count: int) -> dict:
    phenomena = [
        {
            "id": f"big-{i}",
            "name": {"fi": f"ilmiö {i}"},
            **({"parent": f"big-{i // 2}"} if i else {}),
        }
        for i in range(count)
    ]
    return {"format": "turva/1", "phenomena": phenomena}


def test_a_load_killed_mid_way_leaves_the_graph_unchanged(graph_2021, neo4j_target, tmp_path):
    before = export_document(graph_2021)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(_big_document(60_000)))
    env = {**os.environ, **neo4j_target.env(), "TURVA_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [str(TURVA), "load", str(big)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    # the first batch has been written inside the open transaction: kill it now
    assert line.startswith("loading: "), line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    assert export_document(graph_2021) == before
    records, _, _ = graph_2021.execute_query(
        "MATCH (p:Phenomenon) WHERE p.id STARTS WITH 'big-' RETURN count(p) AS n"
    )
    assert records[0]["n"] == 0


def test_a_complete_big_load_is_all_there(empty_graph, tmp_path, turva):
    big = tmp_path / "big.json"
    big.write_text(json.dumps(_big_document(12_000)))
    result = turva("load", str(big))
    assert result.code == 0, result.stderr
    records, _, _ = empty_graph.execute_query(
        "MATCH (p:Phenomenon) RETURN count(p) AS n, count{ (:Phenomenon)-[:PART_OF]->() } AS links"
    )
    assert (records[0]["n"], records[0]["links"]) == (12_000, 11_999)


def test_export_refuses_an_unknown_extension(graph_2021, turva, tmp_path: Path):
    result = turva("export", str(tmp_path / "out.xml"))
    assert result.code != 0
    assert "use a .yaml, .yml, .json, .xlsx or .csv.zip file name" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_record_created_meanwhile_is_a_conflict_and_nothing_is_written(empty_graph, monkeypatch):
    from turva.graph.domain.validate import KnownGraph
    from turva.graph.errors import Conflict
    from turva.graph.store import load

    data = read_document_data(SMALL)
    load_document(empty_graph, data)
    before = export_document(empty_graph)
    # as if another writer created the records after the loader read the graph: the
    # loader CREATEs them, the id constraint refuses, the transaction rolls back
    monkeypatch.setattr(load, "known_graph", lambda driver, database=None: KnownGraph())
    changed = json.loads(json.dumps(data, default=str))
    changed["themes"][0]["name"] = {"fi": "muutettu"}

    with pytest.raises(Conflict, match="created by someone else"):
        load_document(empty_graph, changed)

    assert export_document(empty_graph) == before


def test_a_record_deleted_meanwhile_is_a_conflict_and_nothing_is_written(empty_graph, monkeypatch):
    from turva.graph.errors import Conflict
    from turva.graph.store import load

    load_document(empty_graph, read_document_data(SMALL))
    before = export_document(empty_graph)
    real = load.known_graph

    def known_with_a_ghost(driver, database=None):
        # as if the phenomenon 'ghost' had been deleted after the loader read the graph
        known = real(driver, database)
        known.ids["Phenomenon"].add("ghost")
        return known

    monkeypatch.setattr(load, "known_graph", known_with_a_ghost)
    doc = {
        "format": "turva/1",
        "themes": [{"id": "new-theme", "name": {"fi": "uusi"}}],
        "measures": [
            {
                "id": "m-new",
                "title": {"fi": "Uusi"},
                "status": "planned",
                "responsible": [],
                "addresses": ["online-fraud", "ghost"],
            }
        ],
    }

    with pytest.raises(Conflict, match="was deleted while"):
        load_document(empty_graph, doc)

    assert export_document(empty_graph) == before


def test_load_reports_where_its_time_went(empty_graph):
    from turva.graph.store.load import PHASES

    report = load_document(empty_graph, read_document_data(SMALL))
    assert tuple(report.seconds) == PHASES
    assert all(seconds >= 0 for seconds in report.seconds.values())


def test_the_rows_the_loader_sends_are_the_records_properties(dataset_2021):
    from turva.graph.domain.model import SECTIONS
    from turva.graph.domain.properties import property_keys, property_row, to_properties
    from turva.graph.domain.schema import node_type
    from turva.graph.domain.validate import parse_document

    doc = parse_document(dataset_2021)
    for section in SECTIONS:
        nt = node_type(section)
        for record in getattr(doc, section):
            row = dict(zip(property_keys(nt), property_row(record, nt), strict=True))
            assert {k: v for k, v in row.items() if v is not None} == to_properties(record, nt)


def test_apply_schema_makes_old_full_text_indexes_eventually_consistent(empty_graph):
    from turva.graph.domain.schema import FULLTEXT_INDEXES, apply_schema

    def configs():
        records, _, _ = empty_graph.execute_query(
            "SHOW FULLTEXT INDEXES YIELD name, options RETURN name, options"
        )
        return {r["name"]: r["options"]["indexConfig"] for r in records}

    name, analyzer = FULLTEXT_INDEXES["fi"]
    # as a store made before the indexes became eventually consistent
    empty_graph.execute_query(f"DROP INDEX {name}")
    empty_graph.execute_query(
        f"CREATE FULLTEXT INDEX {name} FOR (n:Theme) ON EACH [n.name_fi] "
        f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{analyzer}'}}}}"
    )
    assert not configs()[name].get("fulltext.eventually_consistent")
    apply_schema(empty_graph)
    apply_schema(empty_graph)  # idempotent
    after = configs()
    for index, language_analyzer in FULLTEXT_INDEXES.values():
        assert after[index]["fulltext.eventually_consistent"] is True
        assert after[index]["fulltext.analyzer"] == language_analyzer


def test_a_document_may_refer_to_records_only_in_the_graph(empty_graph):
    # the owner is written by this load, the target is looked up by its id
    load_document(empty_graph, read_document_data(SMALL))
    doc = {
        "format": "turva/1",
        "measures": [measure("m-new", "Uusi", "planned", [], ["online-fraud"])],
    }
    report = load_document(empty_graph, doc)
    assert report.relationships == 1
    records, _, _ = empty_graph.execute_query(
        "MATCH (:Measure {id: 'm-new'})-[:ADDRESSES]->(p:Phenomenon) RETURN p.id AS id"
    )
    assert [r["id"] for r in records] == ["online-fraud"]
