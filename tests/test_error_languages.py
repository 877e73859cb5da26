"""Every error a person reads comes in their language: a bad document's issues with their
field paths, the HTTP API's problem details (``?lang=`` or ``Accept-Language``, English by
default) and the commands' ``--help``. The rule behind it, that no error in ``graph/`` is
made from a bare English string, is checked on the source itself.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver

from tests.api_client import bearer, client, token
from tests.conftest import ROOT
from tests.test_cli_language import NO_LANGUAGE
from turva.graph import errors
from turva.graph.domain.formats import decode_document, format_named, read_document_data
from turva.graph.domain.validate import validate_document
from turva.graph.errors import ValidationFailed
from turva.graph.store.export import export_document

SMALL = ROOT / "tests" / "fixtures" / "small.yaml"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _broken(small: dict[str, Any]) -> dict[str, Any]:
    """The small document with an unknown phenomenon, a bad status and a negative sum."""
    bad = copy.deepcopy(small)
    bad["measures"][1]["addresses"] = ["kyber"]
    return bad


def _shape_broken(small: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(small)
    bad["measures"][0]["status"] = "running"
    bad["measures"][0]["resources"] = {"eur": -1}
    bad["measures"][0]["budget"] = 5
    del bad["phenomena"][2]["name"]
    return bad


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    return read_document_data(SMALL)


# --- without Neo4j -------------------------------------------------------------------------

#: a shape error of each kind, in three languages (the path never changes)
SHAPE_ISSUES = {
    "en": [
        "measures[0].status: input should be 'planned', 'ongoing', 'done' or 'cancelled'; "
        "got 'running'",
        "measures[0].resources.eur: input should be greater than or equal to 0; got -1",
        "measures[0].budget: unknown key 'budget': remove it or check its spelling",
        "phenomena[2].name: required field is missing",
    ],
    "fi": [
        "measures[0].status: arvon on oltava 'planned', 'ongoing', 'done' tai 'cancelled'; "
        "saatiin 'running'",
        "measures[0].resources.eur: arvon on oltava vähintään 0; saatiin -1",
        "measures[0].budget: tuntematon avain 'budget': poista se tai tarkista sen kirjoitusasu",
        "phenomena[2].name: pakollinen kenttä puuttuu",
    ],
    "sv": [
        "measures[0].status: värdet ska vara 'planned', 'ongoing', 'done' eller 'cancelled'; "
        "fick 'running'",
        "measures[0].resources.eur: värdet ska vara minst 0; fick -1",
        "measures[0].budget: okänd nyckel 'budget': ta bort den eller kontrollera stavningen",
        "phenomena[2].name: obligatoriskt fält saknas",
    ],
}


@pytest.mark.parametrize("lang", sorted(SHAPE_ISSUES))
def test_each_validation_issue_keeps_its_path_and_speaks_the_language(lang, small) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_document(_shape_broken(small))
    text = caught.value.text_in(lang)
    for line in SHAPE_ISSUES[lang]:
        assert line in text, text
    # every issue carries its message id and values, so any place can translate it
    assert all(issue.message_id for issue in caught.value.issues)


def test_the_english_text_of_an_issue_is_its_message(small) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_document(_shape_broken(small))
    assert [issue.text(str) for issue in caught.value.issues] == [
        issue.message for issue in caught.value.issues
    ]


def test_file_format_errors_are_translated() -> None:
    raw = b'{"format": "turva/1", "themes": [], "themes": []}'
    with pytest.raises(errors.DataFileError) as caught:
        decode_document(raw, format_named("json"), name="the request body")
    english = caught.value.text_in("en")
    assert "the request body: the key 'themes' is given twice" in english
    assert "at line 1, column 23 and at line 1, column 37" in english and "send it again" in english
    finnish = caught.value.text_in("fi")
    assert finnish.startswith("pyynnön sisältö: avain 'themes' on annettu kahdesti"), finnish
    assert "kohdissa rivi 1, sarake 23 ja rivi 1, sarake 37" in finnish
    assert "lähetä se uudelleen" in finnish
    assert "okänd" not in finnish
    with pytest.raises(errors.DataFileError) as unknown:
        format_named("xml")
    assert (
        unknown.value.text_in("sv")
        == "Okänt dokumentformat 'xml'; använd yaml, json, xlsx eller csv.zip."
    )


# --- the rule, on the source ----------------------------------------------------------------


def _turva_error_names() -> set[str]:
    """The names of TurvaError and of every class in graph/ that derives from it."""
    classes = [
        node
        for path in (ROOT / "graph").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    ]
    names = {"TurvaError"}
    grew = True
    while grew:  # a subclass of a subclass, in whatever order the files come
        known = len(names)
        names |= {c.name for c in classes if {getattr(b, "id", None) for b in c.bases} & names}
        grew = len(names) > known
    return names


def _is_text(node: ast.expr) -> bool:
    """A literal text, an f-string, or texts joined with ``+`` or ``%``: not catalogue-backed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return False


def test_no_error_in_graph_is_made_from_a_bare_text() -> None:
    names = _turva_error_names()
    assert {"NotFound", "DataFileError", "DocumentContentError", "StaleRecord"} <= names
    offenders = []
    for path in sorted((ROOT / "graph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else None
            if called in names and _is_text(node.args[0]):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {called}(...)")
            # ValidationIssue(loc, "text") is a bare text too: use ValidationIssue.said
            if called == "ValidationIssue" and len(node.args) > 1 and _is_text(node.args[1]):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} ValidationIssue(...)")
    assert offenders == [], "use .said(N_(...)) instead:\n" + "\n".join(offenders)


def test_the_rule_catches_a_bare_text() -> None:
    # the scan must be able to fail: an f-string and a literal are both caught
    for source in ('NotFound(f"no {x}")', 'DataFileError("Cannot read")', 'Conflict("a" + b)'):
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert _is_text(call.args[0]), source
    said = ast.parse('NotFound.said(N_("no %(x)s"), x=1)').body[0].value  # type: ignore[attr-defined]
    assert not isinstance(said.func, ast.Name)


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def loaded(empty_graph: Driver, small) -> Driver:
    from turva.graph.store.load import load_document

    load_document(empty_graph, small)
    return empty_graph


def _write(tmp_path: Path, doc: dict[str, Any]) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("lang", "head", "issue"),
    [
        (
            "fi",
            "virhe: tiedostossa on 1 virhe, joten mitään ei tallennettu",
            "measures[1].addresses[0]: tuntematon ilmiö 'kyber'",
        ),
        (
            "sv",
            "fel: dokumentet innehåller 1 fel, så ingenting sparades",
            "measures[1].addresses[0]: fenomen 'kyber' finns inte",
        ),
        (
            "en",
            "error: 1 error in the document; nothing was written",
            "measures[1].addresses[0]: unknown phenomenon 'kyber'",
        ),
    ],
)
def test_turva_load_prints_the_issues_in_the_language_with_their_paths(
    lang, head, issue, loaded, small, turva, tmp_path
) -> None:
    before = export_document(loaded)
    result = turva("--lang", lang, "load", _write(tmp_path, _broken(small)))
    assert result.code == 1 and "Traceback" not in result.stderr
    message = _flat(result.stderr)
    assert head in message and issue in message, message
    assert export_document(loaded) == before


def test_turva_load_of_a_bad_file_speaks_finnish(turva, tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "turva/1", "themes": [1, }', encoding="utf-8")
    result = turva("--lang", "fi", "load", str(path))
    assert result.code == 1
    message = _flat(result.stderr)
    assert f"virhe: {path} ei ole kelvollista JSONia:" in message, message
    assert "rivi 1, sarake" in message


def test_a_bad_environment_variable_is_named_in_the_language(turva) -> None:
    result = turva("--lang", "fi", "gaps", env={**NO_LANGUAGE, "TURVA_MAX_BODY_BYTES": "lots"})
    assert result.code == 1 and "Traceback" not in result.stderr
    message = _flat(result.stderr)
    assert "TURVA_MAX_BODY_BYTES: odotettiin kokonaislukua, saatiin 'lots'" in message, message


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("--lang", "fi", "load", "--help"),
            ["Tarkista koko turva/1-tiedosto", "Vain tarkistus", ".xlsx tai .csv.zip"],
        ),
        (("--lang", "sv", "load", "--help"), ["Validera en hel turva/1-fil", "Validera endast"]),
        (("--lang", "fi", "export", "--help"), ["Ota mukaan muutoshistoria"]),
        (("--lang", "fi", "token", "create", "--help"), ["Luo tunniste ja tulosta"]),
        (("--lang", "sv", "neo4j", "--help"), ["Hantera den lokala Neo4j-servern"]),
        (("--lang", "fi", "--help"), ["sisäisen turvallisuuden kansallisen yhteistyömallin"]),
    ],
)
def test_help_comes_in_the_chosen_language(args, words, turva) -> None:
    result = turva(*args, env=NO_LANGUAGE)
    assert result.code == 0, result.stderr
    text = _flat(result.stdout)
    for word in words:
        assert word in text, text
    assert "Validate only" not in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Käyttö:", "Valinnat", "Komennot", "Näytä tämä ohje ja lopeta."]),
        ("sv", ["Användning:", "Alternativ", "Kommandon", "Visa den här hjälpen och avsluta."]),
    ],
)
def test_clicks_own_words_come_in_the_chosen_language(lang, words, turva) -> None:
    result = turva("--lang", lang, "--help", env=NO_LANGUAGE)
    assert result.code == 0, result.stderr
    text = _flat(result.stdout)
    for word in words:
        assert word in text, text
    assert "Options" not in text and "Show this message" not in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("gapz",), ["Virhe", "Komentoa 'gapz' ei ole", "Tarkoititko 'gaps'?"]),
        (("coverage", "-f", "xml"), ["Virheellinen arvo valinnalle", "'xml' ei ole mikään"]),
        (("who-addresses",), ["Käyttö: turva who-addresses", "Argumentti 'phenomenon' puuttuu"]),
        (("changes", "2021", "2022", "2023"), ["Ylimääräisiä argumentteja (2023)"]),
    ],
)
def test_usage_errors_come_in_the_chosen_language(args, words, turva) -> None:
    result = turva("--lang", "fi", *args, env=NO_LANGUAGE)
    assert result.code == 2 and "Traceback" not in result.stderr
    text = _flat(result.stderr)
    for word in words:
        assert word in text, text
    assert "Error" not in text and "Usage" not in text and "Did you mean" not in text


def test_help_is_english_by_default(turva) -> None:
    result = turva("load", "--help", env=NO_LANGUAGE)
    assert "Validate only; write nothing." in _flat(result.stdout)


# --- the HTTP API -------------------------------------------------------------------------


@pytest.fixture
def admin_api(loaded: Driver, neo4j_target):
    with client(loaded, neo4j_target.settings()) as c:
        c.headers.update(bearer(token(loaded, "admin", name="admin")))
        yield c


def _import(api, doc: dict[str, Any], **kwargs: Any):
    return api.post(
        "/api/v1/import",
        content=json.dumps(doc, default=str).encode(),
        headers={"Content-Type": "application/json", **kwargs.pop("headers", {})},
        **kwargs,
    )


def test_an_import_with_lang_fi_gets_finnish_detail(admin_api, small) -> None:
    response = _import(admin_api, _broken(small), params={"lang": "fi"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"].startswith("1 tarkistusvirhe; mitään ei tallennettu."), body
    assert "measures[1].addresses[0]: tuntematon ilmiö 'kyber'" in body["detail"]
    # the machine-readable parts stay as they are
    assert body["errors"] == [
        {
            "pointer": "/measures/1/addresses/0",
            "path": "measures[1].addresses[0]",
            "detail": "tuntematon ilmiö 'kyber'",
        }
    ]
    assert body["type"] == "urn:turva:problem:invalid" and body["status"] == 422


def test_accept_language_picks_swedish_and_english_is_the_default(admin_api, small) -> None:
    swedish = _import(
        admin_api, _broken(small), headers={"Accept-Language": "sv-FI, fi;q=0.8, en;q=0.5"}
    ).json()
    assert "measures[1].addresses[0]: fenomen 'kyber' finns inte" in swedish["detail"]
    english = _import(admin_api, _broken(small)).json()
    assert english["detail"] == (
        "1 validation error; nothing was written. "
        "measures[1].addresses[0]: unknown phenomenon 'kyber'"
    )
    # ?lang= wins over the header
    chosen = _import(
        admin_api, _broken(small), params={"lang": "en"}, headers={"Accept-Language": "fi"}
    ).json()
    assert chosen["detail"] == english["detail"]


def test_not_found_and_bad_json_are_translated(admin_api) -> None:
    missing = admin_api.get("/api/v1/measures/no-such", params={"lang": "fi"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "tunnisteella 'no-such' ei ole tietuetta (toimenpide)"
    bad = admin_api.post(
        "/api/v1/import",
        content=b'{"format": "turva/1",',
        headers={"Content-Type": "application/json", "Accept-Language": "sv"},
    )
    assert bad.status_code == 400
    assert "begärans innehåll är inte giltig JSON" in bad.json()["detail"], bad.json()


def test_a_500_and_an_unknown_path_speak_the_language(loaded, neo4j_target) -> None:
    from fastapi.testclient import TestClient

    from turva.api.main import create_app

    app = create_app(neo4j_target.settings(), driver=loaded)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        fi = c.get("/boom", params={"lang": "fi"})
        en = c.get("/boom")
        nowhere = c.get("/api/v1/nowhere", headers={"Accept-Language": "sv"})
    assert fi.status_code == 500 and en.status_code == 500
    assert fi.json()["detail"] == "Tapahtui odottamaton virhe. Virhe on kirjattu lokiin."
    assert en.json()["detail"] == "An unexpected error occurred; it has been logged."
    assert "boom" not in fi.text
    assert nowhere.status_code == 404
    assert nowhere.json()["detail"] == "Det finns ingenting på den här adressen."
