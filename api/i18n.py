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
from markupsafe import Markup

from turva.graph.messages import DEFAULT_LANG, LANGS, gettext_for, ngettext_for

__all__ = [
    "COOKIE",
    "DEFAULT_LANG",
    "LANGS",
    "LANG_NAMES",
    "asked_lang",
    "choose_lang",
    "page_words",
    "text_and_lang",
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


def page_words(lang: str) -> dict[str, Callable[..., Any] | str]:
    """What one page's template gets to speak ``lang``: ``lang``, ``_`` and ``gettext``
    (a text), ``ngettext`` (a text with a number), ``tx`` (a text of the data),
    ``text_lang`` (a text of the data and the language it is in) and ``lang_of`` (the
    ``lang`` attribute an element needs when its text is not in ``lang``).

    These go into each render's context, never onto the shared template environment,
    which serves every request at once.

    >>> words = page_words("en")
    >>> words["_"]("Gaps"), words["tx"]({"fi": "Rahanpesu", "en": "Money laundering"})
    ('Gaps', 'Money laundering')
    >>> str(words["lang_of"]({"fi": "Rahanpesu"}))
    ' lang="fi"'
    """
    gettext = gettext_for(lang)

    def tx(value: Any) -> str:
        return text_in(value, lang)

    def text_lang(value: Any) -> tuple[str, str]:
        return text_and_lang(value, lang)

    def lang_of(value: Any) -> Markup:
        # a text shown in another language than the page's is marked so, for screen
        # readers' pronunciation and for the reader who is told why it is Finnish
        used = value[1] if isinstance(value, tuple) else text_and_lang(value, lang)[1]
        return Markup(' lang="%s"') % used if used != lang else Markup("")

    return {
        "lang": lang,
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext_for(lang),
        "tx": tx,
        "text_lang": text_lang,
        "lang_of": lang_of,
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


def text_and_lang(value: Any, lang: str) -> tuple[str, str]:
    """A multilingual text in ``lang``, else Finnish, else any, and the language it is in.

    >>> text_and_lang({"fi": "Rahanpesu", "en": "Money laundering"}, "sv")
    ('Rahanpesu', 'fi')
    >>> text_and_lang({"fi": "Rahanpesu", "sv": "Penningtvätt"}, "sv")
    ('Penningtvätt', 'sv')
    """
    if value is None:
        return "", lang
    if isinstance(value, str):
        return value, lang
    for code in (lang, DEFAULT_LANG, *value):
        if value.get(code):
            return str(value[code]), code
    return "", lang
