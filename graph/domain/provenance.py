"""Where a record, membership or responsibility comes from, as a reader is told it.

The data format's ``source`` field holds a URL or a document name (sourced), nothing
(unsourced), or the word ``illustrative`` for content added to show how the cooperation
model works, not taken from an official source. Pages, maps and exports all ask here, so
that the three kinds are decided in one place.
"""

from __future__ import annotations

from typing import Literal

from turva.graph.messages import N_

__all__ = ["ILLUSTRATIVE", "PROVENANCE_WORDS", "Provenance", "provenance"]

Provenance = Literal["sourced", "unsourced", "illustrative"]

#: the ``source`` value that marks invented content
ILLUSTRATIVE = "illustrative"

#: the badge word of each provenance, translated where shown (fi "havainnollistava")
PROVENANCE_WORDS: dict[Provenance, str] = {
    "sourced": N_("sourced"),
    "unsourced": N_("unsourced"),
    "illustrative": N_("illustrative"),
}


def provenance(source: str | None) -> Provenance:
    """The provenance a ``source`` value gives.

    Examples
    --------
    >>> provenance("illustrative"), provenance(None), provenance("  ")
    ('illustrative', 'unsourced', 'unsourced')
    >>> provenance("https://intermin.fi/sisainen-turvallisuus")
    'sourced'
    """
    if source is None or not source.strip():
        return "unsourced"
    return "illustrative" if source.strip().lower() == ILLUSTRATIVE else "sourced"
