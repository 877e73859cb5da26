"""Benchmark of the HTTP API against the driver: who-addresses and gaps under concurrency.

``python -m bench.api --scales 10 [--levels 1,8,32]``

For each scale the graph is replaced by ``bench.generate.generate(scale)`` and the
service runs as ``uvicorn api.main:create_app --factory`` in its own process (one worker,
as ``turva serve``). For each concurrency level the same requests run two ways in the
same invocation:

* **API**: N threads, each an HTTP/1.1 keep-alive client (``http.client``), calling
  ``GET /api/v1/phenomena/{id}/actors`` and ``GET /api/v1/analysis/gaps``;
* **driver**: N threads calling ``queries.Analyses`` directly on one driver (query,
  transfer and result models, no HTTP).

Reported: p50/p99 latency, throughput, errors, and the API/driver p50 ratio.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bench import (
    bench_parser,
    machine_line,
    neo4j_env,
    neo4j_version,
    open_bench_driver,
    parse_scales,
    service_command,
    wait_ready,
    wipe,
)
from bench.generate import generate, record_count, relationship_count
from turva.graph.domain.schema import apply_schema
from turva.graph.server.managed import free_port
from turva.graph.store.load import load_document
from turva.queries import Analyses

__all__ = ["Run", "main"]

AS_OF = "2026-01-01"


@dataclass
class Run:
    endpoint: str
    way: str
    clients: int
    latencies: list[float]
    errors: int
    seconds: float

    def pct(self, q: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(round(q * (len(data) - 1))))]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def _phenomena(doc: dict[str, Any], n: int = 20) -> list[str]:
    """Roots with many narrower phenomena and some leaves: a realistic mix of lookups."""
    children: dict[str, int] = {}
    for p in doc["phenomena"]:
        if p.get("parent"):
            children[p["parent"]] = children.get(p["parent"], 0) + 1
    roots = sorted(children, key=lambda k: -children[k])[: n // 2]
    leaves = [p["id"] for p in doc["phenomena"] if p["id"] not in children][: n - len(roots)]
    return roots + leaves


def _api_run(base: str, paths: list[str], clients: int, endpoint: str) -> Run:
    """N threads, each with its own keep-alive connection (as the driver run uses N threads)."""
    host, port = base.removeprefix("http://").split(":")
    local = threading.local()

    def call(path: str) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            local.conn = None
            conn.close()
            raise
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")

    run = _driver_run([lambda p=p: call(p) for p in paths], clients, endpoint)
    return Run(endpoint, "API", clients, run.latencies, run.errors, run.seconds)


def _driver_run(calls: list[Callable[[], Any]], clients: int, endpoint: str) -> Run:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(call: Callable[[], Any]) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            call()
        except Exception:  # noqa: BLE001 - counted, the run goes on
            with lock:
                errors += 1
            return
        with lock:
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, calls))
    return Run(endpoint, "driver", clients, latencies, errors, time.perf_counter() - started)


def _start_service(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(service_command(port), env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    if wait_ready(base):
        return proc, base
    proc.terminate()
    raise RuntimeError("the API did not become ready")


def run_scale(env: dict[str, str], scale: float, levels: list[int], requests: int) -> list[Run]:
    driver = open_bench_driver(env)
    try:
        wipe(driver)
        apply_schema(driver)
        doc = generate(scale)
        load_document(driver, doc)
        phenomena = _phenomena(doc)
        analyses = Analyses(driver)
        proc, base = _start_service(env)
        runs: list[Run] = []
        try:
            for endpoint in ("who-addresses", "gaps"):
                for clients in levels:
                    if endpoint == "who-addresses":
                        n = max(requests, 10 * clients)
                        targets = [phenomena[i % len(phenomena)] for i in range(n)]
                        paths = [f"/api/v1/phenomena/{p}/actors" for p in targets]
                        calls = [lambda p=p: analyses.who_addresses(p) for p in targets]
                    else:
                        n = max(requests // 5, 2 * clients)
                        paths = [f"/api/v1/analysis/gaps?as_of={AS_OF}"] * n
                        calls = [lambda: analyses.gaps(as_of=AS_OF)] * n
                    # warm both paths (plan cache, connection pools) before timing
                    _api_run(base, paths[: min(len(paths), clients * 2)], clients, endpoint)
                    _driver_run(calls[: min(len(calls), clients * 2)], clients, endpoint)
                    runs.append(_api_run(base, paths, clients, endpoint))
                    runs.append(_driver_run(calls, clients, endpoint))
                    print(
                        f"scale {scale:g} {endpoint} x{clients}: done", file=sys.stderr, flush=True
                    )
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return runs
    finally:
        driver.close()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def report(results: dict[float, list[Run]], server: str) -> str:
    lines = [
        "| scale | endpoint | clients | way | requests | errors | p50 ms | p99 ms | req/s "
        "| p50 API/driver |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scale, runs in results.items():
        by_key = {(r.endpoint, r.clients, r.way): r for r in runs}
        for r in runs:
            ratio = ""
            if r.way == "API":
                base = by_key[(r.endpoint, r.clients, "driver")]
                ratio = f"**{r.pct(0.5) / base.pct(0.5):.2f}**"
            lines.append(
                f"| {scale:g}x | {r.endpoint} | {r.clients} | {r.way} | {len(r.latencies)} "
                f"| {r.errors} | {_ms(r.pct(0.5))} | {_ms(r.pct(0.99))} "
                f"| {r.throughput:,.0f} | {ratio} |"
            )
    lines.append("")
    lines.append(f"{machine_line()}; {server}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("api", __doc__, "10", "comma-separated (default 10)")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients (default 1,8,32)")
    parser.add_argument(
        "--requests", type=int, default=400, help="who-addresses requests per level (gaps: 1/5)"
    )
    args = parser.parse_args(argv)
    try:
        scales = parse_scales(args.scales)
        levels = [int(x) for x in args.levels.split(",") if x.strip()]
    except ValueError as e:
        parser.error(str(e))
    results: dict[float, list[Run]] = {}
    with neo4j_env() as env:
        with open_bench_driver(env) as driver:
            server = neo4j_version(driver)
        for scale in scales:
            doc_size = record_count(generate(scale)), relationship_count(generate(scale))
            print(
                f"scale {scale:g}: {doc_size[0]} records, {doc_size[1]} relationships",
                file=sys.stderr,
            )
            results[scale] = run_scale(env, scale, levels, args.requests)
    print(report(results, server))
    if any(r.errors for runs in results.values() for r in runs):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
