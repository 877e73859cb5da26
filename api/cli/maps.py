"""``turva map``: write a network map to a file (HTML, GraphML, GEXF, JSON or PNG)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from turva.api.cli.common import app, driver_session, settings, stderr
from turva.api.cli.language import _, help_text, ngettext
from turva.api.cli.resolving import record_id
from turva.visualize.views import VIEWS, MapRequest, read_map

__all__ = ["map_command"]

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
#: the resource type an id view's --id names
_ID_TYPES = {"group": "priority-groups", "phenomenon": "phenomena", "organisation": "organisations"}


@app.command(
    "map",
    help=help_text(
        "Write a network map of VIEW to a file, e.g. `turva map who-works-on-what -o map.html`."
    ),
)
def map_command(
    view: Annotated[
        str,
        typer.Argument(
            help=help_text("the view: %(views)s") % {"views": ", ".join(VIEWS)},
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=help_text(
                "the file to write; its extension picks the format: "
                ".html, .graphml, .gexf, .json or .png"
            ),
            show_default=False,
        ),
    ],
    id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help=help_text(
                "the priority group, phenomenon or organisation the map is about: its id, "
                "name (fi, sv or en; inflected forms too) or abbreviation"
            ),
        ),
    ] = None,
    # the map's filters: one Typer option each, alike in shape only
    period: Annotated[
        int | None,
        typer.Option(help=help_text("keep the priority groups of this period (a year)")),
    ] = None,
    theme: Annotated[
        str | None, typer.Option(help=help_text("keep phenomena of this theme (id)"))
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(help=help_text("keep organisations of this administrative branch (id)")),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(help=help_text("keep phenomena in the scope of this priority group (id)")),
    ] = None,
    radius: Annotated[
        int | None,
        typer.Option(
            help=help_text("phenomenon and organisation maps: steps from the centre, 1-3 [2]")
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option(help=help_text("language of the names and legend: fi, sv, en"))
    ] = "fi",
    base_url: Annotated[
        str,
        typer.Option(help=help_text("where the web UI runs: clicking a node opens its page there")),
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
        if request.id is not None and request.view in _ID_TYPES:
            # --id takes a name or an abbreviation too; the map is drawn for its id
            record = record_id(driver, request.id, _ID_TYPES[request.view], config.neo4j_database)
            request = dataclasses.replace(request, id=record)
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
