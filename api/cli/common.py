"""What every CLI command shares: the app, its language, settings, and a driver opened on demand."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
from neo4j import Driver
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from turva.api.cli.language import (
    _,
    command_line_lang,
    current_lang,
    help_text,
    speak_framework,
    use_lang,
)
from turva.graph.domain.validate import issues_from
from turva.graph.errors import BadArgument
from turva.graph.messages import N_, gettext_for
from turva.graph.server.connection import open_driver
from turva.graph.server.managed import LocalServer
from turva.graph.settings import Settings

__all__ = [
    "Lang",
    "app",
    "stderr",
    "stdout",
    "settings",
    "driver_session",
    "in_graph",
    "announce_start",
]

T = TypeVar("T")
R = TypeVar("R")

app = typer.Typer(
    name="turva",
    help=help_text(
        "turva: the knowledge graph of Finland's national cooperation model for internal security."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# `turva --lang fi --help` prints its help before any option's callback runs: Click and
# Typer speak the command line's language from the start (use_lang() sets it again)
speak_framework(command_line_lang())
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


class Lang(StrEnum):
    """The languages of ``--lang``."""

    fi = "fi"
    sv = "sv"
    en = "en"


@app.callback()
def _choose_lang(
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=help_text(
                "Language of tables and messages: fi, sv or en. Default: TURVA_LANG, "
                "else the locale (LC_ALL, LC_MESSAGES, LANG), else en. "
                "--format json prints the same in every language; csv, md and xlsx have "
                "headings and names in it."
            ),
        ),
    ] = None,
) -> None:
    use_lang(lang.value if lang else None)


def settings() -> Settings:
    """The settings from the environment; a bad variable is an error that names it."""
    try:
        return Settings()
    except ValidationError as e:
        # each problem in the command's language, named by its variable (TURVA_LANG...)
        gettext = gettext_for(current_lang())
        problems = "; ".join(issue.line(gettext) for issue in issues_from(e))
        raise BadArgument.said(
            N_("an environment variable has a value turva cannot use: %(problems)s"),
            problems=problems,
        ) from None


def announce_start(server: LocalServer) -> None:
    """The one line a user sees when a command had to start the local server."""
    stderr.print(
        _(
            "turva: started the local Neo4j at %(uri)s (data in %(home)s); "
            "it keeps running, stop it with `turva neo4j stop`."
        )
        % {"uri": server.uri, "home": server.home}
    )


@contextlib.contextmanager
def driver_session(config: Settings | None = None) -> Iterator[Driver]:
    """A driver for the configured Neo4j, closed afterwards."""
    config = config or settings()
    driver = open_driver(config, on_local_start=announce_start)
    try:
        yield driver
    finally:
        driver.close()


def in_graph(call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``call(driver, *args, **kwargs, database=...)`` on the configured Neo4j: a command's
    one store call, with the driver and the database the settings name."""
    config = settings()
    with driver_session(config) as driver:
        return call(driver, *args, database=config.neo4j_database, **kwargs)


def print_rows(
    rows: Sequence[R],
    *,
    as_json: bool,
    json_row: Callable[[R], Any],
    empty: str,
    headers: Sequence[str],
    cells: Callable[[R], Sequence[str]],
) -> bool:
    """Print a listing command's ``rows``: as JSON (each row as ``json_row`` makes it), or as
    a table of ``headers`` (a line of ``cells`` a row), or ``empty`` when there are none.

    Returns True when it printed a table (the caller may add a line under it).

    >>> print_rows([], as_json=True, json_row=dict, empty="", headers=(), cells=list)
    []
    False
    """
    if as_json:
        print(json.dumps([json_row(r) for r in rows], ensure_ascii=False, indent=2))
        return False
    if not rows:
        stdout.print(empty)
        return False
    table = Table(*headers)
    for r in rows:
        table.add_row(*cells(r))
    stdout.print(table)
    return True
