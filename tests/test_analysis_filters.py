"""The filters of gaps, overlaps and coverage: ``branch``, ``theme`` and ``group``.

Against the oracle (tests/oracle.py, which applies the rules of docs/analyses.md,
"Filters", to its own unfiltered answer) on random graphs, one filter kind at a time and
all three together; every filtered answer must also be part of the unfiltered one. Then
the 2021 dataset, with answers worked out by hand from data/2021.yaml, and the errors of
an unknown filter id in Python, the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import client
from tests.conftest import dumped, ids, load_random
from tests.oracle import Oracle
from tests.random_graphs import random_document
from turva.graph.errors import BadArgument
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS, DEFINITIONS

CASES = 40
AS_OF = dt.date(2025, 1, 1)


def _assert_part_of(filtered: dict[str, Any], whole: dict[str, Any], label: str) -> None:
    """Every row of every section of ``filtered`` is a row of ``whole``, in the same order."""
    for section, rows in filtered.items():
        rest = iter(whole[section])
        assert all(any(row == other for other in rest) for row in rows), (
            f"{label}: {section} is not part of the unfiltered answer"
        )


def _assert_coverage_part_of(filtered: dict[str, Any], whole: dict[str, Any]) -> None:
    assert set(filtered["branches"]) <= set(whole["branches"])
    rows = {r["phenomenon"]: r for r in whole["rows"]}
    for row in filtered["rows"]:
        full = rows[row["phenomenon"]]
        assert row["total"] == full["total"]
        assert row["counts"] == {b: full["counts"][b] for b in filtered["branches"]}


def _filter_choices(doc: dict[str, Any], rng: random.Random) -> list[dict[str, str]]:
    """One choice per filter kind the document allows, and all three together."""
    pools = {
        "branch": [b["id"] for b in doc["branches"]],
        "theme": [t["id"] for t in doc["themes"]],
        "group": [g["id"] for g in doc["priority_groups"]],
    }
    choices = [{kind: rng.choice(pool)} for kind, pool in pools.items() if pool]
    together = {kind: rng.choice(pool) for kind, pool in pools.items() if pool}
    if len(together) > 1:
        choices.append(together)
    return choices


@pytest.mark.parametrize("seed", range(CASES))
def test_filters_equal_the_oracle_and_narrow(seed: int, driver: Driver, analyses: Analyses) -> None:
    doc, oracle = load_random(driver, seed)
    rng = random.Random(f"filters-{seed}")
    min_branches, min_groups = rng.randint(1, 3), rng.randint(1, 3)
    for filters in _filter_choices(doc, rng):
        label = f"seed {seed}, {filters}"
        # the unfiltered answer of the same period: a group filter uses its group's period
        period = doc_period = None
        if "group" in filters:
            doc_period = oracle.groups[filters["group"]]["period"]
            period = rng.choice([None, doc_period])

        gaps = dumped(analyses.gaps(period, AS_OF, **filters))
        assert gaps == oracle.gaps(period, AS_OF, **filters), f"gaps, {label}"
        _assert_part_of(gaps, dumped(analyses.gaps(doc_period, AS_OF)), f"gaps, {label}")

        overlaps = dumped(analyses.overlaps(period, min_branches, min_groups, **filters))
        want = oracle.overlaps(period, min_branches, min_groups, **filters)
        assert overlaps == want, f"overlaps, {label}"
        whole = dumped(analyses.overlaps(doc_period, min_branches, min_groups))
        _assert_part_of(overlaps, whole, f"overlaps, {label}")

        coverage = dumped(analyses.coverage(**filters))
        assert coverage == oracle.coverage(**filters), f"coverage, {label}"
        _assert_coverage_part_of(coverage, dumped(analyses.coverage()))


def test_random_documents_give_the_filters_something_to_remove() -> None:
    """The filter test is meant to see filters that remove rows, and some that keep rows."""
    removed = kept = 0
    for seed in range(CASES):
        doc = random_document(seed)
        oracle = Oracle(doc)
        for filters in _filter_choices(doc, random.Random(f"filters-{seed}")):
            period = oracle.groups[filters["group"]]["period"] if "group" in filters else None
            whole = oracle.gaps(period, AS_OF)
            part = oracle.gaps(period, AS_OF, **filters)
            removed += sum(len(whole[s]) - len(part[s]) for s in whole)
            kept += sum(len(part[s]) for s in part)
    assert removed > 100 and kept > 100, (removed, kept)


# --- the 2021 dataset ---------------------------------------------------------------------


def test_group_filter_narrows_gaps_to_the_groups_scope(analyses_2021: Analyses) -> None:
    # PG2021-4 (sparse areas) focuses on sparse-area-risks and its narrower phenomena:
    # service-concentration, long-distances-roads (and long-response-times under it),
    # mobile-network-reliance, depopulation-loneliness, seasonal-multilocality. Of all
    # the unaddressed phenomena, only seasonal-multilocality is among them (data/README.md
    # names it as a deliberate gap).
    whole = analyses_2021.gaps(as_of=AS_OF)
    mine = analyses_2021.gaps(as_of=AS_OF, group="PG2021-4")
    # unfiltered: data-breach-extortion (cybercrime), security-as-cost (local security
    # work) and seasonal-multilocality have no active measure
    assert ids(whole.unaddressed_phenomena) == [
        "data-breach-extortion",
        "seasonal-multilocality",
        "security-as-cost",
    ]
    assert ids(mine.unaddressed_phenomena) == ["seasonal-multilocality"]
    # depopulation-loneliness: only MMM's measures; mobile-network-reliance: only LVM's
    assert [(r.id, r.branches) for r in mine.single_branch_phenomena] == [
        ("depopulation-loneliness", ["MMM"]),
        ("mobile-network-reliance", ["LVM"]),
    ]
    scope = {
        "sparse-area-risks",
        "service-concentration",
        "long-distances-roads",
        "long-response-times",
        "mobile-network-reliance",
        "depopulation-loneliness",
        "seasonal-multilocality",
    }
    for section in ("unaddressed_phenomena", "single_branch_phenomena"):
        assert set(ids(getattr(mine, section))) <= scope
    # the missing stakeholders of that group only, exactly as in the unfiltered answer
    assert {m.group for m in mine.groups_missing_stakeholders} <= {"PG2021-4"}
    assert [m for m in whole.groups_missing_stakeholders if m.group == "PG2021-4"] == (
        mine.groups_missing_stakeholders
    )
    assert mine.group == "PG2021-4" and mine.period == 2021


def test_branch_filter_keeps_the_branchs_rows(analyses_2021: Analyses) -> None:
    # overdue measures of the interior ministry's branch: each has an SM-branch owner
    whole = analyses_2021.gaps(as_of=dt.date(2030, 1, 1))
    sm = analyses_2021.gaps(as_of=dt.date(2030, 1, 1), branch="SM")
    assert 0 < len(sm.overdue_measures) < len(whole.overdue_measures)
    assert all(r.branches == ["SM"] for r in sm.single_branch_phenomena)
    # nobody works on unaddressed phenomena: the branch filter does not narrow them
    assert sm.unaddressed_phenomena == whole.unaddressed_phenomena
    coverage = analyses_2021.coverage(branch="SM")
    assert coverage.branches == ["SM"]
    assert len(coverage.rows) == 64


def test_coverage_total_counts_each_measure_once(analyses_2021: Analyses) -> None:
    # money-laundering: M45 (PRH: TEM, Vero: VM), M47 (FIU and KRP: SM) and M54 (OM and
    # Syyttajalaitos: OM, POHA: SM) are active; M44 is done. The branch columns add up to
    # 5 (SM 2, TEM 1, VM 1, OM 1) but the measures are 3.
    row = next(r for r in analyses_2021.coverage().rows if r.phenomenon == "money-laundering")
    assert sum(row.counts.values()) == 5
    assert row.total == 3
    # seasonal-multilocality has no active measures at all
    row = next(r for r in analyses_2021.coverage().rows if r.phenomenon == "seasonal-multilocality")
    assert row.total == 0


def test_theme_filter_on_coverage_keeps_themed_phenomena(analyses_2021: Analyses) -> None:
    # money-laundering's themes: internal-security only; online-fraud's: everyday-security
    rows = [r.phenomenon for r in analyses_2021.coverage(theme="internal-security").rows]
    assert "money-laundering" in rows and "online-fraud" not in rows


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"branch": "XX"}, "branch: there is no administrative branch with the id 'XX'"),
        ({"theme": "nope"}, "theme: there is no theme with the id 'nope'"),
        ({"group": "PG1999-1"}, "group: there is no priority group with the id 'PG1999-1'"),
    ],
)
def test_an_unknown_filter_id_is_an_error_naming_it(
    analyses_2021: Analyses, kwargs: dict[str, str], words: str
) -> None:
    for run in (
        lambda: analyses_2021.gaps(as_of=AS_OF, **kwargs),
        lambda: analyses_2021.overlaps(**kwargs),
        lambda: analyses_2021.coverage(**kwargs),
    ):
        with pytest.raises(BadArgument) as caught:
            run()
        assert str(caught.value) == words


def test_a_group_of_another_period_is_an_error(analyses_2021: Analyses) -> None:
    with pytest.raises(BadArgument, match="PG2021-4 is of period 2021"):
        analyses_2021.gaps(2023, AS_OF, group="PG2021-4")


def test_api_and_cli_take_the_filters(graph_2021: Driver, neo4j_target: Any, turva: Any) -> None:
    with client(graph_2021, neo4j_target.settings()) as api:
        got = api.get(
            "/api/v1/analysis/gaps", params={"group": "PG2021-4", "as_of": AS_OF.isoformat()}
        )
        assert got.status_code == 200
        assert got.json()["unaddressed_phenomena"] == [{"id": "seasonal-multilocality"}]
        bad = api.get("/api/v1/analysis/coverage", params={"branch": "XX"})
        assert bad.status_code == 422
        assert bad.json()["detail"] == "branch: there is no administrative branch with the id 'XX'"
    done = turva("coverage", "--branch", "XX")
    assert done.code == 1
    assert "branch: there is no administrative branch with the id 'XX'" in done.stderr
    found = turva("gaps", "--group", "PG2021-4", "--as-of", "2025-01-01", "--format", "json")
    assert found.code == 0, found.stderr
    assert '"seasonal-multilocality"' in found.stdout


def test_definitions_cover_every_analysis() -> None:
    for analysis in ("gaps", "overlaps", "coverage"):
        assert {"filter_branch", "filter_theme", "filter_group"} <= set(
            ANALYSIS_DEFINITIONS[analysis]
        )
    assert all(k in DEFINITIONS for keys in ANALYSIS_DEFINITIONS.values() for k in keys)
