"""Benchmark of the hardening (issue 13): liveness under an import, maps cached or not.

``python -m bench.hardening [--map-scale 1] [--clients 16] [--per-client 3] [--import-mb 10]``
(``--scales`` is accepted for ``bench.run`` and ignored: the sizes are the options.)

Each part starts the service as ``uvicorn turva.api.main:create_app --factory`` in its own
process (one worker, as ``turva serve``), on 127.0.0.1 only, against one real Neo4j:

* **maps**: the graph is ``generate(map_scale)``; N clients (threads, each with its own
  keep-alive connection) each ask ``--per-client`` times for the same map,
  ``/api/v1/maps/overview.png``, as a room full of people opening one link would: with
  the answer cache off (``TURVA_CACHE_MAPS=false``) and on, each client on its own reader
  token (its own limit bucket); then on, all anonymous (one IP, one bucket). Last, a
  cache-busting flood: the same N connections from one IP, anonymous, each request a
  different map (3 views x 5 formats x 3 languages x 2 periods), which the cache cannot
  answer and the limit must. Each run on a fresh service; a warm-up request for another
  map loads matplotlib first. Reported: requests, 200s, 429s, renders (``X-Turva-Cache:
  miss|off``), p50/p95/max latency of the 200s and their throughput.
* **healthz**: ``/healthz`` latency (p50/p95/max) from one client asking every 20 ms,
  first idle, then while an admin imports a ``--import-mb`` MB JSON document (the
  largest generated one under that size; ``mode=replace``) through ``POST /api/v1/import``,
  in the same run on the same service.

Every request goes to 127.0.0.1; counts and times are bounded (``--deadline`` seconds
per run).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from bench import (
    bench_parser,
    machine_line,
    neo4j_env,
    neo4j_version,
    open_bench_driver,
    service_command,
    wait_ready,
    wipe,
)
from bench.generate import generate, record_count
from turva.api.caching import CACHE_ENV, MAPS
from turva.graph.domain.schema import apply_schema
from turva.graph.server.managed import free_port
from turva.graph.store.load import load_document
from turva.graph.store.tokens import create_token

__all__ = ["MapRun", "HealthRun", "main"]

MAP_URL = "/api/v1/maps/overview.png"
WARM_URL = "/api/v1/maps/group.png"
#: the flood's maps: every request a different one
FLOOD_URLS = [
    f"/api/v1/maps/{view}.{fmt}?lang={lang}" + (f"&period={period}" if period else "")
    for period in (None, 2021)
    for lang in ("fi", "sv", "en")
    for fmt in ("png", "html", "json", "graphml", "gexf")
    for view in ("overview", "who-works-on-what", "collaboration")
]
HEALTH_EVERY = 0.02
IDLE_SAMPLES = 250


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    return data[min(len(data) - 1, int(round(q * (len(data) - 1))))]


@dataclass
class MapRun:
    cache: bool
    who: str
    clients: int
    what: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    how: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.errors

    @property
    def renders(self) -> int:
        return self.how["miss"] + self.how["off"]


@dataclass
class HealthRun:
    label: str
    latencies: list[float]
    errors: int = 0
    note: str = ""


class Service:
    """The service in its own process on a free port of 127.0.0.1, its output in a file."""

    def __init__(self, env: dict[str, str], extra: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_dir / f"service-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            service_command(self.port),
            env={**os.environ, **env, **extra},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if wait_ready(self.base):
            return
        self.stop()
        raise RuntimeError("the service did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()


def _get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, str]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("x-turva-cache", "")


class Plan(NamedTuple):
    """What one maps run varies: the service's cache, the clients' tokens (None: all
    anonymous from one IP) and whether each request asks for another map (``flood``)."""

    cache: bool
    secrets: list[str] | None
    flood: bool = False


def map_run(
    service: Service, plan: Plan, *, clients: int, per_client: int, deadline: float
) -> MapRun:
    """``clients`` threads, each ``per_client`` GETs on its own connection: of MAP_URL, or
    (``flood``) each of another of FLOOD_URLS."""
    cache, secrets, flood = plan
    who = "anonymous (one IP)" if secrets is None else "own token each"
    run = MapRun(cache, who, clients, what="a different map each" if flood else "overview.png")
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline
    start = threading.Barrier(clients)

    def client(i: int) -> None:
        headers = {} if secrets is None else {"Authorization": f"Bearer {secrets[i]}"}
        conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=deadline)
        start.wait()
        try:
            for k in range(per_client):
                if time.monotonic() > stop_at:
                    break
                url = MAP_URL if not flood else FLOOD_URLS[(k * clients + i) % len(FLOOD_URLS)]
                began = time.perf_counter()
                try:
                    status, how = _get(conn, url, headers)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=deadline)
                    with lock:
                        run.errors += 1
                    continue
                took = time.perf_counter() - began
                with lock:
                    run.statuses[status] += 1
                    if status == 200:
                        run.latencies.append(took)
                        run.how[how] += 1
        finally:
            conn.close()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    run.seconds = time.perf_counter() - began
    return run


def health_samples(base: str, *, until: threading.Event | None, count: int) -> HealthRun:
    """GET /healthz every HEALTH_EVERY s: ``count`` times, or until ``until`` is set."""
    latencies: list[float] = []
    errors = 0
    with httpx.Client(base_url=base, timeout=30) as c:
        n = 0
        while (until is None and n < count) or (until is not None and not until.is_set()):
            began = time.perf_counter()
            try:
                ok = c.get("/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            took = time.perf_counter() - began
            if ok:
                latencies.append(took)
            else:
                errors += 1
            n += 1
            time.sleep(max(0.0, HEALTH_EVERY - took))
    return HealthRun("idle" if until is None else "during import", latencies, errors)


def import_document_bytes(target_mb: float) -> tuple[bytes, float, int]:
    """The largest generated JSON document of at most ``target_mb`` MB: (body, scale, records)."""
    limit = int(target_mb * 1_000_000)
    per_scale = len(json.dumps(generate(10), ensure_ascii=False).encode()) / 10
    scale = round(limit / per_scale, 1)
    while True:
        doc = generate(scale)
        body = json.dumps(doc, ensure_ascii=False).encode()
        if len(body) <= limit:
            return body, scale, record_count(doc)
        scale = round(scale * limit / len(body) - 0.5, 1)


def health_part(
    env: dict[str, str], admin: str, log_dir: Path, target_mb: float, deadline: float
) -> tuple[list[HealthRun], str]:
    body, scale, records = import_document_bytes(target_mb)
    with Service(env, {}, log_dir) as service:
        idle = health_samples(service.base, until=None, count=IDLE_SAMPLES)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def do_import() -> None:
            began = time.perf_counter()
            try:
                response = httpx.post(
                    f"{service.base}/api/v1/import",
                    params={"mode": "replace"},
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {admin}",
                    },
                    timeout=deadline,
                )
                outcome["status"] = response.status_code
            except httpx.HTTPError as e:
                outcome["status"] = type(e).__name__
            finally:
                outcome["seconds"] = time.perf_counter() - began
                done.set()

        importer = threading.Thread(target=do_import)
        importer.start()
        busy = health_samples(service.base, until=done, count=0)
        importer.join()
    note = (
        f"import of {len(body) / 1e6:.1f} MB JSON (generate({scale:g}), {records:,} records, "
        f"mode=replace): HTTP {outcome['status']} after {outcome['seconds']:.1f} s"
    )
    busy.note = note
    return [idle, busy], note


def maps_part(
    env: dict[str, str],
    readers: list[str],
    log_dir: Path,
    clients: int,
    per_client: int,
    deadline: float,
) -> list[MapRun]:
    runs = []
    plans = [Plan(False, readers), Plan(True, readers), Plan(True, None), Plan(True, None, True)]
    for plan in plans:
        extra = {CACHE_ENV: "true" if plan.cache else "false"}
        with Service(env, extra, log_dir) as service:
            httpx.get(service.base + WARM_URL, timeout=deadline)  # matplotlib, pools
            run = map_run(service, plan, clients=clients, per_client=per_client, deadline=deadline)
        runs.append(run)
        print(
            f"maps cache {'on' if plan.cache else 'off'}, {run.who}, {run.what}: {run.statuses}",
            file=sys.stderr,
            flush=True,
        )
    return runs


def _ms(seconds: float, digits: int = 0) -> str:
    return f"{seconds * 1000:,.{digits}f}"


def report(
    map_scale: float,
    map_records: int,
    runs: list[MapRun],
    health: list[HealthRun],
    note: str,
    server: str,
) -> str:
    lines = [
        f"Maps on `generate({map_scale:g})` ({map_records:,} records); limit "
        f"{MAPS.burst} renders at once, then {MAPS.per_second:g}/s per client.",
        "",
        "| cache | clients | maps | requests | 200 | 429 | renders | p50 ms | p95 ms "
        "| max ms | 200s/s |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        ok = len(r.latencies)
        lines.append(
            f"| {'on' if r.cache else 'off'} | {r.clients} x {r.who} | {r.what} "
            f"| {r.requests} | {ok} "
            f"| {r.statuses[429]} | {r.renders} | {_ms(pct(r.latencies, 0.5))} "
            f"| {_ms(pct(r.latencies, 0.95))} | {_ms(max(r.latencies, default=float('nan')))} "
            f"| {ok / r.seconds if r.seconds else 0:,.1f} |"
        )
    lines += [
        "",
        "| `/healthz` | samples | errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for h in health:
        lines.append(
            f"| {h.label} | {len(h.latencies)} | {h.errors} | {_ms(pct(h.latencies, 0.5), 1)} "
            f"| {_ms(pct(h.latencies, 0.95), 1)} "
            f"| {_ms(max(h.latencies, default=float('nan')), 1)} |"
        )
    lines += ["", f"{note}.", "", f"{machine_line()}; {server}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("hardening", __doc__, "", "accepted for bench.run; ignored")
    parser.add_argument("--map-scale", type=float, default=1.0, help="graph of the maps part")
    parser.add_argument("--clients", type=int, default=16, help="concurrent map clients")
    parser.add_argument("--per-client", type=int, default=3, help="map requests per client")
    parser.add_argument("--import-mb", type=float, default=10.0, help="size of the import")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds per run, at most")
    parser.add_argument("--skip", choices=("maps", "healthz"), action="append", default=[])
    args = parser.parse_args(argv)
    if args.clients < 1 or args.per_client < 1 or args.import_mb <= 0:
        parser.error("--clients, --per-client and --import-mb must be positive")
    with neo4j_env() as env, tempfile.TemporaryDirectory(prefix="turva-hardening-") as tmp:
        driver = open_bench_driver(env)
        try:
            server = neo4j_version(driver)
            database = env.get("NEO4J_DATABASE")
            wipe(driver, database)
            apply_schema(driver, database)
            doc = generate(args.map_scale)
            load_document(driver, doc, database=database)
            stamp = time.monotonic_ns()

            def new_token(name: str, role: str) -> str:
                """A token of ``role`` for no organisation; its secret."""
                return create_token(
                    driver,
                    name=f"bench-{stamp}-{name}",
                    role=role,
                    organisations=[],
                    who="bench",
                    database=database,
                )[1]

            readers = [new_token(str(i), "reader") for i in range(args.clients)]
            admin = new_token("admin", "admin")
        finally:
            driver.close()
        runs: list[MapRun] = []
        if "maps" not in args.skip:
            runs = maps_part(env, readers, Path(tmp), args.clients, args.per_client, args.deadline)
        health: list[HealthRun] = []
        note = "no import"
        if "healthz" not in args.skip:
            health, note = health_part(env, admin, Path(tmp), args.import_mb, args.deadline)
    print(report(args.map_scale, record_count(doc), runs, health, note, server))
    failed = any(r.errors or set(r.statuses) - {200, 429} for r in runs) or any(
        h.errors for h in health
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
