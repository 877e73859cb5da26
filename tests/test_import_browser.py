"""Uploading a workbook in a real Chromium: an admin signs in, uploads a workbook on
``/import``, sees the preview, applies it, and the change shows on the record's page.
Screenshots of the preview (Finnish, 400 px and desktop) go to TURVA_SCREENS when set, for a
person to look at."""

from __future__ import annotations

import copy
from pathlib import Path

from neo4j import Driver
from selenium.webdriver.common.by import By

from tests.api_client import PASSWORD, account
from tests.browser import (
    chromium,
    serious_violations,
    shoot,
    sign_in_browser,
    until,
)
from turva.graph.domain.formats import encode_document, format_named
from turva.graph.errors import DataFileError
from turva.graph.store import records as store
from turva.graph.store.export import export_document

NEW_TITLE = "Disinformaation tunnistaminen, työkirjasta"


def workbook(driver: Driver, folder: Path) -> Path:
    """The graph as a workbook (YAML while no workbook format is registered), with one
    measure's title changed and one new measure."""
    doc = copy.deepcopy(export_document(driver, history=False))
    measure = next(m for m in doc["measures"] if m["id"] == "M03")
    measure["title"]["fi"] = NEW_TITLE
    doc["measures"].append(
        {
            "id": "M-TYOKIRJA",
            "title": {"fi": "Työkirjasta tuotu toimenpide"},
            "status": "planned",
            "responsible": [{"organisation": "SM", "role": "lead"}],
            "addresses": [measure["addresses"][0]],
            "source": "illustrative",
        }
    )
    try:
        fmt, name = format_named("xlsx"), "tiedot.xlsx"
    except DataFileError:
        fmt, name = format_named("yaml"), "tiedot.yaml"
    path = folder / name
    path.write_bytes(encode_document(doc, fmt))
    return path


def test_an_admin_uploads_a_workbook_sees_the_preview_and_applies_it(site_2021, driver, tmp_path):
    username = account(driver, "admin")
    path = workbook(driver, tmp_path)
    with chromium(tmp_path / "profile", "--window-size=1280,900") as browser:
        sign_in_browser(browser, site_2021, username, "/import", PASSWORD)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Tuo tiedot tiedostosta"
        assert not serious_violations(browser)
        shoot(browser, "import-form", 400)
        browser.find_element(By.ID, "import-file").send_keys(str(path))
        browser.find_element(By.CSS_SELECTOR, "form.import-form button[type=submit]").click()
        until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".import-preview"))
        main = browser.find_element(By.TAG_NAME, "main").text
        assert "1 uusi toimenpide, 1 muutettu" in main
        assert NEW_TITLE in main
        assert path.name in main
        new = browser.find_element(By.CSS_SELECTOR, "article[data-id=M-TYOKIRJA]")
        assert new.find_elements(By.CSS_SELECTOR, "[data-provenance=illustrative]")
        assert not serious_violations(browser)
        shoot(browser, "import-preview", 1280)
        shoot(browser, "import-preview", 400)  # (shoot checks nothing scrolls sideways)
        # nothing is written before the button
        assert store.get_record(driver, "measures", "M03")["title"]["fi"] != NEW_TITLE
        browser.find_element(By.ID, "apply").click()
        until(browser, lambda b: b.find_elements(By.ID, "import-done"))
        assert "2 muutosta tallennettiin" in browser.find_element(By.ID, "import-done").text
        shoot(browser, "import-done", 400)
        browser.get(f"{site_2021}/measures/M03")
        assert browser.find_element(By.TAG_NAME, "h1").text == NEW_TITLE
    assert store.get_record(driver, "measures", "M-TYOKIRJA")["source"] == "illustrative"
