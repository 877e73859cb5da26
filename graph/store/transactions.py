"""Running a write transaction so that a retryable failure is retried, whatever shape the
driver gives it.

The driver's managed transactions retry a ``TransientError`` such as
``DeadlockDetected``, but only when that error itself escapes the transaction function.
When the server reports the deadlock while a result is still being read, rolling back
re-reads that result and the driver raises a ``ResultFailedError`` *caused by* the
deadlock instead, which it does not retry: under many concurrent writers to one record
a write then failed at once (seen in CI as a 500). Here the cause decides.

Reads go through :func:`read_rows` (and :func:`read_page`): auto-commit queries routed to
a reader, which the driver retries itself.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar
from weakref import WeakValueDictionary

from neo4j import Driver, ManagedTransaction, Record, RoutingControl
from neo4j.exceptions import DriverError, Neo4jError

__all__ = ["write_transaction", "retryable_cause", "read_rows", "read_page", "one_at_a_time"]

T = TypeVar("T")

# as long as the driver's own default budget: a write waits its turn rather than fail
RETRY_SECONDS = 30.0


def retryable_cause(error: BaseException) -> Neo4jError | DriverError | None:
    """The retryable driver error behind ``error`` (itself or a cause), if any.

    >>> retryable_cause(ValueError("no")) is None
    True
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (Neo4jError, DriverError)) and seen.is_retryable():
            return seen
        seen = seen.__cause__
    return None


def write_transaction(
    driver: Driver,
    work: Callable[[ManagedTransaction], T],
    *,
    database: str | None = None,
    retry_seconds: float | None = None,
) -> T:
    """Run ``work`` in a managed write transaction; also retry a failure the driver
    gave up on at once although a retryable error caused it.

    Such a failure that persists for ``retry_seconds`` (default :data:`RETRY_SECONDS`)
    is raised as its retryable cause (a ``TransientError``, which the service answers
    with 503).
    """
    deadline = time.monotonic() + (RETRY_SECONDS if retry_seconds is None else retry_seconds)
    delay = 0.05
    while True:
        try:
            with driver.session(database=database) as session:
                return session.execute_write(work)
        except (Neo4jError, DriverError) as e:
            cause = retryable_cause(e)
            # a retryable error itself has been retried by the driver for its whole budget
            if cause is None or cause is e:
                raise
            if time.monotonic() + delay > deadline:
                raise cause from e
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)


def read_rows(
    driver: Driver,
    query: str,
    params: dict[str, Any] | None = None,
    database: str | None = None,
    **more: Any,
) -> list[Record]:
    """The rows of one read query (``params`` and ``more`` are its parameters), routed to
    a reader so that a cluster's followers answer it."""
    records, _, _ = driver.execute_query(
        query, params, database_=database, routing_=RoutingControl.READ, **more
    )
    return records


# (alike in shape only with other driver-taking functions such as queries/tables.py's
# names_for: each spells out and documents its own parameters)
def read_page(
    driver: Driver,
    page_query: str,
    count_query: str,
    database: str | None = None,
    **params: Any,
) -> tuple[list[Record], int]:
    """A page of rows and the total that ``count_query`` counts as ``n``: what every paged
    list answers with. ``params`` hold the page's ``$offset`` and ``$limit`` as well
    (the count has no use for them)."""
    rows = read_rows(driver, page_query, params, database)
    counted = read_rows(driver, count_query, params, database)
    return rows, int(counted[0]["n"])


class _Turn:
    """A lock that a weak dictionary can hold (``threading.Lock`` cannot be weakly referenced)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()


_turns: WeakValueDictionary[Hashable, _Turn] = WeakValueDictionary()
_turns_guard = threading.Lock()


@contextlib.contextmanager
def one_at_a_time(key: Hashable) -> Iterator[None]:
    """Let this process's writers of one record (``key``) into Neo4j one after the other.

    Correctness does not depend on it: the record's node lock in Neo4j serialises writers
    of every process. But with dozens of writers queued on one node lock, Neo4j's deadlock
    detection reports false deadlocks by the dozen, and once a waiter hung for the full
    120 s socket time-out (32 concurrent PUTs in CI); a queue here keeps them out of
    Neo4j's lock manager. Entries vanish with their last user.

    >>> with one_at_a_time(("Measure", "M01")):
    ...     pass
    """
    with _turns_guard:
        turn = _turns.get(key)
        if turn is None:
            turn = _turns[key] = _Turn()
    with turn.lock:
        yield
