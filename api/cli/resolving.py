"""Records named on the command line: an id, a name or an abbreviation, in fi, sv or en.

``turva who-addresses rahanpesun``, ``turva profile Poliisihallitus`` and ``turva path SM
"National Police Board"`` work as their ids do (:mod:`turva.queries.resolve`). Input that
fits several records, or none, is an error listing the candidates or up to three
suggestions (name, type, id) in the command's language; the command exits 1.
"""

from __future__ import annotations

from neo4j import Driver

from turva.api.cli.common import driver_session, settings
from turva.api.cli.language import current_lang
from turva.queries.resolve import Ambiguous, NotFound, resolved_id

__all__ = ["record_id", "record_ids"]


def record_id(driver: Driver, text: str, kind: str, database: str | None = None) -> str:
    """The id of the record of resource type ``kind`` (``"phenomena"``) ``text`` names."""
    lang = current_lang()
    try:
        return resolved_id(driver, text, type=kind, lang=lang, database=database)
    except (Ambiguous, NotFound) as e:
        # the same error, its list's record types in the command's language too
        # (error_text translates the message only, not the words inside its values)
        raise e.__class__(e.text_in(lang)) from None


def record_ids(*named: tuple[str, str]) -> list[str]:
    """The ids of the records named by ``(text, kind)`` pairs, on the configured Neo4j."""
    config = settings()
    with driver_session(config) as driver:
        return [record_id(driver, text, kind, config.neo4j_database) for text, kind in named]
