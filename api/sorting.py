"""Tables a person can sort by any column, on the server, without JavaScript.

Each column header is one link: ``?sort=<column>&order=asc|desc`` (the page's other query
parameters kept); the sorted header carries ``aria-sort``. A page with several tables names
each one (``table``): its links then say ``sort=<table>.<column>`` and end in ``#<table>``,
so that one table is sorted and the reader lands back on it. Rows are sorted by what the
reader sees (a name, not an id), given by the page as ``key_of(row, column)``.

The Jinja macro ``sort_header(h)`` in ``templates/_macros.html`` writes one header.

>>> s = Sorting(column="name", descending=True)
>>> sort_rows([{"name": "b"}, {"name": None}, {"name": "A"}], s, lambda r, c: r[c])
[{'name': 'b'}, {'name': 'A'}, {'name': None}]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.datastructures import URL, QueryParams

from turva.graph.errors import BadArgument
from turva.graph.messages import N_

__all__ = ["Header", "Sorting", "headers", "sort_key", "sort_rows", "sorting_of"]

Row = TypeVar("Row")


@dataclass(frozen=True)
class Sorting:
    """How one table is sorted: by ``column`` (None: as the data came), which way."""

    column: str | None = None
    descending: bool = False
    table: str | None = None


@dataclass(frozen=True)
class Header:
    """One column header: its ``label`` (an untranslated message id), the ``url`` that
    sorts by it and its ``aria_sort`` (``ascending``/``descending``, or None)."""

    column: str
    label: str
    url: str
    aria_sort: str | None


def _param(table: str | None, column: str) -> str:
    return f"{table}.{column}" if table else column


def sorting_of(params: QueryParams, columns: Sequence[str], table: str | None = None) -> Sorting:
    """The sorting ``params`` ask of the table with ``columns`` (named ``table``).

    A ``sort`` naming another table leaves this one as it is; an unknown column of this
    table, or an ``order`` other than ``asc``/``desc``, is a :class:`BadArgument`.

    >>> sorting_of(QueryParams("sort=end&order=desc"), ["id", "end"])
    Sorting(column='end', descending=True, table=None)
    >>> sorting_of(QueryParams("sort=other.id"), ["id"], table="mine")
    Sorting(column=None, descending=False, table='mine')
    """
    asked = params.get("sort")
    order = params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise BadArgument.said(N_("order: use asc or desc, not %(value)s"), value=repr(order))
    if not asked:
        return Sorting(table=table)
    if table is not None:
        prefix = f"{table}."
        if not asked.startswith(prefix):
            return Sorting(table=table)
        asked = asked[len(prefix) :]
    if asked not in columns:
        raise BadArgument.said(
            N_("sort: unknown column %(value)s; use one of %(choices)s"),
            value=repr(asked),
            choices=", ".join(_param(table, c) for c in columns),
        )
    return Sorting(column=asked, descending=order == "desc", table=table)


def headers(url: URL, sorting: Sorting, columns: Sequence[tuple[str, str]]) -> list[Header]:
    """One :class:`Header` per ``(column, label)``: its link sorts ascending, or the other
    way round when the table is already sorted by it, keeping the other query parameters.

    >>> h = headers(URL("/gaps?lang=sv&sort=end"), Sorting("end"), [("id", "Id"), ("end", "End")])
    >>> [(x.url, x.aria_sort) for x in h]
    [('/gaps?lang=sv&sort=id&order=asc', None), ('/gaps?lang=sv&sort=end&order=desc', 'ascending')]
    """
    kept = [(k, v) for k, v in QueryParams(url.query).multi_items() if k not in ("sort", "order")]
    out = []
    for column, label in columns:
        current = sorting.column == column
        order = "desc" if current and not sorting.descending else "asc"
        query = urlencode([*kept, ("sort", _param(sorting.table, column)), ("order", order)])
        anchor = f"#{sorting.table}" if sorting.table else ""
        aria = ("descending" if sorting.descending else "ascending") if current else None
        out.append(Header(column, label, f"{url.path}?{query}{anchor}", aria))
    return out


def sort_key(value: Any) -> tuple[int, Any]:
    """A key that orders numbers by value, texts without regard to case, empty cells last.

    >>> sorted(["b", 10, None, "A", 2], key=sort_key)
    [2, 10, 'A', 'b', None]
    """
    if value is None or value == "":
        return (2, "")
    if isinstance(value, bool | int | float):
        return (0, value)
    return (1, str(value).casefold())


def sort_rows(
    rows: Sequence[Row], sorting: Sorting, key_of: Callable[[Row, str], Any]
) -> list[Row]:
    """``rows`` sorted as ``sorting`` says (stable; empty cells last either way)."""
    if sorting.column is None:
        return list(rows)
    column = sorting.column
    filled = [r for r in rows if sort_key(key_of(r, column))[0] != 2]
    empty = [r for r in rows if sort_key(key_of(r, column))[0] == 2]
    ordered = sorted(filled, key=lambda r: sort_key(key_of(r, column)), reverse=sorting.descending)
    return ordered + empty
