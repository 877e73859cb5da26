"""The analyses of the graph: one Cypher file each, run by :mod:`queries.runner`.

:class:`Analyses` is the entry point; the results are the models of :mod:`queries.results`.
"""

from turva.queries import results
from turva.queries.analyses import Analyses
from turva.queries.results import *  # noqa: F403 - the result models are this package's API

__all__ = ["Analyses", *results.__all__]
