"""`turva neo4j start|stop|status` and `turva serve`."""

from __future__ import annotations

from pathlib import Path

import typer

from turva.api.cli.common import app, driver_session, settings, stderr, stdout
from turva.api.cli.language import _, help_text
from turva.graph.domain.schema import apply_schema
from turva.graph.server.connection import local_server
from turva.graph.server.managed import legacy_store_moves

neo4j_app = typer.Typer(
    help=help_text("Manage the local Neo4j server (used when NEO4J_URI is unset).")
)
app.add_typer(neo4j_app, name="neo4j")


def _local():
    config = settings()
    if config.neo4j_uri:
        stderr.print(
            _(
                "note: NEO4J_URI is set (%(uri)s), so turva uses that server, "
                "not the local one managed here."
            )
            % {"uri": config.neo4j_uri}
        )
    return local_server(config)


@neo4j_app.command(
    "start", help=help_text("Start the local Neo4j (fetched from Maven Central on first use).")
)
def neo4j_start() -> None:
    """Start the local Neo4j (fetched from Maven Central on first use)."""
    server = _local()
    if server.start():
        text = _("local Neo4j started at %(uri)s (data in %(home)s)")
    else:
        text = _("local Neo4j already running at %(uri)s (data in %(home)s)")
    stdout.print(text % {"uri": server.uri, "home": server.home})


@neo4j_app.command("stop", help=help_text("Shut the local Neo4j down cleanly."))
def neo4j_stop() -> None:
    """Shut the local Neo4j down cleanly."""
    server = _local()
    stdout.print(_("local Neo4j stopped") if server.stop() else _("local Neo4j was not running"))


@neo4j_app.command(
    "status", help=help_text("Whether the local Neo4j runs, its pid, port and data folder.")
)
def neo4j_status() -> None:
    """Whether the local Neo4j runs, its pid, port and data folder."""
    status = _local().status()
    if status.running:
        state = _("local Neo4j %(version)s: running (pid %(pid)s)")
    else:
        state = _("local Neo4j %(version)s: stopped")
    stdout.print(state % {"version": status.version, "pid": status.pid})
    stdout.print("  " + _("bolt: %(uri)s") % {"uri": status.uri or _("no port chosen yet")})
    stdout.print("  " + _("home: %(home)s") % {"home": status.home})
    moves = legacy_store_moves(Path.home(), status.home)
    if moves and Path.home().resolve() != status.home:
        stderr.print(
            _(
                "note: an earlier turva left a Neo4j store in your home folder (%(home)s): "
                "server.json, password and data/databases. turva no longer uses it and will "
                "not touch it. To keep that graph, stop it and move it into TURVA_HOME with:"
            )
            % {"home": Path.home()},
            highlight=False,
        )
        for line in moves:
            stderr.print(f"  {line}", highlight=False, markup=False)
        stderr.print(
            _(
                "then remove the emptied conf/, run/ and logs/ folders if nothing else of "
                "yours is in them."
            ),
            highlight=False,
        )
    if not status.running:
        raise typer.Exit(3)


@app.command(help=help_text("Serve the HTTP API and the web pages."))
def serve(
    host: str = typer.Option("127.0.0.1", help=help_text("Address to listen on.")),
    port: int = typer.Option(8000, help=help_text("Port to listen on.")),
) -> None:
    """Serve the HTTP API and the web pages."""
    import uvicorn

    from turva.api.main import create_app

    config = settings()
    # fail here, with the fix, if Neo4j is unreachable; the service then opens its own
    # driver with short time-outs, so that an outage later gives quick 503s
    with driver_session(config) as driver:
        apply_schema(driver, config.neo4j_database)
    stdout.print(_("turva: serving on %(url)s (Ctrl-C stops)") % {"url": f"http://{host}:{port}"})
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


@neo4j_app.command(
    "fetch", help=help_text("Fetch Neo4j's jars from Maven Central into the cache (done once).")
)
def neo4j_fetch() -> None:
    """Fetch Neo4j's jars from Maven Central into the cache (done once)."""
    from turva.graph.server.managed import NEO4J_VERSION, fetch_neo4j

    config = settings()
    lib = fetch_neo4j(config.cache)
    stdout.print(
        _("Neo4j %(version)s is in %(folder)s") % {"version": NEO4J_VERSION, "folder": lib}
    )
