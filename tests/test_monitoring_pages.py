"""The monitoring pages in a real Chromium on a small document with indicators: the
indicator chart on a phenomenon page (an SVG labelled with its summary, its table equal
to the graph's observations), the indicator page, ``/monitoring`` (the indicator rows,
the goals' statuses equal to ``Analyses.goal_progress()``, the attention list equal to
``Analyses.attention()``), the empty state, and ``/what-if`` with a browser."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.api_client import serve
from tests.browser import chromium, serious_violations, shoot, until
from tests.conftest import Neo4jTarget, measure, wipe
from turva.graph.store.load import load_document
from turva.queries import Analyses
from turva.queries.runner import run_query

TODAY = dt.date.today()
STATS = "Tilastokeskus, rikos- ja pakkokeinotilasto, https://stat.fi/tilasto/polri (2024-03-28)"

DOC: dict[str, Any] = {
    "format": "turva/1",
    "branches": [
        {"id": "B1", "name": {"fi": "Sisäministeriön hallinnonala"}},
        {"id": "B2", "name": {"fi": "Oikeusministeriön hallinnonala"}},
    ],
    "organisations": [
        {"id": "o1", "name": {"fi": "Poliisihallitus"}, "kind": "agency", "branch": "B1"},
        {"id": "o2", "name": {"fi": "Rikosseuraamuslaitos"}, "kind": "agency", "branch": "B2"},
    ],
    "phenomena": [
        {
            "id": "fraud",
            "name": {"fi": "Verkkopetokset", "sv": "Nätbedrägerier", "en": "Online fraud"},
        },
        {"id": "violence", "name": {"fi": "Väkivalta", "sv": "Våld", "en": "Violence"}},
        {"id": "trust", "name": {"fi": "Luottamus", "en": "Trust"}},
    ],
    "indicators": [
        {
            "id": "fraud-cases",
            "name": {
                "fi": "Ilmoitetut petokset",
                "sv": "Anmälda bedrägerier",
                "en": "Reported frauds",
            },
            "unit": {"fi": "tapausta", "sv": "fall", "en": "cases"},
            "direction": "decrease",
            "phenomena": ["fraud"],
        },
        {
            "id": "assaults",
            "name": {"fi": "Pahoinpitelyt", "sv": "Misshandel", "en": "Assaults"},
            "unit": {"fi": "tapausta", "sv": "fall", "en": "cases"},
            "direction": "decrease",
            "phenomena": ["violence", "trust"],
        },
        {
            "id": "trust-share",
            "name": {"fi": "Poliisiin luottavat", "en": "Trust in the police"},
            "unit": {"fi": "%", "en": "%"},
            "direction": "increase",
            "phenomena": ["trust"],
        },
    ],
    "observations": [
        {"indicator": "fraud-cases", "year": 2019, "value": 10000, "source": STATS},
        {"indicator": "fraud-cases", "year": 2020, "value": 11000, "source": STATS},
        {"indicator": "fraud-cases", "year": 2021, "value": 12100, "source": "illustrative"},
        {"indicator": "fraud-cases", "year": 2022, "value": 13000, "source": "illustrative"},
        {"indicator": "assaults", "year": 2020, "value": 50, "source": STATS},
        {"indicator": "assaults", "year": 2021, "value": 40, "source": STATS},
        {"indicator": "trust-share", "year": 2021, "value": 80.5, "source": "illustrative"},
    ],
    "goals": [
        {
            "id": "G1",
            "text": {"fi": "Verkkopetokset vähenevät", "en": "Online fraud decreases"},
            "targets": ["fraud"],
            "target": {
                "indicator": "fraud-cases",
                "baseline_year": 2019,
                "baseline": 10000,
                "year": 2027,
                "value": 8000,
            },
        },
        {
            "id": "G2",
            "text": {"fi": "Väkivalta vähenee", "en": "Violence decreases"},
            "targets": ["violence"],
            "target": {
                "indicator": "assaults",
                "baseline_year": 2019,
                "baseline": 60,
                "year": 2025,
                "value": 45,
            },
        },
        {
            "id": "G3",
            "text": {"fi": "Luottamus kasvaa", "en": "Trust grows"},
            "targets": ["trust"],
            "target": {
                "indicator": "trust-share",
                "baseline_year": 2021,
                "baseline": 80,
                "year": 2030,
                "value": 90,
            },
        },
    ],
    "measures": [
        measure("m1", "Petostorjunta", "ongoing", [{"organisation": "o1"}], ["fraud"]),
        measure(
            "m2",
            "Luottamushanke",
            "ongoing",
            [{"organisation": "o1"}, {"organisation": "o2"}],
            ["trust"],
        ),
    ],
}


@pytest.fixture(scope="module")
def monitored(driver: Driver) -> Driver:
    wipe(driver)
    load_document(driver, DOC)
    return driver


@pytest.fixture(scope="module")
def site(monitored: Driver, neo4j_target: Neo4jTarget) -> Iterator[str]:
    from turva.api.main import create_app

    with serve(create_app(neo4j_target.settings(), driver=monitored)) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    with chromium(
        tmp_path_factory.mktemp("monitoring") / "chromium", "--window-size=1280,900"
    ) as b:
        yield b


def _plain(text: str | None) -> str:
    """``text`` with no-break spaces (between thousands, before %) as plain ones."""
    return (text or "").replace("\u00a0", " ")


def test_the_phenomenon_page_draws_its_indicator_with_its_table(site, browser, monitored):
    browser.get(f"{site}/phenomena/fraud?lang=fi")
    figure = browser.find_element(By.CSS_SELECTOR, 'figure[data-indicator="fraud-cases"]')
    svg = figure.find_element(By.CSS_SELECTOR, "svg[role=img]")
    summary = figure.find_element(By.CSS_SELECTOR, ".chart-summary").text
    # the SVG's label is the summary sentence the page prints under it
    assert _plain(svg.get_attribute("aria-label")) == _plain(summary)
    assert "Ilmoitetut petokset: 13 000 tapausta vuonna 2022" in _plain(summary)
    # the change in words, better or worse by the direction (fewer frauds are better)
    change = figure.find_element(By.CSS_SELECTOR, ".indicator-change")
    assert change.get_attribute("data-verdict") == "worse"
    assert _plain(change.text) == "nousi 7,4 % vuodesta 2021 (huonompi)"
    # the table, one click away, equals the graph's observations
    figure.find_element(By.CSS_SELECTOR, "details.chart-table summary").click()
    rows = figure.find_elements(By.CSS_SELECTOR, "table.observations tbody tr")
    expected = run_query(monitored, "page_indicator_observations", id="fraud-cases")
    assert [
        (int(r.get_attribute("data-year")), float(r.get_attribute("data-value"))) for r in rows
    ] == [(o["year"], float(o["value"])) for o in expected]
    assert [_plain(r.find_element(By.CSS_SELECTOR, "td").text) for r in rows] == [
        "10 000",
        "11 000",
        "12 100",
        "13 000",
    ]
    # the illustrative values are marked with the badge, the sourced ones name their source
    marked = [r.get_attribute("data-provenance") for r in rows]
    assert marked == ["sourced", "sourced", "illustrative", "illustrative"]
    assert all(r.find_elements(By.CSS_SELECTOR, ".provenance-illustrative") for r in rows[2:])
    assert "Tilastokeskus" in rows[0].text
    # the goal targeting it, with its progress in words and as a percent
    goal = browser.find_element(By.CSS_SELECTOR, '#indicators tr[data-goal="G1"]')
    progress = Analyses(monitored).goal_progress().goals
    (g1,) = [g for g in progress if g.goal == "G1"]
    assert goal.get_attribute("data-status") == g1.status == "off_track"
    assert "Verkkopetokset vähenevät" in goal.text and "ei etene tavoitteen mukaisesti" in goal.text
    assert f"{round(g1.progress * 100)} %" in _plain(goal.text)
    shoot(browser, "phenomenon-indicators", 1280)
    shoot(browser, "phenomenon-indicators", 400)
    assert not serious_violations(browser)


def test_the_indicator_page_shows_its_chart_phenomena_and_sources(site, browser):
    browser.get(f"{site}/indicators/assaults?lang=sv")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Misshandel"
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    # the phenomena by name, not by id
    assert "Våld" in facts and "Luottamus" in facts and "violence" not in facts
    svg = browser.find_element(By.CSS_SELECTOR, "#chart svg[role=img]")
    assert "Misshandel" in svg.get_attribute("aria-label")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.observations tbody tr")
    assert [r.text.split()[0] for r in rows] == ["2020", "2021"]  # open: no click needed
    assert "Tilastokeskus" in rows[1].text
    change = browser.find_element(By.CSS_SELECTOR, ".indicator-change").text
    assert _plain(change) == "sjönk 20 % från 2020 (bättre)"
    assert (
        browser.find_element(By.CSS_SELECTOR, 'tr[data-goal="G2"]').get_attribute("data-status")
        == "achieved"
    )
    shoot(browser, "indicator", 400)
    assert not serious_violations(browser)
    assert httpx.get(f"{site}/indicators/no-such").status_code == 404


def test_monitoring_lists_indicators_goals_and_attention(site, browser, monitored):
    browser.get(f"{site}/monitoring?lang=fi")
    assert (
        browser.find_element(By.CSS_SELECTOR, 'nav.main a[href="/monitoring"]').text == "Seuranta"
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "table.indicators tbody tr")
    assert [r.get_attribute("data-indicator") for r in rows] == [
        "fraud-cases",  # Ilmoitetut petokset
        "assaults",  # Pahoinpitelyt
        "trust-share",  # Poliisiin luottavat
    ]
    by_id = {r.get_attribute("data-indicator"): r for r in rows}
    fraud = by_id["fraud-cases"]
    assert fraud.find_element(By.CSS_SELECTOR, "th").text.startswith("Ilmoitetut petokset")
    assert "Verkkopetokset" in fraud.text and "13 000 tapausta (2022)" in fraud.text.replace(
        "\u00a0", " "
    )
    assert "nousi 7,4 % vuodesta 2021 (huonompi)" in _plain(fraud.text)
    assert "pienempi on parempi" in fraud.text.lower() or "parempi" in fraud.text
    assert fraud.find_elements(By.CSS_SELECTOR, "svg.sparkline[aria-hidden=true]")
    assert by_id["assaults"].get_attribute("data-verdict") == "better"
    assert "ei vertailukohtaa" in by_id["trust-share"].text
    # the goals by status, equal to the analysis
    progress = Analyses(monitored).goal_progress()
    shown = {
        r.get_attribute("data-goal"): r.get_attribute("data-status")
        for r in browser.find_elements(By.CSS_SELECTOR, "#goals tr[data-goal]")
    }
    assert shown == {g.goal: g.status for g in progress.goals}
    for status in ("achieved", "on_track", "off_track", "no_data"):
        group = browser.find_element(By.CSS_SELECTOR, f"#goals-{status}")
        got = {r.get_attribute("data-goal") for r in group.find_elements(By.CSS_SELECTOR, "tr")}
        assert got - {None} == {g.goal for g in progress.goals if g.status == status}
    # the attention list, equal to the analysis, with the reason in words
    attention = Analyses(monitored).attention()
    listed = browser.find_elements(By.CSS_SELECTOR, "table.attention tbody tr")
    assert [
        (r.get_attribute("data-phenomenon"), r.get_attribute("data-reason")) for r in listed
    ] == [(a.phenomenon, a.reason) for a in attention.phenomena]
    assert [a.phenomenon for a in attention.phenomena] == ["fraud"]
    assert "vain yhden hallinnonalan varassa" in listed[0].text
    assert "Ilmoitetut petokset" in listed[0].text
    # the definitions, the downloads and the illustrative banner
    assert browser.find_elements(By.CSS_SELECTOR, "details.definitions li")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.download")]
    assert any("/api/v1/analysis/goal-progress" in h and "format=xlsx" in h for h in links)
    assert any("/api/v1/analysis/attention" in h and "format=csv" in h for h in links)
    banner = browser.find_element(By.CSS_SELECTOR, ".illustrative-banner").text
    assert "3/7 näytetystä indikaattorien vuosiarvosta on havainnollistavia" in banner
    shoot(browser, "monitoring", 1280)
    shoot(browser, "monitoring", 400)
    assert not serious_violations(browser)


def test_monitoring_counts_values_up_to_the_year_of_as_of(site):
    page = httpx.get(f"{site}/monitoring", params={"as_of": "2021-06-01", "lang": "en"}).text
    assert "fell 20 % from 2020 (better)" in html.unescape(page).replace("\u00a0", " ")
    assert "rose 10 % from 2020 (worse)" in html.unescape(page).replace("\u00a0", " ")
    bad = httpx.get(f"{site}/monitoring", params={"period": "1999"})
    assert bad.status_code == 422 and "1999" in bad.text


def test_what_if_in_a_browser_shows_the_orphaned_measure_by_name(site, browser):
    browser.get(f"{site}/what-if?lang=fi")
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=without]")).select_by_value("o1")
    browser.find_element(By.CSS_SELECTOR, "main form.filters button[type=submit]").click()
    (section,) = until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#orphaned_measures"))
    assert "without=o1" in browser.current_url
    assert "Petostorjunta" in section.text
    assert section.find_element(By.CSS_SELECTOR, 'a[href="/measures/m1"]')
    shoot(browser, "what-if", 400)


def test_an_empty_graph_says_how_to_add_indicators(site, monitored):
    load_document(
        monitored,
        {"format": "turva/1", "phenomena": [{"id": "x", "name": {"fi": "X"}}]},
        replace=True,
    )
    try:
        page = html.unescape(httpx.get(f"{site}/monitoring", params={"lang": "fi"}).text)
        assert "turva observations import" in page
        phenomenon = html.unescape(httpx.get(f"{site}/phenomena/x", params={"lang": "fi"}).text)
        assert "turva observations import" in phenomenon
    finally:
        load_document(monitored, DOC, replace=True)
