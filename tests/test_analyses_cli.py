"""The analysis commands as a user runs them: every command, every format, bad input.

``--format json`` must print exactly the documented JSON, which the Python API gives
(its answers are checked against the oracle and by hand in the other test modules).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from neo4j import Driver

from turva.queries import Analyses
from turva.queries.tables import (
    ReadableTable,
    TableOptions,
    names_for,
    neutralise,
    readable_tables,
)

AS_OF = "2025-07-01"

# command line -> how the Python API computes the same result
COMMANDS: dict[str, tuple[list[str], Any]] = {
    "who-addresses": (
        ["who-addresses", "money-laundering"],
        lambda a: a.who_addresses("money-laundering"),
    ),
    "gaps": (["gaps", "--as-of", AS_OF], lambda a: a.gaps(as_of=dt.date(2025, 7, 1))),
    "overlaps": (
        ["overlaps", "--min-branches", "4", "--min-groups", "2"],
        lambda a: a.overlaps(min_branches=4, min_groups=2),
    ),
    "coverage": (["coverage"], lambda a: a.coverage()),
    "profile": (["profile", "FIU"], lambda a: a.profile("FIU")),
    "path": (["path", "SM", "MLL"], lambda a: a.path("SM", "MLL")),
    "changes": (["changes", "2021", "2021"], lambda a: a.changes(2021, 2021)),
    "what-if": (
        ["what-if", "POHA", "--as-of", AS_OF],
        lambda a: a.what_if(["POHA"], as_of=dt.date(2025, 7, 1)),
    ),
    "goal-progress": (
        ["goal-progress", "--as-of", AS_OF],
        lambda a: a.goal_progress(dt.date(2025, 7, 1)),
    ),
    "attention": (
        ["attention", "--as-of", AS_OF],
        lambda a: a.attention(dt.date(2025, 7, 1)),
    ),
}


def _expected(command: str, driver: Driver) -> Any:
    """The analysis behind ``command``, computed in-process: what the CLI must print."""
    _, compute = COMMANDS[command]
    return compute(Analyses(driver))


def _printed(turva, command: str, *options: str) -> str:
    """What ``turva <command> <options>`` prints; it must succeed."""
    args, _ = COMMANDS[command]
    result = turva(*args, *options)
    assert result.code == 0, result.stderr
    return result.stdout  # type: ignore[no-any-return]


@pytest.mark.parametrize("command", COMMANDS)
def test_json_is_the_documented_json(command: str, loaded_2021: Driver, turva) -> None:
    printed = _printed(turva, command, "--format", "json")
    assert json.loads(printed) == _expected(command, loaded_2021).model_dump(mode="json")


def _readable(command: str, driver: Driver) -> list[ReadableTable]:
    """The tables the CLI must print for ``command`` (in English, names looked up)."""
    expected = _expected(command, driver)
    options = TableOptions(lang="en", names=names_for(driver, expected, "en"))
    return readable_tables(expected, None, options)


def _csv_text(cell: Any) -> str:
    return "" if cell is None else cell.isoformat() if isinstance(cell, dt.date) else str(cell)


@pytest.mark.parametrize("command", COMMANDS)
def test_csv_has_every_section_with_its_header(command: str, loaded_2021: Driver, turva) -> None:
    # one section: its own table; several: one table, first column Section (its title)
    parts = _readable(command, loaded_2021)
    header, *rows = list(csv.reader(io.StringIO(_printed(turva, command, "--format", "csv"))))
    if len(parts) == 1:
        (part,) = parts
        assert tuple(header) == part.header
        assert rows == [[_csv_text(neutralise(c)) for c in row] for row in part.rows]
        return
    assert header[0] == "Section"
    for part in parts:
        mine = [dict(zip(header, row, strict=True)) for row in rows if row[0] == part.title]
        assert len(mine) == len(part.rows), part.name
        assert set(part.header) <= set(header)
        for got, want in zip(mine, part.dicts(), strict=True):
            assert {h: got[h] for h in part.header} == {
                h: _csv_text(neutralise(v)) for h, v in want.items()
            }


@pytest.mark.parametrize("command", COMMANDS)
def test_markdown_has_a_table_per_section(command: str, loaded_2021: Driver, turva) -> None:
    printed = _printed(turva, command, "--format", "md")
    for part in _readable(command, loaded_2021):
        assert f"## {part.title}" in printed
        if part.rows:
            assert "| " + " | ".join(part.header) + " |" in printed
        else:
            assert f"## {part.title}\n\n_none_" in printed


@pytest.mark.parametrize("command", COMMANDS)
def test_table_is_the_default(command: str, loaded_2021: Driver, turva) -> None:
    printed = _printed(turva, command)
    assert "┃" in printed or "none" in printed
    assert not printed.lstrip().startswith("{")


def test_table_shows_what_the_yaml_says(loaded_2021: Driver, turva) -> None:
    who = turva("who-addresses", "money-laundering").stdout
    fiu = next(line for line in who.splitlines() if " FIU " in line)
    assert "M47" in fiu and "SM" in fiu
    assert "period 2021" in who
    gaps = turva("gaps", "--as-of", AS_OF, "--section", "measures_without_owner").stdout
    assert "M26" in gaps and "M62" in gaps
    assert "Overdue" not in gaps  # only the section asked for
    path = turva("path", "SM", "MLL").stdout
    assert "length 2" in path and "M12" in path


def test_table_shows_names_words_and_sources_in_the_language(loaded_2021: Driver, turva) -> None:
    fi = turva("--lang", "fi", "profile", "FIU", "--section", "organisation").stdout
    assert "Rahanpesun selvittelykeskus" in fi and "virasto" in fi
    assert "havainnollistava" in fi and "Lähde" in fi
    en = turva("profile", "FIU", "--section", "measures").stdout
    assert "Measure, id" in en and "Source" in en and "illustrative" in en
    assert "ongoing" in en or "planned" in en


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["who-addresses", "no-such-phenomenon"], "unknown phenomenon 'no-such-phenomenon'"),
        (["profile", "Nobody"], "unknown organisation 'Nobody'"),
        (["path", "SM", "Nobody"], "unknown organisation 'Nobody'"),
        (
            ["gaps", "--period", "2019"],
            "no priority groups for period 2019; periods in the graph: 2021",
        ),
        (["who-addresses", "money-laundering", "--period", "1999"], "period 1999"),
        (["changes", "2021", "2023"], "period 2023"),
        (["gaps", "--as-of", "2025-13-01"], "--as-of must be a date YYYY-MM-DD"),
        (["gaps", "--as-of", "tomorrow"], "--as-of must be a date YYYY-MM-DD"),
        (["overlaps", "--section", "nope"], "unknown section 'nope'"),
    ],
)
def test_bad_arguments_give_a_clear_error(
    args: list[str], message: str, loaded_2021: Driver, turva
) -> None:
    result = turva(*args)
    assert result.code == 1
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["overlaps", "--min-branches", "0"],
        ["gaps", "--period", "abc"],
        ["coverage", "--format", "xml"],
    ],
)
def test_malformed_options_are_usage_errors(args: list[str], loaded_2021: Driver, turva) -> None:
    result = turva(*args)
    assert result.code == 2
    assert "Invalid value" in result.stderr
    assert "Traceback" not in result.stderr
