"""Analysis results as tables: the CLI and the API give the same bytes, and spreadsheets
opening them run no formula.

Every analysis is rendered by ``turva.queries.tables``; ``turva --lang L X --format
csv|md|xlsx [--csv-dialect D]`` and ``GET /api/v1/...?format=csv|md|xlsx&lang=L&dialect=D``
must be byte-identical on the same graph; headings, names and words are in ``L``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from neo4j import Driver

from tests.api_client import client
from tests.conftest import TURVA, Neo4jTarget
from turva.graph.domain.xlsx import MEDIA_TYPE as XLSX
from turva.graph.domain.xlsx import sheet_name
from turva.queries import Analyses
from turva.queries.results import Connection, Coverage, CoverageRow, PathNode
from turva.queries.tables import TableOptions, neutralise, readable_tables, table, to_csv

AS_OF = "2025-07-01"
CSV = "text/csv; charset=utf-8"

# name -> (CLI arguments, API path, API parameters, the result through the Python API)
ANALYSES: dict[str, tuple[list[str], str, dict[str, Any], Any]] = {
    "who-addresses": (
        ["who-addresses", "money-laundering"],
        "/api/v1/phenomena/money-laundering/actors",
        {},
        lambda a: a.who_addresses("money-laundering"),
    ),
    "gaps": (
        ["gaps", "--as-of", AS_OF],
        "/api/v1/analysis/gaps",
        {"as_of": AS_OF},
        lambda a: a.gaps(as_of=AS_OF),
    ),
    "overlaps": (
        ["overlaps", "--min-branches", "2", "--min-groups", "2"],
        "/api/v1/analysis/overlaps",
        {"min_branches": 2, "min_groups": 2},
        lambda a: a.overlaps(min_branches=2, min_groups=2),
    ),
    "coverage": (["coverage"], "/api/v1/analysis/coverage", {}, lambda a: a.coverage()),
    "profile": (
        ["profile", "FIU"],
        "/api/v1/organisations/FIU/profile",
        {},
        lambda a: a.profile("FIU"),
    ),
    "path": (
        ["path", "SM", "MLL"],
        "/api/v1/organisations/SM/path/MLL",
        {},
        lambda a: a.path("SM", "MLL"),
    ),
    "changes": (
        ["changes", "2021", "2021"],
        "/api/v1/analysis/changes",
        {"from": 2021, "to": 2021},
        lambda a: a.changes(2021, 2021),
    ),
    "what-if": (
        ["what-if", "POHA", "Kuntaliitto", "--as-of", AS_OF],
        "/api/v1/analysis/what-if",
        {"without": ["POHA", "Kuntaliitto"], "as_of": AS_OF},
        lambda a: a.what_if(["POHA", "Kuntaliitto"], as_of=AS_OF),
    ),
    "goal-progress": (
        ["goal-progress", "--as-of", AS_OF],
        "/api/v1/analysis/goal-progress",
        {"as_of": AS_OF},
        lambda a: a.goal_progress(AS_OF),
    ),
    "attention": (
        ["attention", "--as-of", AS_OF],
        "/api/v1/analysis/attention",
        {"as_of": AS_OF},
        lambda a: a.attention(AS_OF),
    ),
}


def run_cli(target: Neo4jTarget, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real ``turva`` command, its output as bytes (no newline or encoding changes)."""
    env = {
        **os.environ,
        **target.env(),
        "TURVA_HOME": str(cwd / "turva-home"),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(TURVA), *args], capture_output=True, env=env, cwd=cwd, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def api(loaded_2021: Driver, neo4j_target: Neo4jTarget):
    with client(loaded_2021, neo4j_target.settings()) as c:
        yield c


def same_bytes(
    api,
    target: Neo4jTarget,
    cwd: Path,
    name: str,
    fmt: str,
    media_type: str,
    cli_options: tuple[str, ...] = ("--lang", "fi"),
    **request: Any,
) -> bytes:
    """Analysis ``name`` from the CLI in ``fmt`` and from the API (asked with ``request``):
    both succeed with the same bytes, which it returns."""
    args, path, _, _ = ANALYSES[name]
    lang_and_all = [*cli_options[:2], *args, "--format", fmt, *cli_options[2:]]
    cli = run_cli(target, cwd, *lang_and_all)
    assert cli.returncode == 0, cli.stderr.decode()
    response = api.get(path, **request)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert cli.stdout == response.content
    return cli.stdout


def _headings(lang: str, section: str, expected: Any) -> list[str]:
    """The headings of ``section`` as the tables put them in ``lang``."""
    return list(readable_tables(expected, section, TableOptions(lang=lang))[0].header)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", ANALYSES)
def test_csv_from_the_cli_and_the_api_are_the_same_bytes(
    name: str, lang: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    _, _, params, compute = ANALYSES[name]
    asked = {"params": {**params, "format": "csv", "lang": lang}}
    table = same_bytes(api, neo4j_target, tmp_path, name, "csv", CSV, ("--lang", lang), **asked)
    # and it is the documented table: one section plain, several stacked under Section
    expected = compute(Analyses(loaded_2021))
    rows = list(csv.reader(io.StringIO(table.decode("utf-8"))))
    columns = expected.columns()
    if len(columns) == 1:
        ((section, _),) = columns.items()
        assert rows[0] == _headings(lang, section, expected)
        assert len(rows) - 1 == len(expected.tables()[section])
    else:
        assert rows[0][0] == {"fi": "Osio", "sv": "Avsnitt", "en": "Section"}[lang]
        titles = {
            s: readable_tables(expected, s, TableOptions(lang=lang))[0].title for s in columns
        }
        for section in columns:
            assert set(_headings(lang, section, expected)) <= set(rows[0])
        counted = {s: sum(1 for r in rows[1:] if r[0] == titles[s]) for s in columns}
        assert counted == {s: len(t) for s, t in expected.tables().items()}


@pytest.mark.parametrize("name", ANALYSES)
def test_excel_fi_csv_is_the_same_from_both_with_bom_semicolons_and_crlf(
    name: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    _, _, params, _ = ANALYSES[name]
    asked = {"params": {**params, "dialect": "excel-fi"}, "headers": {"Accept": "text/csv"}}
    excel_fi = ("--lang", "fi", "--csv-dialect", "excel-fi")
    table = same_bytes(api, neo4j_target, tmp_path, name, "csv", CSV, excel_fi, **asked)
    assert table.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 as UTF-8
    text = table.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    excel = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    # the same cells as the plain CSV, decimal commas aside
    plain = api.get(ANALYSES[name][1], params={**params, "format": "csv"}).text
    plain_rows = list(csv.reader(io.StringIO(plain)))
    assert len(excel) == len(plain_rows) and len(excel[0]) > 1
    for mine, theirs in zip(excel, plain_rows, strict=True):
        assert [c.replace(",", ".") if _decimal(c) else c for c in mine] == theirs


def _decimal(cell: str) -> bool:
    return bool(re.fullmatch(r"-?\d+,\d+(e-?\d+)?", cell))


def test_excel_fi_writes_decimal_commas(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    response = api.get(
        "/api/v1/analysis/overlaps",
        params={
            "format": "csv",
            "dialect": "excel-fi",
            "section": "group_overlaps",
            "min_branches": 2,
            "min_groups": 2,
        },
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows, response.text
    jaccard = [r["Jaccardin indeksi"] for r in rows]
    assert all("," in j and "." not in j for j in jaccard if j not in ("0", "1")), jaccard
    plain = api.get(
        "/api/v1/analysis/overlaps",
        params={
            "format": "csv",
            "section": "group_overlaps",
            "min_branches": 2,
            "min_groups": 2,
            "lang": "en",
        },
    )
    assert "." in next(csv.DictReader(io.StringIO(plain.text)))["Jaccard index"]


@pytest.mark.parametrize("name", ANALYSES)
def test_xlsx_from_the_cli_and_the_api_are_the_same_bytes(
    name: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    args, path, params, compute = ANALYSES[name]
    out = tmp_path / "out.xlsx"
    cli = run_cli(neo4j_target, tmp_path, "--lang", "sv", *args, "-f", "xlsx", "-o", str(out))
    assert cli.returncode == 0, cli.stderr.decode()
    response = api.get(path, params={**params, "lang": "sv"}, headers={"Accept": XLSX})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].endswith('.xlsx"')
    assert out.read_bytes() == response.content
    # a sheet per section, named by its Swedish title, with the same cells as the CSV
    expected = compute(Analyses(loaded_2021))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    parts = readable_tables(expected, None, TableOptions(lang="sv"))
    assert [ws.title for ws in book.worksheets] == [sheet_name(p.title, set()) for p in parts]
    csv_rows = api.get(path, params={**params, "lang": "sv", "format": "csv"}).text
    if len(parts) == 1:
        sheet_rows = [
            [
                "" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v))
                for v in row
            ]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
        assert sheet_rows == list(csv.reader(io.StringIO(csv_rows)))


@pytest.mark.parametrize("name", ["profile", "coverage"])
def test_markdown_from_the_cli_and_the_api_are_the_same_bytes(
    name: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    asked = {"params": ANALYSES[name][2], "headers": {"Accept": "text/markdown"}}
    table = same_bytes(
        api, neo4j_target, tmp_path, name, "md", "text/markdown; charset=utf-8", **asked
    )
    assert table.startswith(b"## ")


def test_one_section_is_the_same_plain_csv_from_both(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    cli = run_cli(
        neo4j_target,
        tmp_path,
        "--lang",
        "en",
        "gaps",
        "--as-of",
        AS_OF,
        "--section",
        "overdue_measures",
        "-f",
        "csv",
    )
    assert cli.returncode == 0, cli.stderr.decode()
    response = api.get(
        "/api/v1/analysis/gaps",
        params={"as_of": AS_OF, "section": "overdue_measures", "lang": "en"},
        headers={"Accept": "text/csv"},
    )
    assert cli.stdout == response.content
    assert response.headers["content-disposition"] == 'attachment; filename="gaps.csv"'
    rows = list(csv.DictReader(io.StringIO(cli.stdout.decode())))
    assert {
        "Measure, id": "M08",
        "Measure": "Guidance on the line between hate crime and free speech",
        "End": "2025-06-30",
        "Source": "illustrative",
    } in rows


def test_names_fall_back_to_finnish_and_sources_are_shown(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget
) -> None:
    # FIU has no Swedish name: its Finnish one; money laundering's source is a URL
    response = api.get(
        "/api/v1/phenomena/money-laundering/actors", params={"format": "csv", "lang": "sv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    fiu = next(r for r in rows if r["Aktör, identifierare"] == "FIU")
    assert fiu["Aktör"] == "Rahanpesun selvittelykeskus"
    assert fiu["Förvaltningsområde, identifierare"] == "SM"
    assert fiu["Förvaltningsområde"] == "inrikesministeriets förvaltningsområde"
    assert fiu["Källa"] == "illustrativ"
    profile = api.get("/api/v1/organisations/FIU/profile", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(profile.text)))
    measures = [r for r in rows if r["Osio"] == "Toimenpiteet"]
    assert measures and all(
        r["Tila"] in {"suunniteltu", "käynnissä", "valmis", "peruttu"} for r in measures
    )
    assert all(r["Toimenpide"] and r["Lähde"] == "havainnollistava" for r in measures)
    phenomena = api.get(
        "/api/v1/analysis/gaps",
        params={"format": "csv", "section": "unaddressed_phenomena", "lang": "en", "as_of": AS_OF},
    )
    sources = [r["Source"] for r in csv.DictReader(io.StringIO(phenomena.text))]
    assert any(s.startswith("https://") for s in sources) or not sources


def test_bad_table_parameters_are_422_naming_the_parameter(loaded_2021: Driver, api) -> None:
    for params in ({"format": "csv", "lang": "de"}, {"format": "csv", "dialect": "excel-se"}):
        response = api.get("/api/v1/analysis/coverage", params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        (name,) = set(params) - {"format"}
        assert name in response.text


def test_xlsx_is_not_printed_to_a_terminal(
    loaded_2021: Driver, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    import pty

    env = {
        **os.environ,
        **neo4j_target.env(),
        "TURVA_HOME": str(tmp_path / "turva-home"),
        "TURVA_LANG": "en",
    }
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [str(TURVA), "coverage", "-f", "xlsx"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 1
    message = " ".join(proc.stderr.decode().split())
    assert "binary file" in message and "-o FILE.xlsx" in message
    assert "Traceback" not in message


def test_a_table_file_takes_its_format_from_its_suffix(
    loaded_2021: Driver, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.xlsx"
    cli = run_cli(neo4j_target, tmp_path, "--lang", "en", "coverage", "-o", str(out))
    assert cli.returncode == 0, cli.stderr.decode() and cli.stdout == b""
    assert openpyxl.load_workbook(out).worksheets[0].title == "Coverage"
    cli = run_cli(neo4j_target, tmp_path, "--lang", "en", "coverage", "-o", "x.txt")
    assert cli.returncode == 1 and b"--output" in cli.stderr and b".xlsx" in cli.stderr


def test_coverage_has_a_total_that_counts_a_measure_of_two_branches_once(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    expected = Analyses(loaded_2021).coverage()
    response = api.get("/api/v1/analysis/coverage", params={"format": "csv", "lang": "en"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    total = "Active measures in all, including narrower phenomena"
    assert [int(r[total]) for r in rows] == [r.total for r in expected.rows]
    # a measure of two branches is in both branch columns but counted once in the total
    # (and a measure of no branch in none of them)
    for row in rows:
        assert max((int(row[b]) for b in expected.branches), default=0) <= int(row[total])
    # the CLI's table says which filter is on, by the branch's name
    cli = run_cli(neo4j_target, tmp_path, "--lang", "fi", "coverage", "--branch", "SM")
    assert cli.returncode == 0, cli.stderr.decode()
    first = cli.stdout.decode().splitlines()[0]
    assert "Hallinnonala: sisäministeriön hallinnonala (SM)" in first, first
    assert "Aktiivisia" in cli.stdout.decode()


# Python and pydantic read each of these as some day; turva reads YYYY-MM-DD only
NOT_DATES = ["2025-W27-2", "1751328000", "20250701", "2025-07-01T00:00", "2025-7-1"]


def test_a_date_is_read_the_same_way_by_the_cli_and_the_api(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    for as_of in NOT_DATES:
        response = api.get("/api/v1/analysis/gaps", params={"as_of": as_of})
        assert response.status_code == 422, as_of
        assert response.json()["errors"][0]["parameter"] == "as_of"
        assert "YYYY-MM-DD" in response.json()["detail"]
    for as_of in NOT_DATES[:2]:
        cli = run_cli(neo4j_target, tmp_path, "gaps", "--as-of", as_of)
        assert cli.returncode == 1, as_of
        assert b"--as-of must be a date YYYY-MM-DD" in cli.stderr


def test_an_unknown_section_is_refused_by_both(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    cli = run_cli(neo4j_target, tmp_path, "gaps", "--section", "nope", "-f", "csv")
    assert cli.returncode == 1 and cli.stdout == b""
    assert b"unknown section 'nope'" in cli.stderr
    response = api.get("/api/v1/analysis/gaps", params={"section": "nope", "format": "md"})
    assert response.status_code == 422
    assert "unknown section 'nope'" in response.json()["detail"]


# --- spreadsheet formulas ----------------------------------------------------------------


def test_text_that_a_spreadsheet_would_run_is_neutralised_but_numbers_stay_numbers() -> None:
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("safe = text") == "safe = text"
    assert neutralise(-3) == -3 and neutralise(-0.5) == -0.5 and neutralise(None) is None
    coverage = Coverage(
        branches=["SM", "OM"], rows=[CoverageRow(phenomenon="p", counts={"SM": -3, "OM": 0})]
    )
    english = TableOptions(lang="en")
    assert to_csv(coverage, None, english) == (
        '"Phenomenon, id",Phenomenon,SM,OM,'
        '"Active measures in all, including narrower phenomena",Source\np,,-3,0,0,\n'
    )
    connection = Connection(
        a="x", b="y", length=1, path=[PathNode(type="Organisation", id="x", name="-3")]
    )
    # without names looked up, a path step keeps the name the result carries
    assert to_csv(connection, None, english).splitlines()[1] == "0,Organisation,x,'-3,"


def test_stacked_table_puts_each_section_in_its_columns() -> None:
    from turva.queries.results import GroupRef, PeriodChanges

    changes = PeriodChanges(
        from_period=2021,
        to_period=2023,
        added_groups=[GroupRef(id="g", number=1)],
        removed_groups=[],
        entered_phenomena=["p"],
        left_phenomena=[],
        matched_groups=[],
    )
    flat = table(changes)
    assert flat.columns[:3] == ("section", "id", "number")
    assert flat.dicts() == [
        {**dict.fromkeys(flat.columns), "section": "added_groups", "id": "g", "number": 1},
        {**dict.fromkeys(flat.columns), "section": "entered_phenomena", "id": "p"},
    ]


FORMULAS = {
    "format": "turva/1",
    "organisations": [
        {"id": "EQ", "name": {"fi": '=HYPERLINK("http://example.invalid","x")'}, "kind": "ngo"},
        {"id": "PLUS", "name": {"fi": "+1+1"}, "kind": "ngo"},
        {"id": "AT", "name": {"fi": "@SUM(A1)"}, "kind": "ngo"},
        {"id": "MINUS", "name": {"fi": "-2+3"}, "kind": "ngo"},
        {"id": "TAB", "name": {"fi": "\tcmd"}, "kind": "ngo"},
    ],
    "phenomena": [{"id": "p", "name": {"fi": "ilmiö"}}],
    "measures": [
        {
            "id": "m",
            "title": {"fi": "=1+2"},
            "status": "ongoing",
            "responsible": [{"organisation": o, "role": "partner"} for o in ("EQ", "MINUS")],
            "addresses": ["p"],
        }
    ],
}


def test_a_downloaded_table_runs_no_formula_and_both_give_the_same_bytes(
    empty_graph: Driver, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    from turva.graph.store.load import load_document

    load_document(empty_graph, FORMULAS)
    with client(empty_graph, neo4j_target.settings()) as api:
        for args, path in [
            (["path", "EQ", "MINUS"], "/api/v1/organisations/EQ/path/MINUS"),
            (["profile", "TAB"], "/api/v1/organisations/TAB/profile"),
        ]:
            cli = run_cli(neo4j_target, tmp_path, "--lang", "fi", *args, "-f", "csv")
            assert cli.returncode == 0, cli.stderr.decode()
            assert cli.stdout == api.get(path, params={"format": "csv"}).content
            cells = [c for row in csv.reader(io.StringIO(cli.stdout.decode())) for c in row]
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
            if args[0] == "path":
                assert {"'" + FORMULAS["organisations"][0]["name"]["fi"], "'=1+2", "'-2+3"} <= set(
                    cells
                )
            else:
                assert "'\tcmd" in cells


# --- display names (turva.queries.names) ---------------------------------------------------


def test_names_of_gives_the_language_asked_else_finnish_with_the_source(
    graph_2021: Driver,
) -> None:
    from turva.queries.names import names_of

    names = names_of(graph_2021, ["SM", "FIU", "M08", "no-such-id"], "sv")
    assert set(names) == {"SM", "FIU", "M08"}
    # an id of two types: the organisation before its branch
    assert (names["SM"].type, names["SM"].text, names["SM"].lang) == (
        "organisations",
        "inrikesministeriet",
        "sv",
    )
    assert (names["FIU"].text, names["FIU"].lang) == ("Rahanpesun selvittelykeskus", "fi")
    assert names["FIU"].source == "illustrative" and names["FIU"].abbreviation == "FIU"
    assert names["M08"].type == "measures" and names["M08"].lang == "fi"
    branch = names_of(graph_2021, ["SM"], "en", types=["branches"])["SM"]
    assert (branch.type, branch.text) == ("branches", "Ministry of the Interior branch")
    assert branch.source and branch.source.startswith("https://")
    assert names_of(graph_2021, [], "fi") == {}
