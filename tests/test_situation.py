"""The situation picture on ``/``: key figures equal to the gaps analysis, tiles that link
to their lists, SVG charts with their tables, the cache, bad input, and the page as a
phone and axe-core see it (real Neo4j, real Chromium)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.api_client import client
from tests.browser import chromium, serious_violations, shoot, until
from turva.api.caching import response_cache
from turva.api.situation_pages import GAP_KEYS, KPI_KEYS
from turva.graph.domain.model import ACTIVE_STATUSES
from turva.queries import Analyses
from turva.visualize.style import branch_colour

TODAY = dt.date.today()
_KPI = re.compile(r'<span class="kpi-number" data-kpi="(\w+)">(\d+)</span>')
_TILE = re.compile(r'<li class="kpi kpi-(\w+)[^"]*"><a href="([^"]+)">')


def kpis(page: str) -> dict[str, int]:
    """The key figures a page shows: data-kpi -> the number."""
    return {key: int(value) for key, value in _KPI.findall(page)}


@pytest.fixture(scope="module")
def web(loaded_2021: Driver, neo4j_target) -> Iterator[Any]:
    with client(loaded_2021, neo4j_target.settings()) as c:
        yield c


def test_the_key_figures_equal_the_gaps_analysis(web, loaded_2021):
    page = web.get("/", params={"lang": "fi"})
    assert page.status_code == 200
    shown = kpis(page.text)
    assert list(shown) == list(KPI_KEYS)
    gaps = Analyses(loaded_2021).gaps(2021, TODAY)
    for key in GAP_KEYS:
        assert shown[key] == len(getattr(gaps, key)), key
    # the same on the alias, for an explicit period and date
    alias = web.get("/tilannekuva", params={"period": 2021, "as_of": TODAY.isoformat()})
    assert kpis(alias.text) == shown


def test_the_other_figures_count_what_their_words_say(web, dataset_2021):
    shown = kpis(web.get("/").text)
    groups = [g for g in dataset_2021["priority_groups"] if g["period"] == 2021]
    goals = {g["id"] for g in dataset_2021["goals"] if g["group"] in {x["id"] for x in groups}}
    active = {
        m["id"]
        for m in dataset_2021["measures"]
        if m["status"] in ACTIVE_STATUSES and set(m.get("advances", [])) & goals
    }
    assert shown["focus_phenomena"] == len({p for g in groups for p in g["focuses_on"]})
    assert shown["organisations_taking_part"] == len(
        {m["organisation"] for g in groups for m in g["members"]}
    )
    assert shown["active_measures"] == len(active)
    phenomena = len(dataset_2021["phenomena"])
    assert shown["addressed_phenomena"] + shown["unaddressed_phenomena"] == phenomena


def test_each_tile_links_to_its_list(web):
    page = web.get("/", params={"as_of": "2025-01-01"}).text
    links = dict(_TILE.findall(page))
    assert set(links) == set(KPI_KEYS)
    for key in GAP_KEYS:
        url = html.unescape(links[key])
        assert url.startswith("/gaps?") and url.endswith(f"#{key}") and "as_of=2025-01-01" in url
        target = web.get(url.split("#")[0])
        assert target.status_code == 200 and f'<section id="{key}"' in target.text
    for key in set(KPI_KEYS) - set(GAP_KEYS):
        target = web.get(html.unescape(links[key]).split("#")[0])
        assert target.status_code == 200, key
    # the first period has nothing to compare with: no change is shown
    assert "data-change" not in page


def test_charts_are_svg_each_with_a_summary_and_a_table(web):
    page = web.get("/", params={"lang": "fi"}).text
    figures = re.findall(r'<figure class="chart-figure" id="(\w+)".*?</figure>', page, re.S)
    assert figures == ["branches", "groups", "coverage", "timeline", "trends"]
    for body in re.findall(r'<figure class="chart-figure".*?</figure>', page, re.S):
        svg = re.search(r"<svg[^>]*>", body)
        assert svg and 'role="img"' in svg.group(0) and 'aria-label="' in svg.group(0)
        assert "<figcaption>" in body and "<summary>Taulukko</summary>" in body
        assert re.search(r"<table>.*<td>", body, re.S)
        # text stays text, and nothing is fetched from elsewhere
        assert "<text" in body and 'xlink:href="http' not in body and "<image" not in body
    branches = re.search(r'<figure class="chart-figure" id="branches".*?</figure>', page, re.S)
    assert branches
    # the interior ministry's branch in its one colour, by its name (not its id)
    assert branch_colour("SM") in branches.group(0)
    assert "sisäministeriön hallinnonala" in branches.group(0)
    # the 2021 data is illustrative, and the charts say so
    assert 'data-provenance="illustrative"' in branches.group(0)


def test_the_picture_is_cached_by_graph_version(loaded_2021, neo4j_target):
    with client(loaded_2021, neo4j_target.settings()) as fresh:
        first = fresh.get("/", params={"lang": "en"})
        cache = response_cache(fresh.app)
        renders = cache.renders
        again = fresh.get("/", params={"lang": "en"})
        assert cache.renders == renders and kpis(again.text) == kpis(first.text)
        fresh.get("/", params={"lang": "sv"})
        assert cache.renders == renders + 1


@pytest.mark.parametrize(
    ("query", "field"),
    [("period=1999", "period"), ("period=abc", "period"), ("as_of=tomorrow", "as_of")],
)
def test_bad_period_or_date_is_the_422_page_naming_the_field(web, query, field):
    page = web.get(f"/tilannekuva?{query}", headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert field in page.text and "Traceback" not in page.text


# --- in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("situation") / "chromium", "--window-size=1280,900") as b:
        yield b


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_page_fits_a_phone_and_passes_axe(browser, site_2021, lang):
    browser.get(f"{site_2021}/?lang={lang}")
    assert serious_violations(browser) == []
    shoot(browser, f"situation-{lang}", 1280)
    shoot(browser, f"situation-{lang}", 400)
    browser.set_window_size(400, 900)
    try:
        tile = browser.find_element(By.CSS_SELECTOR, '[data-kpi="overdue_measures"]')
        assert tile.is_displayed() and tile.text.isdigit()
        chart = browser.find_element(By.CSS_SELECTOR, "#branches svg")
        assert chart.size["width"] > 300
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.browser
def test_a_click_on_a_tile_opens_its_list(browser, site_2021):
    browser.get(f"{site_2021}/?lang=fi")
    number = browser.find_element(By.CSS_SELECTOR, '[data-kpi="overdue_measures"]').text
    browser.find_element(By.CSS_SELECTOR, ".kpi-overdue_measures a").click()
    until(browser, lambda b: "/gaps" in b.current_url)
    assert browser.current_url.endswith("#overdue_measures")
    section = browser.find_element(By.ID, "overdue_measures")
    rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == int(number)
    # a chart's table is one click away
    browser.get(f"{site_2021}/?lang=fi")
    table = browser.find_element(By.CSS_SELECTOR, "#branches details")
    assert not browser.find_element(By.CSS_SELECTOR, "#branches table").is_displayed()
    table.find_element(By.TAG_NAME, "summary").click()
    assert browser.find_element(By.CSS_SELECTOR, "#branches table").is_displayed()


@pytest.mark.browser
def test_the_briefing_link_answers_a_pdf(site_2021):
    page = httpx.get(f"{site_2021}/?lang=fi").text
    link = re.search(r'href="(/tilannekuva/briefing\?[^"]+)"', page)
    assert link
    answer = httpx.get(site_2021 + html.unescape(link.group(1)), timeout=120)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
