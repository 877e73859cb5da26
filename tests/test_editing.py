"""Editing records in the browser's forms (api/edit_pages.py), through HTTP with a signed-in
session: saving, validation beside the fields, the conflict page, the editor rules, delete
confirmation, CSRF and forged forms. The Chromium side is tests/test_editing_browser.py."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_client import client, csrf, signed_in_as
from turva.graph.domain.model import Measure
from turva.graph.errors import NotFound
from turva.graph.store import records as store
from turva.graph.store.history import list_changes
from turva.graph.store.load import load_document

OWN = "SM"  # the editor's organisation: lead of M03, partner of M01, nothing of M02


def form_of(page: str) -> dict[str, str]:
    """The values the page's POST form would send (inputs, textareas, selected options)."""
    found = re.search(r'<form method="post".*?</form>', page, re.S)
    assert found, "the page has no form to post"
    page = found.group(0)
    out: dict[str, str] = {}
    for m in re.finditer(r"<input ([^>]*)>", page):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        if "name" in attrs and "disabled" not in m.group(1) and attrs.get("type") != "submit":
            out[html.unescape(attrs["name"])] = html.unescape(attrs.get("value", ""))
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        if "disabled" not in m.group(0).split(">")[0]:
            out[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r"<select ([^>]*)>(.*?)</select>", page, re.S):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        if "disabled" in m.group(1):
            continue
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        first = re.search(r'<option value="([^"]*)"', m.group(2))
        out[attrs["name"]] = html.unescape((chosen or first).group(1)) if (chosen or first) else ""
    return out


def visible(page: str) -> str:
    """The page's main content as text."""
    main = page.split('<main id="main"', 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


@pytest.fixture
def web(graph_2021: Driver, neo4j_target) -> Iterator[TestClient]:
    with client(graph_2021, neo4j_target.settings()) as c:
        c.headers["accept"] = "text/html"
        yield c


def stored(driver: Driver, section: str, id: str) -> dict[str, Any]:
    return store.get_record(driver, section, id)


def test_an_editor_edits_a_measure_its_organisation_leads(web, graph_2021):
    username = signed_in_as(web, graph_2021, "editor", OWN)
    page = web.get("/measures/M03")
    assert 'href="/measures/M03/edit"' in page.text
    form = web.get("/measures/M03/edit")
    assert form.status_code == 200
    values = form_of(form.text)
    assert values["title.fi"] == "Disinformaation tunnistamisen koulutus viranomaisille"
    values.update({"title.fi": "Disinformaation tunnistaminen, jatko", "status": "ongoing"})
    values["resources.eur"] = "150 000"
    answer = web.post("/measures/M03/edit", data=values, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/measures/M03"
    shown = visible(web.get("/measures/M03").text)
    assert "Disinformaation tunnistaminen, jatko" in shown and "käynnissä" in shown
    record = stored(graph_2021, "measures", "M03")
    assert record["resources"] == {"eur": 150000}
    assert {"organisation": "SM", "role": "lead"} in record["responsible"]
    change = list_changes(graph_2021, type="measures", record_id="M03", limit=1)[0][0]
    assert change["who"] == f"user:{username}"


def test_a_partner_changes_only_the_partner_fields(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    form = web.get("/measures/M01/edit")
    assert form.status_code == 200
    assert re.search(r'<input [^>]*name="title.fi"[^>]*disabled', form.text)
    values = form_of(form.text)
    assert "title.fi" not in values
    values["status"] = "done"
    assert web.post("/measures/M01/edit", data=values, follow_redirects=False).status_code == 303
    record = stored(graph_2021, "measures", "M01")
    assert record["status"] == "done"
    assert record["title"]["fi"] == "Viranomaisten strategisen viestinnän yhteistyöverkosto"
    # a forged title from a partner is refused, nothing written
    form = web.get("/measures/M01/edit")
    forged = {**form_of(form.text), "title.fi": "Kaapattu"}
    answer = web.post("/measures/M01/edit", data=forged)
    assert answer.status_code == 422
    assert stored(graph_2021, "measures", "M01")["title"]["fi"] != "Kaapattu"


def test_validation_errors_appear_beside_the_fields_and_keep_the_input(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    before = store.get_stored(graph_2021, "measures", "M03")
    values = form_of(web.get("/measures/M03/edit").text)
    values.update(
        {
            "title.fi": "Kirjoitettu otsikko",
            "resources.eur": "1e999",
            "resources.person_years": "kolme",
            "start": "2021-02-30",
            "title.sv": "x" * 2001,
        }
    )
    answer = web.post("/measures/M03/edit", data=values)
    assert answer.status_code == 422
    page = answer.text
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary and "autofocus" in summary.group(0)
    errors = re.search(r'<div class="field-error" id="err-resources">(.*?)</div>', page, re.S)
    assert errors and "äärellistä lukua" in html.unescape(errors.group(1))
    assert "odotettiin lukua" in html.unescape(errors.group(1))
    assert "err-start" in page and "err-title" in page
    assert re.search(r'name="resources.eur" value="1e999" aria-describedby="err-resources', page)
    kept = form_of(page)
    assert kept["title.fi"] == "Kirjoitettu otsikko" and kept["start"] == "2021-02-30"
    assert store.get_stored(graph_2021, "measures", "M03").etag == before.etag
    # an unknown phenomenon is found by the store, beside its field, nothing written
    values = form_of(web.get("/measures/M03/edit").text)
    values["addresses.0"] = "no-such-phenomenon"
    answer = web.post("/measures/M03/edit", data=values)
    assert answer.status_code == 422
    assert (
        "no-such-phenomenon" in re.search(r'id="err-addresses">(.*?)</div>', answer.text, re.S)[1]
    )
    assert store.get_stored(graph_2021, "measures", "M03").etag == before.etag


def test_a_stale_save_shows_the_conflict_page_and_overwrites_nothing(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    values = form_of(web.get("/measures/M03/edit").text)
    # someone else saves first
    theirs = {**stored(graph_2021, "measures", "M03"), "status": "cancelled"}
    store.replace_record(graph_2021, "measures", Measure.model_validate(theirs), who="user:toinen")
    values["title.fi"] = "Minun otsikkoni"
    answer = web.post("/measures/M03/edit", data=values)
    assert answer.status_code == 409
    assert 'class="conflict-page"' in answer.text
    assert "Joku muu muutti tätä tietoa" in visible(answer.text)
    theirs = re.search(r'<section class="theirs".*?</section>', answer.text, re.S)
    assert theirs and 'data-field="status"' in theirs[0] and "peruttu" in theirs[0]
    yours = re.search(r'<section class="yours".*?</section>', answer.text, re.S)
    assert yours and "Minun otsikkoni" in yours[0] and 'data-field="status"' not in yours[0]
    assert 'href="/measures/M03/edit"' in answer.text
    record = stored(graph_2021, "measures", "M03")
    assert record["status"] == "cancelled" and record["title"]["fi"].startswith("Disinformaation")
    # the form below is the current version with my change on top: saving it keeps both
    again = form_of(answer.text)
    assert again["title.fi"] == "Minun otsikkoni" and again["status"] == "cancelled"
    assert web.post("/measures/M03/edit", data=again, follow_redirects=False).status_code == 303
    record = stored(graph_2021, "measures", "M03")
    assert record["title"]["fi"] == "Minun otsikkoni" and record["status"] == "cancelled"


def test_an_editor_gets_no_edit_button_and_a_403_on_another_organisations_measure(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    page = web.get("/measures/M02")
    assert page.status_code == 200 and "/measures/M02/edit" not in page.text
    assert web.get("/measures/M02/edit").status_code == 403
    token = csrf(web.get("/measures/M03/edit").text)
    forged = {"csrf_token": token, "etag": "*", "title.fi": "Kaapattu", "status": "done"}
    assert web.post("/measures/M02/edit", data=forged).status_code == 403
    assert web.get("/phenomena/disinformation/edit").status_code == 403
    assert stored(graph_2021, "measures", "M02")["status"] == "ongoing"


def test_not_signed_in_goes_to_the_login_and_a_reader_is_refused(web, graph_2021):
    answer = web.get("/measures/M03/edit", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert "/measures/M03/edit" not in web.get("/measures/M03").text
    signed_in_as(web, graph_2021, "reader")
    assert web.get("/measures/M03/edit").status_code == 403


def test_delete_asks_and_names_what_still_refers_to_the_record(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    ask = web.get("/phenomena/disinformation/delete")
    assert ask.status_code == 200
    assert 'href="/measures/M01"' in ask.text and 'href="/goals/' in ask.text
    assert 'action="/phenomena/disinformation/delete"' not in ask.text  # nothing to confirm
    token = csrf(web.get("/themes/new").text)
    refused = web.post("/phenomena/disinformation/delete", data={"csrf_token": token, "etag": "*"})
    assert refused.status_code == 409 and 'href="/measures/M01"' in refused.text
    assert stored(graph_2021, "phenomena", "disinformation")
    # a record nobody refers to: asked, then deleted
    new = web.get("/themes/new")
    made = web.post(
        "/themes/new",
        data={"csrf_token": csrf(new.text), "id": "T-poisto", "name.fi": "Poistettava"},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/themes/T-poisto"
    ask = web.get("/themes/T-poisto/delete")
    assert 'action="/themes/T-poisto/delete"' in ask.text
    done = web.post("/themes/T-poisto/delete", data=form_of(ask.text))
    assert done.status_code == 200 and "Poistettava" in visible(done.text)
    with pytest.raises(NotFound):
        stored(graph_2021, "themes", "T-poisto")


def test_a_form_without_the_csrf_token_is_refused(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    values = form_of(web.get("/measures/M03/edit").text)
    values.pop("csrf_token")
    values["title.fi"] = "Ilman tunnistetta"
    assert web.post("/measures/M03/edit", data=values).status_code == 403
    values["csrf_token"] = "väärä"
    assert web.post("/measures/M03/edit", data=values).status_code == 403
    assert stored(graph_2021, "measures", "M03")["title"]["fi"] != "Ilman tunnistetta"


@pytest.mark.parametrize(
    "forged",
    [
        {"status": "hacked"},
        {"responsible.0.role": "boss"},
        {"secret_field": "1"},
        {"id": "M99"},
        {"responsible.9999.organisation": "SM"},
        {"resources.eur": "9" * 5000},
        {"resources.person_years": "-1"},
        {"end": "2020-01-01"},
        {"addresses.0": "../../etc"},
        {"title.de": "Deutsch"},
    ],
)
def test_forged_or_bad_values_are_refused_beside_a_field_never_a_500(web, graph_2021, forged):
    signed_in_as(web, graph_2021, "admin")
    before = store.get_stored(graph_2021, "measures", "M03").etag
    values = {**form_of(web.get("/measures/M03/edit").text), **forged}
    answer = web.post("/measures/M03/edit", data=values)
    assert answer.status_code == 422, answer.text[-3000:]
    assert 'class="error-summary"' in answer.text
    assert store.get_stored(graph_2021, "measures", "M03").etag == before


def test_repeated_keys_and_unknown_sections_never_500(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    values = form_of(web.get("/measures/M03/edit").text)
    pairs = [*values.items(), ("title.fi", "toinen")]
    answer = web.post(
        "/measures/M03/edit",
        content="&".join(f"{k}={v}" for k, v in pairs).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 422
    assert web.get("/nonsense/M03/edit").status_code == 404
    assert web.get("/measures/M-none/edit").status_code == 404
    assert web.get("/measures/..%2F/edit").status_code in (404, 422)


def test_an_editor_creates_a_measure_its_organisation_leads(web, graph_2021):
    signed_in_as(web, graph_2021, "editor", OWN)
    home = web.get("/")
    assert 'href="/measures/new"' in home.text and 'href="/phenomena/new"' not in home.text
    form = web.get("/measures/new")
    values = form_of(form.text)
    assert values["responsible.0.organisation"] == OWN
    values.update({"id": "M-uusi", "title.fi": "Uusi toimenpide", "addresses.0": "disinformation"})
    answer = web.post("/measures/new", data=values, follow_redirects=False)
    assert answer.status_code == 303, visible(answer.text)[:2000]
    assert stored(graph_2021, "measures", "M-uusi")["title"] == {"fi": "Uusi toimenpide"}
    taken = web.post("/measures/new", data=values)
    assert taken.status_code == 422 and 'id="err-id"' in taken.text
    # another organisation as lead: the store's rule refuses it (403 page, nothing written)
    values.update({"id": "M-vieras", "responsible.0.organisation": "POHA"})
    assert web.post("/measures/new", data=values).status_code == 403
    with pytest.raises(NotFound):
        stored(graph_2021, "measures", "M-vieras")


def test_an_admin_edits_a_groups_members_and_focus(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    assert 'href="/groups/PG2021-1/edit"' in web.get("/groups/PG2021-1").text
    values = form_of(web.get("/groups/PG2021-1/edit").text)
    rows = sorted(k for k in values if re.fullmatch(r"members\.\d+\.organisation", k))
    blank = next(k for k in rows if not values[k])
    values[blank] = "Kuntaliitto"
    values[blank.replace("organisation", "role")] = "member"
    more = web.post("/groups/PG2021-1/edit", data={**values, "_more": "focuses_on"})
    assert more.status_code == 200  # more rows, nothing saved
    answer = web.post("/groups/PG2021-1/edit", data=values, follow_redirects=False)
    assert answer.status_code == 303, visible(answer.text)[:2000]
    members = stored(graph_2021, "priority_groups", "PG2021-1")["members"]
    assert {"organisation": "Kuntaliitto", "role": "member"} in members


def test_saving_a_goals_form_keeps_its_target_which_the_form_does_not_show(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    goal = stored(graph_2021, "goals", "G1.1")
    phenomenon = goal["targets"][0]
    target = {
        "indicator": "i-test",
        "baseline_year": 2020,
        "baseline": 10,
        "year": 2027,
        "value": 5,
    }
    load_document(
        graph_2021,
        {
            "format": "turva/1",
            "indicators": [
                {
                    "id": "i-test",
                    "name": {"fi": "Testi"},
                    "direction": "decrease",
                    "phenomena": [phenomenon],
                }
            ],
            "goals": [{**goal, "target": target}],
        },
    )
    values = form_of(web.get("/goals/G1.1/edit").text)
    values["text.fi"] = goal["text"]["fi"] + " (tarkennettu)"

    answer = web.post("/goals/G1.1/edit", data=values, follow_redirects=False)

    assert answer.status_code == 303, visible(answer.text)[:2000]
    saved = stored(graph_2021, "goals", "G1.1")
    assert saved["text"]["fi"].endswith("(tarkennettu)")
    assert saved["target"] == target


def test_an_admin_creates_an_indicator_with_the_form_and_an_editor_may_not(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    form = web.get("/indicators/new")
    assert form.status_code == 200
    assert "pienempi on parempi" in visible(form.text)  # the direction in words
    values = form_of(form.text)
    values.update(
        {
            "id": "reported-frauds",
            "name.fi": "Ilmoitetut petokset",
            "unit.fi": "rikosta",
            "direction": "decrease",
            "phenomena.0": "disinformation",
        }
    )

    answer = web.post("/indicators/new", data=values, follow_redirects=False)

    assert answer.status_code == 303, visible(answer.text)[:2000]
    assert answer.headers["location"] == "/indicators/reported-frauds"
    saved = stored(graph_2021, "indicators", "reported-frauds")
    assert saved["direction"] == "decrease" and saved["phenomena"] == ["disinformation"]
    assert saved["unit"] == {"fi": "rikosta"}

    signed_in_as(web, graph_2021, "editor", OWN)
    assert web.get("/indicators/new").status_code == 403
