"""Names as input: the record a person means by an id, a name or an abbreviation.

People type what they know: ``money-laundering``, ``Rahanpesu``, ``rahanpesun`` (an
inflected Finnish form), ``Polisstyrelsen``, ``National Police Board`` or ``POHA``.
:func:`resolve` finds the record in this order, stopping at the first step that finds
anything:

1. an **exact id** (as written) always wins;
2. a **name** (a title, a text) in fi, sv or en, or an organisation's **abbreviation**,
   equal to the input ignoring case;
3. a name whose words are the input's words up to **inflection**: the stems of the
   full-text indexes' analyzers (:mod:`turva.queries.fulltext`), each name stemmed in its
   own language;
4. a name that holds every word of the input (up to inflection).

One record found is the match; several are the candidates (ambiguous); none gives up to
three "did you mean" suggestions, from the fuzzy full-text search, else from comparing
spellings. :func:`resolved_id` is the same as an id or an error listing the candidates
or the suggestions (:class:`Ambiguous`, :class:`NotFound`), for commands that need one id.

The queries are ``queries/resolve_exact.cypher`` (ids and abbreviations, through
indexes and the organisations alone), ``resolve_text.cypher`` (names) and
``resolve_names.cypher``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from neo4j import Driver

from turva.graph import errors
from turva.graph.domain.schema import FULLTEXT_INDEXES
from turva.graph.domain.words import RECORD_TYPES
from turva.graph.errors import BadArgument, TurvaError
from turva.graph.messages import LANGS, N_, gettext_for
from turva.queries.fulltext import lucene_query, near, stems, words
from turva.queries.names import TYPE_OF_LABEL, TYPES, labels_of, pick_text
from turva.queries.runner import run_query

__all__ = [
    "TYPES",
    "Ambiguous",
    "Candidate",
    "NotFound",
    "Resolution",
    "ResolveOptions",
    "choices_text",
    "exact_rows",
    "resolve",
    "resolved_id",
    "same_name",
    "word_fit",
]

#: how many suggestions a failed resolution offers
MAX_SUGGESTIONS = 3
#: how many records each full-text index gives the stem comparison
_TEXT_HITS = 50
#: how many records a spelling comparison looks at, at most
_SPELLING_POOL = 20_000


@dataclass(frozen=True)
class Candidate:
    """A record the input may mean: its id, resource type, and its name in ``lang``.

    ``name`` is the name (a measure's title, a goal's text) in the language asked for,
    else in Finnish, else the one there is; ``lang`` says which.
    """

    id: str
    type: str
    name: str
    lang: str


@dataclass(frozen=True)
class Resolution:
    """What the input ``query`` means.

    ``match`` is the one record found (and then ``candidates == (match,)``); when the
    input fits several records equally, ``match`` is None and ``candidates`` lists them;
    when it fits none, both are empty and ``suggestions`` holds up to three records it
    may have meant.
    """

    query: str
    match: Candidate | None
    candidates: tuple[Candidate, ...]
    suggestions: tuple[Candidate, ...]


def choices_text(candidates: Iterable[Candidate], lang: str) -> str:
    """One line a candidate, ``name (type, id)``, the type word in ``lang``.

    >>> print(choices_text([Candidate("POHA", "organisations", "Poliisihallitus", "fi")], "en"))
      Poliisihallitus (Organisation, POHA)
    """
    gettext = gettext_for(lang)
    return "\n".join(
        f"  {c.name} ({gettext(RECORD_TYPES.get(c.type, c.type))}, {c.id})" for c in candidates
    )


#: what a failed resolution says, by the type asked for (``None``: any type); one whole
#: message a type, like every message table, so that each language can inflect its noun
_UNKNOWN = {
    None: N_("nothing is called %(id)s"),
    "phenomena": N_("unknown phenomenon %(id)s"),
    "organisations": N_("unknown organisation %(id)s"),
    "priority-groups": N_("unknown priority group %(id)s"),
    "goals": N_("unknown goal %(id)s"),
    "measures": N_("unknown measure %(id)s"),
    "indicators": N_("unknown indicator %(id)s"),
    "branches": N_("unknown administrative branch %(id)s"),
    "themes": N_("unknown theme %(id)s"),
    "bodies": N_("unknown cooperation body %(id)s"),
}


class _ResolutionError(TurvaError):
    """An input that names no one record; its text lists the records it may mean."""

    resolution: Resolution
    _choices: tuple[Candidate, ...] = ()

    @classmethod
    def of(cls, message_id: str, resolution: Resolution, choices: Sequence[Candidate]) -> Any:
        error = cls.said(message_id, id=repr(resolution.query), n=len(choices))
        error.resolution = resolution
        error._choices = tuple(choices)
        return error

    def text_in(self, lang: str) -> str:
        """The message in ``lang``, then the records it lists, their types in ``lang`` too."""
        if self.message_id is None:
            return super().__str__()  # already in a person's language (the CLI's copy)
        gettext = gettext_for(lang)
        head = errors.render(self.message_id, self.params, gettext)
        if not self._choices:
            return head
        if isinstance(self, NotFound):
            head += "; " + gettext(N_("did you mean:"))
        return head + "\n" + choices_text(self._choices, lang)

    def __str__(self) -> str:
        return self.text_in("en")


class Ambiguous(_ResolutionError, BadArgument):
    """The input fits several records equally; ``resolution.candidates`` lists them."""

    title = "Ambiguous name"


class NotFound(_ResolutionError, errors.NotFound):
    """The input fits no record; ``resolution.suggestions`` holds up to three near ones."""

    title = "Not found"


def _candidate(row: dict[str, Any], lang: str) -> Candidate | None:
    resource = next((TYPE_OF_LABEL[lb] for lb in row["labels"] if lb in TYPE_OF_LABEL), None)
    if resource is None:
        return None
    picked = pick_text(row["names"], lang)
    name, shown = picked if picked else (row.get("abbreviation") or row["id"], lang)
    return Candidate(id=row["id"], type=resource, name=name, lang=shown)


def _ordered(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    unique = {(c.type, c.id): c for c in candidates}
    return tuple(
        sorted(unique.values(), key=lambda c: (TYPES.index(c.type), c.name.casefold(), c.id))
    )


def _found(query: str, candidates: Iterable[Candidate]) -> Resolution:
    ordered = _ordered(candidates)
    if len(ordered) == 1:
        return Resolution(query, ordered[0], ordered, ())
    return Resolution(query, None, ordered, ())


def word_fit(query: str, names: dict[str, str | None]) -> int:
    """2 when a name's words are the query's words up to inflection, 1 when a name holds
    every word of the query, else 0; each name stemmed in its own language.

    >>> word_fit("rahanpesun", {"fi": "Rahanpesu", "en": "Money laundering"})
    2
    >>> word_fit("rahanpesun", {"fi": "Rahanpesun selvittelykeskus"})
    1
    >>> word_fit("kyber", {"fi": "Kyberrikollisuus", "en": "Cybercrime"})
    0
    """
    best = 0
    for lang, name in names.items():
        if not name:
            continue
        wanted, have = stems(query, lang), stems(name, lang)
        if not wanted or not all(any(near(w, h) for h in have) for w in wanted):
            continue
        if all(any(near(h, w) for w in wanted) for h in have):
            return 2
        best = 1
    return best


def _check(text: str, type: str | None, lang: str) -> tuple[str, list[str] | None]:
    """The query with its spaces tidied and the labels of ``type`` (None for any)."""
    query = " ".join(text.split())
    if not query:
        raise BadArgument.said(N_("give an id, a name or an abbreviation; the text was empty"))
    labels = labels_of(None if type is None else [type])
    if lang not in LANGS:
        raise BadArgument.said(
            N_("unknown language %(lang)r; choose one of: %(langs)s"),
            lang=lang,
            langs=", ".join(LANGS),
        )
    return query, labels


def resolve(
    driver: Driver,
    text: str,
    *,
    type: str | None = None,
    lang: str = "fi",
    database: str | None = None,
) -> Resolution:
    """The record ``text`` means: an id, a name or an abbreviation, in fi, sv or en.

    ``type`` (a resource name such as ``"phenomena"``) keeps records of that type only;
    ``lang`` is the language of the candidates' names. See the module docstring for the
    order of the steps.
    """
    query, labels = _check(text, type, lang)

    exact = exact_rows(driver, query, labels, database)
    by_id = [c for r in exact if r["exact_id"] and (c := _candidate(r, lang))]
    if by_id:
        return _found(query, by_id)
    rows = _text_rows(driver, query, labels, database)
    named = [c for r in [*exact, *rows] if same_name(query, r) and (c := _candidate(r, lang))]
    if named:
        return _found(query, named)

    fits: dict[int, list[Candidate]] = {2: [], 1: []}
    for row in rows:
        fit = word_fit(query, row["names"])
        if fit and (c := _candidate(row, lang)):
            fits[fit].append(c)
    for fit in (2, 1):
        if fits[fit]:
            return _found(query, fits[fit])

    # the full-text search's near records (fuzzy stems, prefixes) in the search's order of
    # types (phenomena first), spelt most alike first within a type
    found = [(c, r) for r in rows if (c := _candidate(r, lang))]
    found.sort(key=lambda cr: (TYPES.index(cr[0].type), -_likeness(query, cr[1])))
    suggestions = [c for c, _ in found]
    if not suggestions:
        suggestions = _by_spelling(driver, query, labels, lang, database)
    unique = list({(c.type, c.id): c for c in suggestions}.values())
    return Resolution(query, None, (), tuple(unique[:MAX_SUGGESTIONS]))


def _spellings(row: dict[str, Any]) -> list[str]:
    """The id, the abbreviation, each name and each longer word of a name, in lower case."""
    names = [n for n in row["names"].values() if n]
    out = [row["id"], *([row["abbreviation"]] if row["abbreviation"] else []), *names]
    out += [w for n in names for w in words(n) if len(w) >= 4]
    return [s.casefold() for s in out]


def _likeness(query: str, row: dict[str, Any]) -> float:
    """How alike ``query`` and the nearest spelling of ``row`` are, 0 to 1."""
    folded = query.casefold()
    return max(difflib.SequenceMatcher(None, folded, s).ratio() for s in _spellings(row))


def exact_rows(
    driver: Driver, text: str, labels: list[str] | None, database: str | None
) -> list[dict[str, Any]]:
    """The records whose id is ``text`` and the organisations whose abbreviation is
    ``text`` ignoring case (``queries/resolve_exact.cypher``; the search shares it)."""
    return run_query(driver, "resolve_exact", database, id=text, folded=text.lower(), labels=labels)


def same_name(text: str, row: dict[str, Any]) -> bool:
    """Whether ``text`` is the id, the abbreviation or a name of ``row``, ignoring case.

    >>> same_name("polisstyrelsen", {"id": "POHA", "abbreviation": "POHA",
    ...     "names": {"fi": "Poliisihallitus", "sv": "Polisstyrelsen", "en": None}})
    True
    """
    folded = text.casefold()
    spellings = (row["id"], row.get("abbreviation"), *row["names"].values())
    return any(s and s.casefold() == folded for s in spellings)


def _text_rows(
    driver: Driver, query: str, labels: list[str] | None, database: str | None
) -> list[dict[str, Any]]:
    queries = {lang: lucene_query(query, lang) for lang in FULLTEXT_INDEXES}
    if not any(queries.values()):
        return []
    # a query string with no clauses would be a Lucene syntax error; match nothing instead
    params: dict[str, Any] = {f"q_{lang}": q or "__nothing__" for lang, q in queries.items()}
    params.update({f"index_{lang}": index for lang, (index, _) in FULLTEXT_INDEXES.items()})
    return run_query(driver, "resolve_text", database, **params, k=_TEXT_HITS, labels=labels)


def _by_spelling(
    driver: Driver, query: str, labels: list[str] | None, lang: str, database: str | None
) -> list[Candidate]:
    """The records whose id, abbreviation or a name is spelt most like ``query``."""
    rows = run_query(driver, "resolve_names", database, labels=labels, limit=_SPELLING_POOL)
    spellings: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for spelling in _spellings(row):
            spellings.setdefault(spelling, []).append(row)
    close = difflib.get_close_matches(query.casefold(), spellings, n=MAX_SUGGESTIONS * 2)
    return [c for s in close for r in spellings[s] if (c := _candidate(r, lang))]


class ResolveOptions(TypedDict, total=False):
    """The keyword arguments of :func:`resolve`, which :func:`resolved_id` passes on."""

    type: str | None
    lang: str
    database: str | None


def resolved_id(driver: Driver, text: str, **options: Unpack[ResolveOptions]) -> str:
    """The id of the record ``text`` means, or an error that lists what it may mean;
    ``options`` are :func:`resolve`'s (``type``, ``lang``, ``database``).

    Raises :class:`Ambiguous` (the candidates) when it fits several records and
    :class:`NotFound` (up to three suggestions) when it fits none. Records of different
    types that share the id (the organisation ``SM`` and the branch ``SM``) give that id.
    """
    found = resolve(driver, text, **options)
    if found.match is not None:
        return found.match.id
    ids = {c.id for c in found.candidates}
    if len(ids) == 1:
        return ids.pop()
    if found.candidates:
        raise Ambiguous.of(
            N_("%(id)s fits %(n)s records; give one of these ids instead:"),
            found,
            found.candidates,
        )
    raise NotFound.of(_UNKNOWN[options.get("type")], found, found.suggestions)
