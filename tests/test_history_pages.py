"""The History tab of the record pages and their "last changed by ... on ..." line, read
as HTML from the real app on a real Neo4j, after real writes through the store."""

from __future__ import annotations

import copy
import re
from html import unescape
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import client, serve
from tests.browser import axe_violations, blocking, chromium, overflowing, page_width
from turva.api.history_pages import PAGE_SIZE
from turva.api.main import create_app
from turva.graph.domain import model
from turva.graph.store import records as store
from turva.graph.store.accounts import create_account
from turva.graph.store.documents import import_document


@pytest.fixture
def web(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def _text(html: str) -> str:
    """What a reader sees: tags out, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _change_measure(driver: Driver, who: str = "user:x", **fields: Any) -> dict[str, Any]:
    record = copy.deepcopy(store.get_record(driver, "measures", "M01"))
    record.update(fields)
    store.replace_record(driver, "measures", model.Measure.model_validate(record), who=who)
    return record


def _name(dataset: dict[str, Any], section: str, id: str, lang: str = "fi") -> str:
    found = next(r for r in dataset[section] if r["id"] == id)
    return str(found["name"].get(lang) or found["name"]["fi"])


def _last_changed(html: str) -> str:
    found = re.search(r'<p class="last-changed"[^>]*>(.*?)</p>', html, re.S)
    assert found, "no last-changed line"
    return _text(found.group(1))


def _diff_rows(html: str) -> dict[str, tuple[str, str]]:
    """field -> (before, after) of every row of every field diff on the page (the first)."""
    rows: dict[str, tuple[str, str]] = {}
    for field, cells in re.findall(r'<tr data-field="([^"]+)">(.*?)</tr>', html, re.S):
        before, after = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows.setdefault(field, (_text(before), _text(after)))
    return rows


def test_a_changed_measure_shows_who_when_and_what(graph_2021: Driver, web, dataset_2021):
    _change_measure(
        graph_2021,
        status="done",
        title={**dataset_2021["measures"][0]["title"], "sv": "Strategisk kommunikation"},
        addresses=["disinformation", "polarisation"],
    )

    page = web.get("/measures/M01", params={"lang": "fi"})
    assert page.status_code == 200
    line = _last_changed(page.text)
    assert line.startswith("Viimeksi muuttanut x "), line
    assert re.search(r"\d{1,2}\.\d{1,2}\.20\d\d \d{1,2}\.\d\d", line), line
    # the tab bar: both tabs are links, the details tab is the current one
    tabs = re.search(r'<nav class="record-tabs"[^>]*>(.*?)</nav>', page.text, re.S)
    assert tabs
    assert re.search(
        r'href="/measures/M01" data-tab="details" aria-current="page">Tiedot<', tabs[1]
    )
    assert re.search(r'href="/measures/M01/history" data-tab="history">Historia<', tabs[1])

    fi = web.get("/measures/M01/history", params={"lang": "fi"})
    assert fi.status_code == 200
    assert re.search(r'data-tab="history" aria-current="page">Historia<', fi.text)
    assert '<th scope="col">Kenttä</th>' in fi.text and ">Ennen<" in fi.text
    rows = _diff_rows(fi.text)
    assert list(rows) == ["title.sv", "status", "addresses"]
    assert rows["status"] == ("käynnissä", "valmis")
    assert rows["title.sv"] == ("— tyhjä", "Strategisk kommunikation")
    # ids shown as names, lists as what was removed and added
    polarisation = _name(dataset_2021, "phenomena", "polarisation")
    removed = _name(dataset_2021, "phenomena", "social-media-speed")
    assert rows["addresses"][0].startswith(f"Poistettu: {removed}")
    assert rows["addresses"][1].startswith(f"Lisätty: {polarisation}")
    assert "Disinformaatio" not in " ".join(rows["addresses"])  # unchanged: not listed
    heading = re.search(r'<li class="change"[^>]*>\s*<h3>(.*?)</h3>', fi.text, re.S)
    assert heading and _text(heading[1]).startswith("Muuttanut x ")
    assert "Tila" in _text(fi.text) and "Otsikko (ruotsiksi)" in _text(fi.text)

    en = web.get("/measures/M01/history", params={"lang": "en"})
    rows = _diff_rows(en.text)
    assert rows["status"] == ("ongoing", "done")
    assert rows["title.sv"][0] == "— empty"
    assert rows["addresses"][1].startswith(
        f"Added: {_name(dataset_2021, 'phenomena', 'polarisation', 'en')}"
    )
    text = _text(en.text)
    assert "Field Before After" in text and "Title (in Swedish)" in text
    assert "Changed by x on " in text
    assert "1 change recorded, newest first." in text


def test_a_person_is_shown_by_the_name_of_their_account(graph_2021: Driver, web):
    create_account(
        graph_2021,
        "mmeikalainen",
        "editor",
        ["VNK"],
        "a long enough passphrase 42",
        by="cli:test",
        display_name="Matti Meikäläinen",
    )
    _change_measure(graph_2021, who="user:mmeikalainen", status="done")
    line = _last_changed(web.get("/measures/M01", params={"lang": "sv"}).text)
    assert line.startswith("Senast ändrad av Matti Meikäläinen "), line
    history = web.get("/measures/M01/history", params={"lang": "fi"}).text
    assert re.findall(r'<span class="who">([^<]+)</span>', history) == ["Matti Meikäläinen"]


def test_entries_come_newest_first_and_page(graph_2021: Driver, web):
    for n in range(PAGE_SIZE + 2):
        _change_measure(graph_2021, who=f"token:t{n}", resources={"eur": 1000 + n})
    first = web.get("/measures/M01/history", params={"lang": "en"})
    whos = re.findall(r'<span class="who">([^<]+)</span>', first.text)
    assert whos[:2] == [f"API token t{PAGE_SIZE + 1}", f"API token t{PAGE_SIZE}"]
    assert len(re.findall(r'<li class="change"', first.text)) == PAGE_SIZE
    assert "Page 1 of 2." in _text(first.text)
    older = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert older
    second = web.get(unescape(older[1]))
    assert second.status_code == 200
    assert len(re.findall(r'<li class="change"', second.text)) == 2
    # the oldest change replaced the loaded person-years with euros; the next one added 1
    eur = re.findall(r'<tr data-field="resources.eur">(.*?)</tr>', second.text, re.S)
    assert [_text(row) for row in eur] == [
        "Resources (euros) 1 000 € 1 001 €",
        "Resources (euros) — empty 1 000 €",
    ]
    assert 'rel="prev"' in second.text
    line = _last_changed(web.get("/measures/M01", params={"lang": "en"}).text)
    assert line.startswith(f"Last changed by API token t{PAGE_SIZE + 1} on ")


def test_a_record_never_changed_since_load_says_so(web):
    page = web.get("/measures/M02", params={"lang": "fi"})
    assert _last_changed(page.text).startswith("Tietoa ei ole muutettu tuonnin jälkeen.")
    history = web.get("/measures/M02/history", params={"lang": "en"})
    assert history.status_code == 200
    assert "Not changed since it was loaded." in _text(history.text)
    assert "<table" not in history.text


def test_an_import_that_rewrote_a_record_counts_as_its_change(
    graph_2021: Driver, web, dataset_2021
):
    _change_measure(graph_2021, status="done")
    document = {"format": "turva/1", "measures": [copy.deepcopy(dataset_2021["measures"][0])]}
    import_document(graph_2021, document, who="cli:loader")
    page = web.get("/measures/M01", params={"lang": "en"})
    line = _last_changed(page.text)
    assert line.startswith("Last changed by an import on "), line
    assert "(loaded by loader (command line)" in line
    history = web.get("/measures/M01/history", params={"lang": "en"})
    rows = _diff_rows(history.text)
    assert rows["status"] == ("done", "ongoing")  # the import's change comes first
    # another record the load did not touch has still not changed since its load, and
    # says who loaded last
    other = _last_changed(web.get("/measures/M02", params={"lang": "en"}).text)
    assert other.startswith("Not changed since it was loaded. The latest load was on ")
    assert "by loader (command line)" in other


def test_every_record_page_has_the_tabs(graph_2021: Driver, web):
    group = copy.deepcopy(store.get_record(graph_2021, "priority_groups", "PG2021-1"))
    group["members"] = [m for m in group["members"] if m["role"] == "lead"]
    store.replace_record(
        graph_2021, "priority_groups", model.PriorityGroup.model_validate(group), who="user:y"
    )
    for path in (
        "/phenomena/polarisation",
        "/organisations/SM",
        "/groups/PG2021-1",
        "/goals/G1.3",
        "/branches/SM",
        "/bodies/cooperation-group",
        "/themes/everyday-security",
    ):
        page = web.get(path, params={"lang": "sv"})
        assert page.status_code == 200, path
        assert f'href="{path}/history" data-tab="history"' in page.text, path
        assert 'class="last-changed"' in page.text, path
    line = _last_changed(web.get("/groups/PG2021-1", params={"lang": "sv"}).text)
    assert line.startswith("Senast ändrad av y "), line
    history = web.get("/groups/PG2021-1/history", params={"lang": "fi"})
    rows = _diff_rows(history.text)
    assert list(rows) == ["members"]
    assert rows["members"][0].startswith("Poistettu: ") and "(jäsen)" in rows["members"][0]
    assert rows["members"][1] == "— ei mitään"


def test_an_unknown_record_has_a_404_history_page(web):
    for path in ("/measures/no-such/history", "/groups/no-such/history"):
        page = web.get(path, params={"lang": "en"})
        assert page.status_code == 404
        assert "no-such" in page.text


@pytest.mark.browser
def test_the_history_page_in_a_browser(graph_2021: Driver, neo4j_target, tmp_path):
    """axe finds nothing serious in fi, sv or en; at 400 px nothing scrolls sideways; the
    tabs are reached and followed with the keyboard alone."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _change_measure(
        graph_2021,
        status="done",
        responsible=[{"organisation": "POHA", "role": "lead"}],
        resources={"eur": 250000},
    )
    _change_measure(graph_2021, who="token:t", end="2028-06-30")  # two diffs on one page
    app = create_app(neo4j_target.settings(), driver=graph_2021)
    with serve(app) as base, chromium(tmp_path / "chromium", "--window-size=1280,900") as b:
        for lang in ("fi", "sv", "en"):
            b.get(f"{base}/measures/M01/history?lang={lang}")
            found = blocking(axe_violations(b))
            assert found == [], f"history ({lang}):\n" + "\n".join(found)
        b.set_window_size(400, 900)
        for path in ("/measures/M01/history?lang=fi", "/measures/M01?lang=fi"):
            b.get(base + path)
            assert page_width(b) <= 400, overflowing(b)
        b.set_window_size(1280, 900)
        b.get(f"{base}/measures/M01?lang=fi")
        body = b.find_element(By.TAG_NAME, "body")
        for _ in range(40):  # Tab from the top until the History tab has the focus
            body = b.switch_to.active_element
            if body.get_attribute("data-tab") == "history":
                break
            body.send_keys(Keys.TAB)
        assert b.switch_to.active_element.get_attribute("data-tab") == "history"
        b.switch_to.active_element.send_keys(Keys.ENTER)
        assert b.current_url.endswith("/measures/M01/history")
        current = b.find_element(By.CSS_SELECTOR, 'nav.record-tabs a[aria-current="page"]')
        assert current.text == "Historia"


def test_the_modules_examples():
    # api/ is not in test_doctests.py's walk: the examples of who and when run here
    import doctest

    from turva.api import history_pages

    result = doctest.testmod(history_pages, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 3
