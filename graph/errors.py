"""The one root exception of turva and its specific kinds.

Every error a user can cause or meet is a :class:`TurvaError`; the CLI and the API
turn it into one clear paragraph (or a problem+json body) instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from turva.graph.messages import N_, gettext_for, ngettext_for

__all__ = [
    "InvalidValue",
    "Word",
    "render",
    "TurvaError",
    "DataFileError",
    "ValidationFailed",
    "ValidationIssue",
    "DatabaseUnavailable",
    "LocalServerError",
    "NotFound",
    "Conflict",
    "BadArgument",
]


class Word(str):
    """A message parameter that is itself a catalogue text: a noun such as "phenomenon", or
    a phrase with values of its own ("line 3, column 5").

    It reads as its English text wherever a ``str`` does, and is translated with the
    message it fills.

    >>> render("unknown %(noun)s %(id)s", {"noun": Word("phenomenon"), "id": "'x'"}, str)
    "unknown phenomenon 'x'"
    >>> str(Word("line %(line)s, column %(column)s", line=3, column=5))
    'line 3, column 5'
    """

    message_id: str
    params: dict[str, Any]

    def __new__(cls, message_id: str, **params: Any) -> Word:
        word = super().__new__(cls, message_id % params)
        word.message_id = message_id
        word.params = params
        return word

    def text(self, gettext: Callable[[str], str]) -> str:
        """The word or phrase through ``gettext``."""
        return render(self.message_id, self.params, gettext)


def render(message_id: str, params: dict[str, Any], gettext: Callable[[str], str]) -> str:
    """``message_id`` translated by ``gettext`` and filled with ``params``.

    Parameters that are :class:`Word` are translated too; the others (ids, numbers, a
    person's own input) are put in as they are.
    """
    values = {k: v.text(gettext) if isinstance(v, Word) else v for k, v in params.items()}
    return gettext(message_id) % values


class TurvaError(Exception):
    """Root of every error turva reports to a person."""

    #: a short title, used as the problem+json title
    title = "turva error"
    #: the catalogue's message id (English, with ``%(name)s`` placeholders) and its
    #: values, when the error was raised with :meth:`said`: a person's language can
    #: then be put in instead of the English text (the CLI does)
    message_id: str | None = None
    params: dict[str, Any] = {}

    @classmethod
    def said(cls, message_id: str, **params: Any) -> Self:
        """The error whose text is ``message_id % params``, translatable later.

        >>> e = NotFound.said("unknown phenomenon %(id)s", id="'kyber'")
        >>> str(e), e.message_id, e.params
        ("unknown phenomenon 'kyber'", 'unknown phenomenon %(id)s', {'id': "'kyber'"})
        """
        error = cls(message_id % params)
        error.message_id = message_id
        error.params = params
        return error

    def text_in(self, lang: str) -> str:
        """The error's text in ``lang`` (the English text when it was not :meth:`said`).

        >>> BadArgument.said("unknown phenomenon %(id)s", id="'x'").text_in("en")
        "unknown phenomenon 'x'"
        """
        if self.message_id is None:
            return str(self)
        return render(self.message_id, self.params, gettext_for(lang))


class InvalidValue(ValueError):
    """A value a model validator refuses, with a catalogue message (pydantic wraps it).

    >>> e = InvalidValue.said("end %(end)s is before start %(start)s", end=1, start=2)
    >>> str(e), e.message_id
    ('end 1 is before start 2', 'end %(end)s is before start %(start)s')
    """

    message_id: str | None = None
    params: dict[str, Any] = {}

    @classmethod
    def said(cls, message_id: str, **params: Any) -> Self:
        """The value error whose text is ``message_id % params``, translatable later."""
        error = cls(message_id % params)
        error.message_id = message_id
        error.params = params
        return error


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in a data document: where it is and what is wrong."""

    loc: tuple[str | int, ...]
    message: str
    #: the catalogue's message id and its values (see :meth:`said`); ``None`` keeps
    #: ``message`` in every language
    message_id: str | None = field(default=None, compare=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def said(cls, loc: tuple[str | int, ...], message_id: str, **params: Any) -> ValidationIssue:
        """The issue at ``loc`` whose text is ``message_id % params``, translatable later.

        >>> issue = ValidationIssue.said(("measures", 1), "unknown %(noun)s %(ref)s",
        ...                              noun=Word("phenomenon"), ref="'kyber'")
        >>> str(issue)
        "measures[1]: unknown phenomenon 'kyber'"
        """
        return cls(loc, message_id % params, message_id, params)

    def text(self, gettext: Callable[[str], str]) -> str:
        """The issue's text (without its path) through ``gettext``."""
        if self.message_id is None:
            return self.message
        return render(self.message_id, self.params, gettext)

    def line(self, gettext: Callable[[str], str]) -> str:
        """``path: text`` in the language of ``gettext``."""
        return f"{self.path}: {self.text(gettext)}" if self.loc else self.text(gettext)

    @property
    def path(self) -> str:
        """``measures[12].addresses[0]``: the place as a person reads it."""
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    @property
    def pointer(self) -> str:
        """``/measures/12/addresses/0``: the place as a JSON pointer (RFC 6901)."""
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.loc)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.loc else self.message


class DataFileError(TurvaError):
    """The file cannot be read as a turva/1 document at all (not YAML/JSON, too big...)."""

    title = "Unreadable data file"


#: how many validation issues a message lists
MAX_ISSUES = 200


class ValidationFailed(TurvaError):
    """The document was read but breaks the turva/1 rules; nothing was written."""

    title = "Invalid turva/1 document"

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = issues
        lines = "\n".join(f"  {issue}" for issue in issues[:MAX_ISSUES])
        more = f"\n  ... and {len(issues) - MAX_ISSUES} more" if len(issues) > MAX_ISSUES else ""
        super().__init__(
            f"{len(issues)} error(s) in the document; nothing was written. "
            f"Fix these and load again:\n{lines}{more}"
        )

    def text_in(self, lang: str) -> str:
        """The count, then one issue a line with its path, in ``lang``."""
        gettext, ngettext = gettext_for(lang), ngettext_for(lang)
        n = len(self.issues)
        head = ngettext(
            "%(n)s error in the document; nothing was written. Fix it and load again:",
            "%(n)s errors in the document; nothing was written. Fix these and load again:",
            n,
        ) % {"n": n}
        lines = [f"  {issue.line(gettext)}" for issue in self.issues[:MAX_ISSUES]]
        if n > MAX_ISSUES:
            lines.append("  " + gettext(N_("... and %(n)s more")) % {"n": n - MAX_ISSUES})
        return "\n".join([head, *lines])


class DatabaseUnavailable(TurvaError):
    """Neo4j cannot be reached or refused our credentials."""

    title = "Neo4j unavailable"


class LocalServerError(TurvaError):
    """The managed local Neo4j server could not be fetched, started or stopped."""

    title = "Local Neo4j server error"


class NotFound(TurvaError):
    """A record named by id does not exist."""

    title = "Not found"


class Conflict(TurvaError):
    """The change conflicts with the graph (duplicate id, record still referenced...)."""

    title = "Conflict"

    def __init__(self, message: str, referenced_by: list[str] | None = None):
        super().__init__(message)
        self.referenced_by = referenced_by or []


class BadArgument(TurvaError):
    """An argument of an analysis or command is invalid (unknown period, bad date...)."""

    title = "Bad argument"
