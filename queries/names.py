"""Display names: what a person reads beside an id, in their language.

Tables, pages and exports show ``POHA`` with ``Poliisihallitus`` beside it. :func:`names_of`
gives, for each id, the record's name (a measure's title, a goal's text) in the language
asked for, else in Finnish (the data format requires Finnish), else the first language
the record has; :attr:`Name.lang` says which one it is, so a reader can be told that a
text is not in their language. Each :class:`Name` carries the record's ``source`` too
(a URL, a document name, ``illustrative`` or ``None``;
:func:`turva.graph.domain.provenance.provenance` tells which kind).

Ids are unique per record type, not across types: ``SM`` is both the Ministry of the
Interior (an organisation) and its administrative branch. Pass ``types`` when the ids
are of known types; without it an id that names several records gives the first in
:data:`TYPES` order (organisations before branches).

The query is ``queries/names.cypher``.

>>> Name("POHA", "organisations", "Poliisihallitus", "fi", None, "POHA").label
'Poliisihallitus (POHA)'
>>> Name("M01", "measures", "Network", "en", "illustrative").label
'Network'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from turva.graph.domain.schema import NODE_TYPES
from turva.graph.errors import BadArgument
from turva.graph.messages import LANGS, N_
from turva.queries.runner import run_query

__all__ = ["LABEL_OF_TYPE", "TYPES", "TYPE_OF_LABEL", "Name", "labels_of", "names_of", "pick_text"]

#: the resource name of each record type, in the order an id of several types is taken
#: (and the order in which resolve's candidates and the search's hits are listed)
TYPES: tuple[str, ...] = (
    "phenomena",
    "organisations",
    "priority-groups",
    "goals",
    "measures",
    "indicators",
    "branches",
    "themes",
    "bodies",
)
#: the node label of each resource type (``"priority-groups"`` -> ``"PriorityGroup"``)
LABEL_OF_TYPE: dict[str, str] = {nt.section.replace("_", "-"): nt.label for nt in NODE_TYPES}
#: the resource type of each node label (``"PriorityGroup"`` -> ``"priority-groups"``)
TYPE_OF_LABEL: dict[str, str] = {label: resource for resource, label in LABEL_OF_TYPE.items()}


@dataclass(frozen=True)
class Name:
    """The display name of one record.

    Attributes
    ----------
    id, type : str
        The record's id and resource type (``"organisations"``, ``"measures"``...).
    text : str
        Its name, title or text in :attr:`lang`.
    lang : str
        The language of :attr:`text`: the one asked for, else ``"fi"`` (the fallback).
    source : str or None
        The record's ``source``: a URL, a document name, ``"illustrative"`` or None.
    abbreviation : str or None
        An organisation's abbreviation (``"POHA"``), else None.
    """

    id: str
    type: str
    text: str
    lang: str
    source: str | None
    abbreviation: str | None = None

    @property
    def label(self) -> str:
        """The name with the abbreviation after it when there is one and it differs."""
        if self.abbreviation and self.abbreviation != self.text:
            return f"{self.text} ({self.abbreviation})"
        return self.text


def pick_text(texts: dict[str, str | None], lang: str) -> tuple[str, str] | None:
    """The text in ``lang``, else Finnish, else the first there is; with its language.

    >>> pick_text({"fi": "Rahanpesu", "sv": None, "en": "Money laundering"}, "sv")
    ('Rahanpesu', 'fi')
    >>> pick_text({"fi": "Rahanpesu", "en": "Money laundering"}, "en")
    ('Money laundering', 'en')
    """
    for candidate in (lang, "fi", *LANGS):
        text = texts.get(candidate)
        if text:
            return text, candidate
    return None


def labels_of(types: Iterable[str] | None) -> list[str] | None:
    """The node labels of resource ``types`` (None for all), or an error naming the types.

    >>> labels_of(["priority-groups"])
    ['PriorityGroup']
    """
    if types is None:
        return None
    chosen = list(types)
    unknown = [t for t in chosen if t not in LABEL_OF_TYPE]
    if unknown:
        raise BadArgument.said(
            N_("unknown record type %(type)r; choose one of: %(types)s"),
            type=unknown[0],
            types=", ".join(TYPES),
        )
    return [LABEL_OF_TYPE[t] for t in chosen]


def names_of(
    driver: Driver,
    ids: Iterable[str],
    lang: str,
    database: str | None = None,
    *,
    types: Iterable[str] | None = None,
) -> dict[str, Name]:
    """The display name of each of ``ids`` that names a record, by id.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver.
    ids : iterable of str
        Record ids; ids that name no record are left out of the answer.
    lang : str
        ``"fi"``, ``"sv"`` or ``"en"``; a record without a text in it gives its Finnish one.
    database : str, optional
        The Neo4j database, the server's default when omitted.
    types : iterable of str, optional
        Resource types (``"organisations"``, ``"branches"``...) the ids are of; by default
        every type, an id of several taking the first in :data:`TYPES` order.

    Examples
    --------
    >>> names_of(driver, ["POHA", "M01"], "sv")["POHA"].text    # doctest: +SKIP
    'Polisstyrelsen'
    """
    wanted = sorted({i for i in ids if isinstance(i, str) and i})
    if not wanted:
        return {}
    rows: list[dict[str, Any]] = run_query(
        driver, "names", database, ids=wanted, labels=labels_of(types)
    )
    rank = {t: i for i, t in enumerate(TYPES)}
    rows.sort(key=lambda r: rank[TYPE_OF_LABEL[r["label"]]])
    out: dict[str, Name] = {}
    for row in rows:
        if row["id"] in out:
            continue
        picked = pick_text(row["names"], lang)
        text, used = picked if picked is not None else (row["id"], lang)
        out[row["id"]] = Name(
            id=row["id"],
            type=TYPE_OF_LABEL[row["label"]],
            text=text,
            lang=used,
            source=row["source"],
            abbreviation=row["abbreviation"],
        )
    return out
