"""Seeded random turva/1 documents for the differential tests of the analyses.

Small (5-40 records per type) but with everything the definitions care about:
phenomenon and organisation hierarchies, every measure status, measures without owners,
resources or end dates, organisations without a branch, several periods whose groups
share numbers (and now and then two groups with one number), groups without focus, ids
of mixed case and punctuation (so sorting is tested) that sometimes coincide across
types (so the path's tie-break by type is tested too).
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


def random_document(seed: int) -> dict[str, Any]:
    """A valid turva/1 document drawn from ``seed`` (the same seed, the same document)."""
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

    return {
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
