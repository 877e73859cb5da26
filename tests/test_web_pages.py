"""The web pages on the 2021 dataset, read as HTML (the browser test is test_web_browser.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from neo4j import Driver

from tests.api_client import PASSWORD, client, sign_in
from turva.graph.domain.provenance import provenance
from turva.graph.store.accounts import create_account
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
    "/branches/SM",
    "/goals/G1.1",
    "/overlaps",
    "/connection?a=KRP&b=STM",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_plain_html_with_local_assets_only(web, path):
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Assets()
    parser.feed(response.text)
    # no page needs a script: tables scroll in regions the server writes
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
    links = dict(re.findall(r'data-format="([^"]+)" href="([^"]+)"', html))
    assert set(links) == {"csv", "xlsx"}
    csv_link = re.search(r'data-format="csv" href="(/api/v1/analysis/gaps\?[^"]*)"', html)[1]
    assert "format=csv" in csv_link and "as_of=" in csv_link and "lang=fi" in csv_link
    csv = web.get(csv_link.replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")


def test_coverage_marks_empty_and_single_branch_rows(web, graph_2021):
    coverage = Analyses(graph_2021).coverage()
    html = web.get("/coverage").text
    empty = {r.phenomenon for r in coverage.rows if r.total == 0}
    single = {r.phenomenon for r in coverage.rows if sum(1 for n in r.counts.values() if n) == 1}
    assert empty and single
    assert set(re.findall(r'<tr class="row-empty" data-phenomenon="([^"]+)"', html)) == empty
    assert set(re.findall(r'<tr class="row-single" data-phenomenon="([^"]+)"', html)) == single


def test_search_page_finds_the_base_word(web):
    html = web.get("/search", params={"q": "häirinnän"}).text
    first = re.search(r'<ol class="hits">.*?<a href="([^"]+)"', html, re.S).group(1)
    assert first == "/phenomena/harassment"


def test_search_page_shows_types_statuses_and_links(web):
    html = web.get("/search", params={"q": "kyber", "lang": "fi"}).text
    listed = re.search(r'<ol class="hits">(.*?)</ol>', html, re.S).group(1)
    hits = re.findall(r"<li data-type=.*?</li>", listed, re.S)
    assert hits
    # the cybercrime phenomenon first, a cancelled measure below it
    assert 'data-id="cybercrime"' in hits[0]
    assert '<span class="type">Ilmiö</span>' in hits[0]
    m73 = next(h for h in hits if 'data-id="M73"' in h)
    assert '<span class="type">Toimenpide</span>' in m73
    assert 'class="status status-cancelled">peruttu<' in m73
    # every result is a link to its page
    for h in hits:
        assert re.search(r'<a href="/[a-z-]+/[^"]+">', h), h


def test_unknown_entity_is_a_404_page(web):
    response = web.get("/organisations/NOPE")
    assert response.status_code == 404
    assert "NOPE" in response.text and response.headers["content-type"].startswith("text/html")


def test_pages_need_login_when_reads_need_a_token(graph_2021, neo4j_target):
    with client(graph_2021, neo4j_target.settings(), reads_require_token=True) as web:
        response = web.get("/phenomena/harassment", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        create_account(graph_2021, "lukija", "reader", (), PASSWORD, by="test")
        failed = sign_in(web, "lukija", "wrong password 123", next="/gaps")
        assert failed.status_code == 401
        ok = sign_in(web, "lukija", next="/gaps")
        assert ok.status_code == 303 and ok.headers["location"] == "/gaps"
        assert web.get("/phenomena/harassment").status_code == 200


# --- what a person sees: names, provenance, definitions, sorting, filters -------------


#: the banner a page opens with when what it shows is illustrative; group 1 is its inside
_ILLUSTRATIVE_BANNER = re.compile(
    r'<div class="illustrative-banner"[^>]*data-provenance="illustrative">(.*?)</div>', re.S
)


def _visible(html: str) -> str:
    """The text a reader sees: no tags, no screen-reader-only words, no small ids."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html, flags=re.S)
    html = re.sub(r'<small class="id">.*?</small>', "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _rows(section_html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", section_html, re.S)[1]
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_missing_stakeholders_show_names_not_ids(web, graph_2021):
    gaps = Analyses(graph_2021).gaps()
    first = gaps.groups_missing_stakeholders[0]
    html = web.get("/gaps", params={"lang": "fi"}).text
    rows = _rows(_sections(html)["groups_missing_stakeholders"])
    assert len(rows) == len(gaps.groups_missing_stakeholders)
    group, organisation, phenomena = (_visible(c) for c in rows[0])
    assert group.startswith("1. Turvallisuuden tunne")  # number and name, not PG2021-1
    assert first.group not in group
    assert "Kansallinen audiovisuaalinen instituutti" in organisation  # KAVI's full name
    assert "Misinformaatio ja disinformaatio" in phenomena and "disinformation" not in phenomena
    # every name links to its page; the id stays, in small text
    assert (
        f'href="/groups/{first.group}"' in rows[0][0]
        and f'<small class="id">{first.group}' in rows[0][0]
    )
    assert 'href="/phenomena/disinformation"' in rows[0][2]


@pytest.mark.parametrize(
    ("lang", "word", "sentence"),
    [
        ("fi", "havainnollistava", "10/10 näytetystä jäsenyydestä on havainnollistavia"),
        ("sv", "illustrativ", "10 av 10 visade medlemskap är illustrativa"),
        ("en", "illustrative", "10 of 10 memberships shown are illustrative"),
    ],
)
def test_group_page_marks_illustrative_members_and_goals(web, lang, word, sentence):
    html = web.get("/groups/PG2021-8", params={"lang": lang}).text
    banner = _ILLUSTRATIVE_BANNER.search(html)
    assert banner, "the page opens with the illustrative banner"
    assert html.index("illustrative-banner") < html.index('id="members"')
    assert sentence in _visible(banner[1])
    members = _sections(html)["members"]
    items = re.findall(r"<li ([^>]*)>(.*?)</li>", members, re.S)
    assert len(items) == 10
    for attrs, inner in items:
        assert 'data-provenance="illustrative"' in attrs
        assert word in _visible(inner)
    goals = _sections(html)["goals"]
    assert goals.count('<article class="goal" data-provenance="illustrative">') == 3
    assert 'href="/goals/G8.1"' in goals
    # the record's source line covers its own fields only, and says so
    source = re.search(r'<p class="source" data-provenance="sourced">(.*?)</p>', html, re.S)[1]
    assert "Painopisteryhmät 2021" in source and "<small>" in source
    full_names = (
        "Keskusrikospoliisi",
        "Centralkriminalpolisen",
        "National Bureau of Investigation",
    )
    assert any(f"KRP {n} " in _visible(members) for n in full_names)


def test_swedish_page_marks_finnish_fallback_names(web):
    html = web.get("/groups/PG2021-8", params={"lang": "sv"}).text
    assert '<h1 lang="fi">Kyberrikollisuus arjen turvallisuuden uhkana</h1>' in html
    assert '<abbr title="Centralkriminalpolisen">KRP</abbr>' in html  # Swedish where there is


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/gaps", "An active measure is a measure that is planned or ongoing"),
        ("/coverage", "Total is the number of different active measures"),
        ("/phenomena/cybercrime", "Including narrower phenomena"),
    ],
)
def test_pages_open_with_definitions(web, path, expected):
    html = web.get(path, params={"lang": "en"}).text
    details = re.search(r'<details class="definitions" open>(.*?)</details>', html, re.S)
    assert details and expected in details[1]
    assert html.index("definitions") < html.index("</h1>") + 2000


def test_phenomenon_counts_say_what_they_count(web, graph_2021):
    html = web.get("/phenomena/cybercrime", params={"lang": "en"}).text
    via = {m for a in Analyses(graph_2021).who_addresses("cybercrime").actors for m in a.measures}
    assert (
        f"Their {len(via)} active measures are counted including narrower phenomena."
        in _visible(html)
    )
    direct = re.findall(r'href="/measures/([^"]+)"', _sections(html)["measures"])
    assert f"{len(set(direct))} measures address this phenomenon directly" in _visible(html)


def test_measure_page_marks_an_overdue_measure(web, graph_2021, dataset_2021):
    overdue = Analyses(graph_2021).gaps().overdue_measures[0].id
    html = web.get(f"/measures/{overdue}", params={"lang": "en"}).text
    assert 'data-overdue="true"' in html and "Overdue: the end date" in _visible(html)
    done = next(m["id"] for m in dataset_2021["measures"] if m["status"] == "done" and m.get("end"))
    assert "data-overdue" not in web.get(f"/measures/{done}").text


def _totals(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="total">(\d+)</td>', html)]


def test_header_links_sort_the_table(web):
    html = web.get("/coverage", params={"lang": "en"}).text
    link = re.search(r'<a class="sort" href="([^"]*sort=total[^"]*)"', html)[1].replace(
        "&amp;", "&"
    )
    assert "order=asc" in link and "lang=en" in link
    ascending = web.get(link).text
    assert _totals(ascending) == sorted(_totals(html))
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a class="sort" href="[^"]*order=desc', ascending
    )
    back = re.search(r'<a class="sort" href="([^"]*sort=total[^"]*)"', ascending)[1].replace(
        "&amp;", "&"
    )
    descending = web.get(back).text
    assert _totals(descending) == sorted(_totals(html), reverse=True)
    assert 'aria-sort="descending"' in descending
    # a table of the gap report, by its end date
    gaps = web.get("/gaps", params={"sort": "overdue_measures.end", "order": "desc"}).text
    ends = [_visible(r[1]) for r in _rows(_sections(gaps)["overdue_measures"])]
    assert ends == sorted(ends, reverse=True) and len(ends) > 1


def test_unknown_sort_column_is_a_clear_422(web):
    response = web.get("/coverage", params={"sort": "nope", "lang": "en"})
    assert response.status_code == 422
    assert "sort: unknown column &#39;nope&#39;; use one of phenomenon" in response.text


def test_filters_narrow_the_tables(web, graph_2021):
    everything = web.get("/coverage").text
    html = web.get("/coverage", params={"branch": "SM"}).text
    assert '<option value="SM" selected>' in html
    heads = lambda page: re.findall(r'href="[^"]*sort=(\w+)&', page)  # noqa: E731
    assert heads(html) == ["phenomenon", "SM", "total"] and len(heads(everything)) > 3
    csv = re.search(r'data-format="csv" href="([^"]*)"', html)[1]
    assert "branch=SM" in csv
    gaps_all = _sections(web.get("/gaps").text)
    gaps_group = _sections(web.get("/gaps", params={"group": "PG2021-8"}).text)
    count = lambda s: int(re.search(r'<span class="count">(\d+)</span>', s)[1])  # noqa: E731
    assert count(gaps_group["groups_missing_stakeholders"]) < count(
        gaps_all["groups_missing_stakeholders"]
    )
    assert web.get("/gaps", params={"theme": "nope"}).status_code == 422


def test_every_table_scrolls_in_a_named_focusable_region_without_script(web):
    for path in ("/coverage", "/gaps", "/overlaps?min_branches=2", "/branches/SM"):
        html = web.get(path, params={"lang": "en"}).text
        tables = html.count("<table")
        regions = re.findall(
            r'<div class="scroll" role="region" tabindex="0" aria-label="([^"]+)">\s*<table', html
        )
        assert tables and len(regions) == tables, path
        assert all(label.strip() for label in regions), path
    coverage = web.get("/coverage", params={"lang": "en"}).text
    assert re.search(r'aria-label="Coverage">\s*<table', coverage)


def test_organisation_page_marks_each_membership_and_responsibility(web, dataset_2021):
    def source_of(record, org):
        entries = record.get("members", []) + record.get("responsible", [])
        return next(e.get("source") for e in entries if e["organisation"] == org)

    html = web.get("/organisations/KRP", params={"lang": "en"}).text
    groups = _sections(html)["groups"]
    shown = dict(re.findall(r'<li data-group="([^"]+)" data-provenance="([^"]+)"', groups))
    wanted = {
        g["id"]: g
        for g in dataset_2021["priority_groups"]
        if any(m["organisation"] == "KRP" for m in g["members"])
    }
    assert set(shown) == set(wanted) and "illustrative" in shown.values()
    for gid, kind in shown.items():
        assert kind == provenance(source_of(wanted[gid], "KRP")), gid
    measures = _sections(html)["measures"]
    marked = dict(re.findall(r'<li data-measure="([^"]+)" data-provenance="([^"]+)"', measures))
    by_id = {m["id"]: m for m in dataset_2021["measures"]}
    assert marked
    for mid, kind in marked.items():
        assert kind == provenance(source_of(by_id[mid], "KRP")), mid
    bodies = _sections(html)["bodies"]
    assert re.findall(
        r'<li data-body="[^"]+" data-provenance="(?:sourced|unsourced|illustrative)"', bodies
    )
    # an illustrative membership says so in words, where the reader sees it
    illustrative = next(g for g, k in shown.items() if k == "illustrative")
    item = re.search(rf'<li data-group="{illustrative}".*?</li>', groups, re.S)[0]
    assert "illustrative" in _visible(item)


def test_coverage_banner_counts_the_measures_of_the_rows_shown(web, dataset_2021):
    def banner_shown(html):
        found = re.search(r'<li data-shown="(\d+)" data-illustrative="(\d+)"', html)
        return (int(found[1]), int(found[2])) if found else (0, 0)

    everything = web.get("/coverage").text
    narrowed = web.get("/coverage", params={"group": "PG2021-8"}).text
    rows = set(re.findall(r'<tr class="row-[a-z]+" data-phenomenon="([^"]+)"', narrowed))
    parent = {p["id"]: p.get("parent") for p in dataset_2021["phenomena"]}

    def under_rows(phenomenon):
        while phenomenon is not None:
            if phenomenon in rows:
                return True
            phenomenon = parent.get(phenomenon)
        return False

    behind = [
        m
        for m in dataset_2021["measures"]
        if m["status"] in ("planned", "ongoing") and any(under_rows(p) for p in m["addresses"])
    ]
    shown, illustrative = banner_shown(narrowed)
    assert (shown, illustrative) == (
        len(behind),
        sum(1 for m in behind if provenance(m.get("source")) == "illustrative"),
    )
    assert shown < banner_shown(everything)[0]


def test_goal_page_lists_targets_without_a_space_before_the_commas(web):
    html = web.get("/goals/G1.1", params={"lang": "fi"}).text
    targets = re.search(r"<dt>Kohdeilmiöt</dt><dd>(.*?)</dd>", html, re.S)
    assert targets
    # what a reader sees, tags dropped without adding spaces of their own
    shown = re.sub(r'<span class="visually-hidden">.*?</span>', "", targets[1], flags=re.S)
    text = re.sub(r"<[^>]+>", "", shown)
    assert text.count(",") >= 1 and not re.search(r"\s,", text), text


def test_overlaps_show_many_branches_as_abbreviations_with_full_names(web):
    section = _sections(web.get("/overlaps", params={"min_branches": 2, "lang": "fi"}).text)
    cells = re.findall(
        r'<td data-column="branches">(.*?)</td>', section["multi_branch_phenomena"], re.S
    )
    assert cells
    for cell in cells:
        assert 'class="compact-refs"' in cell and "<br>" not in cell
    assert '<abbr title="sisäministeriön hallinnonala">SM</abbr>' in " ".join(cells)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fi", "%(k)s/%(n)s näytetystä toimenpiteestä on havainnollistavia"),
        ("en", "%(k)s of %(n)s measures shown are illustrative"),
    ],
)
def test_home_page_says_how_much_of_the_graph_is_illustrative(web, dataset_2021, lang, sentence):
    measures = dataset_2021["measures"]
    invented = [m for m in measures if provenance(m.get("source")) == "illustrative"]
    members = [
        entry
        for section in ("priority_groups", "bodies")
        for record in dataset_2021.get(section, [])
        for entry in record.get("members", [])
    ]
    invented_members = [e for e in members if provenance(e.get("source")) == "illustrative"]
    html = web.get("/", params={"lang": lang}).text
    banner = _ILLUSTRATIVE_BANNER.search(html)
    assert banner, "the home page opens with the illustrative banner"
    text = _visible(banner[1])
    assert sentence % {"k": len(invented), "n": len(measures)} in text, text
    assert f"{len(invented_members)}" in text and f"{len(members)}" in text, text
