"""Headless Chromium draws the maps with no network, counts the nodes, follows a click.

"No network": Chromium goes through a proxy that does not exist (127.0.0.1:9), so any
request that is not to a local file (or, for the web UI, to the local test server) fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import pytest
from neo4j import Driver
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.api_client import serve
from tests.browser import chromium, distinct_colours, wait_until_stable
from tests.conftest import wipe
from tests.maps_support import TINY
from turva.api.main import create_app
from turva.graph.store.load import load_document
from turva.visualize import MapRequest, read_map, write_map

pytestmark = pytest.mark.browser


@contextmanager
def offline_chromium(profile: Path, proxy_loopback: bool) -> Iterator[webdriver.Chrome]:
    """Chromium whose every remote request goes to a proxy that does not exist."""
    flags = ["--window-size=1400,1000", "--proxy-server=127.0.0.1:9"]
    if proxy_loopback:
        # loopback is exempt from proxies by default: send it to the dead proxy as well
        flags.append("--proxy-bypass-list=<-loopback>")
    with chromium(profile, *flags) as browser:
        yield browser


def click_node(browser: webdriver.Chrome, node: str) -> None:
    """Click where vis-network draws ``node`` (canvas position -> DOM position)."""
    container = browser.find_element(By.ID, "turva-map")
    # WebDriver offsets count from the centre of the element's *visible* part: show it all
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", container)
    x, y = browser.execute_script(
        "var n = window.turvaMap.network; var p = n.getPositions([arguments[0]])[arguments[0]];"
        "var d = n.canvasToDOM(p); return [d.x, d.y];",
        node,
    )
    size = container.size
    ActionChains(browser).move_to_element_with_offset(
        container, int(x - size["width"] / 2), int(y - size["height"] / 2)
    ).click().perform()


def test_offline_file_map_draws_counts_and_clicks_through(driver: Driver, tmp_path: Path):
    wipe(driver)
    load_document(driver, TINY)
    site = tmp_path / "site"
    (site / "organisations").mkdir(parents=True)
    (site / "organisations" / "POHA.html").write_text("<h1>POHA page</h1>", encoding="utf-8")
    # every period: TINY's latest period alone (the view's default) holds no POHA
    graph = read_map(driver, MapRequest("who-works-on-what", all_periods=True))
    page = tmp_path / "map.html"
    write_map(graph, page, base_url=site.as_uri())
    # the click opens <base>/organisations/POHA: give the file that name's .html twin
    (site / "organisations" / "POHA").symlink_to(site / "organisations" / "POHA.html")

    with offline_chromium(tmp_path / "profile", proxy_loopback=True) as browser:
        browser.get(page.as_uri())
        wait_until_stable(browser)
        assert browser.execute_script("return window.turvaMap.nodes.length") == 8
        assert browser.execute_script("return window.turvaMap.edges.length") == 6
        # a drawn map, not a blank canvas: node fills, borders, labels, edges, antialiasing
        assert distinct_colours(browser) > 50
        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) {return e.name;})"
        )
        assert all(name.startswith("file:") for name in fetched), fetched
        # the first click selects (its page is a link in the side panel), the second opens
        click_node(browser, "organisation:POHA")
        panel_link = browser.find_element(By.ID, "turva-map-panel-link")
        WebDriverWait(browser, 10).until(lambda b: panel_link.is_displayed())
        assert panel_link.get_attribute("href") == (site / "organisations" / "POHA").as_uri()
        click_node(browser, "organisation:POHA")
        WebDriverWait(browser, 10).until(lambda b: "organisations/POHA" in b.current_url)
        assert browser.current_url == (site / "organisations" / "POHA").as_uri()
        assert "POHA page" in browser.page_source


@contextmanager
def web_map(
    driver: Driver, neo4j_target, tmp_path: Path, path: str, expected: nx.Graph
) -> Iterator[tuple[str, webdriver.Chrome]]:
    """The web UI's map page ``path`` drawn in offline Chromium with the ``expected`` map's
    nodes; gives the server's base URL and the browser."""
    app = create_app(neo4j_target.settings(), driver=driver)
    with (
        serve(app) as base,
        offline_chromium(tmp_path / "profile", proxy_loopback=False) as browser,
    ):
        browser.get(f"{base}{path}")
        wait_until_stable(browser)
        assert browser.execute_script("return window.turvaMap.nodes.length") == len(expected)
        yield base, browser


def test_web_map_of_2021_draws_and_opens_an_organisation_page(
    graph_2021: Driver, neo4j_target, tmp_path: Path
):
    expected = read_map(graph_2021, MapRequest("who-works-on-what", period=2021))
    path = "/maps/who-works-on-what?period=2021"
    with web_map(graph_2021, neo4j_target, tmp_path, path, expected) as (base, browser):
        assert distinct_colours(browser) > 50
        legend = browser.find_element(By.CSS_SELECTOR, ".turva-map-legend").text
        assert "Selite" in legend and "ilmiö" in legend
        browser.save_screenshot(str(tmp_path / "who-works-on-what-2021.png"))
        click_node(browser, "organisation:POHA")
        WebDriverWait(browser, 10).until(
            lambda b: b.execute_script("return window.turvaMap.selected") == "organisation:POHA"
        )
        assert "/maps/" in browser.current_url
        click_node(browser, "organisation:POHA")
        WebDriverWait(browser, 10).until(lambda b: "/organisations/" in b.current_url)
        assert browser.current_url == f"{base}/organisations/POHA"


def _no_sideways_scroll(browser: webdriver.Chrome) -> bool:
    return bool(
        browser.execute_script(
            "var d = document.documentElement; return d.scrollWidth <= d.clientWidth + 1;"
        )
    )


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_map_page_reads_in_its_language_fits_400px_and_has_a_text_alternative(
    graph_2021: Driver, neo4j_target, tmp_path: Path, lang: str
):
    # TURVA_SCREENS keeps the screenshots (the notes' screens); by default a temporary folder
    screens = Path(os.environ.get("TURVA_SCREENS") or tmp_path)
    expected = read_map(graph_2021, MapRequest("group", id="PG2021-8", lang=lang))
    legend_words = {"fi": "katkoviiva: havainnollistava yhteys", "sv": "streckad linje"}
    text_title = {"fi": "Kartta tekstinä", "sv": "Kartan som text"}
    path = f"/maps/group?id=PG2021-8&lang={lang}"
    with web_map(graph_2021, neo4j_target, tmp_path, path, expected) as (base, browser):
        banner = browser.find_element(By.CSS_SELECTOR, ".illustrative-banner")
        assert banner.is_displayed()
        legend = browser.find_element(By.CSS_SELECTOR, ".turva-map-legend").text
        assert legend_words[lang] in legend
        browser.save_screenshot(str(screens / f"map-group-8-{lang}-1400.png"))
        # keyboard: the map takes focus (with its name), then the text alternative opens
        frame = browser.find_element(By.CSS_SELECTOR, "#turva-map .vis-network")
        assert frame.get_attribute("tabindex") == "0"
        assert frame.get_attribute("aria-label").startswith(
            {"fi": "Verkostokartta:", "sv": "Nätverkskarta:"}[lang]
        )
        browser.execute_script("arguments[0].focus();", frame)
        assert browser.switch_to.active_element == frame
        # the arrow keys move the map (vis-network's keyboard navigation)
        before = browser.execute_script("return window.turvaMap.network.getViewPosition()")
        ActionChains(browser).key_down(Keys.ARROW_RIGHT).pause(0.4).key_up(
            Keys.ARROW_RIGHT
        ).perform()
        after = browser.execute_script("return window.turvaMap.network.getViewPosition()")
        assert after != before
        summary = browser.find_element(By.CSS_SELECTOR, ".turva-map-text summary")
        assert text_title[lang] in summary.text
        ActionChains(browser).send_keys(Keys.TAB).perform()
        assert browser.switch_to.active_element == summary
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        rows = browser.find_elements(By.CSS_SELECTOR, ".turva-map-nodes tbody tr")
        assert len(rows) == len(expected) and rows[0].is_displayed()
        edges = browser.find_elements(By.CSS_SELECTOR, ".turva-map-edges tbody tr")
        assert len(edges) == expected.number_of_edges()
        # a phone's width: the page itself never scrolls sideways
        browser.set_window_size(400, 900)
        browser.get(f"{base}{path}")
        wait_until_stable(browser)
        assert _no_sideways_scroll(browser)
        browser.save_screenshot(str(screens / f"map-group-8-{lang}-400-top.png"))
        browser.find_element(By.CSS_SELECTOR, ".turva-map-text summary").click()
        assert _no_sideways_scroll(browser)
        width = browser.execute_script(
            "return document.getElementById('turva-map').getBoundingClientRect().right"
        )
        assert width <= browser.execute_script("return document.documentElement.clientWidth")
        browser.save_screenshot(str(screens / f"map-group-8-{lang}-400.png"))
