"""Every kind of page, in Finnish and English, as axe-core and a phone see it.

axe-core (fetched by ``make browser`` from npm, never at test time) runs in headless
Chromium over one page of each type: no serious or critical WCAG 2.1 A/AA violation.
At 400 px width no page scrolls sideways (tables scroll inside their own box). Error pages
are pages too: localized, with a way on, and problem+json stays for API clients.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.api_client import PASSWORD, account
from tests.browser import (
    chromium,
    overflowing,
    page_width,
    serious_violations,
    shoot,
    sign_in_browser,
)

pytestmark = pytest.mark.browser

#: one page of every type there is: (type, path) on the 2021 dataset. Each is checked by
#: axe in fi and en and at 400 px width.
PAGES = [
    ("home", "/"),
    ("phenomenon", "/phenomena/money-laundering"),
    ("organisation", "/organisations/POHA"),
    ("group", "/priority-groups/PG2021-1"),
    ("measure", "/measures/M01"),
    ("gaps", "/gaps?period=2021"),
    ("coverage", "/coverage"),
    ("search", "/search?q=kyber"),
    ("map", "/maps/who-works-on-what"),
    ("maps index", "/maps"),
    ("login", "/login"),
    ("error 404", "/no-such-page"),
    ("error 422", "/gaps?period=abc"),
    # the page types added alongside this test (checked once they had landed)
    ("branch", "/branches/SM"),
    ("goal", "/goals/G1.1"),
    ("body", "/bodies/cooperation-group"),
    ("theme", "/themes/sense-of-security"),
    ("overlaps", "/overlaps"),
    ("changes", "/changes"),
    ("connection", "/connection"),
    ("history", "/measures/M01/history"),
    ("what-if", "/what-if?without=POHA&without=Kuntaliitto"),
    # issue 12: the monitoring page (its indicator rows once data/2021.yaml has indicators;
    # the indicator page and the phenomenon charts with data: tests/test_monitoring_pages.py)
    ("monitoring", "/monitoring"),
    ("indicator", "/indicators/fraud-offences-known"),
    ("phenomenon with indicators", "/phenomena/online-fraud"),
    # LEAD: add each new page type here as it lands: (type, a path on the 2021 dataset)
]

#: the pages of a signed-in admin: forms to change the data, and the upload
SIGNED_IN_PAGES = [
    ("measure edit", "/measures/M01/edit"),
    ("new measure", "/measures/new"),
    ("group edit", "/groups/PG2021-1/edit"),
    ("delete", "/measures/M01/delete"),
    ("import", "/import"),
]

LANGS = ("fi", "en")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def site(site_2021: str) -> str:
    return site_2021


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("a11y") / "chromium", "--window-size=1280,900") as b:
        yield b


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[k for k, _ in PAGES])
def test_no_serious_accessibility_violations(browser, site, kind, path, lang):
    browser.set_window_size(1280, 900)
    browser.get(site + with_lang(path, lang))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    found = serious_violations(browser)
    assert found == [], f"{kind} ({lang}):\n" + "\n".join(found)


@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[k for k, _ in PAGES])
def test_no_page_scrolls_sideways_on_a_phone(browser, site, kind, path):
    browser.set_window_size(400, 900)
    try:
        browser.get(site + with_lang(path, "fi"))
        inner = browser.execute_script("return window.innerWidth")
        assert inner <= 400
        width = page_width(browser)
        assert width <= 400, f"{kind} is {width} px wide at 400 px: {overflowing(browser)}"
    finally:
        browser.set_window_size(1280, 900)


def test_the_skip_link_leads_to_the_main_content(browser, site):
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/?lang=fi")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    assert first.text == "Siirry pääsisältöön" and first.get_attribute("href").endswith("#main")
    first.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.tag_name == "main"


def test_wide_tables_scroll_in_a_named_focusable_region(browser, site):
    browser.get(site + "/coverage?lang=en")
    tables = browser.find_elements(By.CSS_SELECTOR, "main table")
    assert tables
    for table in tables:
        box = table.find_element(By.XPATH, "..")
        assert box.get_attribute("role") == "region"
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("aria-label")


# --- error pages ---------------------------------------------------------------------------


def test_an_unknown_address_is_a_finnish_404_page_with_ways_on(browser, site):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/gaps?lang=fi")  # the language is remembered (cookie)
    # followed from a page (not typed), so that the browser says where it came from
    browser.execute_script("window.location.href = '/no-such-page';")
    WebDriverWait(browser, 20).until(lambda b: b.current_url.endswith("/no-such-page"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Ei löytynyt"
    assert "Tätä sivua ei ole" in browser.find_element(By.CSS_SELECTOR, ".explanation").text
    main = browser.find_element(By.TAG_NAME, "main")
    assert main.find_element(By.CSS_SELECTOR, "form[role=search] input[name=q]")
    links = {a.get_attribute("pathname") for a in main.find_elements(By.CSS_SELECTOR, "a")}
    assert "/" in links
    # it came from /gaps: a way back there
    assert "/gaps" in links


def test_a_bad_parameter_names_the_parameter_and_the_fix(site):
    response = httpx.get(
        f"{site}/gaps", params={"period": "abc", "lang": "en"}, headers={"Accept": BROWSER_ACCEPT}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Check the address</h1>" in html and "Not found" not in html
    assert "Parameter period:" in html
    assert 'href="/gaps?lang=en"' in html  # the same page without the wrong value


def test_a_period_without_data_is_not_titled_not_found(site):
    response = httpx.get(
        f"{site}/gaps", params={"period": "2019", "lang": "fi"}, headers={"Accept": BROWSER_ACCEPT}
    )
    assert response.status_code in (200, 422)
    assert "<title>Ei löytynyt" not in response.text


def test_a_wrong_method_is_a_405_page_that_keeps_allow(site):
    response = httpx.delete(f"{site}/gaps?lang=sv", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "GET" in response.headers["allow"]
    assert '<html lang="sv">' in response.text


def test_api_clients_keep_problem_json(site):
    for path, accept in [
        ("/api/v1/phenomena/nope", BROWSER_ACCEPT),
        ("/no-such-page", "application/json"),
        ("/gaps?period=abc", "application/problem+json"),
        ("/no-such-page", "*/*"),
    ]:
        response = httpx.get(site + path, headers={"Accept": accept})
        assert response.status_code in (404, 422), path
        assert response.headers["content-type"].startswith("application/problem+json"), path
        assert response.json()["status"] == response.status_code


# --- the API documentation works on a closed network ------------------------------------------


def test_docs_and_redoc_load_their_assets_from_the_service(site):
    for path in ("/docs", "/redoc"):
        html = httpx.get(site + path).text
        assert "cdn.jsdelivr.net" not in html and "fonts.googleapis" not in html, path
        assert "/static/docs/" in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = httpx.get(f"{site}/static/docs/{asset}")
        assert response.status_code == 200 and len(response.content) > 10_000, asset
    icon = httpx.get(f"{site}/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_swagger_ui_draws_the_operations_offline(browser, site):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/docs")
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    )
    browser.get(site + "/redoc")
    WebDriverWait(browser, 30).until(lambda b: "phenomena" in b.page_source.lower())


# --- screenshots: what a person sees, at a phone's and a desktop's width ---------------------


@pytest.mark.parametrize("width", [400, 1280])
@pytest.mark.parametrize(("name", "path"), [("home", "/"), ("error-404", "/no-such-page")])
def test_full_page_screenshots_are_drawn_without_sideways_scroll(
    browser, site, tmp_path, name, path, width
):
    browser.set_window_size(width, 900)
    try:
        browser.get(site + with_lang(path, "fi"))
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(int(height) + 100, 4000))
        shot = tmp_path / f"{name}-fi-{width}.png"
        assert browser.save_screenshot(str(shot))
        with Image.open(shot) as image:
            # a real drawing: the window's width and more than one colour (not a blank page)
            assert image.width >= width - 20
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(2)) > 1
        assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
        assert page_width(browser) <= width, overflowing(browser)
    finally:
        browser.set_window_size(1280, 900)


@pytest.fixture(scope="module")
def admin_browser(tmp_path_factory, site, loaded_2021) -> Iterator[webdriver.Chrome]:
    username = account(loaded_2021, "admin")
    profile = tmp_path_factory.mktemp("a11y-admin") / "chromium"
    with chromium(profile, "--window-size=1280,900") as b:
        sign_in_browser(b, site, username, "/", PASSWORD)
        yield b


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("kind", "path"), SIGNED_IN_PAGES, ids=[k for k, _ in SIGNED_IN_PAGES])
def test_signed_in_pages_have_no_serious_violations_and_fit_a_phone(
    admin_browser, site, kind, path, lang
):
    admin_browser.get(site + with_lang(path, lang))
    assert admin_browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    assert admin_browser.find_elements(By.CSS_SELECTOR, "header form.sign-out")  # signed in
    found = serious_violations(admin_browser)
    assert found == [], f"{kind} ({lang}):\n" + "\n".join(found)
    shoot(admin_browser, f"{kind.replace(' ', '-')}-{lang}", 400)
