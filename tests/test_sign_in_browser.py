"""Signing in with a password in a real Chromium: an editor signs in on ``/login``, sees
their name in the header, signs out with the header's button. Screenshots of the login
page and the signed-in header (Finnish and English, 400 px and desktop) go to
TURVA_SCREENS when it is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.api_client import PASSWORD, serve
from tests.browser import chromium, serious_violations, shoot, until
from tests.maps_support import TINY
from turva.api.main import create_app
from turva.graph.store.accounts import create_account
from turva.graph.store.load import load_document

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(driver: Driver, neo4j_target) -> Iterator[str]:
    from tests.conftest import wipe

    wipe(driver)
    load_document(driver, TINY)
    organisation = TINY["organisations"][0]["id"]
    create_account(
        driver,
        "maija",
        "editor",
        [organisation],
        PASSWORD,
        by="test",
        display_name="Maija Virtanen",
    )
    with serve(create_app(neo4j_target.settings(), driver=driver)) as base:
        yield base


def test_an_editor_signs_in_sees_their_name_and_signs_out(site, tmp_path):
    with chromium(tmp_path / "profile", "--window-size=1280,900") as browser:
        browser.get(f"{site}/?lang=en")
        link = browser.find_element(By.CSS_SELECTOR, "header .account a.sign-in")
        assert link.text == "Sign in"
        shoot(browser, "home-signed-out-en", 400)
        link.click()
        until(browser, lambda b: "/login" in b.current_url)
        assert not serious_violations(browser)
        shoot(browser, "login-en", 1280)
        shoot(browser, "login-en", 400)
        # a wrong password first: the same page, the reason in words, the username kept
        browser.find_element(By.ID, "username").send_keys("maija")
        browser.find_element(By.ID, "password").send_keys("not the password" + Keys.ENTER)
        until(browser, lambda b: b.find_elements(By.ID, "sign-in-error"))
        assert "wrong" in browser.find_element(By.ID, "sign-in-error").text
        assert browser.find_element(By.ID, "username").get_attribute("value") == "maija"
        shoot(browser, "login-error-en", 400)
        # then the right one, with the keyboard only
        browser.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
        until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "header .person"))
        person = browser.find_element(By.CSS_SELECTOR, "header .person")
        # the name, told to screen readers as "Signed in as Maija Virtanen"
        assert person.text.split("\n")[-1] == "Maija Virtanen"
        assert person.get_attribute("textContent") == "Signed in as Maija Virtanen"
        assert browser.current_url == f"{site}/?lang=en"  # back where the link was followed
        button = browser.find_element(By.CSS_SELECTOR, "header form.sign-out button")
        assert button.text == "Sign out"
        shoot(browser, "home-signed-in-en", 1280)
        shoot(browser, "home-signed-in-en", 400)
        browser.get(f"{site}/?lang=fi")
        assert browser.find_element(By.CSS_SELECTOR, "header form.sign-out button").text == (
            "Kirjaudu ulos"
        )
        shoot(browser, "home-signed-in-fi", 1280)
        shoot(browser, "home-signed-in-fi", 400)
        browser.find_element(By.CSS_SELECTOR, "header form.sign-out button").click()
        until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "header .account a.sign-in"))
        assert not browser.find_elements(By.CSS_SELECTOR, "header .person")
        assert browser.find_element(By.CSS_SELECTOR, "header a.sign-in").text == "Kirjaudu sisään"
        browser.find_element(By.CSS_SELECTOR, "header a.sign-in").click()
        until(browser, lambda b: "/login" in b.current_url)
        shoot(browser, "login-fi", 1280)
        shoot(browser, "login-fi", 400)
