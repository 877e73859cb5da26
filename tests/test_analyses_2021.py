"""The analyses on the real 2021 dataset: answers checked by reading data/2021.yaml.

Each expected value below was worked out by hand from the YAML (the comments say
where); none was copied from the program's output. The gaps depend on the date, so
``as_of`` is always given.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import ids
from tests.oracle import Oracle
from turva.graph.errors import BadArgument, NotFound
from turva.graph.store.load import load_document
from turva.queries import Analyses


def test_who_addresses_money_laundering(analyses_2021: Analyses) -> None:
    # money-laundering has no narrower phenomena. Active measures on it: M45 (PRH, Vero),
    # M47 (FIU, KRP), M54 (OM, Syyttajalaitos, POHA); M44 (VM, FIU, PRH) is done.
    # Only PG2021-6 focuses on it: POHA OM SM YM VM EK Kuntaliitto STM Tulli.
    result = analyses_2021.who_addresses("money-laundering")
    actors = {a.organisation: (a.branch, a.measures, a.groups) for a in result.actors}
    group = ["PG2021-6"]
    assert actors == {
        "EK": (None, [], group),
        "FIU": ("SM", ["M47"], []),
        "KRP": ("SM", ["M47"], []),
        "Kuntaliitto": (None, [], group),
        "OM": ("OM", ["M54"], group),
        "POHA": ("SM", ["M54"], group),
        "PRH": ("TEM", ["M45"], []),
        "SM": ("SM", [], group),
        "STM": ("STM", [], group),
        "Syyttajalaitos": ("OM", ["M54"], []),
        "Tulli": ("VM", [], group),
        "VM": ("VM", [], group),
        "Vero": ("VM", ["M45"], []),
        "YM": ("YM", [], group),
    }
    assert [a.organisation for a in result.actors] == sorted(actors)
    assert result.period == 2021


def test_who_addresses_counts_measures_on_descendants(analyses_2021: Analyses) -> None:
    # organised-crime is money-laundering's parent, so M47 (on money-laundering) counts
    result = analyses_2021.who_addresses("organised-crime")
    fiu = next(a for a in result.actors if a.organisation == "FIU")
    assert "M47" in fiu.measures


def test_gaps_by_hand(analyses_2021: Analyses) -> None:
    gaps = analyses_2021.gaps(as_of=dt.date(2025, 7, 1))
    unaddressed = ids(gaps.unaddressed_phenomena)
    # nothing addresses these two; security-as-cost only has the cancelled M22
    for phenomenon in ("seasonal-multilocality", "data-breach-extortion", "security-as-cost"):
        assert phenomenon in unaddressed
    assert "money-laundering" not in unaddressed
    assert unaddressed == sorted(unaddressed)
    # M26 and M62 have `responsible: []`; M62 has no resources either
    assert ids(gaps.measures_without_owner) == ["M26", "M62"]
    assert "M62" in ids(gaps.measures_without_resources)
    assert "M26" not in ids(gaps.measures_without_resources)
    # M08 is ongoing and ends 2025-06-30; M01 ends 2027-12-31
    overdue = {m.id: m.end for m in gaps.overdue_measures}
    assert overdue["M08"] == dt.date(2025, 6, 30)
    assert "M01" not in overdue
    # G3.2 is advanced only by M22, which is cancelled
    assert "G3.2" in ids(gaps.goals_without_measures)


def test_overdue_means_end_before_the_date(analyses_2021: Analyses) -> None:
    assert "M08" not in ids(analyses_2021.gaps(as_of=dt.date(2025, 6, 30)).overdue_measures)
    assert "M08" in ids(analyses_2021.gaps(as_of=dt.date(2025, 7, 1)).overdue_measures)


def test_missing_stakeholders_by_hand(analyses_2021: Analyses) -> None:
    # FIU leads M47 on money-laundering, in PG2021-6's focus, but is not a member
    gaps = analyses_2021.gaps(as_of=dt.date(2025, 1, 1))
    rows = {(r.group, r.organisation): r.phenomena for r in gaps.groups_missing_stakeholders}
    assert "money-laundering" in rows[("PG2021-6", "FIU")]
    # POHA is a member of PG2021-6, so it is never missing there
    assert ("PG2021-6", "POHA") not in rows


def test_overlaps_by_hand(analyses_2021: Analyses) -> None:
    overlaps = analyses_2021.overlaps()
    # PG2021-1 and PG2021-2 share members SM and SPR and no focus phenomenon
    pair = next(p for p in overlaps.group_overlaps if (p.a, p.b) == ("PG2021-1", "PG2021-2"))
    assert pair.shared_members == ["SM", "SPR"]
    assert pair.shared_phenomena == []
    assert pair.jaccard == 0.0
    # PG2021-2 and PG2021-8 both focus on child-online-grooming (8 + 9 focus, 16 in all)
    pair = next(p for p in overlaps.group_overlaps if (p.a, p.b) == ("PG2021-2", "PG2021-8"))
    assert pair.shared_phenomena == ["child-online-grooming"]
    assert pair.jaccard == 0.063  # 1/16 = 0.0625 rounds half up
    # Kuntaliitto is a member of groups 2 to 8: the busiest organisation
    busiest = overlaps.busy_organisations[0]
    assert (busiest.id, busiest.count) == ("Kuntaliitto", 7)
    assert busiest.groups == [f"PG2021-{n}" for n in range(2, 9)]
    counts = [b.count for b in overlaps.busy_organisations]
    assert counts == sorted(counts, reverse=True)
    assert all(c >= 3 for c in counts)


def test_coverage_row_by_hand(analyses_2021: Analyses) -> None:
    # money-laundering: M45 (PRH: TEM, Vero: VM), M47 (FIU, KRP: SM),
    # M54 (OM, Syyttajalaitos: OM; POHA: SM)
    coverage = analyses_2021.coverage()
    assert len(coverage.branches) == 12
    row = next(r for r in coverage.rows if r.phenomenon == "money-laundering")
    expected = dict.fromkeys(coverage.branches, 0) | {"SM": 2, "TEM": 1, "VM": 1, "OM": 1}
    assert row.counts == expected


def test_profile_by_hand(analyses_2021: Analyses) -> None:
    profile = analyses_2021.profile("FIU")
    assert (profile.branch, profile.parent, profile.kind) == ("SM", "KRP", "agency")
    assert profile.groups == []
    assert [(m.id, m.status, m.role) for m in profile.measures] == [
        ("M44", "done", "partner"),
        ("M47", "ongoing", "lead"),
    ]
    # only the active M47 counts: it addresses money-laundering and financiers-facilitators
    assert profile.phenomena == ["financiers-facilitators", "money-laundering"]


def test_path_by_hand(analyses_2021: Analyses) -> None:
    # SM and MLL are both responsible for M12 (ongoing) and both members of PG2021-2;
    # of the two paths of length 2, "M12" sorts before "PG2021-2"
    connection = analyses_2021.path("SM", "MLL")
    assert connection.length == 2
    assert [(n.type, n.id) for n in connection.path] == [
        ("Organisation", "SM"),
        ("Measure", "M12"),
        ("Organisation", "MLL"),
    ]
    assert connection.path[1].name == "Katujengeihin rekrytoinnin ehkäisyohjelma"
    same = analyses_2021.path("SM", "SM")
    assert (same.length, [n.id for n in same.path]) == (0, ["SM"])


def test_path_unreachable_has_no_length(graph_2021: Driver, dataset_2021: dict) -> None:
    doc = copy.deepcopy(dataset_2021)
    doc["organisations"].append({"id": "Loner", "kind": "ngo", "name": {"fi": "Yksinäinen ry"}})
    load_document(graph_2021, doc, replace=True)
    connection = Analyses(graph_2021).path("SM", "Loner")
    assert connection.model_dump(mode="json") == {
        "a": "SM",
        "b": "Loner",
        "length": None,
        "path": [],
    }


def test_bad_arguments(analyses_2021: Analyses) -> None:
    with pytest.raises(NotFound, match="unknown phenomenon 'no-such-thing'"):
        analyses_2021.who_addresses("no-such-thing")
    with pytest.raises(NotFound, match="unknown organisation 'Nobody'"):
        analyses_2021.profile("Nobody")
    with pytest.raises(NotFound, match="unknown organisation 'Nobody'"):
        analyses_2021.path("SM", "Nobody")
    with pytest.raises(BadArgument, match="no priority groups for period 2019; .*2021"):
        analyses_2021.gaps(period=2019)
    with pytest.raises(BadArgument, match="as_of"):
        analyses_2021.gaps(as_of="2025-13-01")  # type: ignore[arg-type]
    with pytest.raises(BadArgument, match="min_branches"):
        analyses_2021.overlaps(min_branches=0)
    with pytest.raises(BadArgument, match="min_groups"):
        analyses_2021.overlaps(min_groups=-1)
    with pytest.raises(BadArgument, match=r"period 2023 \(to_period\)"):
        analyses_2021.changes(2021, 2023)


def _with_2023(dataset: dict[str, Any]) -> dict[str, Any]:
    """The 2021 dataset plus a made-up 2023 period: group 1 goes on, group 9 is new."""
    doc = copy.deepcopy(dataset)
    doc["phenomena"].append(
        {"id": "deepfake-fraud", "parent": "online-fraud", "name": {"fi": "Syväväärennöshuijaus"}}
    )
    doc["priority_groups"] += [
        {
            "id": "PG2023-1",
            "number": 1,
            "period": 2023,
            "name": {"fi": "Turvallisuuden tunne"},
            "focuses_on": ["disinformation", "deepfake-fraud"],
            "members": [
                {"organisation": "SM", "role": "lead"},
                {"organisation": "VM"},
                {"organisation": "MLL"},
            ],
        },
        {
            "id": "PG2023-9",
            "number": 9,
            "period": 2023,
            "name": {"fi": "Rahanpesu"},
            "focuses_on": ["money-laundering"],
            "members": [{"organisation": "FIU", "role": "lead"}, {"organisation": "KRP"}],
        },
    ]
    return doc


def test_changes_between_periods_by_hand(graph_2021: Driver, dataset_2021: dict) -> None:
    load_document(graph_2021, _with_2023(dataset_2021), replace=True)
    analyses_2021 = Analyses(graph_2021)
    assert analyses_2021.periods() == [2021, 2023]
    changes = analyses_2021.changes(2021, 2023).model_dump(mode="json")
    assert changes["added_groups"] == [{"id": "PG2023-9", "number": 9}]
    assert changes["removed_groups"] == [{"id": f"PG2021-{n}", "number": n} for n in range(2, 9)]
    # every 2021 phenomenon was in some 2021 group's focus; deepfake-fraud is new
    assert changes["entered_phenomena"] == ["deepfake-fraud"]
    focus_2021 = {p for g in dataset_2021["priority_groups"] for p in g["focuses_on"]}
    assert changes["left_phenomena"] == sorted(focus_2021 - {"disinformation", "money-laundering"})
    assert changes["matched_groups"] == [
        {
            "number": 1,
            "from_group": "PG2021-1",
            "to_group": "PG2023-1",
            "entered_phenomena": ["deepfake-fraud"],
            "left_phenomena": [
                "filter-bubbles",
                "hate-crime-free-speech",
                "media-literacy",
                "polarised-public-debate",
                "social-media-speed",
                "targeting",
                "technological-disruption",
            ],
            "joined_members": ["MLL"],
            "left_members": ["ISAVI", "LSSAVI", "PLM", "PSAVI", "RVL", "SPEK", "SPR", "TEM"],
        }
    ]
    # the reverse direction swaps added/removed and entered/left
    back = analyses_2021.changes(2023, 2021)
    assert [g.id for g in back.removed_groups] == ["PG2023-9"]
    assert back.matched_groups[0].left_phenomena == ["deepfake-fraud"]


def test_period_defaults_to_the_latest(graph_2021: Driver, dataset_2021: dict) -> None:
    load_document(graph_2021, _with_2023(dataset_2021), replace=True)
    analyses_2021 = Analyses(graph_2021)
    latest = analyses_2021.who_addresses("money-laundering")
    assert latest.period == 2023
    # in 2023 only PG2023-9 (FIU, KRP) focuses on it; EK was there through PG2021-6
    assert {a.organisation: a.groups for a in latest.actors}["FIU"] == ["PG2023-9"]
    assert "EK" not in {a.organisation for a in latest.actors}
    earlier = analyses_2021.who_addresses("money-laundering", period=2021)
    assert "EK" in {a.organisation for a in earlier.actors}


def test_all_analyses_equal_the_oracle_on_2021(analyses_2021: Analyses, dataset_2021: dict) -> None:
    oracle = Oracle(dataset_2021)
    as_of = dt.date(2025, 7, 1)
    assert analyses_2021.gaps(as_of=as_of).model_dump(mode="json") == oracle.gaps(None, as_of)
    assert analyses_2021.overlaps().model_dump(mode="json") == oracle.overlaps(None)
    assert analyses_2021.coverage().model_dump(mode="json") == oracle.coverage()
    for phenomenon in ("money-laundering", "cybercrime", "polarisation", "security-as-cost"):
        got = analyses_2021.who_addresses(phenomenon).model_dump(mode="json")
        assert got == oracle.who_addresses(phenomenon, None)
    for org in ("SM", "MLL", "EK", "FIU"):
        assert analyses_2021.profile(org).model_dump(mode="json") == oracle.profile(org)
    for a, b in (("SM", "MLL"), ("FIU", "Valli"), ("EK", "KAVI")):
        assert analyses_2021.path(a, b).model_dump(mode="json") == oracle.path(a, b)
