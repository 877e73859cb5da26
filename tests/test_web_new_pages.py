"""The record pages of branches, goals, bodies and themes and the analysis pages of
overlaps, changes and connections, read as HTML on the 2021 dataset."""

from __future__ import annotations

import copy
import re
from html import unescape
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import client, serve
from turva.api.main import create_app
from turva.graph.domain.provenance import provenance
from turva.graph.messages import gettext_for
from turva.graph.store.load import load_document
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS, DEFINITIONS

ACTIVE = ("planned", "ongoing")


@pytest.fixture
def web(loaded_2021: Driver, neo4j_target):
    # one client a test: the language cookie of one test must not carry into the next
    with client(loaded_2021, neo4j_target.settings()) as c:
        yield c


def _section(html: str, id: str) -> str:
    found = re.search(rf'<section id="{re.escape(id)}"[^>]*>(.*?)</section>', html, re.S)
    assert found, f"no section {id}"
    return found.group(1)


def _attr(html: str, name: str) -> list[str]:
    return re.findall(rf'{name}="([^"]+)"', html)


def _links(html: str, path: str) -> set[str]:
    return set(re.findall(rf'href="{re.escape(path)}([^"?#]+)"', html))


def _downloads_work(web, html: str) -> list[str]:
    """The page's download links (CSV, CSV for Excel, XLSX), each fetched: all must answer."""
    links = [unescape(u) for u in re.findall(r'class="download"[^>]*href="([^"]+)"', html)]
    assert len(links) == 3, links
    assert any("dialect=excel-fi" in u for u in links)
    for url in links:
        response = web.get(url)
        assert response.status_code == 200, url
        wanted = "spreadsheetml" if "format=xlsx" in url else "text/csv"
        assert wanted in response.headers["content-type"], url
    return links


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _by_id(dataset: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in dataset[section]}


# --- branches ------------------------------------------------------------------------


def _branch_measures(dataset: dict[str, Any], branch: str) -> list[dict[str, Any]]:
    orgs = {o["id"] for o in dataset["organisations"] if o.get("branch") == branch}
    return [
        m for m in dataset["measures"] if any(r["organisation"] in orgs for r in m["responsible"])
    ]


def test_branch_page_shows_its_organisations_measures_and_groups_by_name(web, dataset_2021):
    response = web.get("/branches/SM")
    assert response.status_code == 200
    html = response.text
    assert "<h1>sisäministeriön hallinnonala</h1>" in html
    orgs = {o["id"] for o in dataset_2021["organisations"] if o.get("branch") == "SM"}
    organisations = _section(html, "organisations")
    assert set(_attr(organisations, "data-organisation")) == orgs
    assert orgs <= _links(organisations, "/organisations/")
    assert "Poliisihallitus" in organisations and ">POHA</abbr>" in organisations
    assert "virasto" in _text(organisations)  # the kind word, in Finnish
    measures = _branch_measures(dataset_2021, "SM")
    table = _section(html, "measures")
    assert set(_attr(table, "data-measure")) == {m["id"] for m in measures}
    assert _links(table, "/measures/") == {m["id"] for m in measures}
    m01 = _by_id(dataset_2021, "measures")["M01"]
    assert m01["title"]["fi"] in table and "käynnissä" in table
    groups = _section(html, "groups")
    member_groups = {
        g["id"]
        for g in dataset_2021["priority_groups"]
        if any(m["organisation"] in orgs for m in g["members"])
    }
    assert set(_attr(groups, "data-group")) == member_groups
    assert member_groups <= _links(groups, "/groups/")
    # the phenomena the branch works on: addressed directly by its active measures
    worked_on = {p for m in measures if m["status"] in ACTIVE for p in m["addresses"]}
    assert set(_attr(_section(html, "phenomena"), "data-phenomenon")) == worked_on


def test_branch_resources_sum_the_branch_measures_and_say_what_they_sum(web, dataset_2021):
    html = web.get("/branches/SM", params={"lang": "en"}).text
    resources = _section(html, "resources")
    measures = _branch_measures(dataset_2021, "SM")
    for key, chosen in (
        ("active", [m for m in measures if m["status"] in ACTIVE]),
        ("all", measures),
    ):
        row = re.search(rf'<tr data-resources="{key}">(.*?)</tr>', resources, re.S).group(1)
        cells = [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        eur = sum(m.get("resources", {}).get("eur", 0) for m in chosen)
        years = sum(m.get("resources", {}).get("person_years", 0) for m in chosen)
        without_eur = sum(1 for m in chosen if "eur" not in m.get("resources", {}))
        assert cells[0] == str(len(chosen))
        assert cells[1] == f"{years:,.1f}".removesuffix(".0")
        assert cells[3] == f"{eur:,.0f} €"
        assert cells[4] == str(without_eur)
    assert "counted in full" in resources and "lead or partner" in resources


def test_branch_page_in_swedish_marks_finnish_fallbacks(web):
    html = web.get("/branches/OM", params={"lang": "sv"}).text
    assert '<html lang="sv">' in html
    assert "justitieministeriets förvaltningsområde" in html
    # the Criminal Sanctions Agency has no Swedish name: its Finnish one is marked so
    assert re.search(r'<span class="full-name" lang="fi">Rikosseuraamuslaitos</span>', html)


def test_branch_measures_sort_by_what_the_reader_sees(web):
    html = web.get("/branches/SM", params={"sort": "eur", "order": "desc", "lang": "en"}).text
    rows = re.findall(r'<tr data-measure="[^"]+".*?</tr>', _section(html, "measures"), re.S)
    euros = []
    for row in rows:
        cell = re.findall(r'<td class="num">(.*?)</td>', row, re.S)[1]
        euros.append(int(cell.replace(" €", "").replace(",", "")) if cell else None)
    filled = [e for e in euros if e is not None]
    assert filled == sorted(filled, reverse=True) and len(filled) > 1
    assert euros[: len(filled)] == filled  # measures without euros come last
    assert 'aria-sort="descending"' in html
    assert web.get("/branches/SM", params={"sort": "nope"}).status_code == 422


# --- goals ---------------------------------------------------------------------------


def test_goal_page_shows_text_group_deadline_and_measures_with_owners(web, dataset_2021):
    html = web.get("/goals/G1.1").text
    goal = _by_id(dataset_2021, "goals")["G1.1"]
    assert f"<h1>{goal['text']['fi']}</h1>" in html
    assert 'href="/groups/PG2021-1"' in html and "Turvallisuuden tunne ja strateginen" in html
    assert "2027-12-31" in html
    assert set(goal["targets"]) <= _links(html, "/phenomena/")
    advancing = [m for m in dataset_2021["measures"] if "G1.1" in m.get("advances", [])]
    measures = _section(html, "measures")
    assert set(_attr(measures, "data-measure")) == {m["id"] for m in advancing}
    for m in advancing:
        assert m["title"]["fi"] in measures
        assert {r["organisation"] for r in m["responsible"]} <= _links(measures, "/organisations/")
    # the goal and its measures are illustrative: a banner, and badges on each
    assert 'class="illustrative-banner"' in html
    assert 'data-provenance="illustrative"' in measures


def test_goal_page_in_english_uses_english_text_and_status_words(web, dataset_2021):
    html = web.get("/goals/G1.3", params={"lang": "en"}).text
    assert "Authorities' communication in disruptions" in unescape(html)
    assert "ongoing" in _section(html, "measures")


# --- bodies --------------------------------------------------------------------------


def test_body_page_shows_kind_members_with_roles_and_provenance(web, dataset_2021):
    html = web.get("/bodies/cooperation-group").text
    body = _by_id(dataset_2021, "bodies")["cooperation-group"]
    assert body["name"]["fi"] in html
    assert "yhteistyöryhmä" in _text(html)  # the kind word in Finnish
    members = _section(html, "members")
    shown = _attr(members, "data-organisation")
    assert set(shown) == {m["organisation"] for m in body["members"]}
    lead = next(m["organisation"] for m in body["members"] if m["role"] == "lead")
    assert shown[0] == lead and "vetäjä" in members.split("</li>")[0]
    # every membership is illustrative: the banner counts them, each carries a badge
    n = len(body["members"])
    assert f'data-shown="{n}" data-illustrative="{n}"' in html
    assert members.count('data-provenance="illustrative"') >= n
    phenomena = _section(html, "phenomena")
    assert _attr(phenomena, "data-phenomenon") and "/phenomena/" in phenomena


# --- themes --------------------------------------------------------------------------


def test_theme_page_lists_its_phenomena_and_groups(web, dataset_2021):
    html = web.get("/themes/sense-of-security").text
    assert "turvallisuuden tunne" in html
    tagged = {
        p["id"] for p in dataset_2021["phenomena"] if "sense-of-security" in p.get("themes", [])
    }
    assert set(_attr(_section(html, "phenomena"), "data-phenomenon")) == tagged
    groups = {
        g["id"]
        for g in dataset_2021["priority_groups"]
        if "sense-of-security" in g.get("themes", [])
    }
    assert set(_attr(_section(html, "groups"), "data-group")) == groups
    assert groups <= _links(html, "/groups/")


@pytest.mark.parametrize(
    ("path", "word"),
    [
        ("/branches/XX", "Hallinnonala"),
        ("/goals/G9.9", "Tavoite"),
        ("/bodies/nope", "Yhteistyöelin"),
        ("/themes/nope", "Teema"),
    ],
)
def test_unknown_records_are_404_pages_naming_the_id(web, path, word):
    response = web.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert path.rsplit("/", 1)[1] in response.text and word in response.text


# --- overlaps ------------------------------------------------------------------------


def test_overlaps_page_opens_with_its_definitions_and_shows_names(web, loaded_2021):
    html = web.get("/overlaps").text
    _ = gettext_for("fi")
    for key in ANALYSIS_DEFINITIONS["overlaps"]:
        assert _(DEFINITIONS[key]) in unescape(html), key
    overlaps = Analyses(loaded_2021).overlaps()
    for name, rows in overlaps.tables().items():
        section = _section(html, name)
        count = re.search(r'<span class="count">(\d+)</span>', section).group(1)
        assert int(count) == len(rows), name
    multi = _section(html, "multi_branch_phenomena")
    assert {r.id for r in overlaps.multi_branch_phenomena} <= _links(multi, "/phenomena/")
    assert "sisäministeriön hallinnonala" in multi  # branches by name
    assert all("/overlaps?" in u for u in _downloads_work(web, html))


def test_overlaps_filters_are_a_form_and_narrow_the_result(web, loaded_2021):
    html = web.get("/overlaps").text
    form = re.search(r'<form method="get" action="/overlaps".*?</form>', html, re.S).group(0)
    for field in ("branch", "theme", "group", "period", "min_branches", "min_groups"):
        assert f'name="{field}"' in form, field
    assert "sisäministeriön hallinnonala" in form  # choices by name
    everything = Analyses(loaded_2021).overlaps(min_branches=2)
    narrowed = Analyses(loaded_2021).overlaps(min_branches=2, theme="sense-of-security")
    assert len(narrowed.multi_branch_phenomena) < len(everything.multi_branch_phenomena)
    page = web.get("/overlaps", params={"min_branches": 2, "theme": "sense-of-security"}).text
    shown = _links(_section(page, "multi_branch_phenomena"), "/phenomena/")
    assert shown == {r.id for r in narrowed.multi_branch_phenomena}
    assert 'value="sense-of-security" selected' in page
    assert all("theme=sense-of-security" in u for u in _downloads_work(web, page))
    bad = web.get("/overlaps", params={"branch": "nope"})
    assert bad.status_code == 422 and "branch" in bad.text


def test_overlaps_tables_sort_on_the_server(web):
    params = {"min_branches": 1, "sort": "multi_branch_phenomena.count", "order": "asc"}
    section = _section(web.get("/overlaps", params=params).text, "multi_branch_phenomena")
    counts = [int(c) for c in re.findall(r'<td class="num"[^>]*>(\d+)</td>', section)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert web.get("/overlaps", params={"sort": "multi_branch_phenomena.x"}).status_code == 422


# --- changes -------------------------------------------------------------------------


def test_changes_form_offers_the_periods(web, loaded_2021):
    html = web.get("/changes").text
    _ = gettext_for("fi")
    for key in ANALYSIS_DEFINITIONS["period_changes"]:
        assert _(DEFINITIONS[key]) in unescape(html), key
    form = re.search(r'<form method="get" action="/changes".*?</form>', html, re.S).group(0)
    periods = Analyses(loaded_2021).periods()
    for field in ("from", "to"):
        select = re.search(rf'<select name="{field}">(.*?)</select>', form, re.S).group(1)
        assert [int(p) for p in _attr(select, "value")] == periods
    assert 'id="added_groups"' not in html  # nothing run before the reader asks
    same = web.get("/changes", params={"from": 2021, "to": 2021}).text
    assert 'id="matched_groups"' in same and "samat" in same.lower()
    bad = web.get("/changes", params={"from": 2019, "to": 2021})
    assert bad.status_code == 422 and "2019" in bad.text and "from_period" in bad.text


# --- connection ----------------------------------------------------------------------


def test_connection_form_offers_organisations_by_name(web, dataset_2021):
    html = web.get("/connection").text
    form = re.search(r'<form method="get" action="/connection".*?</form>', html, re.S).group(0)
    for field in ("a", "b"):
        select = re.search(rf'<select name="{field}">(.*?)</select>', form, re.S).group(1)
        assert set(_attr(select, "value")) == {o["id"] for o in dataset_2021["organisations"]}
        assert "POHA – Poliisihallitus" in select
    assert 'id="path"' not in html


def test_connection_is_a_list_of_named_steps(web, loaded_2021, dataset_2021):
    html = web.get("/connection", params={"a": "KRP", "b": "STM"}).text
    path = Analyses(loaded_2021).path("KRP", "STM")
    steps = re.findall(r'<li data-kind="([^"]+)" data-id="([^"]+)"', _section(html, "path"))
    assert [i for _, i in steps] == [n.id for n in path.path]
    assert steps[0] == ("organisations", "KRP") and steps[-1] == ("organisations", "STM")
    text = _text(_section(html, "path"))
    assert "Keskusrikospoliisi" in text and "sosiaali- ja terveysministeriö" in text
    assert "on jäsenenä" in text or "vastaa" in text  # the steps say how they connect
    for kind, id in steps:
        prefix = {"organisations": "/organisations/", "priority-groups": "/groups/"}.get(kind)
        if prefix:
            assert id in _links(html, prefix)
    # each membership and responsibility the path goes along shows its provenance
    sources = {
        (r["organisation"], rec["id"]): r.get("source")
        for section, field in (("priority_groups", "members"), ("measures", "responsible"))
        for rec in dataset_2021[section]
        for r in rec[field]
    }
    items = re.findall(r'<li data-kind="[^"]+" data-id="([^"]+)">(.*?)</li>', html, re.S)
    checked = 0
    for (before, _), (here, item) in zip(items, items[1:], strict=False):
        link = sources.get((before, here), sources.get((here, before), "none"))
        if link != "none":
            checked += 1
            how = re.search(r'<span class="how" data-provenance="(\w+)"', item)
            assert how and how.group(1) == provenance(link), (before, here)
    assert checked >= 2
    assert 'value="KRP" selected' in html and 'value="STM" selected' in html
    assert all("/organisations/KRP/path/STM?" in u for u in _downloads_work(web, html))


def test_connection_takes_typed_names_and_answers_with_choices(web):
    typed = web.get("/connection", params={"a": "Poliisihallitus", "b": "inrikesministeriet"})
    assert typed.status_code == 200
    steps = re.findall(r'<li data-kind="[^"]+" data-id="([^"]+)"', typed.text)
    assert steps[0] == "POHA" and steps[-1] == "SM"
    unknown = web.get("/connection", params={"a": "Poliisihalitus", "b": "SM"})
    assert unknown.status_code == 200
    alert = re.search(
        r'<div class="error" role="alert" data-field="a">(.*?)</div>', unknown.text, re.S
    )
    assert alert and "Poliisihalitus" in alert.group(1)
    assert "a=POHA" in alert.group(1)  # "did you mean" links that fill the field
    assert 'id="path"' not in unknown.text


# --- guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "/branches/SM",
        "/goals/G1.1",
        "/bodies/cooperation-group",
        "/themes/x",
        "/overlaps",
        "/changes",
        "/connection",
    ],
)
def test_the_new_pages_need_a_login_when_reads_do(loaded_2021, neo4j_target, page):
    with client(loaded_2021, neo4j_target.settings(), reads_require_token=True) as web:
        response = web.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={page}"


# --- changes between two real periods (writes: last in this module) ------------------


def test_changes_between_two_periods_name_groups_phenomena_and_members(
    graph_2021, neo4j_target, dataset_2021
):
    # a second period: group 1 again in 2023, one member and one phenomenon changed
    later = copy.deepcopy(_by_id(dataset_2021, "priority_groups")["PG2021-1"])
    later.update(id="PG2023-1", period=2023)
    later["members"] = [*later["members"][:-1], {"organisation": "THL", "role": "member"}]
    later["focuses_on"] = [*later["focuses_on"][1:], "cybercrime"]
    load_document(graph_2021, {"format": "turva/1", "priority_groups": [later]})
    with client(graph_2021, neo4j_target.settings()) as web:
        html = web.get("/changes", params={"from": 2021, "to": 2023}).text
        links = _downloads_work(web, html)
    assert all("from=2021" in u and "to=2023" in u for u in links)
    matched = _section(html, "matched_groups")
    assert {"PG2021-1", "PG2023-1"} <= _links(matched, "/groups/")
    assert "THL" in matched and "Terveyden ja hyvinvoinnin laitos" in matched
    assert "cybercrime" in _links(matched, "/phenomena/")
    assert "Kyberrikollisuus" in matched
    removed = _section(html, "removed_groups")
    assert {g["id"] for g in dataset_2021["priority_groups"]} - {"PG2021-1"} == _links(
        removed, "/groups/"
    )


# --- in Chromium ---------------------------------------------------------------------


@pytest.fixture
def two_periods(graph_2021, dataset_2021) -> Driver:
    """The 2021 dataset and group 1 again in 2023, with one member changed."""
    later = copy.deepcopy(_by_id(dataset_2021, "priority_groups")["PG2021-1"])
    later.update(id="PG2023-1", period=2023)
    later["members"] = [*later["members"][:-1], {"organisation": "THL", "role": "member"}]
    load_document(graph_2021, {"format": "turva/1", "priority_groups": [later]})
    return graph_2021


@pytest.mark.browser
def test_each_new_page_type_in_chromium_in_finnish_and_swedish(two_periods, neo4j_target, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.browser import chromium, until

    pages = {
        "branch": (
            "/branches/SM",
            "sisäministeriön hallinnonala",
            "inrikesministeriets förvaltningsområde",
        ),
        "goal": ("/goals/G1.1", "Väestön turvallisuuden tunne", "Väestön turvallisuuden tunne"),
        "body": ("/bodies/cooperation-group", "Sisäisen turvallisuuden", "Sisäisen turvallisuuden"),
        "theme": ("/themes/sense-of-security", "turvallisuuden tunne", "turvallisuuden tunne"),
        "overlaps": ("/overlaps?min_branches=2", "Päällekkäisyydet", "Överlappningar"),
        "changes": (
            "/changes?from=2021&to=2023",
            "Muutokset kausien välillä",
            "Förändringar mellan perioder",
        ),
        "connection": (
            "/connection?a=KRP&b=STM",
            "Toimijoiden välinen yhteys",
            "Förbindelse mellan aktörer",
        ),
    }
    screens = tmp_path / "screens"  # looked at while building; kept out of the tree
    screens.mkdir()
    with (
        serve(create_app(neo4j_target.settings(), driver=two_periods)) as site,
        chromium(tmp_path / "chromium", "--window-size=1280,1800") as browser,
    ):
        for lang_index, lang in enumerate(("fi", "sv")):
            for name, (path, fi_h1, sv_h1) in pages.items():
                joiner = "&" if "?" in path else "?"
                browser.get(f"{site}{path}{joiner}lang={lang}")
                assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
                h1 = browser.find_element(By.TAG_NAME, "h1").text
                assert h1.startswith((fi_h1, sv_h1)[lang_index]), (name, lang, h1)
                # the stylesheet applies and nothing is left in English words of ours
                assert browser.find_element(By.CSS_SELECTOR, "main").is_displayed()
                height = browser.execute_script("return document.body.scrollHeight")
                browser.set_window_size(1280, min(max(height + 100, 900), 4000))
                browser.save_screenshot(str(screens / f"newpages-{name}-{lang}.png"))
                browser.set_window_size(1280, 1800)
                if name in ("goal", "body", "branch"):
                    banner = browser.find_element(By.CSS_SELECTOR, ".illustrative-banner")
                    assert banner.is_displayed()
        # the forms work with a mouse and a keyboard: pick two organisations, submit
        browser.get(f"{site}/connection?lang=fi")
        Select(browser.find_element(By.NAME, "a")).select_by_value("POHA")
        Select(browser.find_element(By.NAME, "b")).select_by_value("SM")
        browser.find_element(By.CSS_SELECTOR, "form.connection button").click()
        # the answer is a new page: wait for it, not for the form still on screen
        steps = until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "ol.path li"))
        assert steps[0].get_attribute("data-id") == "POHA"
        assert steps[-1].get_attribute("data-id") == "SM"
        assert "Poliisihallitus" in steps[0].text
        browser.get(f"{site}/changes?lang=fi")
        Select(browser.find_element(By.NAME, "from")).select_by_value("2021")
        Select(browser.find_element(By.NAME, "to")).select_by_value("2023")
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
        matched = until(browser, lambda b: b.find_elements(By.ID, "matched_groups"))
        assert matched[0].is_displayed()
        assert "from=2021" in browser.current_url and "to=2023" in browser.current_url
