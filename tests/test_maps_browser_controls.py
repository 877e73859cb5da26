"""What a person does with a map in Chromium, on the 2021 dataset: one colour per branch on
every map, labels readable at the first zoom, the search box, the first click that
highlights and the second that opens, the empty result inside the canvas, a saved view
that opens again with its filters, and no serious accessibility finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from neo4j import Driver
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.api_client import PASSWORD, account
from tests.browser import (
    chromium,
    serious_violations,
    shoot,
    sign_in_browser,
    until,
    wait_until_stable,
)
from tests.test_maps_browser import click_node

pytestmark = pytest.mark.browser

POHA = "organisation:POHA"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    profile = tmp_path_factory.mktemp("profile")
    with chromium(profile, "--window-size=1280,900") as opened:
        opened.set_window_size(1280, 900)
        yield opened


def open_map(browser: webdriver.Chrome, url: str) -> None:
    browser.get(url)
    wait_until_stable(browser)


def js(browser: webdriver.Chrome, script: str, *args: object) -> object:
    return browser.execute_script(script, *args)


def focus_of(browser: webdriver.Chrome) -> str | None:
    values = parse_qs(urlsplit(browser.current_url).query).get("focus")
    return values[0] if values else None


def test_every_node_carries_its_branch_and_a_branch_keeps_its_colour_on_every_map(
    browser, site_2021: str
):
    maps = [
        "/maps/who-works-on-what?period=2021",
        "/maps/group?id=PG2021-8",
        "/maps/phenomenon?id=cybercrime",
        "/maps/organisation?id=POHA",
    ]
    colours: dict[str, set[str]] = {}
    seen_on: dict[str, int] = {}
    for path in maps:
        open_map(browser, site_2021 + path)
        nodes = js(browser, "return window.turvaMap.nodes.get();")
        assert nodes and all("branch" in n and "type" in n for n in nodes), path
        organisations = [n for n in nodes if n["type"] == "organisation" and n["branch"]]
        assert organisations, path
        for branch in {n["branch"] for n in organisations}:
            seen_on[branch] = seen_on.get(branch, 0) + 1
        for n in organisations:
            colours.setdefault(n["branch"], set()).add(n["color"]["background"])
    # the Ministry of the Interior's branch (POHA's) is on every one of the four maps
    assert seen_on.get("SM") == len(maps), seen_on
    assert {b: c for b, c in colours.items() if len(c) > 1} == {}
    # and the branches differ from each other where it matters: SM is not OM
    if "OM" in colours:
        assert colours["SM"] != colours["OM"]


def test_labels_are_at_least_12_px_at_the_first_zoom_and_hidden_ones_show_on_zoom(
    browser, site_2021: str
):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021")
    sizes = js(
        browser,
        "var m = window.turvaMap, s = m.network.getScale(), out = [];"
        "m.nodes.get().forEach(function (n) { if (n.label) {"
        "  out.push(m.network.body.nodes[n.id].options.font.size * s); } });"
        "return out;",
    )
    assert sizes and min(sizes) >= 12, sorted(sizes)[:5]
    hidden = js(browser, "return window.turvaMap.nodes.get().filter(n => !n.label).length;")
    if hidden:
        # zoomed in well past the first zoom, every node says its name
        js(browser, "var n = window.turvaMap.network; n.moveTo({scale: n.getScale() * 2});")
        every = "return window.turvaMap.nodes.get().every(n => n.label);"
        until(browser, lambda b: js(b, every), 5)


def test_the_search_box_finds_a_node_by_name_and_focuses_it(browser, site_2021: str):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021")
    names = [
        o.get_attribute("value")
        for o in browser.find_elements(By.CSS_SELECTOR, "#turva-map-names option")
    ]
    assert "POHA – Poliisihallitus" in names
    box = browser.find_element(By.ID, "turva-map-search")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=turva-map-search]").text
    box.send_keys("poliisihallitus", Keys.ENTER)
    until(browser, lambda b: js(b, "return window.turvaMap.selected;") == POHA, 5)
    assert js(browser, "return window.turvaMap.network.getSelectedNodes();") == [POHA]
    # focused: the node is in the middle of the canvas
    centre, node = js(
        browser,
        "var n = window.turvaMap.network;"
        "return [n.getViewPosition(), n.getPositions([arguments[0]])[arguments[0]]];",
        POHA,
    )
    assert abs(centre["x"] - node["x"]) < 2 and abs(centre["y"] - node["y"]) < 2
    panel = browser.find_element(By.ID, "turva-map-panel")
    assert panel.is_displayed() and "Poliisihallitus" in panel.text
    assert focus_of(browser) == POHA
    # a name that is not on the map says so inside the canvas, and nothing moves
    box.clear()
    box.send_keys("ei tällaista solmua", Keys.ENTER)
    status = browser.find_element(By.ID, "turva-map-status")
    until(browser, lambda b: "ei tällaista solmua" in status.text, 5)
    assert js(browser, "return window.turvaMap.selected;") == POHA
    inside = js(
        browser,
        "var a = arguments[0].getBoundingClientRect(),"
        " c = document.getElementById('turva-map').getBoundingClientRect();"
        "return a.top >= c.top && a.bottom <= c.bottom && a.left >= c.left && a.right <= c.right;",
        status,
    )
    assert inside


def test_a_first_click_highlights_the_neighbours_and_the_second_opens_the_page(
    browser, site_2021: str
):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021")
    panel = browser.find_element(By.ID, "turva-map-panel")
    assert not panel.is_displayed()
    click_node(browser, POHA)
    until(browser, lambda b: panel.is_displayed(), 5)
    assert "/organisations/POHA" in browser.current_url or focus_of(browser) == POHA
    assert "/maps/" in browser.current_url  # the first click stays on the map
    opacity = js(
        browser,
        "var m = window.turvaMap, out = {};"
        "m.nodes.get().forEach(function (n) { out[n.id] = n.opacity; }); return out;",
    )
    near = set(js(browser, "return window.turvaMap.network.getConnectedNodes(arguments[0]);", POHA))
    assert near, "POHA works on phenomena"
    assert opacity[POHA] == 1 and all(opacity[n] == 1 for n in near)
    others = [n for n in opacity if n not in near and n != POHA]
    assert others and all(opacity[n] < 0.5 for n in others)
    link = browser.find_element(By.ID, "turva-map-panel-link")
    assert link.text == "Avaa sivu" and link.get_attribute("href").endswith("/organisations/POHA")
    # the neighbours are buttons too: a keyboard moves along the network
    buttons = panel.find_elements(By.CSS_SELECTOR, ".turva-map-panel-links button")
    assert len(buttons) == len(near)
    moved = buttons[0].get_attribute("data-node")
    buttons[0].send_keys(Keys.ENTER)
    until(browser, lambda b: js(b, "return window.turvaMap.selected;") == moved, 5)
    assert focus_of(browser) == moved
    # back to POHA, then a second click opens its page
    click_node(browser, POHA)
    until(browser, lambda b: js(b, "return window.turvaMap.selected;") == POHA, 5)
    click_node(browser, POHA)
    until(browser, lambda b: "/organisations/POHA" in b.current_url, 10)
    assert urlsplit(browser.current_url).path == "/organisations/POHA"


def test_zoom_and_fit_buttons_are_buttons_that_zoom(browser, site_2021: str):
    open_map(browser, f"{site_2021}/maps/group?id=PG2021-8")
    scale = js(browser, "return window.turvaMap.network.getScale();")
    zoom_in = browser.find_element(By.CSS_SELECTOR, "button[data-map-action=zoom-in]")
    assert zoom_in.get_attribute("aria-label") == "Lähennä"
    zoom_in.click()
    bigger = js(browser, "return window.turvaMap.network.getScale();")
    assert bigger > scale
    browser.find_element(By.CSS_SELECTOR, "button[data-map-action=zoom-out]").click()
    browser.find_element(By.CSS_SELECTOR, "button[data-map-action=zoom-out]").click()
    assert js(browser, "return window.turvaMap.network.getScale();") < scale
    browser.find_element(By.CSS_SELECTOR, "button[data-map-action=fit]").click()


def test_an_empty_result_says_so_inside_the_canvas_in_view(browser, site_2021: str):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021&branch=LVM&group=PG2021-3")
    message = browser.find_element(By.CSS_SELECTOR, ".turva-map-empty")
    assert message.is_displayed() and message.text
    where = js(
        browser,
        "var m = arguments[0].getBoundingClientRect(),"
        " c = document.getElementById('turva-map').getBoundingClientRect();"
        "return {inside: m.top >= c.top - 1 && m.bottom <= c.bottom + 1,"
        "        seen: m.bottom <= window.innerHeight && m.top >= 0};",
        message,
    )
    assert where == {"inside": True, "seen": True}
    shoot(browser, "map-empty", 400)


def test_a_map_opens_on_the_node_its_url_focuses(browser, site_2021: str):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021&focus={POHA}")
    assert js(browser, "return window.turvaMap.selected;") == POHA
    assert browser.find_element(By.ID, "turva-map-panel").is_displayed()


def test_a_saved_view_opens_again_with_its_filters_and_can_be_deleted(
    browser, site_2021: str, loaded_2021: Driver
):
    username = account(loaded_2021, "reader")
    path = "/maps/who-works-on-what?period=2021&branch=SM"
    sign_in_browser(browser, site_2021, username, "/maps", PASSWORD)
    open_map(browser, site_2021 + path)
    box = browser.find_element(By.ID, "turva-map-search")
    box.send_keys("POHA", Keys.ENTER)
    until(browser, lambda b: focus_of(b) == POHA, 5)
    name = browser.find_element(By.ID, "map-save-name")
    name.send_keys("SM:n kartta")
    name.submit()
    until(browser, lambda b: urlsplit(b.current_url).path == "/maps")
    assert "Näkymä ”SM:n kartta” on tallennettu." in browser.page_source.replace("“", "”")
    link = browser.find_element(By.LINK_TEXT, "SM:n kartta")
    link.click()
    wait_until_stable(browser)
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query == {"period": ["2021"], "branch": ["SM"], "focus": [POHA]}
    period = browser.find_element(By.CSS_SELECTOR, ".map-filters select[name=period]")
    branch = browser.find_element(By.CSS_SELECTOR, ".map-filters select[name=branch]")
    assert period.get_attribute("value") == "2021" and branch.get_attribute("value") == "SM"
    assert js(browser, "return window.turvaMap.selected;") == POHA
    # the page passes axe with the panel open and the save form shown
    assert serious_violations(browser) == []
    browser.get(f"{site_2021}/maps")
    browser.find_element(By.CSS_SELECTOR, "[data-saved-view] form.saved-view-delete button").click()
    until(browser, lambda b: not b.find_elements(By.CSS_SELECTOR, "[data-saved-view]"))
    browser.delete_all_cookies()


def test_a_map_page_has_no_serious_accessibility_finding_and_fits_a_phone(browser, site_2021: str):
    open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021&focus={POHA}")
    assert serious_violations(browser) == []
    shoot(browser, "map-controls", 1280)
    browser.set_window_size(400, 900)
    try:
        open_map(browser, f"{site_2021}/maps/who-works-on-what?period=2021&focus={POHA}")
        # on a phone the side panel comes under the map, the controls above it
        canvas = browser.find_element(By.ID, "turva-map").rect
        panel = browser.find_element(By.ID, "turva-map-panel").rect
        search = browser.find_element(By.ID, "turva-map-search").rect
        assert panel["y"] >= canvas["y"] + canvas["height"] - 1
        assert search["y"] + search["height"] <= canvas["y"]
        assert js(browser, "return document.documentElement.scrollWidth;") <= 400
    finally:
        browser.set_window_size(1280, 900)
    shoot(browser, "map-controls", 400)
