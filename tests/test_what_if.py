"""What-if on the 2021 data: what would be left uncovered if organisations stepped out.

The definitions are checked against the oracle on random graphs
(tests/test_analyses_oracle.py); these tests check them by hand on the shipped data and
that nothing in the graph changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import count_nodes, dumped
from turva.graph.errors import BadArgument
from turva.queries import Analyses

AS_OF = dt.date(2025, 7, 1)


def _leads(dataset: dict[str, Any], group: str) -> set[str]:
    (g,) = [g for g in dataset["priority_groups"] if g["id"] == group]
    return {m["organisation"] for m in g["members"] if m.get("role") == "lead"}


def test_a_group_whose_only_lead_steps_out_is_left_without_a_lead(
    loaded_2021: Driver, dataset_2021: dict[str, Any]
) -> None:
    analyses = Analyses(loaded_2021)
    got = analyses.what_if(["POHA"], as_of=AS_OF)
    lost = [g["id"] for g in got.model_dump()["groups_without_lead"]]
    # by hand from data/2021.yaml: the groups of 2021 whose leads are all POHA
    expected = sorted(
        g["id"]
        for g in dataset_2021["priority_groups"]
        if g["period"] == 2021 and _leads(dataset_2021, g["id"]) == {"POHA"}
    )
    assert lost == expected and expected


def test_what_if_changes_nothing_in_the_graph(loaded_2021: Driver) -> None:
    analyses = Analyses(loaded_2021)
    before = count_nodes(loaded_2021), dumped(analyses.gaps(as_of=AS_OF))
    analyses.what_if(["POHA", "Kuntaliitto", "SM"], as_of=AS_OF)
    assert (count_nodes(loaded_2021), dumped(analyses.gaps(as_of=AS_OF))) == before


def test_the_new_gaps_are_not_in_todays_list(loaded_2021: Driver) -> None:
    analyses = Analyses(loaded_2021)
    today = dumped(analyses.gaps(as_of=AS_OF))
    got = dumped(analyses.what_if(["POHA", "Kuntaliitto"], as_of=AS_OF))
    for section in ("unaddressed_phenomena", "single_branch_phenomena", "goals_without_measures"):
        known = {row["id"] for row in today[section]}
        assert not {row["id"] for row in got[f"new_{section}"]} & known


@pytest.mark.parametrize(
    ("without", "message"),
    [([], "at least one organisation"), (["no-such-org"], "no-such-org"), ([""], "must be an id")],
)
def test_bad_organisations_are_refused_naming_them(
    loaded_2021: Driver, without: list[str], message: str
) -> None:
    with pytest.raises(BadArgument, match=message):
        Analyses(loaded_2021).what_if(without, as_of=AS_OF)


def test_the_api_refuses_an_unknown_organisation_with_422(site_2021: str) -> None:
    import httpx

    answer = httpx.get(f"{site_2021}/api/v1/analysis/what-if", params={"without": "no-such-org"})
    assert answer.status_code == 422
    assert "no-such-org" in answer.text
    assert httpx.get(f"{site_2021}/api/v1/analysis/what-if").status_code == 422


def test_the_page_shows_what_would_be_left_uncovered_by_name(
    site_2021: str, loaded_2021: Driver
) -> None:
    import httpx

    got = Analyses(loaded_2021).what_if(["POHA", "Kuntaliitto"])
    page = httpx.get(
        f"{site_2021}/what-if", params=[("without", "POHA"), ("without", "Kuntaliitto")]
    )
    assert page.status_code == 200
    text = page.text
    assert "Painopisteryhmät, joille ei jäisi vetäjää" in text
    # each new single-branch phenomenon by its Finnish name, with a link to its page
    names = {p.id: p for p in got.new_single_branch_phenomena}
    assert names
    for phenomenon in names:
        assert f'href="/phenomena/{phenomenon}"' in text
    assert "without=POHA&amp;without=Kuntaliitto" in text  # the downloads ask the same
    empty = httpx.get(f"{site_2021}/what-if")
    assert empty.status_code == 200 and "Valitse vähintään yksi organisaatio" in empty.text
    unknown = httpx.get(f"{site_2021}/what-if", params={"without": "no-such-org"})
    assert unknown.status_code == 422 and "no-such-org" in unknown.text
