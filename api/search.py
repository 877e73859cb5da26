"""Full-text search over the names, titles and texts of every record, in fi, sv and en.

Each language has its own full-text index with the language's analyzer (stemmer), so
"häirinnän" finds "häirintä" and "rahanpesun" finds "rahanpesu" directly; typos and
forms the stemmer misses are sent as fuzzy terms on the stems
(:mod:`turva.queries.fulltext`). The hits are ranked for a person looking for a record:

1. the record whose id, abbreviation or name *is* the query (ignoring case);
2. then by type: phenomena, organisations, priority groups, goals, measures, then
   branches, themes and cooperation bodies; among measures the active ones (planned,
   ongoing) above done and cancelled ones;
3. within a type, names made of the query's words (up to inflection) before names that
   hold them, before the fuzzy hits; then by the full-text score.

The queries are ``queries/search.cypher`` and ``queries/resolve_exact.cypher`` (ids and
abbreviations, which the full-text indexes do not hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Driver

from turva.graph.domain.schema import FULLTEXT_INDEXES, NODE_TYPES
from turva.graph.store.records import resource_name
from turva.queries.fulltext import lucene_query
from turva.queries.resolve import TYPES, exact_rows, same_name, word_fit
from turva.queries.runner import run_query

__all__ = ["SearchHit", "search", "lucene_query", "page_of", "PAGES", "TYPE_ORDER"]

#: web page path of each resource
PAGES = {
    "phenomena": "/phenomena/{id}",
    "organisations": "/organisations/{id}",
    "priority-groups": "/groups/{id}",
    "measures": "/measures/{id}",
    "goals": "/goals/{id}",
    "indicators": "/indicators/{id}",
    "branches": "/branches/{id}",
    "bodies": "/bodies/{id}",
    "themes": "/themes/{id}",
}
#: the order of the types in the results (after the exact matches)
TYPE_ORDER: tuple[str, ...] = TYPES


def page_of(resource: str, id: str) -> str | None:
    """The web page of a record.

    >>> page_of("priority-groups", "PG2021-1"), page_of("goals", "G1.1")
    ('/groups/PG2021-1', '/goals/G1.1')
    """
    page = PAGES.get(resource)
    return page.format(id=id) if page else None


@dataclass(frozen=True)
class SearchHit:
    type: str
    id: str
    name: dict[str, str]
    score: float
    page: str | None
    #: a measure's status (planned, ongoing, done, cancelled); None for other records
    status: str | None = None
    #: an organisation's abbreviation
    abbreviation: str | None = None
    #: whether the id, the abbreviation or a name is the query itself
    exact: bool = False

    def public(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 4),
            "page": self.page,
            "status": self.status,
            "abbreviation": self.abbreviation,
            "exact": self.exact,
        }


_RESOURCE_BY_LABEL = {nt.label: resource_name(nt.section) for nt in NODE_TYPES}
_LABEL_BY_RESOURCE = {v: k for k, v in _RESOURCE_BY_LABEL.items()}


def _rank(hit: SearchHit, fit: int, active: bool) -> tuple[Any, ...]:
    # fit: 2 = the name is the query's words, 1 = the name holds them, 0 = a fuzzy hit
    return (
        not hit.exact,
        TYPE_ORDER.index(hit.type) if hit.type in TYPE_ORDER else len(TYPE_ORDER),
        hit.type == "measures" and not active,
        -fit,
        -hit.score,
        hit.id,
    )


def search(
    driver: Driver,
    text: str,
    *,
    types: Sequence[str] | None = None,
    limit: int = 20,
    database: str | None = None,
) -> list[SearchHit]:
    """Records whose id, abbreviation, name, title or text matches ``text`` in any
    language, ranked as the module docstring says."""
    query = " ".join(text.split())
    queries = {lang: lucene_query(query, lang) for lang in FULLTEXT_INDEXES}
    if not any(queries.values()):
        return []
    labels = [_LABEL_BY_RESOURCE[t] for t in types] if types else None
    # a query string with no clauses would be a Lucene syntax error; match nothing instead
    params: dict[str, Any] = {f"q_{lang}": q or "__nothing__" for lang, q in queries.items()}
    params.update({f"index_{lang}": index for lang, (index, _) in FULLTEXT_INDEXES.items()})
    # the full-text hits are ranked again here, so take more of them than are shown
    rows = run_query(driver, "search", database, **params, k=max(limit * 5, 50), labels=labels)
    exact = exact_rows(driver, query, labels, database)
    # one hit per node; a row found only by id or abbreviation has no full-text score:
    # it ranks by being exact
    by_id: dict[tuple[str, str], tuple[SearchHit, int, bool]] = {}
    for r in [*rows, *({**e, "name": e["names"], "score": 0.0} for e in exact)]:
        resource = next(
            (_RESOURCE_BY_LABEL[lb] for lb in r["labels"] if lb in _RESOURCE_BY_LABEL), None
        )
        if resource is None or (resource, r["id"]) in by_id:
            continue
        names = {k: v for k, v in r["name"].items() if v}
        row = {"id": r["id"], "abbreviation": r["abbreviation"], "names": r["name"]}
        hit = SearchHit(
            type=resource,
            id=r["id"],
            name=names,
            score=float(r["score"]),
            page=page_of(resource, r["id"]),
            status=r["status"],
            abbreviation=r["abbreviation"],
            exact=same_name(query, row),
        )
        by_id[(resource, r["id"])] = (hit, word_fit(query, r["name"]), bool(r["active"]))
    ranked = sorted(by_id.values(), key=lambda h: _rank(*h))
    return [hit for hit, _, _ in ranked[:limit]]
