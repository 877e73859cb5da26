"""One message catalogue for every word turva shows a person, in Finnish, Swedish and English.

The words live in gettext catalogues, ``locale/<lang>/LC_MESSAGES/turva.po`` beside this
file, whose message ids are the English texts. Pages, maps, CLI tables and error messages
all translate through here; ``make messages`` runs Babel's ``pybabel extract`` over the code
and templates and updates the three catalogues. The ``.po`` files are read at load time with
Babel, so there is no compiled ``.mo`` to keep in step.

Mark a text where it is written: ``_("Gaps")`` where the language is known (a page, a CLI
command), ``N_("Gaps")`` in a module-level table that is translated later. Entries marked
fuzzy (not yet reviewed) are not used: the English text shows instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

__all__ = [
    "DEFAULT_LANG",
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "catalogue",
    "gettext_for",
    "ngettext_for",
    "pgettext_for",
    "pick_lang",
    "po_files",
]

DOMAIN = "turva"
LANGS = ("fi", "sv", "en")
DEFAULT_LANG = "fi"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (gettext's ``noop``).

    >>> N_("Gaps")
    'Gaps'
    """
    return message


def NC_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` (gettext's ``msgctxt``) for extraction; returns it.

    A context keeps one English word apart when its translations differ by place: a
    map's "lead" is not a page's "lead".

    >>> NC_("map", "lead")
    'lead'
    """
    return message


def pick_lang(lang: str | None) -> str:
    """``lang`` if turva speaks it, else Finnish.

    >>> pick_lang("sv"), pick_lang("de"), pick_lang(None)
    ('sv', 'fi', 'fi')
    """
    return lang if lang in LANGS else DEFAULT_LANG


def po_files(lang: str) -> list[Path]:
    """The ``.po`` files of ``lang``: ``turva.po`` first, then any others in its folder.

    The others are work in progress (one per change under way, so that parallel changes do
    not edit one file); the first file that translates a message wins.
    """
    folder = LOCALE_DIR / pick_lang(lang) / "LC_MESSAGES"
    main = folder / f"{DOMAIN}.po"
    return [main, *sorted(p for p in folder.glob("*.po") if p != main)]


def _read(path: Path, lang: str) -> list[Any]:
    with path.open("rb") as handle:
        return list(read_po(handle, locale=lang))


@cache
def catalogue(lang: str) -> Mapping[str | tuple[str, str], str | tuple[str, ...]]:
    """The reviewed translations of ``lang``: message id (or singular/plural pair) -> text."""
    entries: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for message in (m for path in po_files(lang) for m in _read(path, pick_lang(lang))):
        if not message.id or message.fuzzy:
            continue
        if message.context:
            if message.string and not isinstance(message.id, tuple | list):
                entries.setdefault(f"{message.context}\x04{message.id}", str(message.string))
            continue
        if isinstance(message.id, tuple | list):
            plurals = tuple(message.string or ())
            if plurals and all(plurals):
                entries.setdefault((message.id[0], message.id[1]), plurals)
        elif message.string:
            entries.setdefault(message.id, str(message.string))
    return entries


def gettext_for(lang: str) -> Callable[[str], str]:
    """``_`` for one language: the translated text, or the English id when there is none.

    >>> _ = gettext_for("en")
    >>> _("No such words in any catalogue")
    'No such words in any catalogue'
    """
    words = catalogue(lang)

    def gettext(message: str) -> str:
        found = words.get(message)
        return found if isinstance(found, str) else message

    return gettext


def ngettext_for(lang: str) -> Callable[[str, str, int], str]:
    """``ngettext`` for one language (Finnish, Swedish and English: one form for 1, another else).

    >>> ngettext_for("en")("%(n)s measure", "%(n)s measures", 2) % {"n": 2}
    '2 measures'
    """
    words = catalogue(lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        found = words.get((singular, plural))
        if isinstance(found, tuple) and len(found) >= 2:
            return found[0] if n == 1 else found[1]
        return singular if n == 1 else plural

    return ngettext


def pgettext_for(lang: str) -> Callable[[str, str], str]:
    """``pgettext`` for one language: a text in a context, or the English id.

    >>> pgettext_for("en")("map", "No such words in any catalogue")
    'No such words in any catalogue'
    """
    words = catalogue(lang)

    def pgettext(context: str, message: str) -> str:
        found = words.get(f"{context}\x04{message}")
        return found if isinstance(found, str) else message

    return pgettext
