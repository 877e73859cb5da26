"""The ``turva`` command imports only the module of the command it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from turva.api.cli import COMMAND_MODULES, load_commands


def _registered() -> dict[str, str]:
    app = load_commands()
    commands = {
        (c.name or c.callback.__name__): c.callback.__module__ for c in app.registered_commands
    }  # type: ignore[union-attr]
    groups = {
        g.name: g.typer_instance.registered_commands[0].callback.__module__  # type: ignore[union-attr]
        for g in app.registered_groups
    }
    return {**commands, **groups}


def test_the_table_of_command_modules_names_every_command_where_it_is() -> None:
    table = {name: module for module, names in COMMAND_MODULES.items() for name in names}
    registered = {name: module.rsplit(".", 1)[1] for name, module in _registered().items()}
    assert registered == table


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys; from turva.api.cli import load_commands; "
        f"load_commands({argv!r}); print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("argv", [["load", "x.json"], ["--lang", "fi", "load", "x.json"]])
def test_load_imports_neither_maps_nor_analyses(argv: list[str]) -> None:
    modules = _modules_after(argv)
    assert "turva.api.cli.data" in modules
    assert not {"networkx", "turva.api.cli.maps", "turva.api.cli.analyses"} & modules


@pytest.mark.parametrize("argv", [["--help"], ["lod"], []])
def test_help_and_typos_see_every_command(argv: list[str]) -> None:
    modules = _modules_after(argv)
    assert {f"turva.api.cli.{m}" for m in COMMAND_MODULES} <= modules


def test_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from turva.api.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "TURVA_LANG": "en", "PATH": "/usr/bin:/bin"},
    )
    for name in _registered():
        assert name in out.stdout, name
