"""Loading the Cypher files of ``queries/`` once and running them as read queries.

Each ``*.cypher`` file is one query, opening with a header comment that says what it
answers, its parameters and its columns. Files are read and checked when this module is
first used, so a bad file fails at load, not at run time:

* the header's ``// params:`` line lists exactly the ``$parameters`` the query uses;
* every label and relationship type it names is in the schema's allow-list
  (:mod:`turva.graph.domain.schema`); write labels as ``:Label`` and map entries as
  ``key: value`` (a space after the colon);
* it only reads (no ``CREATE``, ``MERGE``, ``SET``, ``DELETE``, ``REMOVE``...);
* it never spells out measure statuses: "active" is one definition,
  :data:`~turva.graph.domain.model.ACTIVE_STATUSES`, and a query filters on it with
  ``m.status IN $active`` only. The runner supplies ``$active`` itself, to every query
  that declares it; a caller cannot pass another list.

:func:`run_query` runs a query in a read transaction of its own;
:func:`run_in_transaction` runs one inside a caller's transaction (a check that must see
the same state as a write it guards).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl

from turva.graph.domain.model import ACTIVE_STATUSES, MEASURE_STATUSES
from turva.graph.domain.schema import LABELS, REL_TYPE_NAMES

__all__ = [
    "ACTIVE",
    "SUPPLIED",
    "Query",
    "QueryFileError",
    "load_queries",
    "parse_query",
    "query",
    "run_query",
    "run_in_transaction",
]

QUERY_DIR = Path(__file__).resolve().parent

#: the statuses of an active measure, as every query receives them in ``$active``
ACTIVE: tuple[str, ...] = tuple(ACTIVE_STATUSES)
#: parameters the runner supplies itself, to every query that declares them
SUPPLIED: Mapping[str, Any] = {"active": ACTIVE}

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PARAMS = re.compile(r"^//\s*params?:\s*(.*)$", re.IGNORECASE | re.MULTILINE)
# string literals first, so that '//' inside a string is not a comment
_STRING_OR_COMMENT = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/""", re.DOTALL
)
_NAME = r"!?[A-Za-z_][A-Za-z0-9_]*"
# brackets, and a colon followed by a label (or relationship type) expression
_TOKEN = re.compile(rf"[\[\](){{}}]|(?<!:):(\s*)({_NAME}(?:\s*[|&]\s*{_NAME})*)")
_WRITES = re.compile(
    r"(?<![\w.$`])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|FOREACH|LOAD\s+CSV)(?![\w`])",
    re.IGNORECASE,
)
_STATUS_TEST = re.compile(
    r"\.status\s*(?:=~|=|<>|!=|<=|>=|<|>|\b(?:IN|STARTS|ENDS|CONTAINS)\b)", re.IGNORECASE
)
_STATUS_ACTIVE = re.compile(r"\.status\s+IN\s+\$active\b", re.IGNORECASE)
_STATUS_IN_MAP = re.compile(r"\bstatus\s*:\s*\$", re.IGNORECASE)


class QueryFileError(RuntimeError):
    """A query file breaks one of the rules this module checks at load."""


@dataclass(frozen=True)
class Query:
    """One Cypher file: its name (file stem), header, text and declared parameters."""

    name: str
    header: str
    text: str
    params: frozenset[str]

    @property
    def caller_params(self) -> frozenset[str]:
        """The parameters a caller passes (the runner supplies the rest)."""
        return self.params - SUPPLIED.keys()


def _code_and_strings(text: str) -> tuple[str, list[str]]:
    """The query without comments, its string literals blanked; and those literals."""
    strings: list[str] = []

    def strip(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith(("//", "/*")):
            return "\n" * token.count("\n")
        strings.append(token[1:-1])
        return token[0] * 2

    return _STRING_OR_COMMENT.sub(strip, text), strings


def _names(code: str) -> tuple[set[str], set[str]]:
    """The labels and the relationship types that ``code`` names."""
    labels: set[str] = set()
    rel_types: set[str] = set()
    # the open brackets: each one's character, and whether it is a relationship's -[ ]-
    stack: list[tuple[str, bool]] = []
    for match in _TOKEN.finditer(code):
        token = match.group(0)
        if token in ("(", "[", "{"):
            relationship = token == "[" and code[: match.start()].rstrip().endswith("-")
            stack.append((token, relationship))
        elif token in (")", "]", "}"):
            if stack:
                stack.pop()
        elif match.group(1) and stack and stack[-1][0] == "{":
            continue  # 'key: value' in a map, not a label
        else:
            names = {n.lstrip("!") for n in re.split(r"\s*[|&]\s*", match.group(2))}
            (rel_types if stack and stack[-1][1] else labels).update(names)
    return labels, rel_types


def _check(name: str, code: str, strings: list[str]) -> None:
    labels, rel_types = _names(code)
    unknown = sorted(labels - LABELS) + sorted(rel_types - REL_TYPE_NAMES)
    if unknown:
        raise QueryFileError(
            f"{name}: {', '.join(repr(u) for u in unknown)} not in the schema's allow-list "
            "(turva.graph.domain.schema); labels are written ':Label', map entries 'key: value'"
        )
    if write := _WRITES.search(code):
        raise QueryFileError(f"{name}: query files only read; found {write.group(1)!r}")
    statuses = sorted({s for s in strings if s in MEASURE_STATUSES})
    if statuses:
        raise QueryFileError(
            f"{name}: hard-codes the measure status(es) {statuses}; an active measure is "
            "'m.status IN $active' (the runner supplies $active from ACTIVE_STATUSES)"
        )
    for test in _STATUS_TEST.finditer(code):
        if not _STATUS_ACTIVE.match(code, test.start()):
            raise QueryFileError(
                f"{name}: tests a status with {test.group(0)!r}; the one status test is "
                "'.status IN $active' (the runner supplies $active from ACTIVE_STATUSES)"
            )
    if _STATUS_IN_MAP.search(code):
        raise QueryFileError(f"{name}: match statuses with '.status IN $active', not a map")


def parse_query(name: str, text: str) -> Query:
    """Check one query file's text (see the module docstring) and parse it."""
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header_lines.append(line[2:].strip())
    if not header_lines:
        raise QueryFileError(f"{name}: every query file opens with a // header comment")
    declared_match = _HEADER_PARAMS.search("\n".join("//" + h for h in header_lines))
    declared = (
        frozenset(p.strip().lstrip("$") for p in declared_match.group(1).split(",") if p.strip())
        if declared_match and declared_match.group(1).strip() not in ("", "none", "-")
        else frozenset()
    )
    code, strings = _code_and_strings(text)
    used = frozenset(_PARAM.findall(code))
    if used != declared:
        raise QueryFileError(
            f"{name}: the header's '// params:' line ({sorted(declared)}) must list "
            f"exactly the parameters the query uses ({sorted(used)})"
        )
    _check(name, code, strings)
    return Query(name, "\n".join(header_lines), text, declared)


def _parse(path: Path) -> Query:
    return parse_query(path.name, path.read_text(encoding="utf-8"))


@cache
def load_queries() -> dict[str, Query]:
    """Every query file, parsed and checked once."""
    return {path.stem: _parse(path) for path in sorted(QUERY_DIR.glob("*.cypher"))}


def query(name: str) -> Query:
    try:
        return load_queries()[name]
    except KeyError:
        raise KeyError(f"no query file queries/{name}.cypher") from None


def _arguments(q: Query, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's parameters checked against the header, plus the supplied ones."""
    for key in SUPPLIED.keys() & params.keys():
        # accepted only when it is the same list (older callers pass it); never another
        if tuple(params[key]) != tuple(SUPPLIED[key]):
            raise TypeError(
                f"{q.name}: ${key} is supplied by the runner ({list(SUPPLIED[key])}); "
                f"a caller may not pass {params[key]!r}"
            )
    given = params.keys() - SUPPLIED.keys()
    missing = q.caller_params - given
    extra = given - q.caller_params
    if missing or extra:
        raise TypeError(
            f"{q.name}: missing parameters {sorted(missing)}, unexpected {sorted(extra)}"
        )
    supplied = {k: list(v) for k, v in SUPPLIED.items() if k in q.params}
    return {**{k: params[k] for k in given}, **supplied}


def run_query(
    driver: Driver, name: str, database: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Run query ``name`` in a read transaction with values only as parameters."""
    q = query(name)
    arguments = _arguments(q, params)
    records, _, _ = driver.execute_query(
        q.text, arguments, database_=database, routing_=RoutingControl.READ
    )
    return [record.data() for record in records]


def run_in_transaction(tx: ManagedTransaction, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run query ``name`` inside the caller's (possibly write) transaction ``tx``.

    For checks that must see exactly the state a write in the same transaction sees.
    """
    q = query(name)
    arguments = _arguments(q, params)
    return [record.data() for record in tx.run(q.text, arguments)]
