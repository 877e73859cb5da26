"""Maps from a view's graph: as bytes or a file in any format, or as a web-page fragment.

The one way out of ``turva.visualize``: :func:`export_map` styles the graph once
(:func:`turva.visualize.styled.styled_map`) and hands the styled map to the writer of
the format asked for, one module each: ``write_html`` (interactive, offline),
``write_graphml``, ``write_gexf`` (for Gephi), ``write_json`` (node-link) and
``write_png``. Every format carries the same nodes, edges, analytics (degree,
betweenness, community, broker) and looks.

>>> format_of("maps/sm.gexf")
'gexf'
>>> FORMATS
('html', 'graphml', 'gexf', 'json', 'png')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
from markupsafe import Markup

from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.visualize.styled import StyledMap, illustrative_shares, styled_map
from turva.visualize.write_gexf import gexf_bytes
from turva.visualize.write_graphml import graphml_bytes
from turva.visualize.write_html import html_bytes, html_fragment
from turva.visualize.write_json import json_bytes
from turva.visualize.write_png import png_bytes

__all__ = [
    "map_section",
    "FORMATS",
    "MEDIA_TYPES",
    "WRITERS",
    "format_of",
    "export_map",
    "write_map",
    "map_fragment",
]

#: the writer of each format: a styled map in, the file's bytes out
WRITERS: dict[str, Callable[[StyledMap], bytes]] = {
    "html": html_bytes,
    "graphml": graphml_bytes,
    "gexf": gexf_bytes,
    "json": json_bytes,
    "png": png_bytes,
}
FORMATS = tuple(WRITERS)
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "png": "image/png",
}


def format_of(path: str | Path) -> str:
    """The export format named by a file's extension; a clear error for any other.

    Examples
    --------
    >>> format_of("x.PNG")
    'png'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BadArgument.said(
            N_(
                "output file %(path)r: the extension must be one of %(formats)s "
                "(it picks the format)"
            ),
            path=str(path),
            formats=", ".join("." + f for f in FORMATS),
        )
    return suffix


def export_map(graph: nx.Graph, fmt: str, base_url: str = "", lang: str | None = None) -> bytes:
    """The map of a view's graph in format ``fmt`` (html, graphml, gexf, json, png).

    ``base_url`` prefixes the links a click opens (e.g. ``http://127.0.0.1:8000``); leave
    it empty for maps served by the web UI itself. ``lang`` defaults to the graph's.

    Examples
    --------
    >>> g = nx.Graph(view="overview", lang="en")
    >>> g.add_node("theme:T1", type="theme", id="T1")
    >>> export_map(g, "json")[:1], export_map(g, "html")[:15]
    (b'{', b'<!doctype html>')
    """
    if fmt not in WRITERS:
        raise BadArgument.said(
            N_("format must be one of %(formats)s, not %(fmt)r"),
            formats=", ".join(FORMATS),
            fmt=fmt,
        )
    # the browser lays out small maps itself: the HTML needs no server layout for them
    styled = styled_map(graph, lang=lang, base_url=base_url, positions=fmt != "html")
    return WRITERS[fmt](styled)


def write_map(
    graph: nx.Graph, path: str | Path, base_url: str = "", lang: str | None = None
) -> str:
    """Write the map to ``path`` in the format its extension names; returns the format."""
    fmt = format_of(path)
    Path(path).write_bytes(export_map(graph, fmt, base_url=base_url, lang=lang))
    return fmt


def map_section(
    graph: nx.Graph, base_url: str = "", lang: str | None = None
) -> tuple[Markup, list[tuple[int, int, str]]]:
    """:func:`map_fragment` and the map's illustrative shares
    (:func:`turva.visualize.styled.illustrative_shares`), for a page's banner."""
    styled = styled_map(graph, lang=lang, base_url=base_url, positions=False)
    return html_fragment(styled), illustrative_shares(styled)


def map_fragment(graph: nx.Graph, base_url: str = "", lang: str | None = None) -> Markup:
    """The map as an HTML fragment (heading, legend, canvas, script) for a web page.

    The page must load vis-network first: the web UI serves the vendored copy from
    :data:`turva.visualize.write_html.ASSETS`.
    """
    return html_fragment(styled_map(graph, lang=lang, base_url=base_url, positions=False))
