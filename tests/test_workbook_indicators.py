"""Indicators, observations and goal targets in workbooks (docs/spreadsheet.md).

People who keep their data in a spreadsheet keep the monitoring data there too: an
indicators sheet, an observations sheet and the target columns of the goals sheet, in
Finnish, Swedish or English. A document goes to a workbook and back unchanged, every
mistake in the new cells is named by its cell, and a workbook made before these sheets
existed still reads.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import openpyxl
import pytest
from neo4j import Driver

from tests.api_client import client, token
from tests.conftest import Neo4jTarget, count_nodes, wipe
from turva.graph.domain.formats import decode_document, format_named
from turva.graph.domain.workbook import written_in
from turva.graph.errors import ValidationFailed
from turva.graph.store.documents import export_bytes, import_bytes, import_document
from turva.graph.store.load import load_document

XLSX = format_named("xlsx")
CSV_ZIP = format_named("csv.zip")
YAML = format_named("yaml")

DOC: dict[str, Any] = {
    "format": "turva/1",
    "phenomena": [
        {"id": "online-fraud", "name": {"fi": "Verkkopetokset", "en": "Online fraud"}},
        {"id": "violence", "name": {"fi": "Väkivalta", "sv": "Våld"}},
    ],
    "indicators": [
        {
            "id": "reported-fraud",
            "name": {"fi": "Ilmoitetut petokset", "sv": "Anmälda bedrägerier", "en": "Frauds"},
            "unit": {"fi": "tapausta", "en": "cases"},
            "direction": "decrease",
            "phenomena": ["online-fraud"],
            "source": "https://pxdata.stat.fi/",
        },
        {
            "id": "felt-safe",
            "name": {"fi": "Turvalliseksi kokevat"},
            "direction": "increase",
            "phenomena": ["online-fraud", "violence"],
            "source": "illustrative",
        },
    ],
    "goals": [
        {
            "id": "G1",
            "text": {"fi": "Petoksia on vähemmän"},
            "targets": ["online-fraud"],
            "target": {
                "indicator": "reported-fraud",
                "baseline_year": 2020,
                "baseline": 14000,
                "year": 2027,
                "value": 10000.5,
            },
        },
        {"id": "G2", "text": {"fi": "Ilman tavoitearvoa"}, "targets": ["violence"]},
    ],
    "observations": [
        {"indicator": "felt-safe", "year": 2021, "value": -0.25},
        {"indicator": "reported-fraud", "year": 2020, "value": 14000, "source": "Tilastokeskus"},
        {"indicator": "reported-fraud", "year": 2021, "value": 2.0},
    ],
}


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _book(doc: dict[str, Any] = DOC, lang: str = "fi") -> openpyxl.Workbook:
    with written_in(lang):
        return openpyxl.load_workbook(io.BytesIO(XLSX.write(doc)))


def _problems(raw: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        decode_document(raw, XLSX, name="x")
    return caught.value


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


# --- the round trip --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("fmt", [XLSX, CSV_ZIP], ids=["xlsx", "csv.zip"])
def test_indicators_observations_and_targets_come_back_unchanged(fmt: Any, lang: str) -> None:
    with written_in(lang):
        raw = fmt.write(DOC)
    assert decode_document(raw, fmt) == DOC


@pytest.mark.parametrize(
    ("lang", "sheets", "direction", "target_header"),
    [
        (
            "fi",
            ("Indikaattorit", "Havainnot", "Tavoitteet"),
            ("pienempi on parempi", "suurempi on parempi"),
            ["Tavoitteen indikaattori", "Lähtötason vuosi", "Lähtötaso", "Tavoitevuosi"],
        ),
        (
            "sv",
            ("Indikatorer", "Observationer", "Mål"),
            ("lägre är bättre", "högre är bättre"),
            ["Målets indikator", "Basår", "Utgångsnivå", "Målår"],
        ),
        (
            "en",
            ("Indicators", "Observations", "Goals"),
            ("lower is better", "higher is better"),
            ["Target indicator", "Baseline year", "Baseline", "Target year"],
        ),
    ],
)
def test_the_new_sheets_and_columns_read_as_a_person_expects(
    lang: str, sheets: tuple[str, str, str], direction: tuple[str, str], target_header: list[str]
) -> None:
    book = _book(lang=lang)
    indicators, observations, goals = (book[name] for name in sheets)
    # the indicators right after the phenomena they measure, their values next to them
    assert book.sheetnames.index(sheets[0]) == book.sheetnames.index(sheets[1]) - 1
    rows = _rows(indicators)
    assert rows[1][0] == "reported-fraud" and rows[1][7] == direction[0]
    assert rows[2][7] == direction[1] and rows[2][8] == "online-fraud; violence"
    assert _rows(observations)[1:] == [
        ("felt-safe", 2021, -0.25, None),
        ("reported-fraud", 2020, 14000, "Tilastokeskus"),
        ("reported-fraud", 2021, "2.0", None),  # a whole decimal stays a decimal
    ]
    header = _rows(goals)[0]
    start = header.index(target_header[0])
    assert list(header[start : start + 4]) == target_header
    assert _rows(goals)[1][start : start + 5] == ("reported-fraud", 2020, 14000, 2027, 10000.5)


def test_a_graph_with_indicators_round_trips_through_workbooks(empty_graph: Driver) -> None:
    load_document(empty_graph, copy.deepcopy(DOC))
    original = export_bytes(empty_graph, YAML, history=False)
    assert b"reported-fraud/" not in original and b"baseline_year: 2020" in original
    for fmt, lang in ((XLSX, "sv"), (CSV_ZIP, "en"), (XLSX, "fi")):
        with written_in(lang):
            raw = export_bytes(empty_graph, fmt)
        wipe(empty_graph)
        import_bytes(empty_graph, raw, fmt, who="test")
        assert export_bytes(empty_graph, YAML, history=False) == original, (fmt.name, lang)


def test_names_stand_for_ids_and_words_of_any_language_are_read() -> None:
    book = _book()
    book["Havainnot"]["A2"] = "Turvalliseksi kokevat"  # the indicator by its name
    book["Tavoitteet"]["K2"] = "frauds"  # by its English name, in any case
    book["Indikaattorit"]["H2"] = "decrease"  # the code
    book["Indikaattorit"]["H3"] = "Högre är bättre"  # the Swedish word
    book["Indikaattorit"]["I2"] = "Verkkopetokset"  # a phenomenon by its name
    assert decode_document(_saved(book), XLSX) == DOC


def test_a_workbook_made_before_indicators_still_reads() -> None:
    old = copy.deepcopy(DOC)
    del old["indicators"], old["observations"], old["goals"][0]["target"]
    book = _book(old)
    del book["Indikaattorit"], book["Havainnot"]
    goals = book["Tavoitteet"]
    goals.delete_cols(11, 5)  # the target columns, as in a workbook of 2025
    assert [c.value for c in goals[1]][-2:] == ["Määräaika", "Lähde"]
    assert decode_document(_saved(book), XLSX) == old


def test_observations_alone_merge_into_the_graphs_indicators(empty_graph: Driver) -> None:
    load_document(empty_graph, copy.deepcopy(DOC))
    book = _book()
    for name in list(book.sheetnames):
        if name not in ("Ohjeet", "Havainnot"):
            del book[name]
    observations = book["Havainnot"]
    observations.delete_rows(2, 3)
    observations.append(["reported-fraud", 2022, 11000, "Tilastokeskus"])
    import_document(empty_graph, decode_document(_saved(book), XLSX), who="test")
    back = decode_document(export_bytes(empty_graph, XLSX, history=False), XLSX)
    assert back["observations"] == [
        *DOC["observations"],
        {"indicator": "reported-fraud", "year": 2022, "value": 11000, "source": "Tilastokeskus"},
    ]


# --- errors ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken() -> ValidationFailed:
    book = _book()
    observations = book["Havainnot"]
    observations["A2"] = "ei tällaista indikaattoria"  # neither an id nor a name
    observations["B3"] = "viime vuosi"  # text in the year column
    observations["C3"] = ".inf"  # not a finite number
    observations["C4"] = "paljon"  # text in the value column
    observations.append(["felt-safe", 1800, 1e16])  # a year and a value out of range
    observations.append(["felt-safe", 2021.5, 1])  # a year that is not whole
    indicators = book["Indikaattorit"]
    indicators["H2"] = "pienemi on parempi"  # a typo of a direction word
    indicators["H3"] = "sivuttain"  # no direction at all
    goals = book["Tavoitteet"]
    goals["N2"] = 2019  # the target year before the baseline year
    goals["K3"] = "felt-safe"  # a target of one cell only
    return _problems(_saved(book))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fi",
            [
                "Indikaattorit!H2: tuntematon suunta 'pienemi on parempi' "
                "(tarkoititko 'pienempi on parempi'?)",
                "Indikaattorit!H3: tuntematon suunta 'sivuttain'; käytä jotakin näistä: "
                "pienempi on parempi, suurempi on parempi",
                "Havainnot!A2: tuntematon indikaattori 'ei tällaista indikaattoria'",
                "Havainnot!B3: odotettiin lukua, saatiin 'viime vuosi'",
                "Havainnot!C3: odotettiin äärellistä lukua, saatiin '.inf'",
                "Havainnot!C4: odotettiin lukua, saatiin 'paljon'",
                "Havainnot!B5: arvon on oltava vähintään 1900; saatiin 1800",
                "Havainnot!C5: arvon on oltava enintään 1000000000000000",
                "Havainnot!B6: odotettiin kokonaislukua, saatiin '2021.5'",
                "Tavoitteet!N2: tavoitevuoden 2019 on oltava lähtötason vuoden 2020 jälkeen",
                "Tavoitteet!L3: pakollinen solu on tyhjä",
                "Tavoitteet!O3: pakollinen solu on tyhjä",
            ],
        ),
        (
            "en",
            [
                "Indikaattorit!H2: unknown direction 'pienemi on parempi' "
                "(did you mean 'pienempi on parempi'?)",
                "Indikaattorit!H3: unknown direction 'sivuttain'; use one of "
                "pienempi on parempi, suurempi on parempi",
                "Havainnot!A2: unknown indicator 'ei tällaista indikaattoria'",
                "Havainnot!B3: expected a number, got 'viime vuosi'",
                "Havainnot!C3: expected a finite number, got '.inf'",
                "Havainnot!C4: expected a number, got 'paljon'",
                "Havainnot!B5: input should be greater than or equal to 1900; got 1800",
                "Havainnot!C5: input should be less than or equal to 1000000000000000",
                "Havainnot!B6: expected a whole number, got '2021.5'",
                "Tavoitteet!N2: the target year 2019 must be after the baseline year 2020",
                "Tavoitteet!L3: required cell is empty",
                "Tavoitteet!O3: required cell is empty",
            ],
        ),
    ],
)
def test_every_new_error_names_its_sheet_row_and_column(
    broken: ValidationFailed, lang: str, expected: list[str]
) -> None:
    text = broken.text_in(lang)
    for line in expected:
        assert line in text, (line, text)


def test_swedish_sheets_are_named_as_they_are_in_the_file() -> None:
    book = _book(lang="sv")
    book["Observationer"]["C2"] = "mycket"
    book["Indikatorer"]["H3"] = "uppåt"
    text = _problems(_saved(book)).text_in("sv")
    assert "Observationer!C2: ett tal förväntades, fick 'mycket'" in text
    assert "Indikatorer!H3: okänd riktning 'uppåt'" in text


def test_the_load_names_the_cells_of_what_it_finds_and_writes_nothing(
    empty_graph: Driver,
) -> None:
    book = _book()
    observations = book["Havainnot"]
    observations.append(["Frauds", 2020, 13999])  # a second value for 2020, by name
    observations.append(["no-such-indicator", 2021, 1])  # an id neither here nor in the graph
    book["Tavoitteet"]["K2"] = "gone"  # the same for a target
    with pytest.raises(ValidationFailed) as caught:
        import_document(empty_graph, decode_document(_saved(book), XLSX), who="test")
    text = caught.value.text_in("en")
    assert (
        "Havainnot!B5: a second observation of indicator 'reported-fraud' for 2020 "
        "(first at Havainnot!A3): keep one value a year"
    ) in text
    assert "Havainnot!A6: unknown indicator 'no-such-indicator'" in text
    assert "Tavoitteet!K2: unknown indicator 'gone'" in text
    assert count_nodes(empty_graph) == 0


def test_the_template_offers_the_new_sheets_with_pick_lists() -> None:
    with written_in("fi"):
        book = openpyxl.load_workbook(io.BytesIO(XLSX.write({"format": "turva/1"})))
    indicators = book["Indikaattorit"]
    header = [c.value for c in indicators[1]]
    assert header[7:9] == ["Suunta", "Mitattavat ilmiöt"]
    lists = {str(dv.sqref): dv.formula1 for dv in indicators.data_validations.dataValidation}
    assert lists["H2:H1048576"] == '"pienempi on parempi,suurempi on parempi"'
    assert lists["I2:I1048576"] == "'Ilmiöt'!$A$2:$A$20000"
    observations = book["Havainnot"]
    assert [c.value for c in observations[1]] == ["Indikaattori", "Vuosi", "Arvo", "Lähde"]
    lists = {str(dv.sqref): dv.formula1 for dv in observations.data_validations.dataValidation}
    assert lists["A2:A1048576"] == "Indikaattorit!$A$2:$A$20000"
    instructions = " ".join(str(r[0].value) for r in book["Ohjeet"].iter_rows())
    assert "Havainnot: yksi rivi kutakin indikaattoria ja vuotta kohden" in instructions


def test_the_api_takes_and_gives_monitoring_data_in_workbooks(
    empty_graph: Driver, neo4j_target: Neo4jTarget
) -> None:
    book = _book(lang="en")
    book["Observations"]["C3"] = "lots"
    with client(empty_graph, neo4j_target.settings()) as api:
        headers = {
            "Content-Type": XLSX.media_type,
            "Authorization": f"Bearer {token(empty_graph, 'admin')}",
        }
        before = count_nodes(empty_graph)  # the token's own nodes
        answer = api.post("/api/v1/import", content=_saved(book), headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "Observations!C3" in answer.text and "'lots'" in answer.text
        assert count_nodes(empty_graph) == before
        with written_in("sv"):
            raw = XLSX.write(DOC)
        answer = api.post("/api/v1/import", content=raw, headers=headers)
        assert answer.status_code == 200, answer.text
        exported = api.get("/api/v1/export", params={"format": "xlsx", "history": "false"})
        assert exported.status_code == 200
        by_id = sorted(DOC["indicators"], key=lambda record: record["id"])  # as exported
        assert decode_document(exported.content, XLSX) == {**DOC, "indicators": by_id}
