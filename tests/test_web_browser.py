"""A headless Chromium opens the pages of the 2021 dataset as a person would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from neo4j import Driver

from tests.api_client import serve
from tests.browser import chromium, until
from turva.api.main import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path / "chromium") as driver:
        yield driver


@pytest.fixture
def site(graph_2021: Driver, neo4j_target):
    with serve(create_app(neo4j_target.settings(), driver=graph_2021)) as base:
        yield base


def test_phenomenon_page_and_gap_report_in_chromium(browser, site, dataset_2021):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{site}/phenomena/money-laundering")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Rahanpesu"
    who = browser.find_element(By.ID, "who-addresses")
    shown = {
        li.get_attribute("data-organisation") for li in who.find_elements(By.CSS_SELECTOR, "li")
    }
    responsible = {
        r["organisation"]
        for m in dataset_2021["measures"]
        if "money-laundering" in m["addresses"] and m["status"] in ("planned", "ongoing")
        for r in m["responsible"]
    }
    assert responsible <= shown
    # the stylesheet is served by the app and applied
    color = browser.find_element(By.CSS_SELECTOR, "header.site").value_of_css_property(
        "border-bottom-style"
    )
    assert color == "solid"

    # the language switch: three links, each in its own language, reached by keyboard too
    switch = browser.find_elements(By.CSS_SELECTOR, "header nav.langs a")
    assert [(a.text, a.get_attribute("lang")) for a in switch] == [
        ("Suomeksi", "fi"),
        ("På svenska", "sv"),
        ("In English", "en"),
    ]
    switch[1].send_keys(Keys.ENTER)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    assert browser.find_element(By.CSS_SELECTOR, "#who-addresses h2").text.startswith(
        "Vem arbetar med detta"
    )
    browser.find_element(By.PARTIAL_LINK_TEXT, "In English").click()
    until(browser, lambda b: b.find_element(By.TAG_NAME, "h1").text == "Money laundering")

    browser.get(f"{site}/gaps")
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.gap h2")]
    assert any(h.startswith("Phenomena without measures") for h in headings)
    assert any(h.startswith("Overdue measures") for h in headings)
    assert len(headings) == 8

    search = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    search.send_keys("kyberrikollisuuden")
    search.submit()
    first = until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "ol.hits li a"))[0]
    assert first.get_attribute("href").endswith("/phenomena/cybercrime")


#: where to keep screenshots for people to look at, when asked (TURVA_SCREENS=<folder>)
SCREENS = Path(os.environ.get("TURVA_SCREENS", "/nonexistent/turva-screens"))


def _shot(browser, name: str) -> None:
    """A full-height screenshot for people to look at (when TURVA_SCREENS names a folder)."""
    if SCREENS.is_dir():
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(height + 120, 4000))
        browser.save_screenshot(str(SCREENS / f"{name}.png"))
        browser.set_window_size(1280, 800)


@pytest.mark.parametrize(
    ("lang", "word", "sentence"),
    [
        ("fi", "havainnollistava", "10/10 näytetystä jäsenyydestä on havainnollistavia"),
        ("sv", "illustrativ", "10 av 10 visade medlemskap är illustrativa"),
        ("en", "illustrative", "10 of 10 memberships shown are illustrative"),
    ],
)
def test_group_page_shows_what_is_illustrative(browser, site, lang, word, sentence):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 800)
    browser.get(f"{site}/groups/PG2021-8?lang={lang}")
    banner = browser.find_element(By.CSS_SELECTOR, ".illustrative-banner")
    assert banner.is_displayed() and sentence in banner.text
    assert banner.get_attribute("data-provenance") == "illustrative"
    members = browser.find_elements(By.CSS_SELECTOR, "#members li")
    assert len(members) == 10
    for li in members:
        assert li.get_attribute("data-provenance") == "illustrative"
        badge = li.find_element(By.CSS_SELECTOR, ".provenance-illustrative")
        assert badge.is_displayed() and badge.text == word
    if lang != "en":
        _shot(browser, f"group-{lang}")


def test_phenomenon_and_gap_pages_show_names_sort_and_filter(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(1280, 800)
    for lang in ("fi", "sv"):
        browser.get(f"{site}/phenomena/cybercrime?lang={lang}")
        assert browser.find_element(By.CSS_SELECTOR, "details.definitions").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".illustrative-banner").is_displayed()
        first = browser.find_element(By.CSS_SELECTOR, "#who-addresses li .ref a")
        assert first.text and first.text == first.text.upper()  # an abbreviation: DVV, KRP...
        _shot(browser, f"phenomenon-{lang}")
        browser.get(f"{site}/gaps?lang={lang}")
        row = browser.find_element(By.CSS_SELECTOR, "#groups_missing_stakeholders tbody tr")
        cells = row.find_elements(By.TAG_NAME, "td")
        assert cells[0].text.startswith("1. Turvallisuuden tunne")
        assert "disinformaatio" in cells[2].text
        _shot(browser, f"gaps-{lang}")

    # the header link sorts the table, and says so to a screen reader
    browser.get(f"{site}/gaps?lang=en")
    header = browser.find_element(By.CSS_SELECTOR, "#overdue_measures th:nth-child(2) a")
    header.click()
    sorted_th = "#overdue_measures th:nth-child(2)[aria-sort=ascending]"
    until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, sorted_th))
    ends = [
        td.text
        for td in browser.find_elements(By.CSS_SELECTOR, "#overdue_measures td[data-column=end]")
    ]
    assert ends == sorted(ends) and len(ends) > 1

    # the filter form narrows the report
    before = len(browser.find_elements(By.CSS_SELECTOR, "#groups_missing_stakeholders tbody tr"))
    Select(browser.find_element(By.NAME, "group")).select_by_value("PG2021-8")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    until(browser, lambda b: "group=PG2021-8" in b.current_url)
    after = len(browser.find_elements(By.CSS_SELECTOR, "#groups_missing_stakeholders tbody tr"))
    assert "group=PG2021-8" in browser.current_url and 0 < after < before
