"""What every CLI command shares: the app, settings, and a driver opened on demand."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from neo4j import Driver
from rich.console import Console

from turva.graph.server.connection import open_driver
from turva.graph.server.managed import LocalServer
from turva.graph.settings import Settings

__all__ = ["app", "stderr", "stdout", "settings", "driver_session", "announce_start"]

app = typer.Typer(
    name="turva",
    help="turva: the knowledge graph of Finland's national cooperation model "
    "for internal security.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


def settings() -> Settings:
    return Settings()


def announce_start(server: LocalServer) -> None:
    """The one line a user sees when a command had to start the local server."""
    stderr.print(
        f"turva: started the local Neo4j at {server.uri} (data in {server.home}); "
        "it keeps running, stop it with `turva neo4j stop`."
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
