"""The language of a web page and what its template needs to speak it.

The page's own words are English message ids translated through the one catalogue,
:mod:`turva.graph.messages` (Finnish, Swedish, English); names and texts of records come
from the data (``{"fi": ..., "sv": ..., "en": ...}``, see :func:`text_in`). ``?lang=``
switches the language and a cookie remembers the choice; Finnish is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from turva.graph.messages import DEFAULT_LANG, LANGS, gettext_for, ngettext_for

__all__ = [
    "COOKIE",
    "DEFAULT_LANG",
    "LANGS",
    "LANG_NAMES",
    "asked_lang",
    "choose_lang",
    "page_words",
    "text_in",
]

COOKIE = "turva_lang"

#: each language's name in that language, for the language switch (never translated)
LANG_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def asked_lang(request: Request) -> str | None:
    """The language ``?lang=`` asks for, when turva speaks it."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGS else None


def choose_lang(request: Request) -> str:
    """``?lang=`` first, then the cookie, then Finnish."""
    asked = asked_lang(request)
    if asked is not None:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGS else DEFAULT_LANG


def page_words(lang: str) -> dict[str, Callable[..., str] | str]:
    """What one page's template gets to speak ``lang``: ``lang``, ``_`` and ``gettext``
    (a text), ``ngettext`` (a text with a number) and ``tx`` (a text of the data).

    These go into each render's context, never onto the shared template environment,
    which serves every request at once.

    >>> words = page_words("en")
    >>> words["_"]("Gaps"), words["tx"]({"fi": "Rahanpesu", "en": "Money laundering"})
    ('Gaps', 'Money laundering')
    """
    gettext = gettext_for(lang)

    def tx(value: Any) -> str:
        return text_in(value, lang)

    return {
        "lang": lang,
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext_for(lang),
        "tx": tx,
    }


def text_in(value: Any, lang: str) -> str:
    """A multilingual text (``{"fi": ..., "en": ...}``) in ``lang``, falling back to Finnish.

    >>> text_in({"fi": "Rahanpesu", "en": "Money laundering"}, "sv")
    'Rahanpesu'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("fi") or next(iter(value.values()), "")
