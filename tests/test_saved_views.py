"""Saved map views over HTTP: a signed-in person saves a map's view under a name, finds it on
/maps, replaces it by saving the name again and deletes it; bad input is refused with the
field named, nobody sees or deletes another person's views, and each change is recorded
with the account's other changes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_client import client, csrf, signed_in_as
from turva.graph.domain.schema import schema_in_place
from turva.queries.runner import run_query

PATH = "/maps/who-works-on-what?period=2021&branch=SM"


@pytest.fixture
def web(loaded_2021: Driver, neo4j_target) -> Iterator[TestClient]:
    with client(loaded_2021, neo4j_target.settings()) as c:
        c.headers["accept"] = "text/html"
        yield c


def save(web: TestClient, name: str, view: str, query: str, token: str | None = None):
    token = token if token is not None else csrf(web.get(PATH).text)
    return web.post(
        "/maps/views",
        data={"name": name, "view": view, "query": query, "csrf_token": token},
        follow_redirects=False,
    )


def listed(web: TestClient) -> list[str]:
    """The names of the saved views /maps lists."""
    page = web.get("/maps").text
    return [
        html.unescape(n)
        for n in re.findall(r'<li data-saved-view="[^"]+"><a [^>]+>([^<]*)</a>', page)
    ]


def test_the_map_page_offers_the_form_with_its_own_query(web, loaded_2021):
    page = web.get(PATH + "&focus=organisation:POHA").text
    assert 'action="/maps/views"' not in page  # signed out: no form, a way to sign in
    assert "Kirjaudu sisään, niin voit tallentaa tämän näkymän nimellä" in page
    signed_in_as(web, loaded_2021, "reader")
    page = web.get(PATH + "&focus=organisation:POHA").text
    assert 'action="/maps/views"' in page
    assert 'name="query" value="period=2021&amp;branch=SM&amp;focus=organisation%3APOHA"' in page
    assert 'name="view" value="who-works-on-what"' in page


def test_a_saved_view_is_listed_replaced_by_its_name_and_deleted(web, loaded_2021):
    username = signed_in_as(web, loaded_2021, "reader")
    assert "Sinulla ei ole vielä tallennettuja näkymiä" in web.get("/maps").text
    answer = save(web, "  SM  2021 ", "who-works-on-what", "period=2021&branch=SM")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/maps?saved=")
    page = web.get(answer.headers["location"]).text
    assert "Näkymä ”SM 2021” on tallennettu." in page
    assert 'href="/maps/who-works-on-what?period=2021&amp;branch=SM">SM 2021</a>' in page
    # the same name again: the view is replaced, and the page says so
    again = save(
        web, "SM 2021", "who-works-on-what", "branch=SM&period=2021&focus=organisation:POHA"
    )
    assert again.status_code == 303 and "replaced=true" in again.headers["location"]
    page = web.get(again.headers["location"]).text
    assert "korvasi aiemman samannimisen näkymäsi" in page
    assert listed(web) == ["SM 2021"]
    assert "?period=2021&amp;branch=SM&amp;focus=organisation%3APOHA" in page
    save(web, "Ryhmä 8", "group", "id=PG2021-8")
    assert listed(web) == ["Ryhmä 8", "SM 2021"]
    # delete one
    page = web.get("/maps").text
    view_id = page.split('<li data-saved-view="', 1)[1].split('"', 1)[0]
    gone = web.post(
        f"/maps/views/{view_id}/delete", data={"csrf_token": csrf(page)}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert listed(web) == ["SM 2021"]
    actions = [
        r["action"] for r in run_query(loaded_2021, "account_changes", username=username, limit=10)
    ]
    assert actions[:4] == ["delete-view", "save-view", "replace-view", "save-view"]


@pytest.mark.parametrize(
    ("name", "view", "query", "words"),
    [
        ("", "overview", "", "Nimi: anna näkymälle nimi, jossa on 1–80 merkkiä"),
        ("x" * 81, "overview", "", "Nimi: anna näkymälle nimi"),
        ("a", "nowhere", "", "Kartta: karttanäkymää &#39;nowhere&#39; ei ole"),
        ("a", "overview", "evil=1", "Suodattimet: &#39;evil&#39; ei ole tämän kartan suodatin"),
        ("a", "overview", "id=SM", "Suodattimet: &#39;id&#39; ei ole tämän kartan suodatin"),
        ("a", "overview", "period=1&period=2", "on annettu kahdesti"),
        ("a", "overview", "focus=" + "x" * 201, "Suodattimet: suodattimen &#39;focus&#39; arvo"),
        ("a", "overview", "lang=de", "Suodattimet: kielen on oltava fi, sv tai en"),
        ("a", "group", "", "Suodattimet: tämä kartta tarvitsee tietueensa tunnisteen"),
        ("a", "overview", "a" * 700, "Suodattimet: näkymään voi tallentaa enintään 600"),
        ("a", "overview", "period", "Suodattimet: &#39;period&#39; ei ole kartan suodatinosa"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(web, loaded_2021, name, view, query, words):
    signed_in_as(web, loaded_2021, "reader")
    answer = save(web, name, view, query)
    assert answer.status_code == 422
    assert words in answer.text
    assert listed(web) == []


def test_a_save_needs_a_person_and_the_forms_token(web, loaded_2021):
    answer = save(web, "a", "overview", "", token="x")
    assert answer.status_code == 403  # no CSRF token of this browser
    token = csrf(web.get("/login").text)  # a signed-out browser's token: the login form's
    anonymous = save(web, "a", "overview", "", token=token)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    signed_in_as(web, loaded_2021, "reader")
    assert save(web, "a", "overview", "", token="forged").status_code == 403
    assert listed(web) == []


def test_nobody_sees_or_deletes_another_persons_views(loaded_2021, neo4j_target):
    with (
        client(loaded_2021, neo4j_target.settings()) as first,
        client(loaded_2021, neo4j_target.settings()) as second,
    ):
        signed_in_as(first, loaded_2021, "reader")
        signed_in_as(second, loaded_2021, "editor", "SM")
        assert save(first, "Minun", "overview", "period=2021").status_code == 303
        page = first.get("/maps").text
        view_id = page.split('<li data-saved-view="', 1)[1].split('"', 1)[0]
        assert listed(second) == [] and view_id not in second.get("/maps").text
        # the id in the saved page's redirect shows the other nothing either
        assert "Minun" not in second.get(f"/maps?saved={view_id}").text
        token = csrf(second.get("/maps").text)
        refused = second.post(
            f"/maps/views/{view_id}/delete", data={"csrf_token": token}, follow_redirects=False
        )
        assert refused.status_code == 404
        assert listed(first) == ["Minun"]


def test_the_schema_holds_one_name_per_account(loaded_2021):
    assert schema_in_place(loaded_2021)
    records, _, _ = loaded_2021.execute_query(
        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type "
        "WHERE name = 'turva_savedview_owner_name' RETURN labelsOrTypes, properties, type"
    )
    assert [dict(r) for r in records] == [
        {"labelsOrTypes": ["SavedView"], "properties": ["owner", "name"], "type": "UNIQUENESS"}
    ]


def test_period_all_asks_for_every_period_where_a_map_opens_on_the_latest(web):
    page = web.get("/maps/who-works-on-what?period=all").text
    assert '<option value="all" selected>kaikki kaudet</option>' in page
    assert '<option value="">uusin</option>' in page
    assert 'data-nodes="0"' not in page
    # a map without that default offers "any" as before
    assert "kaikki kaudet" not in web.get("/maps/overview").text
