"""Editing in a real Chromium: an editor signs in with a password and edits one of its
measures; two sessions editing one measure end in the conflict page with nothing lost.
Screenshots of the edit form and the conflict page (Finnish, 400 px and desktop) go to
TURVA_SCREENS when it is set."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.api_client import PASSWORD, account
from tests.browser import (
    chromium,
    serious_violations,
    shoot,
    sign_in_browser,
    until,
)
from turva.graph.store import records as store


@pytest.fixture(scope="module")
def site(site_2021: str) -> str:
    return site_2021


def test_an_editor_signs_in_and_edits_a_measure_of_its_organisation(site, driver, tmp_path):
    username = account(driver, "editor", "SM")
    with chromium(tmp_path / "one", "--window-size=1280,900") as browser:
        sign_in_browser(browser, site, username, "/measures/M03", PASSWORD)
        shoot(browser, "measure-page", 400)
        browser.find_element(By.CSS_SELECTOR, "a[data-action=edit]").click()
        until(browser, lambda b: b.current_url.endswith("/measures/M03/edit"))
        assert browser.find_elements(By.CSS_SELECTOR, "input.picker-filter"), "picker.js ran"
        assert not serious_violations(browser)
        shoot(browser, "edit-form", 1280)
        shoot(browser, "edit-form", 400)
        # a mistake first: the summary takes the focus, the typed text stays
        eur = browser.find_element(By.ID, "f-resources.eur")
        eur.clear()
        eur.send_keys("paljon")
        title = browser.find_element(By.ID, "f-title.fi")
        title.clear()
        title.send_keys("Disinformaation tunnistaminen selaimessa")
        browser.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(browser, lambda b: b.find_elements(By.ID, "error-summary"))
        assert browser.switch_to.active_element.get_attribute("id") == "error-summary"
        assert "paljon" in browser.find_element(By.ID, "err-resources").text
        assert (
            browser.find_element(By.ID, "f-title.fi").get_attribute("value")
            == "Disinformaation tunnistaminen selaimessa"
        )
        shoot(browser, "edit-errors", 400)
        eur = browser.find_element(By.ID, "f-resources.eur")
        eur.clear()
        eur.send_keys("125000")
        browser.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(browser, lambda b: b.current_url.endswith("/measures/M03"))
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert heading == "Disinformaation tunnistaminen selaimessa"
        # the History tab names who changed what
        browser.find_element(By.CSS_SELECTOR, "a[data-tab=history]").click()
        until(browser, lambda b: b.current_url.endswith("/history"))
        history = browser.find_element(By.TAG_NAME, "main").text
        assert username in history and "Disinformaation tunnistaminen selaimessa" in history
        # another organisation's measure: no Edit button, and its form is refused (403)
        browser.get(f"{site}/measures/M02")
        assert not browser.find_elements(By.CSS_SELECTOR, "a[data-action=edit]")
        browser.get(f"{site}/measures/M02/edit")
        assert (
            browser.find_element(By.CSS_SELECTOR, ".error-page").get_attribute("data-status")
            == "403"
        )
        assert browser.find_element(By.TAG_NAME, "h1").text == "Ei oikeutta"
        # a form that lost its csrf_token (as a forged one from another site has none)
        browser.get(f"{site}/measures/M03/edit")
        browser.execute_script(
            "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())"
        )
        title = browser.find_element(By.ID, "f-title.fi")
        title.clear()
        title.send_keys("Väärennetty otsikko")
        browser.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".error-page"))
        status = browser.find_element(By.CSS_SELECTOR, ".error-page").get_attribute("data-status")
        assert status == "403"
    saved = store.get_record(driver, "measures", "M03")
    assert saved["resources"] == {"eur": 125000}
    assert saved["title"]["fi"] == "Disinformaation tunnistaminen selaimessa"  # not forged


def test_two_sessions_editing_one_measure_end_in_the_conflict_page(site, driver, tmp_path):
    first, second = account(driver, "editor", "SM"), account(driver, "editor", "SM")
    with (
        chromium(tmp_path / "a", "--window-size=1280,900") as a,
        chromium(tmp_path / "b", "--window-size=1280,900") as b,
    ):
        sign_in_browser(a, site, first, "/measures/M03/edit", PASSWORD)
        sign_in_browser(b, site, second, "/measures/M03/edit", PASSWORD)
        status = a.find_element(By.ID, "f-status")
        status.find_element(By.CSS_SELECTOR, "option[value=cancelled]").click()
        a.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(a, lambda x: x.current_url.endswith("/measures/M03"))
        title = b.find_element(By.ID, "f-title.fi")
        title.clear()
        title.send_keys("Toisen istunnon otsikko")
        b.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(b, lambda x: x.find_elements(By.CSS_SELECTOR, ".conflict-page"))
        assert b.find_element(By.TAG_NAME, "h1").text == "Joku muu muutti tätä tietoa"
        theirs = b.find_element(By.CSS_SELECTOR, "section.theirs").text
        assert "peruttu" in theirs  # the other person's change, stored now
        yours = b.find_element(By.CSS_SELECTOR, "section.yours").text
        assert "Toisen istunnon otsikko" in yours and "peruttu" not in yours  # mine, kept
        assert (
            b.find_element(By.ID, "f-title.fi").get_attribute("value") == "Toisen istunnon otsikko"
        )
        chosen = b.find_element(By.CSS_SELECTOR, "#f-status option:checked")
        assert chosen.get_attribute("value") == "cancelled"  # theirs, kept in the form
        assert not serious_violations(b)
        shoot(b, "conflict", 1280)
        shoot(b, "conflict", 400)
        record = store.get_record(driver, "measures", "M03")
        assert record["status"] == "cancelled"
        assert record["title"]["fi"] != "Toisen istunnon otsikko"
        # saving the offered form keeps both changes
        b.find_element(By.CSS_SELECTOR, ".form-actions button").click()
        until(b, lambda x: x.current_url.endswith("/measures/M03"))
    record = store.get_record(driver, "measures", "M03")
    assert record["status"] == "cancelled" and record["title"]["fi"] == "Toisen istunnon otsikko"
