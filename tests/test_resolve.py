"""Names as input: ids, names in fi/sv/en, inflected Finnish and abbreviations resolve to
one record; ambiguous input lists the candidates, unknown input suggests near records.
Through the library, the API (``/api/v1/resolve``) and the commands that take a record."""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.api_client import client
from turva.graph.errors import BadArgument
from turva.queries.resolve import Ambiguous, NotFound, resolve, resolved_id


@pytest.mark.parametrize(
    ("text", "type", "expected"),
    [
        ("money-laundering", None, ("phenomena", "money-laundering")),  # an id
        ("POHA", None, ("organisations", "POHA")),  # an id that is the abbreviation too
        ("Poliisihallitus", None, ("organisations", "POHA")),  # Finnish name
        ("poliisihallitus", None, ("organisations", "POHA")),  # any case
        ("Polisstyrelsen", None, ("organisations", "POHA")),  # Swedish name
        ("National Police Board", None, ("organisations", "POHA")),  # English name
        ("Poliisihallituksen", None, ("organisations", "POHA")),  # genitive
        ("rahanpesun", None, ("phenomena", "money-laundering")),  # genitive
        ("rahanpesua", "phenomena", ("phenomena", "money-laundering")),  # partitive
        ("kyberrikollisuuden", "phenomena", ("phenomena", "cybercrime")),  # beyond the stemmer
        ("Money laundering", None, ("phenomena", "money-laundering")),  # English name
        ("money LAUNDERING", None, ("phenomena", "money-laundering")),
        ("sisäministeriön", "organisations", ("organisations", "SM")),  # genitive
        ("inrikesministeriets", "organisations", ("organisations", "SM")),  # Swedish genitive
        ("sm", "organisations", ("organisations", "SM")),  # abbreviation in another case
        ("SM", "branches", ("branches", "SM")),  # the type picks among records sharing an id
    ],
)
def test_resolves_to_one_record(loaded_2021: Driver, text, type, expected):
    found = resolve(loaded_2021, text, type=type)
    assert found.match is not None, found
    assert (found.match.type, found.match.id) == expected
    assert found.candidates == (found.match,)
    assert found.suggestions == ()


def test_an_exact_id_wins_over_names(loaded_2021: Driver):
    # "cybercrime" is the id of the phenomenon and also its English name
    found = resolve(loaded_2021, "cybercrime")
    assert found.match is not None and found.match.id == "cybercrime"


def test_the_name_comes_in_the_language_asked_else_finnish(loaded_2021: Driver):
    sv = resolve(loaded_2021, "POHA", lang="sv").match
    assert sv is not None and (sv.name, sv.lang) == ("Polisstyrelsen", "sv")
    # the money-laundering phenomenon has no Swedish name
    fi = resolve(loaded_2021, "money-laundering", lang="sv").match
    assert fi is not None and (fi.name, fi.lang) == ("Rahanpesu", "fi")


def test_records_sharing_an_id_are_candidates_and_resolve_to_it(loaded_2021: Driver):
    found = resolve(loaded_2021, "SM")
    assert found.match is None
    assert {(c.type, c.id) for c in found.candidates} == {
        ("organisations", "SM"),
        ("branches", "SM"),
    }
    assert resolved_id(loaded_2021, "SM") == "SM"


def test_ambiguous_input_lists_the_candidates(loaded_2021: Driver):
    # two measures' titles hold "rahanpesun"; neither is called just that
    found = resolve(loaded_2021, "rahanpesu", type="measures")
    assert found.match is None
    assert [c.id for c in found.candidates] == ["M44", "M47"]
    assert found.suggestions == ()
    with pytest.raises(Ambiguous) as raised:
        resolved_id(loaded_2021, "rahanpesu", type="measures")
    text = raised.value.text_in("en")
    for c in found.candidates:
        assert f"  {c.name} (Measure, {c.id})" in text
    assert "(Toimenpide, M44)" in raised.value.text_in("fi")
    assert "(Åtgärd, M44)" in raised.value.text_in("sv")


def test_a_whole_name_beats_a_name_that_holds_the_words(loaded_2021: Driver):
    # the phenomenon is called Rahanpesu; FIU's name and measures' titles hold the word
    found = resolve(loaded_2021, "rahanpesun")
    assert found.match is not None and found.match.id == "money-laundering"
    # among organisations only, FIU's name holds the word and nothing is called that
    fiu = resolve(loaded_2021, "rahanpesun", type="organisations").match
    assert fiu is not None and fiu.id == "FIU"


def test_nothing_found_suggests_up_to_three(loaded_2021: Driver):
    found = resolve(loaded_2021, "rahanpsu", type="phenomena")
    assert found.match is None and found.candidates == ()
    assert 1 <= len(found.suggestions) <= 3
    assert found.suggestions[0].id == "money-laundering"
    with pytest.raises(NotFound) as raised:
        resolved_id(loaded_2021, "rahanpsu", type="phenomena")
    assert "Rahanpesu (Phenomenon, money-laundering)" in raised.value.text_in("en")
    assert "Rahanpesu (Ilmiö, money-laundering)" in raised.value.text_in("fi")


def test_a_prefix_is_a_suggestion_not_a_match(loaded_2021: Driver):
    found = resolve(loaded_2021, "kyber", type="phenomena")
    assert found.match is None and found.candidates == ()
    assert found.suggestions[0].id == "cybercrime"
    # across every type, the phenomenon spelt most like it comes first too
    assert resolve(loaded_2021, "kyber").suggestions[0].id == "cybercrime"


def test_gibberish_may_suggest_nothing(loaded_2021: Driver):
    with pytest.raises(NotFound):
        resolved_id(loaded_2021, "qqqqqqqqqqqqzzzzz", type="themes")


@pytest.mark.parametrize(
    ("text", "type"), [("", None), ("   ", None), ("SM", "ministries"), ("SM", "organisation")]
)
def test_bad_input_is_a_clear_error(loaded_2021: Driver, text, type):
    with pytest.raises(BadArgument):
        resolve(loaded_2021, text, type=type)


# --- the API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(loaded_2021: Driver, neo4j_target):
    with client(loaded_2021, neo4j_target.settings()) as c:
        yield c


def test_api_resolves_a_name(api):
    response = api.get("/api/v1/resolve", params={"q": "Polisstyrelsen", "lang": "sv"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "match"
    assert body["match"] == {
        "id": "POHA",
        "type": "organisations",
        "name": "Polisstyrelsen",
        "lang": "sv",
        "page": "/organisations/POHA",
    }
    assert body["candidates"] == {"data": [body["match"]], "count": 1}
    assert body["suggestions"] == {"data": [], "count": 0}


def test_api_resolves_an_inflected_form_of_a_type(api):
    body = api.get("/api/v1/resolve", params={"q": "rahanpesun", "type": "phenomena"}).json()
    assert body["match"]["id"] == "money-laundering"


def test_api_lists_candidates_and_suggestions(api):
    body = api.get("/api/v1/resolve", params={"q": "rahanpesu", "type": "measures"}).json()
    assert body["outcome"] == "ambiguous" and body["match"] is None
    assert [c["id"] for c in body["candidates"]["data"]] == ["M44", "M47"]
    body = api.get("/api/v1/resolve", params={"q": "rahanpseu"}).json()
    assert body["outcome"] == "not_found"
    assert body["candidates"]["count"] == 0
    assert 1 <= body["suggestions"]["count"] <= 3
    assert body["suggestions"]["data"][0]["id"] == "money-laundering"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "SM", "type": "x"}, "type")],
)
def test_api_refuses_bad_input_naming_the_parameter(api, params, parameter):
    response = api.get("/api/v1/resolve", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["parameter"] == parameter


# --- the commands ----------------------------------------------------------------------


def test_who_addresses_takes_an_inflected_name(loaded_2021: Driver, turva):
    by_name = turva("who-addresses", "rahanpesun", "--format", "json")
    assert by_name.code == 0, by_name.stderr
    by_id = turva("who-addresses", "money-laundering", "--format", "json")
    assert by_name.stdout == by_id.stdout
    assert '"money-laundering"' in by_name.stdout
    # the table names what was asked about, in the command's language, the id beside it
    table = turva("--lang", "fi", "who-addresses", "rahanpesun", env={"COLUMNS": "200"})
    assert table.stdout.splitlines()[0].startswith("Rahanpesu (money-laundering) · kausi 2021")


def test_profile_and_path_take_names_and_abbreviations(loaded_2021: Driver, turva):
    by_name = turva("profile", "Poliisihallitus", "--format", "json")
    assert by_name.code == 0, by_name.stderr
    assert by_name.stdout == turva("profile", "POHA", "--format", "json").stdout
    path = turva("path", "sisäministeriö", "National Police Board")
    assert path.code == 0, path.stderr
    assert "SM -> POHA" in path.stdout


def test_an_ambiguous_name_lists_the_candidates_and_exits_1(loaded_2021: Driver, turva):
    result = turva("path", "SM", "ministry")
    assert result.code == 1
    assert "'ministry' fits" in result.stderr
    # every ministry is a candidate: its name, its type and its id
    assert "Ministry of the Interior (Organisation, SM)" in result.stderr
    assert "Ministry of Justice (Organisation, OM)" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_match_suggests_in_the_commands_language(loaded_2021: Driver, turva):
    result = turva("who-addresses", "rahanpseu")
    assert result.code == 1
    assert "unknown phenomenon 'rahanpseu'; did you mean:" in result.stderr
    assert "Money laundering (Phenomenon, money-laundering)" in result.stderr
    fi = turva("--lang", "fi", "who-addresses", "rahanpseu")
    assert fi.code == 1
    assert "Rahanpesu (Ilmiö, money-laundering)" in fi.stderr


def test_map_id_takes_a_name(loaded_2021: Driver, turva, tmp_path):
    out = tmp_path / "map.json"
    result = turva("map", "phenomenon", "--id", "rahanpesun", "-o", str(out))
    assert result.code == 0, result.stderr
    assert '"money-laundering"' in out.read_text(encoding="utf-8")


def test_help_texts_follow_the_language(turva):
    result = turva("--lang", "fi", "who-addresses", "--help")
    assert result.code == 0, result.stderr
    assert "Ilmiö: sen tunniste tai nimi" in result.stdout
