"""The benchmark's synthetic documents are valid turva/1, shaped like 2021, and repeatable."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
import yaml

from bench.generate import generate, record_count, relationship_count
from tests.conftest import DATASET_2021, ROOT
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.model import SECTIONS
from turva.graph.domain.validate import validate_document


@pytest.mark.parametrize("scale", [0.1, 1, 10])
def test_generated_documents_validate(scale: float) -> None:
    doc = validate_document(generate(scale))
    assert doc.record_count() == record_count(generate(scale))
    assert all(r.source == "illustrative" for s in SECTIONS for r in getattr(doc, s))


def test_scale_one_has_the_2021_datasets_composition() -> None:
    real = read_document_data(DATASET_2021)
    synthetic = generate(1)
    # indicators are opt-in and follow the benchmark's own rule (two per phenomenon)
    for section in (s for s in SECTIONS if s != "indicators"):
        assert len(synthetic[section]) == len(real[section]), section
    # relationships within a quarter of the real dataset's
    assert (
        abs(relationship_count(synthetic) - relationship_count(real)) < relationship_count(real) / 4
    )


def test_counts_grow_with_scale_except_themes_and_branches() -> None:
    one, ten = generate(1), generate(10)
    assert len(ten["themes"]) == len(one["themes"]) == 3
    assert len(ten["branches"]) == len(one["branches"]) == 12
    for section in ("organisations", "phenomena", "priority_groups", "goals", "measures"):
        assert len(ten[section]) == 10 * len(one[section]), section


def test_same_seed_same_document_other_seed_other_document() -> None:
    assert generate(3, seed=7) == generate(3, seed=7)
    assert generate(3, seed=7) != generate(3, seed=8)


def test_shape_is_realistic_at_scale_ten() -> None:
    doc = generate(10)
    parents = {p["id"]: p.get("parent") for p in doc["phenomena"]}

    def depth(pid: str) -> int:
        return 0 if parents[pid] is None else 1 + depth(parents[pid])

    assert set(Counter(depth(p) for p in parents)) == {0, 1, 2}
    assert len({g["period"] for g in doc["priority_groups"]}) >= 2
    for group in doc["priority_groups"]:
        assert 5 <= len(group["members"]) <= 15
        assert 2 <= len(group["focuses_on"]) <= 6
        assert [m["role"] for m in group["members"]].count("lead") == 1
    measures = doc["measures"]
    assert all(len(m["responsible"]) <= 3 and 1 <= len(m["addresses"]) <= 3 for m in measures)
    assert any(not m["responsible"] for m in measures)
    assert any("resources" not in m for m in measures)
    statuses = Counter(m["status"] for m in measures)
    assert statuses["ongoing"] > statuses["done"] > statuses["cancelled"] > 0
    assert any("branch" not in o for o in doc["organisations"] if o["kind"] == "ngo")


def test_cli_writes_a_loadable_file(tmp_path) -> None:
    out = tmp_path / "x.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "2", "--seed", "1", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == yaml.safe_load(
        yaml.safe_dump(generate(2, seed=1))
    )
    validate_document(read_document_data(out))


def test_cli_refuses_a_bad_scale(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "0", "-o", str(tmp_path / "x.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "--scale" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("scale", [1, 10])
def test_indicators_measure_every_phenomenon_for_ten_years(scale: float) -> None:
    plain, measured = generate(scale), generate(scale, indicators=True)
    doc = validate_document(measured)

    # the other records are the same with or without indicators
    for section, records in plain.items():
        if section == "goals":
            without_targets = [
                {k: v for k, v in g.items() if k != "target"} for g in measured["goals"]
            ]
            assert without_targets == records
        else:
            assert measured[section] == records, section
    per_phenomenon = Counter(p for i in doc.indicators for p in i.phenomena)
    assert set(per_phenomenon.values()) == {2}
    assert len(per_phenomenon) == len(doc.phenomena)
    years = Counter(o.indicator for o in doc.observations)
    assert set(years.values()) == {10}
    targeted = [g for g in doc.goals if g.target is not None]
    assert 0 < len(targeted) < len(doc.goals)
    assert all(g.target.indicator in {i.id for i in doc.indicators} for g in targeted)
