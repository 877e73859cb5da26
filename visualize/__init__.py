"""Network maps of the cooperation: subgraphs into networkx, analytics, offline maps.

The usual path is :func:`read_map` (a view's subgraph from Neo4j into a typed networkx
graph), then :func:`export_map` or :func:`write_map` (HTML, GraphML, GEXF, JSON or PNG)
or :func:`map_fragment` (the map inside a web page). Inside, imports point one way,
each module using only those before it:

``views`` (what a view holds, from Neo4j) ◀ ``analytics`` (network measures) ◀
``style`` (colours, shapes, words) and ``layout`` (seeded positions) ◀ ``styled`` (the
one styled, laid-out map) ◀ ``write_html``, ``write_png``, ``write_graphml``,
``write_gexf``, ``write_json`` (one writer a format, each reading only the styled map)
◀ ``export`` (format by name or file extension).
"""

from turva.visualize.export import (
    FORMATS,
    MEDIA_TYPES,
    export_map,
    format_of,
    map_fragment,
    write_map,
)
from turva.visualize.style import text
from turva.visualize.styled import StyledMap, styled_map
from turva.visualize.views import ID_VIEWS, VIEW_FILTERS, VIEWS, MapRequest, read_map
from turva.visualize.write_html import ASSETS

__all__ = [
    "ASSETS",
    "FORMATS",
    "ID_VIEWS",
    "MEDIA_TYPES",
    "VIEWS",
    "VIEW_FILTERS",
    "MapRequest",
    "StyledMap",
    "export_map",
    "format_of",
    "map_fragment",
    "read_map",
    "styled_map",
    "text",
    "write_map",
]
