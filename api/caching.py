"""Cached answers and per-client limits for the expensive reads: maps and analyses.

**Keyed by the graph's version.** Every write transaction that changes what readers see
bumps one counter in the graph (:func:`turva.graph.store.versions.graph_version`), so an
answer rendered at version *V* stays right until the next commit. Each request reads the
version (one index seek), then builds its key::

    (epoch, version, path, sorted query parameters, response format)

The parameters are the route's *validated* ones (defaults filled in, blanks dropped), so
``?lang=fi`` and no ``lang`` share an entry and a made-up parameter cannot fill the
cache; the language of a map is one of them (``lang``); the format is the map's
extension or the analysis' rendering (``?format=`` or ``Accept``). Answers are kept in
an in-process LRU of at most :data:`CACHE_BYTES`; one larger than :data:`ENTRY_BYTES` is
never kept.

**Revalidation.** An answer carries ``ETag: "<version>-<16 hex digits of the SHA-256 of
the key>"`` and ``Cache-Control: no-cache``: a client may keep it but asks again, and an
``If-None-Match`` naming the current tag is answered ``304 Not Modified`` without
rendering anything (nor even looking into the cache).

**No stale answers.** An answer is kept only when the version read after rendering is
still the one read before: a render that overlapped a commit is sent (it is no older
than the request) but never kept. A write through the service or the CLI commits with
its version bump, so the next request misses. (A write made by hand in Cypher, outside
turva, does not bump the version; no cache can see it.)

**Single flight.** Concurrent misses of one key render once: the first starts the
render, the others wait for its answer (``X-Turva-Cache: shared``); a failure reaches
them all as the same problem.

**Limits per client.** The client is the token's name when the request carries a valid
token, else its IP address. Each class of expensive reads (:data:`MAPS`, :data:`ANALYSES`)
has a token bucket per client; a request that makes the service render costs one token,
and an empty bucket answers ``429`` (problem+json) with ``Retry-After`` in seconds.
Cache hits, 304s and requests that wait for another's render cost nothing: they cost a
version read, about a millisecond.

``TURVA_CACHE_MAPS=false`` (read when the service first uses its cache) turns keeping
answers and single flight off, for benchmarks: every request renders; tags, 304s and
limits stay.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from turva.api.auth import Principal
from turva.api.problems import PROBLEM_JSON, problem
from turva.graph.store.versions import GraphVersion, graph_version

__all__ = [
    "CACHE_BYTES",
    "ENTRY_BYTES",
    "CACHE_ENV",
    "CLIENTS",
    "Limit",
    "MAPS",
    "ANALYSES",
    "Entry",
    "ByteLRU",
    "TokenBucket",
    "ResponseCache",
    "response_cache",
    "cached",
    "none_match",
    "CACHED_RESPONSES",
]

#: the most bytes of answers kept in memory
CACHE_BYTES = 64 * 1024 * 1024
#: answers larger than this are sent but never kept (a quarter of the cache)
ENTRY_BYTES = CACHE_BYTES // 4
#: ``false`` turns keeping answers off (benchmarks)
CACHE_ENV = "TURVA_CACHE_MAPS"
#: buckets remembered per limit; the least recently seen client is forgotten first
CLIENTS = 10_000


@dataclass(frozen=True)
class Limit:
    """A token bucket's size (``burst`` renders at once) and refill (renders a second)."""

    name: str
    burst: int
    per_second: float


# Sized so that one client's steady rate costs about half of one CPU (bench/README.md,
# "Hardening"): the overview PNG of the 2021-sized graph alone takes ~0.7 s of CPU and the
# service renders ~1 PNG/s on 2 CPUs for everyone together, so 2 renders a second per
# client would let one client take the whole machine; gaps at 10x take ~0.12 s.
#: map exports (HTML, GraphML, GEXF, JSON, PNG)
MAPS = Limit("maps", burst=30, per_second=0.5)
#: the analyses (gaps, overlaps, coverage, who-addresses, profile, path, changes, periods)
ANALYSES = Limit("analyses", burst=60, per_second=2.0)

#: OpenAPI ``responses`` entries of a cached route
CACHED_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match tag is still current"},
    429: {
        "description": "Too many requests: this client's renders are over the limit; "
        "wait Retry-After seconds",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}

#: headers of a rendered response that are not kept with it (set anew on every answer)
_NOT_KEPT = frozenset({"content-length", "etag", "cache-control", "vary"})


@dataclass(frozen=True)
class Entry:
    """A rendered answer: the body and its own headers (Content-Type, Content-Disposition)."""

    body: bytes
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response: Response) -> Entry:
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_KEPT)
        return cls(bytes(response.body), headers)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class ByteLRU:
    """A least-recently-used mapping bounded by the bytes of its entries.

    >>> lru = ByteLRU(max_bytes=1000, max_entry=800)  # sizes count ~200 bytes of overhead
    >>> lru.put("a", Entry(b"x" * 500, ())); lru.put("b", Entry(b"y" * 500, ()))
    True
    True
    >>> lru.get("a") is None, lru.get("b") is not None, lru.size <= 1000
    (True, True, True)
    >>> lru.put("c", Entry(b"z" * 700, ()))  # too big to keep
    False
    """

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entry: int = ENTRY_BYTES):
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self.size = 0
        self._entries: OrderedDict[Any, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Any, entry: Entry) -> bool:
        """Keep ``entry`` (evicting the least recently used); False if it is too big."""
        if entry.size > self.max_entry:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._entries[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.size -= dropped.size
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


class TokenBucket:
    """One bucket per client: ``burst`` tokens, refilled at ``per_second``.

    >>> now = [0.0]
    >>> bucket = TokenBucket(Limit("x", burst=2, per_second=0.5), clock=lambda: now[0])
    >>> [bucket.take("a") for _ in range(3)], bucket.take("b")
    ([0, 0, 2], 0)
    >>> now[0] = 2.0; bucket.take("a")
    0
    """

    def __init__(
        self,
        limit: Limit,
        *,
        clients: int = CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit = limit
        self.clients = clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> int:
        """Take a token for ``client``: 0 if it had one, else the seconds to wait (>= 1)."""
        now = self.clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(client, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - stamp) * self.limit.per_second)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0
            else:
                wait = max(1, math.ceil((1.0 - tokens) / self.limit.per_second))
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.clients:
                self._buckets.popitem(last=False)
        return wait


def none_match(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison, RFC 9110 13.1.2).

    >>> none_match('W/"3-ab", "4-cd"', '"4-cd"'), none_match("*", '"1-x"'), none_match(None, '"1"')
    (True, True, False)
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _enabled_by_env() -> bool:
    return os.environ.get(CACHE_ENV, "true").strip().lower() not in ("0", "false", "no", "off")


class ResponseCache:
    """The service's answer cache, single flight and limits (one per app)."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        max_bytes: int = CACHE_BYTES,
        max_entry: int = ENTRY_BYTES,
        limits: Mapping[str, TokenBucket] | None = None,
    ):
        self.enabled = enabled
        self.lru = ByteLRU(max_bytes, max_entry)
        self.limits: dict[str, TokenBucket] = dict(
            limits or {lim.name: TokenBucket(lim) for lim in (MAPS, ANALYSES)}
        )
        #: renders done (misses that rendered), for tests and benchmarks
        self.renders = 0
        self._inflight: dict[Any, asyncio.Task[Entry]] = {}

    def bucket(self, limit: Limit) -> TokenBucket:
        bucket = self.limits.get(limit.name)
        if bucket is None:
            bucket = self.limits[limit.name] = TokenBucket(limit)
        return bucket

    async def get_or_render(
        self,
        key: Any,
        version: GraphVersion,
        render: Callable[[], Response],
        current: Callable[[], GraphVersion],
        charge: Callable[[], Response | None],
    ) -> tuple[Entry | Response, str]:
        """The entry and how it came (hit, miss, shared, off), or ``charge``'s refusal."""

        async def fill() -> Entry:
            entry = Entry.of(await run_in_threadpool(render))
            self.renders += 1
            if self.enabled and entry.size <= self.lru.max_entry:
                # keep it only if no write committed while it was rendered
                if await run_in_threadpool(current) == version:
                    self.lru.put(key, entry)
            return entry

        if not self.enabled:
            refused = charge()
            if refused is not None:
                return refused, "limited"
            return await fill(), "off"
        entry = self.lru.get(key)
        if entry is not None:
            return entry, "hit"
        loop = asyncio.get_running_loop()
        task = self._inflight.get(key)
        if task is not None and task.get_loop() is loop:
            return await asyncio.shield(task), "shared"
        refused = charge()
        if refused is not None:
            return refused, "limited"
        task = loop.create_task(fill())
        self._inflight[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        # shielded: a client that hangs up does not cancel the render the others wait for
        return await asyncio.shield(task), "miss"

    def _finished(self, key: Any, task: asyncio.Task[Entry]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved: nobody may be left to await it


def response_cache(app: FastAPI) -> ResponseCache:
    """The app's cache, made on first use (``app.state.response_cache``)."""
    cache = getattr(app.state, "response_cache", None)
    if cache is None:
        cache = app.state.response_cache = ResponseCache(enabled=_enabled_by_env())
    return cache  # type: ignore[no-any-return]


def _client(request: Request, who: Principal) -> str:
    if who.token is not None:
        return f"token:{who.token.name}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


def _key_params(params: Mapping[str, Any]) -> list[list[str]]:
    return sorted([k, str(v)] for k, v in params.items() if v is not None)


async def cached(
    request: Request,
    *,
    who: Principal,
    limit: Limit,
    params: Mapping[str, Any],
    variant: str,
    render: Callable[[], Response],
    vary: str | None = None,
) -> Response:
    """Answer from the cache, with 304, or by ``render()`` (run in a worker thread).

    ``params`` are the request's validated query parameters, ``variant`` the response
    format; ``render`` returns the 200 response (its body, media type and headers are
    what is kept). ``vary`` names request headers the variant comes from (``Accept``).
    """
    app = request.app
    cache = response_cache(app)
    driver, database = app.state.driver, app.state.settings.neo4j_database

    def current() -> GraphVersion:
        return graph_version(driver, database)

    version = await run_in_threadpool(current)
    key = (
        version.epoch,
        version.number,
        request.url.path,
        json.dumps(_key_params(params), ensure_ascii=False),
        variant,
    )
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:16]
    headers = {"ETag": f'"{version.number}-{digest}"', "Cache-Control": "no-cache"}
    if vary:
        headers["Vary"] = vary
    if none_match(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)

    def charge() -> Response | None:
        wait = cache.bucket(limit).take(_client(request, who))
        if not wait:
            return None
        return problem(
            429,
            "Too many requests",
            f"This client has asked for more {limit.name} than the service renders for one "
            f"client ({limit.burst} at once, then {limit.per_second:g} a second). Try again "
            f"in {wait} s; answers already rendered (the same request again, If-None-Match) "
            "do not count.",
            headers={"Retry-After": str(wait)},
            type="urn:turva:problem:too-many-requests",
        )

    got, how = await cache.get_or_render(key, version, render, current, charge)
    if isinstance(got, Response):
        return got
    return Response(got.body, headers={**dict(got.headers), **headers, "X-Turva-Cache": how})
