"""The language the ``turva`` command speaks, and its words from the one catalogue.

The language is, in this order: the global option ``--lang fi|sv|en``, the variable
``TURVA_LANG`` (:class:`~turva.graph.settings.Settings`), the locale (``LC_ALL``, then
``LC_MESSAGES``, then ``LANG``, as POSIX reads them: ``fi_FI.UTF-8`` is Finnish, ``sv_FI``
or ``sv_SE`` Swedish), else English. Every text a person reads goes through :func:`_` or
:func:`ngettext` here, so ``make messages`` finds it; machine output (``--format json``, ``--json``, a
token's secret) never does. Tables for people (``--format table|csv|md|xlsx``) carry
headings, enum words and names in the chosen language beside the ids
(:func:`turva.queries.tables.readable_tables`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from pydantic import ValidationError

from turva.graph.errors import TurvaError
from turva.graph.messages import LANGS, gettext_for, ngettext_for
from turva.graph.settings import Settings

__all__ = [
    "CLI_DEFAULT_LANG",
    "LOCALE_VARIABLES",
    "_",
    "current_lang",
    "error_text",
    "help_text",
    "locale_lang",
    "ngettext",
    "use_lang",
]

#: the language when nothing asks for one: the terminal's lingua franca
CLI_DEFAULT_LANG = "en"
#: the locale variables that name the language of messages, strongest first (POSIX)
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def locale_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the locale, when turva speaks it.

    The first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides, as for
    every program: ``LC_ALL=C`` means no language of turva's even when ``LANG`` is Finnish.

    >>> locale_lang({"LANG": "fi_FI.UTF-8"}), locale_lang({"LC_ALL": "sv_FI@euro"})
    ('fi', 'sv')
    >>> locale_lang({"LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}), locale_lang({})
    (None, None)
    """
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            code = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
            return code if code in LANGS else None
    return None


def _configured_lang() -> str | None:
    try:
        return Settings().lang
    except ValidationError:
        return None  # the command reports the bad variable itself (common.settings)


def use_lang(lang: str | None) -> str:
    """Speak ``lang`` from now on (``None``: ``TURVA_LANG``, the locale, else English)."""
    global _chosen
    _chosen = lang if lang in LANGS else (_configured_lang() or locale_lang() or CLI_DEFAULT_LANG)
    return _chosen


def current_lang() -> str:
    """The language the command speaks (chosen on first use when ``--lang`` was not read)."""
    return _chosen or use_lang(None)


def _(message: str) -> str:
    """``message`` in the command's language (the English id when it has no translation)."""
    return gettext_for(current_lang())(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a text with a number ``n`` in the command's language."""
    return ngettext_for(current_lang())(singular, plural, n)


def _asked_on_command_line(argv: list[str]) -> str | None:
    """The ``--lang`` value on a command line (help texts are made before options are read).

    >>> _asked_on_command_line(["turva", "--lang", "sv", "load", "--help"])
    'sv'
    >>> _asked_on_command_line(["turva", "--lang=fi"]), _asked_on_command_line(["turva"])
    ('fi', None)
    """
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
            return value if value in LANGS else None
    return None


def help_text(message: str) -> str:
    """A command's or option's ``--help`` text in the language the command line asks for.

    Typer reads help texts when the command modules are imported, before ``--lang`` is
    parsed, so this looks at ``sys.argv`` itself, then ``TURVA_LANG`` and the locale.
    ``make messages`` extracts every ``help_text("...")``.
    """
    return gettext_for(_asked_on_command_line(sys.argv) or current_lang())(message)


# --- the errors the layers below raise, in the command's language ------------------------


def error_text(error: TurvaError) -> str:
    """What the command prints for ``error``, in its language.

    Every error turva raises carries its catalogue message
    (:meth:`~turva.graph.errors.TurvaError.said`); a document's validation issues come
    one a line, each with its field path (``measures[12].addresses[0]: tuntematon ilmiö
    'kyber'``). An error without a message id keeps its English text.
    """
    return error.text_in(current_lang())
