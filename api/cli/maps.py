"""``turva map``: write a network map to a file (HTML, GraphML, GEXF, JSON or PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from turva.api.cli.common import app, driver_session, settings, stderr
from turva.api.cli.language import _, ngettext
from turva.visualize.views import VIEWS, MapRequest, read_map

__all__ = ["map_command"]

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@app.command("map")
def map_command(
    view: Annotated[str, typer.Argument(help=f"the view: {', '.join(VIEWS)}", show_default=False)],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="the file to write; its extension picks the format: "
            ".html, .graphml, .gexf, .json or .png",
            show_default=False,
        ),
    ],
    id: Annotated[
        str | None,
        typer.Option(
            "--id", help="the priority group, phenomenon or organisation the map is about"
        ),
    ] = None,
    period: Annotated[
        int | None, typer.Option(help="keep the priority groups of this period (a year)")
    ] = None,
    theme: Annotated[str | None, typer.Option(help="keep phenomena of this theme (id)")] = None,
    branch: Annotated[
        str | None, typer.Option(help="keep organisations of this administrative branch (id)")
    ] = None,
    group: Annotated[
        str | None, typer.Option(help="keep phenomena in the scope of this priority group (id)")
    ] = None,
    radius: Annotated[
        int | None,
        typer.Option(help="phenomenon and organisation maps: steps from the centre, 1-3 [2]"),
    ] = None,
    lang: Annotated[str, typer.Option(help="language of the names and legend: fi, sv, en")] = "fi",
    base_url: Annotated[
        str, typer.Option(help="where the web UI runs: clicking a node opens its page there")
    ] = DEFAULT_BASE_URL,
) -> None:
    """Write a network map of VIEW to a file, e.g. `turva map who-works-on-what -o map.html`."""
    # the writers load pyvis and matplotlib: only the command that draws pays for them
    from turva.visualize.export import format_of, write_map

    request = MapRequest(
        view=view,
        id=id,
        period=period,
        theme=theme,
        branch=branch,
        group=group,
        radius=radius,
        lang=lang,
    )
    # refuse a bad view, filter or file name before connecting to anything
    request.check()
    format_of(output)
    config = settings()
    with driver_session(config) as driver:
        graph = read_map(driver, request, database=config.neo4j_database)
    fmt = write_map(graph, output, base_url=base_url, lang=lang)
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    stderr.print(
        _("wrote %(file)s (%(format)s: %(nodes)s, %(edges)s)")
        % {
            "file": output,
            "format": fmt,
            "nodes": ngettext("%(n)s node", "%(n)s nodes", nodes) % {"n": nodes},
            "edges": ngettext("%(n)s edge", "%(n)s edges", edges) % {"n": edges},
        }
    )
