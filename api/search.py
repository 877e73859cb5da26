"""Full-text search over the names, titles and texts of every record, in fi, sv and en.

Each language has its own full-text index with the language's analyzer (stemmer), so
"häirinnän" finds "häirintä" and "rahanpesun" finds "rahanpesu" directly. Stemmers
miss some forms ("kyberrikollisuuden" stems to ``kyberrikollisuud``, the base word to
``kyberrikollisuus``) and all typos, so every query word is also sent as a fuzzy term
on its *stem* (the Snowball stemmer Lucene uses, applied here in Python): the indexed
stems within one or two edits match. Exact matches are boosted so they rank first.
The query itself is ``queries/search.cypher``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import snowballstemmer
from neo4j import Driver

from turva.graph.domain.schema import FULLTEXT_INDEXES, NODE_TYPES
from turva.graph.store.records import resource_name
from turva.queries.runner import run_query

__all__ = ["SearchHit", "search", "lucene_query", "PAGES"]

_WORD = re.compile(r"\w+", re.UNICODE)
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
MAX_WORDS = 8

#: web page path of each resource that has one
PAGES = {
    "phenomena": "/phenomena/{id}",
    "organisations": "/organisations/{id}",
    "priority-groups": "/groups/{id}",
    "measures": "/measures/{id}",
}


@dataclass(frozen=True)
class SearchHit:
    type: str
    id: str
    name: dict[str, str]
    score: float
    page: str | None

    def public(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 4),
            "page": self.page,
        }


@cache
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(_STEMMERS[lang])


def _escape(term: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def _fuzzy_edits(term: str) -> int:
    # short words with two edits match nearly anything
    return 0 if len(term) < 4 else 1 if len(term) < 7 else 2


def lucene_query(text: str, lang: str) -> str | None:
    """The Lucene query for ``text`` in index language ``lang``; None if it has no words.

    >>> lucene_query("kyberrikollisuuden", "fi")
    '(kyberrikollisuuden^3 OR kyberrikollisuud~2 OR kyberrikollisuud*^0.5)'
    """
    words = [w.lower() for w in _WORD.findall(text)][:MAX_WORDS]
    if not words:
        return None
    clauses = []
    for word in words:
        stem = _stemmer(lang).stemWord(word)
        parts = [f"{_escape(word)}^3"]
        edits = _fuzzy_edits(stem)
        if edits:
            parts.append(f"{_escape(stem)}~{edits}")
        if len(stem) >= 4:
            parts.append(f"{_escape(stem)}*^0.5")
        clauses.append("(" + " OR ".join(parts) + ")")
    return " OR ".join(clauses)


_RESOURCE_BY_LABEL = {nt.label: resource_name(nt.section) for nt in NODE_TYPES}
_LABEL_BY_RESOURCE = {v: k for k, v in _RESOURCE_BY_LABEL.items()}


def search(
    driver: Driver,
    text: str,
    *,
    types: Sequence[str] | None = None,
    limit: int = 20,
    database: str | None = None,
) -> list[SearchHit]:
    """Records whose name, title or text matches ``text`` in any language, best first."""
    queries = {lang: lucene_query(text, lang) for lang in FULLTEXT_INDEXES}
    if not any(queries.values()):
        return []
    # a query string with no clauses would be a Lucene syntax error; match nothing instead
    params: dict[str, Any] = {f"q_{lang}": q or "__nothing__" for lang, q in queries.items()}
    params.update({f"index_{lang}": index for lang, (index, _) in FULLTEXT_INDEXES.items()})
    labels = [_LABEL_BY_RESOURCE[t] for t in types] if types else None
    records = run_query(
        driver, "search", database, **params, k=max(limit * 3, 30), limit=limit, labels=labels
    )
    hits = []
    for r in records:
        resource = next(
            (_RESOURCE_BY_LABEL[lb] for lb in r["labels"] if lb in _RESOURCE_BY_LABEL), None
        )
        if resource is None:
            continue
        page = PAGES.get(resource)
        hits.append(
            SearchHit(
                type=resource,
                id=r["id"],
                name={k: v for k, v in r["name"].items() if v},
                score=float(r["score"]),
                page=page.format(id=r["id"]) if page else None,
            )
        )
    return hits
