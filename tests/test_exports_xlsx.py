"""Spreadsheet exports: every analysis as an ``.xlsx`` workbook a civil servant opens.

The workbook is opened with openpyxl as Excel would: a sheet per section named by its
title in the chosen language, a header row in that language that stays in view (frozen)
with an autofilter, ids and names in separate columns, enum codes as words, the source
of each record, dates as dates and numbers as numbers, no formula anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from neo4j import Driver
from openpyxl.worksheet.worksheet import Worksheet

from tests.api_client import client
from tests.conftest import Neo4jTarget
from turva.graph.domain.xlsx import MEDIA_TYPE, Sheet, read_workbook, sheet_name, workbook

AS_OF = "2025-07-01"
GAPS = "/api/v1/analysis/gaps"


@pytest.fixture(scope="module")
def api(loaded_2021: Driver, neo4j_target: Neo4jTarget):
    with client(loaded_2021, neo4j_target.settings()) as c:
        yield c


def _book(api, path: str, **params: Any) -> openpyxl.Workbook:
    response = api.get(path, params={"format": "xlsx", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _header(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def _records(ws: Worksheet) -> list[dict[str, Any]]:
    header = _header(ws)
    return [
        dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)
    ]


def test_a_sheet_per_section_named_and_headed_in_the_language(api) -> None:
    fi = _book(api, GAPS, as_of=AS_OF)
    en = _book(api, GAPS, as_of=AS_OF, lang="en")
    assert len(fi.worksheets) == len(en.worksheets) == 8
    assert en.sheetnames[0] == "Phenomena without measures"
    assert "Overdue measures" in en.sheetnames
    assert fi.sheetnames[en.sheetnames.index("Overdue measures")] == "Myöhässä olevat toimenpiteet"
    assert all(len(name) <= 31 for name in fi.sheetnames + en.sheetnames)
    overdue_en = en["Overdue measures"]
    assert _header(overdue_en) == ["Measure, id", "Measure", "End", "Source"]
    overdue_fi = fi.worksheets[en.sheetnames.index("Overdue measures")]
    assert _header(overdue_fi) == ["Toimenpide, tunniste", "Toimenpide", "Päättyy", "Lähde"]


def test_every_sheet_has_a_frozen_bold_header_an_autofilter_and_fitting_widths(api) -> None:
    for ws in _book(api, GAPS, as_of=AS_OF, lang="sv").worksheets:
        assert ws.freeze_panes == "A2", ws.title
        columns = len(_header(ws))
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(columns)}{ws.max_row}"
        assert all(c.font.bold for c in ws[1])
        for i, heading in enumerate(_header(ws), start=1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
            assert min(len(heading), 58) < width <= 62, (ws.title, heading, width)


def test_ids_and_names_side_by_side_enum_words_and_sources(api) -> None:
    book = _book(api, "/api/v1/organisations/FIU/profile", lang="en")
    organisation = _records(book["Organisation"])[0]
    assert organisation["Organisation, id"] == "FIU"
    assert organisation["Organisation"] == "Financial Intelligence Unit"
    assert organisation["Kind"] == "agency"
    assert organisation["Administrative branch, id"] == "SM"
    assert organisation["Administrative branch"] == "Ministry of the Interior branch"
    assert organisation["Part of, id"] == "KRP"
    assert organisation["Source"] == "illustrative"
    measures = _records(book["Measures"])
    assert measures and {m["Status"] for m in measures} <= {"planned", "ongoing", "done"}
    assert {m["Role"] for m in measures} <= {"lead", "partner"}
    assert all(m["Measure"] and m["Measure, id"].startswith("M") for m in measures)
    fi = _records(_book(api, "/api/v1/organisations/FIU/profile")["Toimenpiteet"])
    assert {m["Tila"] for m in fi} <= {"suunniteltu", "käynnissä", "valmis"}
    assert {m["Lähde"] for m in fi} == {"havainnollistava"}
    # several ids in one cell, their names beside them joined by "; "
    overlaps = _book(api, "/api/v1/analysis/overlaps", lang="en", min_branches=2, min_groups=2)
    pairs = _records(overlaps["Overlapping priority groups"])
    several = next(p for p in pairs if len(p["Shared members, id"].split()) > 1)
    members = several["Shared members"].split("; ")
    assert len(members) == len(several["Shared members, id"].split())
    assert all(members) and set(members).isdisjoint(several["Shared members, id"].split())


def test_dates_are_dates_and_numbers_are_numbers(api) -> None:
    overdue = _book(api, GAPS, as_of=AS_OF, lang="en", section="overdue_measures")
    assert overdue.sheetnames == ["Overdue measures"]
    ws = overdue.active
    ends = [row[2] for row in ws.iter_rows(min_row=2)]
    assert ends and all(c.is_date for c in ends)
    assert dt.date(2025, 6, 30) in [c.value.date() for c in ends]
    coverage = _book(api, "/api/v1/analysis/coverage", lang="en").active
    counts = [c for row in coverage.iter_rows(min_row=2, min_col=3) for c in row[:-1]]
    assert counts and all(c.data_type == "n" and isinstance(c.value, int) for c in counts)
    overlaps = _book(api, "/api/v1/analysis/overlaps", lang="en", min_branches=2, min_groups=2)[
        "Overlapping priority groups"
    ]
    jaccard = [r["Jaccard index"] for r in _records(overlaps)]
    assert jaccard and all(isinstance(j, float | int) for j in jaccard)


def test_no_cell_is_a_formula(empty_graph: Driver, neo4j_target: Neo4jTarget) -> None:
    from turva.graph.store.load import load_document

    load_document(
        empty_graph,
        {
            "format": "turva/1",
            "organisations": [
                {"id": "EQ", "name": {"fi": '=HYPERLINK("http://x.invalid")'}, "kind": "ngo"},
                {"id": "AT", "name": {"fi": "@SUM(A1)"}, "kind": "ngo", "parent": "EQ"},
            ],
        },
    )
    with client(empty_graph, neo4j_target.settings()) as api:
        book = _book(api, "/api/v1/organisations/AT/profile")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'@SUM(A1)" in values and '\'=HYPERLINK("http://x.invalid")' in values


def test_the_workbook_writer_alone() -> None:
    sheets = [
        Sheet("Mittaukset: [a/b]?", ("Id", "Päivä", "Euroa"), [("M1", dt.date(2025, 1, 2), 1.5)]),
        Sheet("mittaukset  a b", ("Id",), []),
        Sheet("x" * 40, ("Teksti",), [("=1+1",), ("rivi\x01",)]),
    ]
    data = workbook(sheets)
    assert data == workbook(sheets)  # the same sheets, the same bytes
    back = read_workbook(data)
    assert [s.name for s in back] == ["Mittaukset a b", "mittaukset a b (2)", "x" * 30 + "…"]
    assert back[0].header == ("Id", "Päivä", "Euroa")
    assert back[0].rows == [("M1", dt.date(2025, 1, 2), 1.5)]
    assert back[1].rows == []
    assert back[2].rows == [("'=1+1",), ("rivi",)]
    assert sheet_name("'quoted'", set()) == "quoted"
    assert len(read_workbook(workbook([]))) == 1
