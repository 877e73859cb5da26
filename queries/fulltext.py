"""The words of a text as the full-text indexes see them: stems and Lucene queries.

Each language has its own full-text index with the language's analyzer (a Snowball
stemmer), so "rahanpesun" finds "rahanpesu" directly. Stemmers miss some forms
("kyberrikollisuuden" stems to ``kyberrikollisuud``, the base word to
``kyberrikollisuus``) and all typos, so a query word is also sent as a fuzzy term on its
*stem*, stemmed here in Python with the stemmer Lucene uses. The search
(:mod:`turva.api.search`) and name resolution (:mod:`turva.queries.resolve`) share these.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import snowballstemmer

__all__ = ["MAX_WORDS", "STEMMERS", "lucene_query", "near", "stem", "stems", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
#: the Snowball stemmer of each index language (the analyzers of FULLTEXT_INDEXES)
STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
#: words of a query that are looked for; more are ignored
MAX_WORDS = 8


@cache
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS[lang])


def words(text: str) -> list[str]:
    """The lower-case words of ``text``.

    >>> words("Ääriliikkeet ja -ideologiat")
    ['ääriliikkeet', 'ja', 'ideologiat']
    """
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str, lang: str) -> str:
    """The stem of a lower-case ``word`` in ``lang``.

    >>> stem("rahanpesun", "fi"), stem("polisstyrelsen", "sv"), stem("laundering", "en")
    ('rahanpesu', 'polisstyr', 'launder')
    """
    return str(_stemmer(lang).stemWord(word))


def stems(text: str, lang: str) -> tuple[str, ...]:
    """The stems of the words of ``text`` in ``lang``.

    >>> stems("Poliisihallituksen", "fi")
    ('poliisihallituks',)
    """
    return tuple(stem(w, lang) for w in words(text))


def near(a: str, b: str) -> bool:
    """Whether two stems are forms of one word: equal, or apart only in their last letters.

    The Finnish stemmer leaves some inflected forms a letter or two longer or different
    from the base word's stem; a shared beginning of five or more letters, at most two
    letters short of the longer stem, still counts (a mere prefix does not).

    >>> near("kyberrikollisuud", "kyberrikollisuus"), near("poliisihallituks", "poliisihallitus")
    (True, True)
    >>> near("kyberrikollisuus", "kyberturvallisuus"), near("rahat", "rahan")
    (False, False)
    >>> near("kyberturvallisuus", "kyberturvallisuuskeskus"), near("kyber", "kyberrikollisuus")
    (False, False)
    """
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 5 and common >= max(len(a), len(b)) - 2


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
    found = words(text)[:MAX_WORDS]
    if not found:
        return None
    clauses = []
    for word in found:
        root = stem(word, lang)
        parts = [f"{_escape(word)}^3"]
        edits = _fuzzy_edits(root)
        if edits:
            parts.append(f"{_escape(root)}~{edits}")
        if len(root) >= 4:
            parts.append(f"{_escape(root)}*^0.5")
        clauses.append("(" + " OR ".join(parts) + ")")
    return " OR ".join(clauses)
