"""A headless Chromium opens the pages of the 2021 dataset as a person would."""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.api_client import serve
from tests.browser import chromium
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
    assert browser.find_element(By.TAG_NAME, "h1").text == "Money laundering"

    browser.get(f"{site}/gaps")
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.gap h2")]
    assert any(h.startswith("Phenomena without measures") for h in headings)
    assert any(h.startswith("Overdue measures") for h in headings)
    assert len(headings) == 8

    search = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    search.send_keys("kyberrikollisuuden")
    search.submit()
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li a")
    assert first.get_attribute("href").endswith("/phenomena/cybercrime")
