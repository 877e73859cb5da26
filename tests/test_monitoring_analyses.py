"""Goal progress and attention, checked by hand on a small document.

The definitions (docs/analyses.md, "goal-progress" and "attention") are checked against
the oracle on random graphs in tests/test_analyses_oracle.py; here each case the
definitions turn on is written out and its answer worked out by hand: ties, missing
years, ``target == baseline``, both directions, every status, the line that meets the
target exactly, and the rounding of halves away from zero (0.6665 -> 0.667, -0.0005 ->
-0.001), then the command and the API give the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import client
from tests.conftest import Neo4jTarget, dumped, measure
from tests.oracle import Oracle
from turva.graph.errors import BadArgument
from turva.graph.messages import gettext_for
from turva.graph.store.load import load_document
from turva.queries import Analyses

AS_OF = dt.date(2022, 6, 1)
#: the catalogue's Finnish: "Indicator" is read as the catalogue says (Mittari or Indikaattori)
_fi = gettext_for("fi")


def _indicator(id: str, direction: str, phenomena: list[str]) -> dict[str, Any]:
    return {
        "id": id,
        "name": {"fi": f"Mittari {id}"},
        "direction": direction,
        "phenomena": phenomena,
    }


def _series(indicator: str, values: dict[int, int | float]) -> list[dict[str, Any]]:
    return [{"indicator": indicator, "year": y, "value": v} for y, v in values.items()]


def _goal(id: str, indicator: str, baseline_year: int, baseline: float, year: int, value: float):
    return {
        "id": id,
        "text": {"fi": f"Tavoite {id}"},
        "targets": ["p-a"],
        "target": {
            "indicator": indicator,
            "baseline_year": baseline_year,
            "baseline": baseline,
            "year": year,
            "value": value,
        },
    }


DOC: dict[str, Any] = {
    "format": "turva/1",
    "branches": [
        {"id": "B1", "name": {"fi": "Hallinnonala 1"}},
        {"id": "B2", "name": {"fi": "Hallinnonala 2"}},
    ],
    "organisations": [
        {"id": "o1", "name": {"fi": "Virasto 1"}, "kind": "agency", "branch": "B1"},
        {"id": "o2", "name": {"fi": "Virasto 2"}, "kind": "agency", "branch": "B2"},
    ],
    "phenomena": [
        {"id": "p-a", "name": {"fi": "Ilmiö A"}},  # nobody works on it
        {"id": "p-b", "name": {"fi": "Ilmiö B"}},  # one branch
        {"id": "p-c", "name": {"fi": "Ilmiö C"}},  # two branches
        {"id": "p-d", "name": {"fi": "Ilmiö D"}},  # nobody works on it; its indicator ties
    ],
    "indicators": [
        _indicator("i-dec", "decrease", ["p-a"]),
        _indicator("a-inc", "increase", ["p-a"]),
        _indicator("i-inc", "increase", ["p-b", "p-c"]),
        _indicator("i-tie", "decrease", ["p-d", "p-a"]),
        _indicator("i-better", "increase", ["p-d"]),
        _indicator("r-inc", "increase", ["p-c"]),
        _indicator("r-dec", "decrease", ["p-c"]),
        _indicator("f-inc", "increase", ["p-c"]),
        _indicator("e-inc", "increase", ["p-c"]),
        _indicator("e2-inc", "increase", ["p-c"]),
    ],
    "observations": [
        # higher is worse: 10 < 11 < 12 with 2021 missing; as of 2021 only two values
        *_series("i-dec", {2019: 10, 2020: 11, 2022: 12}),
        # lower is worse, the three latest (2015-2017) each lower: 9 > 7 > 6.5
        *_series("a-inc", {2014: 1, 2015: 9, 2016: 7, 2017: 6.5}),
        *_series("i-inc", {2017: 3, 2018: 5, 2019: 4, 2020: 3}),
        # a tie in the middle: not worse
        *_series("i-tie", {2018: 1, 2019: 2, 2020: 2}),
        *_series("i-better", {2018: 1, 2019: 2, 2020: 3}),
        *_series("r-inc", {2021: 6665, 2023: 9000}),
        *_series("r-dec", {2021: 10005}),
        *_series("f-inc", {2021: 0.6665}),
        *_series("e-inc", {2021: 1000}),
        *_series("e2-inc", {2021: 999}),
    ],
    "goals": [
        _goal("G1", "i-dec", 2019, 10, 2025, 4),  # off track, the 2019 value is the baseline's
        _goal("G2", "i-inc", 2017, 3, 2030, 3),  # target == baseline, reached: achieved
        _goal("G3", "i-dec", 2022, 12, 2026, 8),  # nothing after 2022 yet: no data
        _goal("G4", "r-inc", 2020, 0, 2030, 10000),  # 0.6665 -> 0.667, on track
        _goal("G5", "r-dec", 2020, 10000, 2030, 0),  # -0.0005 -> -0.001, off track
        _goal("G6", "r-dec", 2019, 20000, 2025, 10005),  # reached exactly: achieved
        _goal("G7", "f-inc", 2020, 0.0, 2030, 1.0),  # a decimal 0.6665 -> 0.667
        _goal("G8", "e-inc", 2020, 0, 2030, 10000),  # the line meets the target exactly
        _goal("G9", "e2-inc", 2020, 0, 2030, 10000),  # the line falls just short
        {"id": "G0", "text": {"fi": "Ei mittaria"}, "targets": ["p-a"]},  # no target: no row
    ],
    "measures": [
        measure("m1", "Toimi 1", "ongoing", [{"organisation": "o1"}], ["p-b"]),
        measure("m2", "Toimi 2", "ongoing", [{"organisation": "o1"}], ["p-c"]),
        measure("m3", "Toimi 3", "planned", [{"organisation": "o2"}], ["p-c"]),
        measure("m4", "Toimi 4", "done", [{"organisation": "o2"}], ["p-a"]),
    ],
}


def _row(
    goal: str,
    indicator: str,
    baseline: tuple[int, float],
    target: tuple[int, float],
    latest: tuple[int | None, float | None],
    progress: float | None,
    status: str,
) -> dict[str, Any]:
    return {
        "goal": goal,
        "indicator": indicator,
        "baseline_year": baseline[0],
        "baseline": baseline[1],
        "target_year": target[0],
        "target": target[1],
        "latest_year": latest[0],
        "latest": latest[1],
        "progress": progress,
        "status": status,
    }


#: worked out by hand from DOC as of 2022
GOALS_2022 = [
    # (12 - 10) / (4 - 10) = -0.333...; the line: 10 + 2 * 6 / 3 = 14 > 4
    _row("G1", "i-dec", (2019, 10), (2025, 4), (2022, 12), -0.333, "off_track"),
    _row("G2", "i-inc", (2017, 3), (2030, 3), (2020, 3), None, "achieved"),
    _row("G3", "i-dec", (2022, 12), (2026, 8), (None, None), None, "no_data"),
    # 6665 / 10000 = 0.6665; the line: 6665 * 10 = 66650 >= 10000
    _row("G4", "r-inc", (2020, 0), (2030, 10000), (2021, 6665), 0.667, "on_track"),
    # 5 / -10000 = -0.0005; the line goes up, away from 0
    _row("G5", "r-dec", (2020, 10000), (2030, 0), (2021, 10005), -0.001, "off_track"),
    _row("G6", "r-dec", (2019, 20000), (2025, 10005), (2021, 10005), 1.0, "achieved"),
    _row("G7", "f-inc", (2020, 0.0), (2030, 1.0), (2021, 0.6665), 0.667, "on_track"),
    # 1000 a year for ten years is exactly 10000: on track; 999 a year is not
    _row("G8", "e-inc", (2020, 0), (2030, 10000), (2021, 1000), 0.1, "on_track"),
    _row("G9", "e2-inc", (2020, 0), (2030, 10000), (2021, 999), 0.1, "off_track"),
]


@pytest.fixture(scope="module")
def monitored(driver: Driver) -> Driver:
    load_document(driver, DOC, replace=True)
    return driver


def test_goal_progress_by_hand(monitored: Driver) -> None:
    got = dumped(Analyses(monitored).goal_progress(AS_OF))
    assert got == {"as_of": "2022-06-01", "goals": GOALS_2022}
    assert got == Oracle(DOC).goal_progress(AS_OF)


def test_the_latest_value_is_of_the_latest_year_up_to_the_year_asked(monitored: Driver) -> None:
    rows = {r.goal: r for r in Analyses(monitored).goal_progress(dt.date(2023, 1, 1)).goals}
    # 2023 has a value now: (9000 - 0) / 10000
    assert (rows["G4"].latest_year, rows["G4"].latest, rows["G4"].progress) == (2023, 9000, 0.9)
    # the baseline year's own value is never the latest
    early = {r.goal: r for r in Analyses(monitored).goal_progress(dt.date(2019, 12, 31)).goals}
    assert early["G1"].status == "no_data" and early["G1"].latest is None


def test_attention_by_hand(monitored: Driver) -> None:
    got = dumped(Analyses(monitored).attention(AS_OF))
    assert got == {
        "as_of": "2022-06-01",
        "phenomena": [
            # both of its worsening indicators, sorted; m4 is done, so nobody works on it
            {"phenomenon": "p-a", "indicators": ["a-inc", "i-dec"], "reason": "unaddressed"},
            {"phenomenon": "p-b", "indicators": ["i-inc"], "reason": "single_branch"},
            # p-c: i-inc gets worse, but two branches work on it; p-d: a tie, and better
        ],
    }
    assert got == Oracle(DOC).attention(AS_OF)


def test_fewer_than_three_values_is_not_getting_worse(monitored: Driver) -> None:
    # up to 2021, i-dec has two values (10, 11): only a-inc makes p-a need attention
    got = Analyses(monitored).attention(dt.date(2021, 12, 31))
    assert [(r.phenomenon, r.indicators) for r in got.phenomena] == [
        ("p-a", ["a-inc"]),
        ("p-b", ["i-inc"]),
    ]


def test_a_period_the_graph_does_not_have_is_refused(monitored: Driver) -> None:
    with pytest.raises(BadArgument, match="1999"):
        Analyses(monitored).attention(AS_OF, period=1999)
    with pytest.raises(BadArgument, match="as_of"):
        Analyses(monitored).goal_progress("2022-13-01")  # type: ignore[arg-type]


def test_the_command_prints_the_same_json(monitored: Driver, turva) -> None:
    printed = turva("goal-progress", "--as-of", "2022-06-01", "--format", "json")
    assert printed.code == 0, printed.stderr
    assert json.loads(printed.stdout) == {"as_of": "2022-06-01", "goals": GOALS_2022}
    printed = turva("attention", "--as-of", "2022-06-01", "--format", "json")
    assert printed.code == 0, printed.stderr
    assert json.loads(printed.stdout) == dumped(Analyses(monitored).attention(AS_OF))
    table = turva("attention", "--as-of", "2022-06-01")
    assert table.code == 0 and "Phenomena that need attention" in table.stdout
    assert "no active measures" in table.stdout and "Ilmiö A" in table.stdout
    bad = turva("goal-progress", "--as-of", "2022-13-01")
    assert bad.code != 0 and "--as-of" in bad.stderr and "Traceback" not in bad.stderr


def test_the_api_gives_the_json_and_tables_in_finnish(
    monitored: Driver, neo4j_target: Neo4jTarget
) -> None:
    api = client(monitored, neo4j_target.settings())
    answer = api.get("/api/v1/analysis/goal-progress", params={"as_of": "2022-06-01"})
    assert answer.status_code == 200
    assert answer.json() == {"as_of": "2022-06-01", "goals": GOALS_2022}
    answer = api.get("/api/v1/analysis/attention", params={"as_of": "2022-06-01"})
    assert answer.status_code == 200
    assert answer.json() == dumped(Analyses(monitored).attention(AS_OF))

    table = api.get(
        "/api/v1/analysis/goal-progress", params={"as_of": "2022-06-01", "format": "csv"}
    )
    assert table.status_code == 200
    rows = list(csv.DictReader(io.StringIO(table.text)))
    g4 = next(r for r in rows if r["Tavoite, tunniste"] == "G4")
    assert g4["Tavoite"] == "Tavoite G4" and g4[_fi("Indicator")] == "Mittari r-inc"
    assert g4["Edistyminen"] == "0.667" and g4["Tila"] == "etenee tavoitteen mukaisesti"
    assert g4["Viimeisin arvo"] == "6665" and g4["Tavoitearvo"] == "10000"

    reasons = api.get("/api/v1/analysis/attention", params={"as_of": "2022-06-01", "format": "csv"})
    by_phenomenon = {r["Ilmiö"]: r for r in csv.DictReader(io.StringIO(reasons.text))}
    assert by_phenomenon["Ilmiö A"]["Syy"] == "ei aktiivisia toimenpiteitä"
    assert by_phenomenon["Ilmiö A"]["Heikentyvät indikaattorit"] == "Mittari a-inc; Mittari i-dec"
    assert by_phenomenon["Ilmiö B"]["Syy"] == "vain yksi hallinnonala"

    for path, params in (
        ("goal-progress", {"as_of": "2022-13-01"}),
        ("attention", {"period": 1999}),
        ("attention", {"as_of": "eilen"}),
    ):
        refused = api.get(f"/api/v1/analysis/{path}", params=params)
        assert refused.status_code == 422, (path, params)
        assert refused.headers["content-type"].startswith("application/problem+json")
