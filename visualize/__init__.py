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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from turva.visualize.export import (
        FORMATS,
        MEDIA_TYPES,
        export_map,
        format_of,
        map_fragment,
        map_section,
        write_map,
    )
    from turva.visualize.style import text
    from turva.visualize.styled import StyledMap, styled_map
    from turva.visualize.views import ID_VIEWS, VIEW_FILTERS, VIEWS, MapRequest, read_map
    from turva.visualize.write_html import ASSETS

# Imported on first use: pyvis and matplotlib cost a command that draws no map (`turva
# load`) about 0.2 s of start-up.
_MODULE_OF = {
    "FORMATS": "export",
    "MEDIA_TYPES": "export",
    "export_map": "export",
    "format_of": "export",
    "map_fragment": "export",
    "map_section": "export",
    "write_map": "export",
    "text": "style",
    "StyledMap": "styled",
    "styled_map": "styled",
    "ID_VIEWS": "views",
    "VIEW_FILTERS": "views",
    "VIEWS": "views",
    "MapRequest": "views",
    "read_map": "views",
    "ASSETS": "write_html",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'turva.visualize' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"turva.visualize.{module}"), name)
    globals()[name] = value
    return value


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
    "map_section",
    "read_map",
    "styled_map",
    "text",
    "write_map",
]
