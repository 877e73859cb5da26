"""Analysis results as tables: the CLI and the API give the same bytes, and spreadsheets
opening them run no formula.

Every analysis is rendered by ``turva.queries.tables``; ``turva X --format csv|md`` and
``GET /api/v1/...?format=csv|md`` must be byte-identical on the same graph.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from tests.api_client import client
from tests.conftest import TURVA, Neo4jTarget
from turva.queries import Analyses
from turva.queries.results import Connection, Coverage, CoverageRow, PathNode
from turva.queries.tables import neutralise, table, to_csv

AS_OF = "2025-07-01"

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
    api, target: Neo4jTarget, cwd: Path, name: str, fmt: str, media_type: str, **request: Any
) -> bytes:
    """Analysis ``name`` from the CLI in ``fmt`` and from the API (asked with ``request``):
    both succeed with the same bytes, which it returns."""
    args, path, _, _ = ANALYSES[name]
    cli = run_cli(target, cwd, *args, "--format", fmt)
    assert cli.returncode == 0, cli.stderr.decode()
    response = api.get(path, **request)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert cli.stdout == response.content
    return cli.stdout


@pytest.mark.parametrize("name", ANALYSES)
def test_csv_from_the_cli_and_the_api_are_the_same_bytes(
    name: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    _, _, params, compute = ANALYSES[name]
    asked = {"params": {**params, "format": "csv"}}
    table = same_bytes(api, neo4j_target, tmp_path, name, "csv", "text/csv", **asked)
    # and it is the documented table: one section plain, several stacked under `section`
    expected = compute(Analyses(loaded_2021))
    rows = list(csv.reader(io.StringIO(table.decode("utf-8"))))
    columns = expected.columns()
    if len(columns) == 1:
        ((section, header),) = columns.items()
        assert tuple(rows[0]) == header
        assert len(rows) - 1 == len(expected.tables()[section])
    else:
        assert rows[0][0] == "section"
        for header in columns.values():
            assert set(header) <= set(rows[0])
        counted = {s: sum(1 for r in rows[1:] if r[0] == s) for s in columns}
        assert counted == {s: len(t) for s, t in expected.tables().items()}


@pytest.mark.parametrize("name", ["profile", "coverage"])
def test_markdown_from_the_cli_and_the_api_are_the_same_bytes(
    name: str, loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    asked = {"params": ANALYSES[name][2], "headers": {"Accept": "text/markdown"}}
    table = same_bytes(api, neo4j_target, tmp_path, name, "md", "text/markdown", **asked)
    assert table.startswith(b"## ")


def test_one_section_is_the_same_plain_csv_from_both(
    loaded_2021: Driver, api, neo4j_target: Neo4jTarget, tmp_path: Path
) -> None:
    cli = run_cli(
        neo4j_target,
        tmp_path,
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
        params={"as_of": AS_OF, "section": "overdue_measures"},
        headers={"Accept": "text/csv"},
    )
    assert cli.stdout == response.content
    assert response.headers["content-disposition"] == 'attachment; filename="gaps.csv"'
    rows = list(csv.DictReader(io.StringIO(cli.stdout.decode())))
    assert {"id": "M08", "end": "2025-06-30"} in rows


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
    assert to_csv(coverage) == "phenomenon,SM,OM\np,-3,0\n"
    connection = Connection(
        a="x", b="y", length=1, path=[PathNode(type="Organisation", id="x", name="-3")]
    )
    assert to_csv(connection).splitlines()[1] == "0,Organisation,x,'-3"


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
            cli = run_cli(neo4j_target, tmp_path, *args, "-f", "csv")
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
