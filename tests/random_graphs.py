"""Seeded random turva/1 documents for the differential tests of the analyses.

Small (5-40 records per type) but with everything the definitions care about:
phenomenon and organisation hierarchies, every measure status, measures without owners,
resources or end dates, organisations without a branch, several periods whose groups
share numbers (and now and then two groups with one number), groups without focus, ids
of mixed case and punctuation (so sorting is tested) that sometimes coincide across
types (so the path's tie-break by type is tested too).

With ``monitoring=True`` a document also has indicators (both directions, several per
phenomenon now and then), their yearly observations (missing years, ties, runs that get
worse, whole and decimal values, the extremes +-10^15) and goal targets (the target equal
to the baseline, target years past and future, differences of 2000 so that progress
falls on exact halves). They are drawn after the rest from a generator of their own, so
the rest of the document is the same as without them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from turva.graph.domain.model import MEASURE_STATUSES, ORGANISATION_KINDS

__all__ = ["random_document"]

_PREFIXES = ("a", "B", "c-", "Z.", "x_", "m", "P", "q9")
_PERIODS = (2019, 2021, 2023, 2025)


def _ids(rng: random.Random, n: int, used: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        candidate = f"{rng.choice(_PREFIXES)}{rng.randint(0, 60)}"
        if candidate not in used:
            used.add(candidate)
            out.append(candidate)
    return out


def _text(label: str) -> dict[str, str]:
    return {"fi": f"{label} (fi)", "en": f"{label} (en)"}


def _named(id: str, what: str, **fields: Any) -> dict[str, Any]:
    """A record ``id`` named "<what> <id>", then ``fields``."""
    return {"id": id, "name": _text(f"{what} {id}"), **fields}


def _date(rng: random.Random) -> dt.date:
    return dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 13 * 365))


def _sample(rng: random.Random, pool: list[str], low: int, high: int) -> list[str]:
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


def random_document(seed: int, *, monitoring: bool = False) -> dict[str, Any]:
    """A valid turva/1 document drawn from ``seed`` (the same seed, the same document);
    with indicators, observations and goal targets when ``monitoring``."""
    rng = random.Random(seed)
    # each type draws its ids from the same small pool, so ids coincide across types
    themes = [{"id": f"t{i}", "name": _text(f"theme {i}")} for i in range(rng.randint(1, 3))]
    theme_ids = [t["id"] for t in themes]

    branch_ids = _ids(rng, rng.choice((0, 1, 2, 3, 4, 5, 6)), set())
    branches = [_named(b, "branch") for b in branch_ids]

    org_ids = _ids(rng, rng.randint(5, 40), set())
    organisations = []
    for i, oid in enumerate(org_ids):
        org = _named(oid, "org", kind=rng.choice(ORGANISATION_KINDS))
        if branch_ids and rng.random() < 0.7:
            org["branch"] = rng.choice(branch_ids)
        if i and rng.random() < 0.25:
            org["parent"] = rng.choice(org_ids[:i])
        organisations.append(org)

    phen_ids = _ids(rng, rng.randint(5, 40), set())
    phenomena = []
    for i, pid in enumerate(phen_ids):
        record = _named(pid, "phenomenon", themes=_sample(rng, theme_ids, 0, 2))
        # parents come from earlier records: a forest of any depth, never a cycle
        if i and rng.random() < 0.6:
            record["parent"] = rng.choice(phen_ids[max(0, i - 8) : i])
        phenomena.append(record)

    periods = sorted(rng.sample(_PERIODS, rng.choice((0, 1, 1, 2, 2, 3))))
    group_ids = _ids(rng, 60, set())
    groups = []
    for period in periods:
        numbers = rng.sample(range(1, 7), rng.randint(1, 5))
        if rng.random() < 0.15:
            numbers.append(numbers[0])  # two groups with one number
        for number in numbers:
            gid = group_ids[len(groups)]
            groups.append(
                {
                    "id": gid,
                    "number": number,
                    "period": period,
                    "name": _text(f"group {gid}"),
                    "themes": _sample(rng, theme_ids, 0, 1),
                    "focuses_on": _sample(rng, phen_ids, 0, 5),
                    "members": [
                        {"organisation": o, "role": rng.choice(("lead", "member"))}
                        for o in _sample(rng, org_ids, 0, 8)
                    ],
                }
            )
    gids = [g["id"] for g in groups]

    bodies = [
        {
            "id": f"body{i}",
            "kind": "expert-network",
            "name": _text(f"body {i}"),
            "members": [{"organisation": o} for o in _sample(rng, org_ids, 1, 6)],
        }
        for i in range(rng.randint(0, 2))
    ]

    goal_ids = _ids(rng, rng.randint(0, 15), set())
    goals = []
    for gid in goal_ids:
        goal: dict[str, Any] = {
            "id": gid,
            "text": _text(f"goal {gid}"),
            "targets": _sample(rng, phen_ids, 1, 3),
        }
        if gids and rng.random() < 0.8:
            goal["group"] = rng.choice(gids)
        goals.append(goal)

    measure_ids = _ids(rng, rng.randint(5, 40), set())
    # fewer phenomena than measures make several measures share a phenomenon
    hot = _sample(rng, phen_ids, 2, 8)
    measures = []
    for mid in measure_ids:
        pool = hot if rng.random() < 0.6 else phen_ids
        measure: dict[str, Any] = {
            "id": mid,
            "title": _text(f"measure {mid}"),
            "status": rng.choice(MEASURE_STATUSES),
            "responsible": [
                {"organisation": o, "role": rng.choice(("lead", "partner"))}
                for o in (_sample(rng, org_ids, 1, 4) if rng.random() < 0.8 else [])
            ],
            "addresses": _sample(rng, pool, 0 if rng.random() < 0.05 else 1, 3),
            "advances": _sample(rng, goal_ids, 0, 2),
        }
        if rng.random() < 0.7:
            end = _date(rng)
            measure["end"] = end.isoformat()
            if rng.random() < 0.5:
                measure["start"] = (end - dt.timedelta(days=rng.randint(0, 900))).isoformat()
        if rng.random() < 0.65:
            measure["resources"] = rng.choice(
                (
                    {"eur": rng.randint(0, 10**6)},
                    {"person_years": 1.5},
                    {"eur": 0, "person_years": 0},
                )
            )
        measures.append(measure)

    doc = {
        "format": "turva/1",
        "themes": themes,
        "branches": branches,
        "organisations": organisations,
        "phenomena": phenomena,
        "priority_groups": groups,
        "bodies": bodies,
        "goals": goals,
        "measures": measures,
    }
    if monitoring:
        _add_monitoring(random.Random(f"monitoring-{seed}"), doc)
    return doc


#: the years observations and targets are drawn from
_FIRST_YEAR, _LAST_YEAR = 2008, 2030


def _value(rng: random.Random, whole: bool) -> int | float:
    """A value of an indicator: mostly small whole numbers (so ties happen), decimals with
    a few digits, now and then an extreme."""
    if rng.random() < 0.03:
        return rng.choice((10**15, -(10**15), 10**15 - 1))
    if whole:
        return rng.randint(-3, 12) if rng.random() < 0.5 else rng.randint(-5000, 50000)
    return round(rng.uniform(-50, 500), rng.choice((1, 2, 4)))


def _series(rng: random.Random, direction: str) -> dict[int, int | float]:
    """Yearly values with missing years, ties, and runs that get worse or better."""
    whole = rng.random() < 0.7
    start = rng.randint(_FIRST_YEAR, 2022)
    years = [y for y in range(start, min(_LAST_YEAR, start + rng.randint(0, 14)) + 1)]
    years = [y for y in years if rng.random() < 0.8]  # missing years
    value = _value(rng, whole)
    out: dict[int, int | float] = {}
    worse = 1 if direction == "decrease" else -1
    for year in years:
        out[year] = value
        move = rng.random()
        if abs(value) >= 10**14:
            value = _value(rng, whole)
        elif move < 0.2:
            pass  # a tie with the year before
        elif move < 0.65:
            value = value + worse * (rng.randint(1, 50) if whole else round(rng.uniform(0.1, 9), 2))
        elif move < 0.9:
            value = value - worse * (rng.randint(1, 50) if whole else round(rng.uniform(0.1, 9), 2))
        else:
            value = _value(rng, whole)
    return out


def _target(rng: random.Random, indicator: str, seen: dict[int, int | float]) -> dict[str, Any]:
    """A goal target on ``indicator``: its baseline often the observation of that year."""
    baseline_year = rng.choice(sorted(seen)) if seen and rng.random() < 0.7 else None
    if baseline_year is None:
        baseline_year = rng.randint(_FIRST_YEAR, 2026)
        baseline: int | float = _value(rng, rng.random() < 0.8)
    else:
        baseline = seen[baseline_year]
    if abs(baseline) >= 10**14:
        baseline = rng.randint(-100, 100)
    kind = rng.random()
    later = [y for y in seen if y > baseline_year]
    if kind < 0.15:
        value: int | float = baseline  # target == baseline
    elif kind < 0.3 and later:
        value = seen[rng.choice(later)]  # a later observation meets the target exactly
    elif kind < 0.5 and isinstance(baseline, int):
        value = baseline + rng.choice((2000, -2000, 10000, -10000))  # exact halves
    elif kind < 0.65:
        value = round(baseline + rng.uniform(-100, 100), rng.choice((0, 1, 3)))
    else:
        value = baseline + rng.randint(-60, 60)
    return {
        "indicator": indicator,
        "baseline_year": baseline_year,
        "baseline": baseline,
        "year": min(2100, baseline_year + rng.randint(1, 12)),
        "value": value,
    }


def _add_monitoring(rng: random.Random, doc: dict[str, Any]) -> None:
    phen_ids = [p["id"] for p in doc["phenomena"]]
    hot = _sample(rng, phen_ids, 1, 4)  # phenomena measured by several indicators
    indicators = []
    observations = []
    series: dict[str, dict[int, int | float]] = {}
    for iid in _ids(rng, rng.randint(0, 8), set()):
        direction = rng.choice(("decrease", "increase"))
        indicator: dict[str, Any] = _named(
            iid,
            "indicator",
            direction=direction,
            phenomena=_sample(rng, hot if rng.random() < 0.5 else phen_ids, 1, 3),
        )
        if rng.random() < 0.5:
            indicator["unit"] = _text("cases")
        indicators.append(indicator)
        series[iid] = _series(rng, direction)
        for year, value in series[iid].items():
            observation: dict[str, Any] = {"indicator": iid, "year": year, "value": value}
            if rng.random() < 0.3:
                observation["source"] = rng.choice(("illustrative", "https://stat.fi/x"))
            observations.append(observation)
    for goal in doc["goals"]:
        if indicators and rng.random() < 0.7:
            iid = rng.choice(indicators)["id"]
            goal["target"] = _target(rng, iid, series[iid])
    rng.shuffle(observations)  # the order of a document is not the order of the years
    doc["indicators"] = indicators
    doc["observations"] = observations
