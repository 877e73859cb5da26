"""Workbooks in and out: turva/1 as ``.xlsx`` and ``.csv.zip`` (docs/spreadsheet.md).

A workbook is exported, opened with openpyxl as Excel would, edited, and loaded back:
the round trip is byte-identical in YAML, the template has its instructions, headers and
pick lists, headers in Swedish and English read, and every error names its cell
(``Toimenpiteet!E12``) in the reader's language, with nothing written.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from neo4j import Driver

from tests.api_client import client, token
from tests.conftest import Neo4jTarget, count_nodes, wipe
from tests.random_graphs import random_document
from turva.graph.domain.formats import decode_document, format_named
from turva.graph.domain.workbook import written_in
from turva.graph.errors import ValidationFailed
from turva.graph.messages import gettext_for
from turva.graph.store.documents import export_bytes, import_bytes, import_document
from turva.graph.store.load import load_document

XLSX = format_named("xlsx")
CSV_ZIP = format_named("csv.zip")
YAML = format_named("yaml")
FINNISH = {"TURVA_LANG": None, "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problems(raw: bytes, fmt=XLSX) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        decode_document(raw, fmt, name="x")
    return caught.value


# --- the round trip --------------------------------------------------------------------


def test_2021_round_trips_through_xlsx_and_csv_zip_byte_for_byte(
    graph_2021: Driver, turva, tmp_path: Path
) -> None:
    assert turva("export", "original.yaml", "--no-history").code == 0
    original = (tmp_path / "original.yaml").read_bytes()
    exported = turva("export", "book.xlsx", env=FINNISH)
    assert exported.code == 0, exported.stderr
    assert openpyxl.load_workbook(tmp_path / "book.xlsx").sheetnames[0] == "Ohjeet"
    wipe(graph_2021)
    loaded = turva("load", "book.xlsx")
    assert loaded.code == 0, loaded.stderr
    assert turva("export", "back.yaml", "--no-history").code == 0
    assert (tmp_path / "back.yaml").read_bytes() == original
    # the same sheets as CSV files (in process: the same service as the command's)
    raw = export_bytes(graph_2021, CSV_ZIP)
    wipe(graph_2021)
    import_bytes(graph_2021, raw, CSV_ZIP, who="test")
    assert export_bytes(graph_2021, YAML, history=False) == original


@pytest.mark.parametrize("seed", [3, 11])
def test_a_random_graph_round_trips_in_both_formats(empty_graph: Driver, seed: int) -> None:
    load_document(empty_graph, random_document(seed))
    original = export_bytes(empty_graph, YAML, history=False)
    for fmt, lang in ((XLSX, "fi"), (CSV_ZIP, "sv")):
        with written_in(lang):
            raw = export_bytes(empty_graph, fmt)
        wipe(empty_graph)
        import_bytes(empty_graph, raw, fmt, who="test")
        assert export_bytes(empty_graph, YAML, history=False) == original, fmt.name


def test_whole_floats_names_and_odd_texts_come_back_as_they_were() -> None:
    doc = {
        "format": "turva/1",
        "themes": [{"id": "t1", "name": {"fi": "=SUM(A1)", "sv": "'citat", "en": "a_x0041_\x0b"}}],
        "measures": [
            {
                "id": "m1",
                "title": {"fi": "-5"},
                "status": "done",
                "responsible": [],
                "addresses": [],
                "resources": {"eur": 3, "person_years": 2.0},
            }
        ],
    }
    for fmt in (XLSX, CSV_ZIP):
        assert decode_document(fmt.write(doc), fmt) == doc


# --- the template ----------------------------------------------------------------------


def test_the_template_has_instructions_headers_and_pick_lists(turva, tmp_path: Path) -> None:
    result = turva("template", "-o", "tyhja.xlsx", env=FINNISH)
    assert result.code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "tyhja.xlsx")
    assert book.sheetnames[0] == "Ohjeet"
    assert "Toimenpiteet" in book.sheetnames and "Vastuutahot" in book.sheetnames
    assert "tunnus tai nimi" in " ".join(str(r[0].value) for r in book["Ohjeet"].iter_rows())
    measures = book["Toimenpiteet"]
    header = [c.value for c in measures[1]]
    assert header[:5] == ["Tunnus", "Otsikko (fi)", "Otsikko (sv)", "Otsikko (en)", "Tila"]
    assert measures.max_row == 1  # no rows: a form to fill in
    lists = {str(dv.sqref): dv.formula1 for dv in measures.data_validations.dataValidation}
    assert lists["E2:E1048576"] == '"suunniteltu,käynnissä,valmis,peruttu"'
    assert lists["F2:F1048576"] == "'Ilmiöt'!$A$2:$A$20000"  # ids on the phenomena sheet
    responsible = book["Vastuutahot"]
    lists = {str(dv.sqref): dv.formula1 for dv in responsible.data_validations.dataValidation}
    assert lists["B2:B1048576"] == "Organisaatiot!$A$2:$A$20000"
    lead, partner = (gettext_for("fi")(word) for word in ("lead", "partner"))
    assert lists["C2:C1048576"] == f'"{lead},{partner}"'  # lead, partner in Finnish
    # an English one on asking, and the empty template reads as an empty document
    assert turva("--lang", "en", "template", "-o", "empty.xlsx").code == 0
    english = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert english.sheetnames[:3] == ["Instructions", "Document", "Themes"]
    raw = (tmp_path / "empty.xlsx").read_bytes()
    assert decode_document(raw, XLSX) == {"format": "turva/1"}


# --- headers in any language ----------------------------------------------------------


def test_sheets_and_headers_in_swedish_or_english_read_alike(dataset_2021: dict) -> None:
    for lang in ("sv", "en"):
        with written_in(lang):
            raw = XLSX.write(dataset_2021)
        assert decode_document(raw, XLSX) == dataset_2021, lang
    # Finnish sheet names with one sheet's header row in English
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    with written_in("en"):
        english = openpyxl.load_workbook(io.BytesIO(XLSX.write({"format": "turva/1"})))
    for cell, word in zip(book["Toimenpiteet"][1], english["Measures"][1], strict=True):
        cell.value = word.value
    assert decode_document(_saved(book), XLSX) == dataset_2021


def test_names_stand_for_ids_in_reference_cells(dataset_2021: dict) -> None:
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    responsible = book["Vastuutahot"]
    row = next(r for r in responsible.iter_rows(min_row=2) if r[1].value == "POHA")
    row[1].value = "poliisihallitus"  # the Finnish name, in any case
    organisations = book["Organisaatiot"]
    krp = next(r for r in organisations.iter_rows(min_row=2) if r[0].value == "KRP")
    krp[7].value = "National Police Board"  # the parent by its English name
    measures = book["Toimenpiteet"]
    cell = next(r[5] for r in measures.iter_rows(min_row=2) if "polarisation" in r[5].value)
    cell.value = cell.value.replace("polarisation", "Polarisaatio")
    assert decode_document(_saved(book), XLSX) == dataset_2021


# --- errors ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken(dataset_2021: dict) -> ValidationFailed:
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    measures = book["Toimenpiteet"]
    measures["E12"] = "käynissä"  # a typo of an enumeration word
    measures["J5"] = "paljon"  # text in a number column
    measures["H6"] = "2021-02-30"  # no such day
    measures["K7"] = ".inf"  # not a finite number
    measures["A9"] = measures["A8"].value  # a duplicate id
    measures["B11"] = None  # a required cell left empty
    measures["F10"] = "ei tällaista ilmiötä"  # a name no record has
    book["Teemat"]["E1"] = "Source"  # a header row in two languages
    goals = book["Tavoitteet"]
    goals.cell(1, goals.max_column + 1, "Huomautus")  # an unknown column (Q1)
    book.create_sheet("Muistiinpanot")  # an unknown sheet
    return _problems(_saved(book))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fi",
            [
                "Toimenpiteet!E12: tuntematon tila 'käynissä' (tarkoititko 'käynnissä'?)",
                "Toimenpiteet!J5: odotettiin lukua, saatiin 'paljon'",
                "Toimenpiteet!H6: '2021-02-30' ei ole kalenterin päivä",
                "Toimenpiteet!K7: odotettiin äärellistä lukua, saatiin '.inf'",
                "Toimenpiteet!A9: tunniste",
                "Toimenpiteet!B11: pakollinen solu on tyhjä",
                "Toimenpiteet!F10: tuntematon ilmiö 'ei tällaista ilmiötä'",
                "Teemat!A1: otsikkorivillä on useita kieliä (E1 'Source')",
                "Tavoitteet!Q1: tuntematon sarake 'Huomautus'; tämän välilehden sarakkeet ovat "
                "Tunnus, Teksti (fi)",
                "Muistiinpanot: tuntematon välilehti 'Muistiinpanot'",
            ],
        ),
        (
            "en",
            [
                "Toimenpiteet!E12: unknown status 'käynissä' (did you mean 'käynnissä'?)",
                "Toimenpiteet!J5: expected a number, got 'paljon'",
                "Toimenpiteet!H6: '2021-02-30' is no day of the calendar",
                "Toimenpiteet!K7: expected a finite number, got '.inf'",
                "Toimenpiteet!A9: duplicate measure id 'M07' (first at Toimenpiteet!A8)",
                "Toimenpiteet!B11: required cell is empty",
                "Toimenpiteet!F10: unknown phenomenon 'ei tällaista ilmiötä'",
                "Teemat!A1: the header row mixes languages (E1 'Source')",
                "Tavoitteet!Q1: unknown column 'Huomautus'; the columns of this sheet are "
                "Tunnus, Teksti (fi)",
                "Muistiinpanot: unknown sheet 'Muistiinpanot'; a turva/1 workbook has the "
                "sheets Ohjeet, Asiakirja, Teemat",
            ],
        ),
    ],
)
def test_every_error_names_its_cell_in_the_readers_language(
    broken: ValidationFailed, lang: str, expected: list[str]
) -> None:
    text = broken.text_in(lang)
    for line in expected:
        assert line in text, (line, text)


def test_english_sheets_are_named_in_english_errors(dataset_2021: dict) -> None:
    with written_in("en"):
        book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    book["Measures"]["E12"] = "runing"
    problems = _problems(_saved(book))
    assert "Measures!E12: unknown status 'runing'" in problems.text_in("en")
    assert "Measures!E12: tuntematon tila 'runing'" in problems.text_in("fi")


def test_an_ambiguous_name_is_an_error(dataset_2021: dict) -> None:
    doc = {
        **dataset_2021,
        "themes": [*dataset_2021["themes"], {"id": "twin", "name": {"fi": "Kaksonen"}}],
    }
    doc["themes"].append({"id": "twin2", "name": {"fi": "kaksonen"}})
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(doc)))
    phenomena = book["Ilmiöt"]
    phenomena["H2"] = "Kaksonen"  # the themes column of the first phenomenon
    text = _problems(_saved(book)).text_in("en")
    assert "Ilmiöt!H2: 'Kaksonen' is the name of several records (theme twin, twin2)" in text


def test_csv_zip_errors_name_the_file_and_cell_too(dataset_2021: dict) -> None:
    raw = CSV_ZIP.write(dataset_2021)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    text = files["Toimenpiteet.csv"].decode("utf-8-sig")
    assert text.startswith("Tunnus,Otsikko (fi)")
    files["Toimenpiteet.csv"] = ("\ufeff" + text.replace(",käynnissä,", ",käynisä,", 1)).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    message = _problems(out.getvalue(), CSV_ZIP).text_in("en")
    assert "Toimenpiteet!E" in message and "unknown status 'käynisä'" in message


def test_nothing_is_written_when_a_workbook_has_errors(
    empty_graph: Driver, turva, tmp_path: Path, dataset_2021: dict
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    book["Toimenpiteet"]["E12"] = "käynissä"
    (tmp_path / "virhe.xlsx").write_bytes(_saved(book))
    result = turva("load", "virhe.xlsx", env={"TURVA_LANG": "fi"})
    assert result.code == 1
    assert (
        "Toimenpiteet!E12: tuntematon tila 'käynissä' (tarkoititko 'käynnissä'?)" in result.stderr
    )
    assert count_nodes(empty_graph) == 0
    # an id no record in the workbook nor in the graph has: found by the load, named by cell
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    book["Toimenpiteet"]["F5"] = "kyber-xyz"
    with pytest.raises(ValidationFailed) as caught:
        import_document(empty_graph, decode_document(_saved(book), XLSX), who="test")
    assert "Toimenpiteet!F5: unknown phenomenon 'kyber-xyz'" in caught.value.text_in("en")
    book = openpyxl.load_workbook(io.BytesIO(XLSX.write(dataset_2021)))
    book["Toimenpiteet"]["H2"], book["Toimenpiteet"]["I2"] = "2030-01-01", "2020-01-01"
    with pytest.raises(ValidationFailed) as caught:
        import_document(empty_graph, decode_document(_saved(book), XLSX), who="test")
    expected = "Toimenpiteet!I2: end 2020-01-01 is before start 2030-01-01"
    assert expected in caught.value.text_in("en")
    assert count_nodes(empty_graph) == 0


def test_the_api_exports_and_imports_workbooks(
    empty_graph: Driver, neo4j_target: Neo4jTarget, dataset_2021: dict
) -> None:
    load_document(empty_graph, dataset_2021)
    with client(empty_graph, neo4j_target.settings()) as api:
        response = api.get("/api/v1/export", params={"format": "xlsx", "history": "false"})
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX.media_type
        secret = token(empty_graph, "admin")
        answer = api.post(
            "/api/v1/import",
            params={"dry_run": "true"},
            content=response.content,
            headers={"Content-Type": XLSX.media_type, "Authorization": f"Bearer {secret}"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["updated"]["measures"] == 74
