"""The language the ``turva`` command speaks, and its words from the one catalogue.

The language is, in this order: the global option ``--lang fi|sv|en``, the variable
``TURVA_LANG`` (:class:`~turva.graph.settings.Settings`), the locale (``LC_ALL``, then
``LC_MESSAGES``, then ``LANG``, as POSIX reads them: ``fi_FI.UTF-8`` is Finnish, ``sv_FI``
or ``sv_SE`` Swedish), else English. Every text a person reads goes through :func:`_` or
:func:`ngettext` here, so ``make messages`` finds it; machine output (``--format json``,
``--json``, a token's secret) never does. Tables for people (``--format table|csv|md|xlsx``) carry
headings, enum words and names in the chosen language beside the ids
(:func:`turva.queries.tables.readable_tables`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from turva.graph.errors import TurvaError
from turva.graph.messages import LANGS, N_, gettext_for, ngettext_for
from turva.graph.settings import Settings

__all__ = [
    "CLI_DEFAULT_LANG",
    "command_line_lang",
    "LOCALE_VARIABLES",
    "_",
    "current_lang",
    "error_text",
    "help_text",
    "locale_lang",
    "ngettext",
    "speak_framework",
    "typer_message",
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


# --- Typer's own words: usage, --help panels, usage errors ------------------------------
#
# Typer (0.29) carries its own copy of Click (typer._click) that writes its words as
# English f-strings; typer.core and typer.rich_utils take theirs through a module-level
# ``_`` (gettext), the panel titles as module constants made at import. So: ``_`` is
# pointed at the catalogue, the constants are set anew, the usage prefix and the help
# option's text are given in the language, and an error's English message is matched
# against :data:`_TYPER_MESSAGES` and said again in the language before the error panel
# shows it. Every text here is an N_ message, so ``make messages`` keeps them.

#: typer.rich_utils's words: module constants it translates once, when it is imported
#: (a table of N_ words: alike in shape only to the others, e.g. queries/resolve.py's)
_RICH_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}

USAGE = N_("Usage:")
HELP_OPTION = N_("Show this message and exit.")
#: the words typer.core looks up through its ``_`` when it speaks (marked here so that
#: ``make messages`` keeps them in the catalogue)
TYPER_CORE_WORDS = (
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
)

#: the usage errors Typer writes in English: a pattern of the whole message and the
#: catalogue's words for it, whose ``{placeholders}`` are the pattern's groups; a group
#: named ``message`` is itself said again (``Invalid value for '-f': <why>``)
_TYPER_MESSAGES = tuple(
    (re.compile(pattern, re.S), words)
    for pattern, words in (
        (
            r"Invalid value for (?P<param_hint>.+?): (?P<message>.*)",
            N_("Invalid value for {param_hint}: {message}"),
        ),
        (r"Invalid value: (?P<message>.*)", N_("Invalid value: {message}")),
        (r"Missing argument (?P<param_hint>.+?)\.", N_("Missing argument {param_hint}.")),
        (r"Missing option (?P<param_hint>.+?)\.", N_("Missing option {param_hint}.")),
        (r"Missing command\.", N_("Missing command.")),
        (
            r"No such option: (?P<name>\S+) \(Possible options: (?P<possibilities>.+)\)",
            N_("No such option: {name} (Possible options: {possibilities})"),
        ),
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (
            r"Option (?P<name>'.+?') requires an argument\.",
            N_("Option {name} requires an argument."),
        ),
        (
            r"Option (?P<name>'.+?') does not take a value\.",
            N_("Option {name} does not take a value."),
        ),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
            N_("Got unexpected extra arguments ({args})"),
        ),
        (
            r"(?P<message>.*)\. Did you mean (?P<suggestions>.+)\?",
            N_("{message}. Did you mean {suggestions}?"),
        ),
        (
            r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.",
            N_("{value} is not one of {choices}."),
        ),
        (
            r"Input should be a valid integer.*",
            N_("a whole number is needed, e.g. 2021"),
        ),
        (
            r"Input should be greater than or equal to (?P<limit>\S+)",
            N_("the number must be at least {limit}"),
        ),
    )
)


def typer_message(message: str, lang: str) -> str:
    """``message``, a usage error as Typer writes it in English, said in ``lang``
    (unchanged when it is not one of :data:`_TYPER_MESSAGES`).

    >>> typer_message("Invalid value for '-f': Value error, 'x' is not one of 'csv'.", "en")
    "Invalid value for '-f': 'x' is not one of 'csv'."
    >>> typer_message("Got unexpected extra argument(s) (2023)", "sv")
    'Oväntade extra argument (2023)'
    """
    gettext = gettext_for(lang)
    for pattern, words in _TYPER_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            parts = found.groupdict()
            if "message" in parts:
                parts["message"] = typer_message(parts["message"], lang)
            return gettext(words).format(**parts)
    return message


#: Typer's own functions, as they were before :func:`speak_framework` wrapped them
_ORIGINALS: dict[tuple[Any, str], Any] = {}


def _wrap(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Replace ``owner.name`` by ``make(original)``, the original kept from the first time."""
    original = _ORIGINALS.setdefault((owner, name), getattr(owner, name))
    setattr(owner, name, make(original))


def speak_framework(lang: str) -> None:
    """Make Typer speak ``lang``: usage lines, ``--help`` panels, usage errors.

    Typer imports ``typer.rich_utils`` (and with it rich's Markdown and Pygments, a tenth
    of a second) only to show help or an error; so does this: its words are set when it
    is imported (:class:`_RichUtilsWords`), or now when it already is.

    >>> speak_framework("fi")
    >>> import typer.rich_utils
    >>> typer.rich_utils.OPTIONS_PANEL_TITLE
    'Valinnat'
    >>> speak_framework("en")
    """
    global _spoken
    _spoken = lang
    importlib.import_module("typer.core")._ = gettext_for(lang)  # type: ignore[attr-defined]
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is not None:
        _speak_rich_utils(rich_utils)
    elif not any(isinstance(f, _RichUtilsWords) for f in sys.meta_path):
        sys.meta_path.insert(0, _RichUtilsWords())
    formatting = importlib.import_module("typer._click.formatting")
    command = importlib.import_module("typer._click.core").Command
    gettext = gettext_for(lang)

    def write_usage(original: Callable[..., None]) -> Callable[..., None]:
        def said(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            original(self, prog, args, gettext(USAGE) + " " if prefix is None else prefix)

        return said

    def get_help_option(original: Callable[..., Any]) -> Callable[..., Any]:
        def said(self: Any, ctx: Any) -> Any:
            option = original(self, ctx)
            if option is not None:
                option.help = gettext(HELP_OPTION)
            return option

        return said

    _wrap(formatting.HelpFormatter, "write_usage", write_usage)
    _wrap(command, "get_help_option", get_help_option)


#: the language :func:`speak_framework` was last asked for
_spoken = CLI_DEFAULT_LANG


def _speak_rich_utils(rich_utils: Any) -> None:
    """Give ``typer.rich_utils`` the words of :data:`_spoken`."""
    gettext = gettext_for(_spoken)
    rich_utils._ = gettext
    for constant, words in _RICH_CONSTANTS.items():
        setattr(rich_utils, constant, gettext(words))

    def format_error(original: Callable[[Any], None]) -> Callable[[Any], None]:
        def said(error: Any) -> None:
            text = typer_message(error.format_message(), _spoken)
            error.format_message = lambda: text  # the panel shows this
            original(error)

        return said

    _wrap(rich_utils, "rich_format_error", format_error)


class _RichUtilsWords(importlib.abc.MetaPathFinder):
    """Sets ``typer.rich_utils``'s words right after Typer imports it."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)  # the module is imported once; then this is done
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            _speak_rich_utils(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def use_lang(lang: str | None) -> str:
    """Speak ``lang`` from now on (``None``: ``TURVA_LANG``, the locale, else English)."""
    global _chosen
    _chosen = lang if lang in LANGS else (_configured_lang() or locale_lang() or CLI_DEFAULT_LANG)
    speak_framework(_chosen)
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
    return gettext_for(command_line_lang())(message)


def command_line_lang() -> str:
    """The language the command line asks for with ``--lang`` before it is parsed, else
    the command's (``TURVA_LANG``, the locale, English)."""
    return _asked_on_command_line(sys.argv) or current_lang()


# --- the errors the layers below raise, in the command's language ------------------------


def error_text(error: TurvaError) -> str:
    """What the command prints for ``error``, in its language.

    Every error turva raises carries its catalogue message
    (:meth:`~turva.graph.errors.TurvaError.said`); a document's validation issues come
    one a line, each with its field path (``measures[12].addresses[0]: tuntematon ilmiö
    'kyber'``). An error without a message id keeps its English text.
    """
    return error.text_in(current_lang())
