"""The analyses of the graph: one Cypher file each, run by :mod:`queries.runner`.

:class:`Analyses` is the entry point; the results are the models of :mod:`queries.results`,
and :mod:`queries.tables` renders them as tables (CSV, Markdown).
"""

from turva.queries import results
from turva.queries.analyses import Analyses
from turva.queries.results import *  # noqa: F403 - the result models are this package's API
from turva.queries.tables import TABLE_FORMATS, Table, TableFormat, render_table

__all__ = ["Analyses", "TABLE_FORMATS", "Table", "TableFormat", "render_table", *results.__all__]
