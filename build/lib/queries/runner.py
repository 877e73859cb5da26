"""Loading the Cypher files of ``queries/`` once and running them as read queries.

Each ``*.cypher`` file is one query, opening with a header comment that says what it
answers, its parameters and its columns. Files are read and checked when this module is
first used: a missing header or an unknown ``$parameter`` fails at load, not at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Driver, RoutingControl

__all__ = ["Query", "load_queries", "query", "run_query"]

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PARAMS = re.compile(r"^//\s*params?:\s*(.*)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Query:
    """One Cypher file: its name (file stem), header, text and declared parameters."""

    name: str
    header: str
    text: str
    params: frozenset[str]


def _parse(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header_lines.append(line[2:].strip())
    if not header_lines:
        raise RuntimeError(f"{path.name}: every query file opens with a // header comment")
    declared_match = _HEADER_PARAMS.search(text)
    declared = (
        frozenset(p.strip().lstrip("$") for p in declared_match.group(1).split(",") if p.strip())
        if declared_match and declared_match.group(1).strip() not in ("", "none", "-")
        else frozenset()
    )
    used = frozenset(
        _PARAM.findall("\n".join(line for line in text.splitlines() if not line.startswith("//")))
    )
    if used != declared:
        raise RuntimeError(
            f"{path.name}: the header's '// params:' line ({sorted(declared)}) must list "
            f"exactly the parameters the query uses ({sorted(used)})"
        )
    return Query(path.stem, "\n".join(header_lines), text, declared)


@cache
def load_queries() -> dict[str, Query]:
    """Every query file, parsed once."""
    return {path.stem: _parse(path) for path in sorted(QUERY_DIR.glob("*.cypher"))}


def query(name: str) -> Query:
    try:
        return load_queries()[name]
    except KeyError:
        raise KeyError(f"no query file queries/{name}.cypher") from None


def run_query(
    driver: Driver, name: str, database: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Run query ``name`` in a read transaction with values only as parameters."""
    q = query(name)
    missing = q.params - params.keys()
    extra = params.keys() - q.params
    if missing or extra:
        raise TypeError(f"{name}: missing parameters {sorted(missing)}, unexpected {sorted(extra)}")
    records, _, _ = driver.execute_query(
        q.text, params, database_=database, routing_=RoutingControl.READ
    )
    return [record.data() for record in records]
