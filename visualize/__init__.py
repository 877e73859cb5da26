"""Network maps of the cooperation: subgraphs into networkx, analytics, offline pyvis maps.

The usual path is :func:`visualize.views.read_map` (a view's subgraph from Neo4j into a
typed networkx graph), then :func:`visualize.export.export_map` (HTML, GraphML, GEXF,
JSON or PNG). :mod:`visualize.analytics` holds the network measures,
:mod:`visualize.render` the interactive HTML, :mod:`visualize.layout` the seeded layouts
and :mod:`visualize.style` the one look every format shares.
"""

from turva.visualize.export import MEDIA_TYPES, export_map, format_of, write_map
from turva.visualize.views import FORMATS, ID_VIEWS, VIEW_FILTERS, VIEWS, MapRequest, read_map

__all__ = [
    "FORMATS",
    "ID_VIEWS",
    "MEDIA_TYPES",
    "VIEWS",
    "VIEW_FILTERS",
    "MapRequest",
    "export_map",
    "format_of",
    "read_map",
    "write_map",
]
