"""The one root exception of turva and its specific kinds.

Every error a user can cause or meet is a :class:`TurvaError`; the CLI and the API
turn it into one clear paragraph (or a problem+json body) instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

__all__ = [
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


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in a data document: where it is and what is wrong."""

    loc: tuple[str | int, ...]
    message: str

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


class ValidationFailed(TurvaError):
    """The document was read but breaks the turva/1 rules; nothing was written."""

    title = "Invalid turva/1 document"

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = issues
        lines = "\n".join(f"  {issue}" for issue in issues[:200])
        more = f"\n  ... and {len(issues) - 200} more" if len(issues) > 200 else ""
        super().__init__(
            f"{len(issues)} error(s) in the document; nothing was written. "
            f"Fix these and load again:\n{lines}{more}"
        )


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
