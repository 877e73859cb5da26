"""Uploading a document on ``/import``: the change plan, the preview, the apply.

Against the real Neo4j of the test session and the real app (TestClient): what an admin
and an editor see in the preview, what the apply writes (and only that), and what is
refused: invalid files, stale previews, posts without a CSRF token, readers.
"""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_client import client, csrf, signed_in_as
from turva.graph.domain.formats import encode_document, format_named
from turva.graph.store import records as store
from turva.graph.store.export import export_document
from turva.graph.store.history import list_changes
from turva.graph.store.import_plan import StalePlan, apply_plan, plan_import
from turva.graph.store.versions import graph_version

# --- the plan and the apply, without pages ------------------------------------------------


def _current(driver: Driver) -> dict[str, Any]:
    return export_document(driver, history=False)


def _measure(doc: dict[str, Any], id: str) -> dict[str, Any]:
    return next(m for m in doc["measures"] if m["id"] == id)


def _edited(driver: Driver) -> dict[str, Any]:
    """The whole graph, exported, with: one measure's title changed (M03, lead SM), one
    partner field changed (M01, SM a partner), another organisation's measure changed
    (M02, KAVI), a theme renamed, a new measure led by SM, and M04 left out."""
    doc = copy.deepcopy(_current(driver))
    _measure(doc, "M03")["title"]["fi"] = "Disinformaatiokoulutus, uusi nimi"
    _measure(doc, "M01")["status"] = "done"
    _measure(doc, "M02")["status"] = "cancelled"
    doc["themes"][0]["name"]["fi"] = "Uusi teeman nimi"
    doc["measures"].append(
        {
            "id": "M-UUSI",
            "title": {"fi": "Uusi toimenpide tiedostosta"},
            "status": "planned",
            "responsible": [{"organisation": "SM", "role": "lead"}],
            "addresses": [doc["phenomena"][0]["id"]],
            "source": "illustrative",
        }
    )
    doc["measures"] = [m for m in doc["measures"] if m["id"] != "M04"]
    return doc


def test_an_unchanged_export_plans_nothing(graph_2021):
    plan = plan_import(graph_2021, _current(graph_2021))
    assert plan.is_empty and plan.changes == ()
    assert plan.unchanged["measures"] == len(_current(graph_2021)["measures"])


def test_an_admin_plan_lists_new_changed_and_removed_with_field_diffs(graph_2021):
    doc = _edited(graph_2021)
    merge = plan_import(graph_2021, doc)
    assert merge.counts("measures") | {"unchanged": 0} == {
        "create": 1,
        "update": 3,
        "delete": 0,
        "refused": 0,
        "unchanged": 0,
    }
    assert merge.kept["measures"] == 1  # M04 stays: records the file lacks are kept
    m03 = next(c for c in merge.changes if c.id == "M03")
    assert [(f.field, f.after) for f in m03.changes] == [
        ("title.fi", "Disinformaatiokoulutus, uusi nimi")
    ]
    assert m03.changes[0].before == m03.before["title"]["fi"] != m03.changes[0].after
    replace = plan_import(graph_2021, doc, replace=True)
    assert [(c.action, c.id) for c in replace.changes if c.action == "delete"] == [
        ("delete", "M04")
    ]


def test_an_admin_apply_writes_the_plan_with_its_history(graph_2021):
    doc = _edited(graph_2021)
    plan = plan_import(graph_2021, doc, replace=True)
    untouched = store.get_stored(graph_2021, "measures", "M05")
    result = apply_plan(graph_2021, plan, who="user:paakayttaja")
    assert result.written["measures"] == {"create": 1, "update": 3, "delete": 1}
    after = _current(graph_2021)
    for section in ("themes", "measures", "goals", "organisations"):
        assert after[section] == sorted(doc[section], key=lambda r: r["id"]), section
    assert "M04" not in {m["id"] for m in after["measures"]}
    assert _measure(after, "M03")["title"]["fi"] == "Disinformaatiokoulutus, uusi nimi"
    change = list_changes(graph_2021, type="document", limit=1)[0][0]
    assert change["who"] == "user:paakayttaja"
    assert change["after"]["created"] == {"measures": 1}
    assert store.get_stored(graph_2021, "measures", "M05").record == untouched.record


def test_an_admin_merge_rewrites_only_the_changed_records(graph_2021):
    untouched = store.get_stored(graph_2021, "measures", "M05")
    apply_plan(graph_2021, plan_import(graph_2021, _edited(graph_2021)), who="user:x")
    # a record the file has unchanged keeps its version: nobody's open form turns stale
    assert store.get_stored(graph_2021, "measures", "M05").version == untouched.version
    assert store.get_stored(graph_2021, "measures", "M03").version > 1


def test_an_editor_plan_refuses_what_its_organisations_do_not_own(graph_2021):
    plan = plan_import(graph_2021, _edited(graph_2021), editor=["SM"], replace=True)
    allowed = {(c.action, c.id) for c in plan.allowed}
    refused = {c.id: c.refusal.text_in("en") for c in plan.refused if c.refusal}
    assert allowed == {("update", "M03"), ("update", "M01"), ("create", "M-UUSI")}
    assert "none of your organisations (sm) is responsible" in refused["M02"].lower()
    theme = next(c for c in plan.refused if c.section == "themes")
    assert "measures and goals only" in refused[theme.id]
    assert "teema" in theme.refusal.text_in("fi")
    # M04 (POHA's) is not SM's: a replacing editor upload leaves it alone, unlisted
    assert "M04" not in {c.id for c in plan.changes}


def test_an_editor_replacing_upload_removes_only_what_its_organisations_lead(graph_2021):
    doc = _current(graph_2021)
    # M03 (SM leads), M01 (SM a partner), M04 (POHA's) and goal G1.3 (group PG2021-1, SM
    # a member, and still advanced by other measures) are left out of the file
    doc["measures"] = [m for m in doc["measures"] if m["id"] not in ("M03", "M01", "M04")]
    doc["goals"] = [g for g in doc["goals"] if g["id"] != "G1.3"]
    plan = plan_import(graph_2021, doc, editor=["SM"], replace=True)
    assert [(c.action, c.id) for c in plan.allowed] == [("delete", "M03")]
    refused = {c.id: c.refusal.text_in("en") for c in plan.refused if c.refusal}
    assert "only editors of its lead (VNK) or an admin may remove it" in refused["M01"]
    assert refused["G1.3"].startswith("It cannot be removed while measures/")
    assert plan.kept["measures"] == 1  # M04: not SM's, so not even listed
    assert "M04" not in {c.id for c in plan.changes}
    apply_plan(graph_2021, plan, who="user:sm-editori")
    ids = {m["id"] for m in _current(graph_2021)["measures"]}
    assert "M03" not in ids and "M01" in ids


def test_a_partner_may_change_the_partner_fields_only(graph_2021):
    doc = _current(graph_2021)
    _measure(doc, "M01")["title"]["fi"] = "Kumppani ei saa vaihtaa nimeä"
    plan = plan_import(graph_2021, doc, editor=["SM"])
    (refused,) = plan.refused
    assert refused.id == "M01"
    assert "partner may change status, start, end, resources and indicator only, not Title" in (
        refused.refusal.text_in("en")
    )
    assert "kumppani" in refused.refusal.text_in("fi").lower()


def test_an_editor_apply_writes_only_its_own_changes_record_by_record(graph_2021):
    plan = plan_import(graph_2021, _edited(graph_2021), editor=["SM"])
    apply_plan(graph_2021, plan, who="user:sm-editori")
    after = _current(graph_2021)
    assert _measure(after, "M03")["title"]["fi"] == "Disinformaatiokoulutus, uusi nimi"
    assert _measure(after, "M01")["status"] == "done"
    assert _measure(after, "M02")["status"] != "cancelled"  # refused: KAVI's
    assert after["themes"][0]["name"]["fi"] != "Uusi teeman nimi"  # refused: a theme
    assert "M04" in {m["id"] for m in after["measures"]}  # merge: kept
    changes, _ = list_changes(graph_2021, type="measures", record_id="M03", limit=1)
    assert changes[0]["who"] == "user:sm-editori" and changes[0]["action"] == "replace"


def test_a_plan_made_before_another_write_is_refused_and_writes_nothing(graph_2021):
    plan = plan_import(graph_2021, _edited(graph_2021))
    store.patch_record(graph_2021, "measures", "M05", {"status": "cancelled"}, who="test")
    version = graph_version(graph_2021)
    with pytest.raises(StalePlan):
        apply_plan(graph_2021, plan, who="user:x")
    assert graph_version(graph_2021) == version
    assert _measure(_current(graph_2021), "M03")["title"]["fi"] != (
        "Disinformaatiokoulutus, uusi nimi"
    )


# --- the pages: upload, preview, apply ------------------------------------------------------


def _visible(page: str) -> str:
    """The page's main content as text."""
    main = page.split('<main id="main"', 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def _yaml(doc: dict[str, Any]) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def _upload(
    web: TestClient, content: bytes, filename: str = "tiedot.yaml", mode: str = "merge"
) -> Any:
    token = csrf(web.get("/import").text)
    return web.post(
        "/import",
        data={"csrf_token": token, "mode": mode},
        files={"file": (filename, content, "application/octet-stream")},
    )


def _apply(web: TestClient, preview: Any, **kw: Any) -> Any:
    key = re.search(r'action="(/import/[^"/]+/apply)"', preview.text)
    assert key, "the preview has no apply form"
    return web.post(key.group(1), data={"csrf_token": csrf(preview.text)}, **kw)


@pytest.fixture
def web(graph_2021: Driver, neo4j_target) -> Iterator[TestClient]:
    with client(graph_2021, neo4j_target.settings()) as c:
        yield c


def test_an_admin_previews_the_counts_and_diffs_then_applies(web, graph_2021):
    username = signed_in_as(web, graph_2021, "admin")
    preview = _upload(web, _yaml(_edited(graph_2021)), mode="replace")
    assert preview.status_code == 200, preview.text[:3000]
    text = _visible(preview.text)
    assert "1 uusi toimenpide, 3 muutettua, 1 poistettava" in text
    assert "1 muutettu" in text  # the theme
    assert "Disinformaatiokoulutus, uusi nimi" in text
    assert 'data-id="M04" data-action="delete"' in preview.text
    assert 'data-id="M-UUSI" data-action="create"' in preview.text
    assert 'data-provenance="illustrative"' in preview.text  # the new measure's badge
    assert "Tiedostosta puuttuvat tiedot poistetaan" in text
    # nothing is written by the preview
    assert _measure(_current(graph_2021), "M03")["title"]["fi"] != (
        "Disinformaatiokoulutus, uusi nimi"
    )
    done = _apply(web, preview)
    assert done.status_code == 200 and "Muutokset tallennettu" in _visible(done.text)
    assert "6 muutosta tallennettiin" in _visible(done.text)
    after = _current(graph_2021)
    assert _measure(after, "M03")["title"]["fi"] == "Disinformaatiokoulutus, uusi nimi"
    assert "M04" not in {m["id"] for m in after["measures"]}
    (change,), _ = list_changes(graph_2021, type="document", limit=1)
    assert change["who"] == f"user:{username}"
    # the same preview applied again writes nothing
    version = graph_version(graph_2021)
    again = _apply(web, preview)
    assert again.status_code == 200 and graph_version(graph_2021) == version
    assert "Lataa toinen tiedosto" in _visible(again.text)
    measure_page = web.get("/measures/M03")
    assert "Disinformaatiokoulutus, uusi nimi" in measure_page.text


def test_an_editor_sees_refusals_with_reasons_and_only_its_changes_are_written(web, graph_2021):
    username = signed_in_as(web, graph_2021, "editor", "SM")
    preview = _upload(web, _yaml(_edited(graph_2021)))
    assert preview.status_code == 200, preview.text[:3000]
    text = _visible(preview.text)
    assert "1 uusi toimenpide, 2 muutettua, 1 hylätty" in text
    refused = "".join(re.findall(r'<ul class="refused">.*?</ul>', preview.text, re.S))
    assert 'data-id="M02"' in refused and 'data-id="M03"' not in refused
    assert "Mikään organisaatioistasi (SM) ei ole vastuussa tästä toimenpiteestä." in text
    assert "Muokkaaja voi muuttaa vain toimenpiteitä ja tavoitteita" in text
    english = _visible(web.get(preview.url.path + "?lang=en").text)
    assert "None of your organisations (SM) is responsible for this measure." in english
    done = _apply(web, preview)
    assert done.status_code == 200, done.text[:2000]
    after = _current(graph_2021)
    assert _measure(after, "M03")["title"]["fi"] == "Disinformaatiokoulutus, uusi nimi"
    assert _measure(after, "M-UUSI")["responsible"] == [{"organisation": "SM", "role": "lead"}]
    assert _measure(after, "M02")["status"] != "cancelled"
    assert after["themes"][0]["name"]["fi"] != "Uusi teeman nimi"
    changes, _ = list_changes(graph_2021, type="measures", record_id="M-UUSI")
    assert [(c["who"], c["action"]) for c in changes] == [(f"user:{username}", "create")]


def test_an_invalid_file_shows_every_error_and_writes_nothing(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    doc = _current(graph_2021)
    _measure(doc, "M03")["status"] = "käynnissä"
    _measure(doc, "M05")["end"] = "2021-02-30"
    version = graph_version(graph_2021)
    answer = _upload(web, _yaml(doc))
    assert answer.status_code == 422
    text = _visible(answer.text)
    assert "Tiedostossa on 2 virhettä. Mitään ei tallennettu." in text
    assert "käynnissä" in text and "2021-02-30" in text
    assert 'role="alert"' in answer.text
    unreadable = _upload(web, b"format: turva/1\nthemes: [", "rikki.yaml")
    assert unreadable.status_code == 422 and "rikki.yaml" in _visible(unreadable.text)
    wrong = _upload(web, b"hello", "muistio.txt")
    assert wrong.status_code == 415 and ".yaml" in _visible(wrong.text)
    assert graph_version(graph_2021) == version


def test_a_workbook_upload_names_the_cells_of_its_errors(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    doc = _current(graph_2021)
    _measure(doc, "M05")["addresses"] = ["ei-tallaista-ilmiota"]
    version = graph_version(graph_2021)
    answer = _upload(web, encode_document(doc, format_named("xlsx")), "tiedot.xlsx")
    assert answer.status_code == 422
    found = re.search(
        r"(\w+)!([A-Z]+)(\d+): tuntematon ilmiö 'ei-tallaista-ilmiota'", _visible(answer.text)
    )
    assert found, _visible(answer.text)[:2000]
    assert found.group(1) == "Toimenpiteet"
    assert graph_version(graph_2021) == version
    # the same workbook, right, previews like any file
    _measure(doc, "M05")["status"] = "cancelled"
    _measure(doc, "M05")["addresses"] = _measure(_current(graph_2021), "M05")["addresses"]
    preview = _upload(web, encode_document(doc, format_named("xlsx")), "tiedot.xlsx")
    assert preview.status_code == 200
    assert "0 uutta toimenpidettä, 1 muutettu" in _visible(preview.text)


def test_a_stale_preview_is_refused_and_writes_nothing(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    preview = _upload(web, _yaml(_edited(graph_2021)))
    store.patch_record(graph_2021, "measures", "M05", {"status": "cancelled"}, who="test")
    version = graph_version(graph_2021)
    answer = _apply(web, preview)
    assert answer.status_code == 409
    assert "Tiedot ovat muuttuneet esikatselusi jälkeen" in _visible(answer.text)
    assert graph_version(graph_2021) == version
    assert _measure(_current(graph_2021), "M03")["title"]["fi"] != (
        "Disinformaatiokoulutus, uusi nimi"
    )


def test_posts_without_the_csrf_token_are_refused(web, graph_2021):
    signed_in_as(web, graph_2021, "admin")
    content = _yaml(_edited(graph_2021))
    upload = web.post(
        "/import", data={"mode": "merge"}, files={"file": ("t.yaml", content, "text/yaml")}
    )
    assert upload.status_code == 403
    preview = _upload(web, content)
    key = re.search(r'action="(/import/[^"/]+/apply)"', preview.text)
    assert key
    version = graph_version(graph_2021)
    refused = web.post(key.group(1), data={})
    assert refused.status_code == 403 and graph_version(graph_2021) == version


def test_readers_and_strangers_cannot_import(web, graph_2021):
    anonymous = web.get("/import", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    signed_in_as(web, graph_2021, "reader")
    assert web.get("/import").status_code == 403
    assert "Tuo tiedot" not in web.get("/").text


def test_a_preview_belongs_to_the_person_who_uploaded_it(web, graph_2021, neo4j_target):
    signed_in_as(web, graph_2021, "admin")
    preview = _upload(web, _yaml(_edited(graph_2021)))
    apply_path = re.search(r'action="(/import/[^"/]+/apply)"', preview.text)
    assert apply_path
    version = graph_version(graph_2021)
    with client(graph_2021, neo4j_target.settings()) as other:
        signed_in_as(other, graph_2021, "admin")
        seen = other.get(preview.url.path)
        assert seen.status_code == 404 and "Disinformaatiokoulutus" not in seen.text
        token = csrf(other.get("/import").text)
        refused = other.post(apply_path.group(1), data={"csrf_token": token})
        assert refused.status_code == 404
    assert graph_version(graph_2021) == version
    # the owner still may
    assert _apply(web, preview).status_code == 200
    assert graph_version(graph_2021) != version


def test_the_form_offers_an_empty_workbook_in_the_page_language(web, graph_2021):
    import openpyxl

    assert web.get("/import/template", follow_redirects=False).status_code == 303  # sign in
    signed_in_as(web, graph_2021, "editor", "SM")
    assert 'href="/import/template?lang=sv"' in web.get("/import?lang=sv").text
    answer = web.get("/import/template?lang=sv")
    assert answer.status_code == 200
    assert 'filename="turva-blankett.xlsx"' in answer.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[0] == "Anvisningar"
    assert "Åtgärder" in book.sheetnames
    zipped = web.get("/import/template?format=csv.zip&lang=fi")
    assert zipped.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert web.get("/import/template?format=pdf").status_code == 422
