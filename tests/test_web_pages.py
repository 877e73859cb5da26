"""The web pages on the 2021 dataset, read as HTML (the browser test is test_web_browser.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from neo4j import Driver

from tests.api_client import client, token
from turva.queries import Analyses


@pytest.fixture
def web(graph_2021: Driver, neo4j_target):
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if tag in ("link", "script", "img") and values.get(key):
                self.urls.append(values[key])


def _sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([^"]+)"[^>]*>(.*?)</section>', html, re.S))


PAGES = [
    "/",
    "/phenomena/harassment",
    "/organisations/POHA",
    "/groups/PG2021-7",
    "/measures/M01",
    "/gaps",
    "/coverage",
    "/search?q=rahanpesu",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_plain_html_with_local_assets_only(web, path):
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Assets()
    parser.feed(response.text)
    assert parser.scripts == 0
    assert parser.urls and all(u.startswith("/") and not u.startswith("//") for u in parser.urls)
    for url in parser.urls:
        assert web.get(url).status_code == 200, url


def test_phenomenon_page_shows_who_addresses_it_by_branch(web, graph_2021, dataset_2021):
    html = web.get("/phenomena/money-laundering").text
    assert '<html lang="fi">' in html and "Rahanpesu" in html
    who = _sections(html)["who-addresses"]
    responsible = {
        r["organisation"]
        for m in dataset_2021["measures"]
        if "money-laundering" in m["addresses"] and m["status"] in ("planned", "ongoing")
        for r in m["responsible"]
    }
    shown = set(re.findall(r'data-organisation="([^"]+)"', who))
    assert responsible <= shown
    assert shown == {
        a.organisation for a in Analyses(graph_2021).who_addresses("money-laundering").actors
    }
    assert "sisäministeriön hallinnonala" in who  # organisations grouped under their branch
    measures = {m["id"] for m in dataset_2021["measures"] if "money-laundering" in m["addresses"]}
    assert set(re.findall(r'href="/measures/([^"]+)"', _sections(html)["measures"])) == measures
    assert 'href="/maps/phenomenon?id=money-laundering"' in html


def test_phenomenon_page_links_broader_and_narrower(web, dataset_2021):
    html = web.get("/phenomena/harassment").text
    children = {p["id"] for p in dataset_2021["phenomena"] if p.get("parent") == "harassment"}
    assert set(re.findall(r'href="/phenomena/([^"]+)"', _sections(html)["narrower"])) == children
    assert 'href="/phenomena/harassment"' in web.get("/phenomena/targeting").text


@pytest.mark.parametrize(
    ("path", "view"),
    [("/organisations/POHA", "organisation"), ("/groups/PG2021-7", "group")],
)
def test_entity_pages_link_to_their_map(web, path, view):
    record_id = path.rsplit("/", 1)[1]
    assert f'href="/maps/{view}?id={record_id}"' in web.get(path).text


def test_english_switch_is_remembered(web):
    html = web.get("/phenomena/money-laundering", params={"lang": "en"}).text
    assert '<html lang="en">' in html and "Money laundering" in html and "Who addresses it" in html
    again = web.get("/phenomena/money-laundering").text  # the cookie remembers
    assert '<html lang="en">' in again
    back = web.get("/", params={"lang": "fi"}).text
    assert '<html lang="fi">' in back and "Aukot" in back


def test_gap_report_has_every_section_with_counts_and_csv(web, graph_2021):
    gaps = Analyses(graph_2021).gaps()
    html = web.get("/gaps").text
    sections = _sections(html)
    for name, rows in gaps.tables().items():
        assert name in sections, name
        count = re.search(r'<span class="count">(\d+)</span>', sections[name]).group(1)
        assert int(count) == len(rows), name
    assert 'href="/api/v1/analysis/gaps?as_of=' in html and "format=csv" in html
    csv_link = re.search(r'href="(/api/v1/analysis/gaps[^"]*format=csv)"', html).group(1)
    csv = web.get(csv_link.replace("&amp;", "&"))
    assert csv.headers["content-type"].startswith("text/csv")


def test_coverage_marks_empty_and_single_branch_rows(web, graph_2021):
    coverage = Analyses(graph_2021).coverage()
    html = web.get("/coverage").text
    empty = {r.phenomenon for r in coverage.rows if sum(r.counts.values()) == 0}
    single = {r.phenomenon for r in coverage.rows if sum(1 for n in r.counts.values() if n) == 1}
    assert empty and single
    assert set(re.findall(r'<tr class="row-empty" data-phenomenon="([^"]+)"', html)) == empty
    assert set(re.findall(r'<tr class="row-single" data-phenomenon="([^"]+)"', html)) == single


def test_search_page_finds_the_base_word(web):
    html = web.get("/search", params={"q": "häirinnän"}).text
    first = re.search(r'<ol class="hits">.*?<a href="([^"]+)"', html, re.S).group(1)
    assert first == "/phenomena/harassment"


def test_unknown_entity_is_a_404_page(web):
    response = web.get("/organisations/NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.text and response.headers["content-type"].startswith("text/html")


def test_pages_need_login_when_reads_need_a_token(graph_2021, neo4j_target):
    with client(graph_2021, neo4j_target.settings(), reads_require_token=True) as web:
        response = web.get("/phenomena/harassment", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        failed = web.post(
            "/login", data={"token": "wrong", "next": "/gaps"}, follow_redirects=False
        )
        assert failed.status_code == 401
        secret = token(graph_2021, "reader")
        ok = web.post("/login", data={"token": secret, "next": "/gaps"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/gaps"
        assert web.get("/phenomena/harassment").status_code == 200
