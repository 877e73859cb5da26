"""Differential tests: the Cypher analyses against the plain-Python oracle.

Each case draws a random turva/1 document (tests/random_graphs.py), loads it into the
real Neo4j with ``replace=True`` and requires every analysis, with several parameter
choices drawn from the same seed, to give exactly the oracle's JSON.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import dumped, load_random
from tests.oracle import Oracle
from tests.random_graphs import random_document
from turva.graph.store.load import load_document
from turva.queries import Analyses

CASES = 200


def _check(label: str, got: Any, want: Any) -> None:
    assert got == want, f"{label} differs from the oracle"


@pytest.mark.parametrize("seed", range(CASES))
def test_analyses_equal_the_oracle(seed: int, driver: Driver, analyses: Analyses) -> None:
    _, oracle = load_random(driver, seed)
    rng = random.Random(f"params-{seed}")
    periods = oracle.periods()
    assert analyses.periods() == periods

    period_choices: list[int | None] = [None]
    if periods:
        period_choices.append(rng.choice(periods))

    for period in period_choices:
        as_of = dt.date(2018, 6, 1) + dt.timedelta(days=rng.randint(0, 13 * 365))
        _check(
            f"gaps(period={period}, as_of={as_of})",
            dumped(analyses.gaps(period=period, as_of=as_of)),
            oracle.gaps(period, as_of),
        )
        min_branches, min_groups = rng.randint(1, 4), rng.randint(1, 4)
        _check(
            f"overlaps(period={period}, {min_branches}, {min_groups})",
            dumped(analyses.overlaps(period, min_branches, min_groups)),
            oracle.overlaps(period, min_branches, min_groups),
        )
        without = rng.sample(sorted(oracle.orgs), rng.randint(1, 3))
        _check(
            f"what_if({without}, period={period}, as_of={as_of})",
            dumped(analyses.what_if(without, period=period, as_of=as_of)),
            oracle.what_if(without, period, as_of),
        )
        for phenomenon in rng.sample(sorted(oracle.phenomena), 4):
            _check(
                f"who_addresses({phenomenon!r}, {period})",
                dumped(analyses.who_addresses(phenomenon, period)),
                oracle.who_addresses(phenomenon, period),
            )

    _check("coverage()", dumped(analyses.coverage()), oracle.coverage())

    orgs = sorted(oracle.orgs)
    for org in rng.sample(orgs, 3):
        _check(f"profile({org!r})", dumped(analyses.profile(org)), oracle.profile(org))
    pairs = [(rng.choice(orgs), rng.choice(orgs)) for _ in range(6)] + [(orgs[0], orgs[0])]
    for a, b in pairs:
        _check(f"path({a!r}, {b!r})", dumped(analyses.path(a, b)), oracle.path(a, b))

    for before in periods:
        for after in periods:
            _check(
                f"changes({before}, {after})",
                dumped(analyses.changes(before, after)),
                oracle.changes(before, after),
            )


def test_random_documents_cover_what_the_definitions_care_about() -> None:
    """The generator really produces the cases the oracle test is meant to exercise."""
    seen: dict[str, int] = dict.fromkeys(
        (
            "statuses",
            "no owner",
            "no branch",
            "no resources",
            "several periods",
            "no groups",
            "deep hierarchy",
            "shared group number",
            "uncoordinated pair",
            "unreachable path",
        ),
        0,
    )
    statuses: set[str] = set()
    for seed in range(CASES):
        doc = random_document(seed)
        oracle = Oracle(doc)
        statuses |= {m["status"] for m in doc["measures"]}
        seen["no owner"] += any(not m["responsible"] for m in doc["measures"])
        seen["no branch"] += any("branch" not in o for o in doc["organisations"])
        seen["no resources"] += any("resources" not in m for m in doc["measures"])
        seen["several periods"] += len(oracle.periods()) > 1
        seen["no groups"] += not doc["priority_groups"]
        seen["deep hierarchy"] += any(len(oracle.ancestors(p)) >= 3 for p in oracle.phenomena)
        numbers = [(g["period"], g["number"]) for g in doc["priority_groups"]]
        seen["shared group number"] += len(numbers) != len(set(numbers))
        if seed < 60:
            seen["uncoordinated pair"] += bool(oracle.overlaps(None)["uncoordinated_measures"])
            orgs = sorted(oracle.orgs)
            seen["unreachable path"] += oracle.path(orgs[0], orgs[-1])["length"] is None
    seen["statuses"] = len(statuses) == 4
    assert all(seen.values()), seen


# --- monitoring: goal progress and attention on documents with indicators ---------------


@pytest.mark.parametrize("seed", range(CASES))
def test_monitoring_analyses_equal_the_oracle(
    seed: int, driver: Driver, analyses: Analyses
) -> None:
    doc = random_document(seed, monitoring=True)
    load_document(driver, doc, replace=True)
    oracle = Oracle(doc)
    rng = random.Random(f"monitoring-params-{seed}")
    periods = oracle.periods()
    for _ in range(3):
        as_of = dt.date(rng.randint(2008, 2031), rng.randint(1, 12), 1)
        _check(
            f"goal_progress(as_of={as_of})",
            dumped(analyses.goal_progress(as_of)),
            oracle.goal_progress(as_of),
        )
        period = rng.choice([None, *periods])
        _check(
            f"attention(as_of={as_of}, period={period})",
            dumped(analyses.attention(as_of, period)),
            oracle.attention(as_of, period),
        )
    # indicators and observations change none of the other analyses
    as_of = dt.date(2025, 7, 1)
    _check("gaps with indicators", dumped(analyses.gaps(as_of=as_of)), oracle.gaps(None, as_of))


def test_random_monitoring_documents_cover_what_the_definitions_care_about() -> None:
    """The generator gives the cases the monitoring definitions turn on, in both directions."""
    seen: dict[str, int] = dict.fromkeys(
        (
            "decrease",
            "increase",
            "missing year",
            "tie",
            "target == baseline",
            "decimal value",
            "exact half",
            "no_data",
            "achieved",
            "on_track",
            "off_track",
            "worsening decrease",
            "worsening increase",
            "unaddressed",
            "single_branch",
        ),
        0,
    )
    for seed in range(CASES):
        doc = random_document(seed, monitoring=True)
        oracle = Oracle(doc)
        for indicator in doc["indicators"]:
            seen[indicator["direction"]] += 1
            years = sorted(oracle.observed(indicator["id"]))
            seen["missing year"] += any(b - a > 1 for a, b in zip(years, years[1:], strict=False))
            values = [oracle.observed(indicator["id"])[y] for y in years]
            seen["tie"] += any(a == b for a, b in zip(values, values[1:], strict=False))
            seen["decimal value"] += any(isinstance(v, float) for v in values)
            if oracle.worsening(indicator["id"], 2030):
                seen[f"worsening {indicator['direction']}"] += 1
        for year in (2015, 2020, 2026):
            for row in oracle.goal_progress(dt.date(year, 1, 1))["goals"]:
                seen[row["status"]] += 1
                seen["target == baseline"] += row["target"] == row["baseline"]
                progress = row["progress"]
                seen["exact half"] += progress is not None and (
                    abs(row["target"] - row["baseline"]) == 2000
                    and (row["latest"] - row["baseline"]) % 2 == 1
                )
            for row in oracle.attention(dt.date(year, 1, 1))["phenomena"]:
                seen[row["reason"]] += 1
    assert all(seen.values()), seen
