"""Benchmarks: synthetic data (``bench.generate``) and timed runs against a real Neo4j.

Every bench module runs as ``python -m bench.NAME --scales 1,10,100`` and reads the
server from ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``. Without ``NEO4J_URI`` it
starts a throwaway managed Neo4j in a temporary home (never the developer's own
server, because benchmarks wipe the graph). Helpers shared by the bench modules live here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from neo4j import Driver, GraphDatabase

__all__ = [
    "neo4j_env",
    "open_bench_driver",
    "wipe",
    "machine_line",
    "neo4j_version",
    "parse_scales",
    "median",
    "bench_parser",
    "service_command",
    "wait_ready",
]


@contextmanager
def neo4j_env(heap: str = "1g") -> Iterator[dict[str, str]]:
    """``NEO4J_*`` variables of the server to benchmark against.

    ``NEO4J_URI`` from the environment if set; else a managed Neo4j in a temporary
    home, started here and stopped on exit.
    """
    if os.environ.get("NEO4J_URI"):
        yield {
            "NEO4J_URI": os.environ["NEO4J_URI"],
            "NEO4J_USER": os.environ.get("NEO4J_USER", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""),
            "NEO4J_DATABASE": os.environ.get("NEO4J_DATABASE", "neo4j"),
        }
        return
    from turva.graph.server.managed import LocalServer
    from turva.graph.settings import default_cache

    with tempfile.TemporaryDirectory(prefix="turva-bench-") as home:
        server = LocalServer(Path(home), default_cache(), heap=heap)
        server.start()
        try:
            yield {
                "NEO4J_URI": server.uri,
                "NEO4J_USER": server.user,
                "NEO4J_PASSWORD": server.password,
                "NEO4J_DATABASE": "neo4j",
            }
        finally:
            server.stop()


def open_bench_driver(env: dict[str, str]) -> Driver:
    driver = GraphDatabase.driver(
        env["NEO4J_URI"],
        auth=(env["NEO4J_USER"], env["NEO4J_PASSWORD"]),
        notifications_min_severity="OFF",
    )
    driver.verify_connectivity()
    return driver


def wipe(driver: Driver, database: str | None = None) -> None:
    """Remove every node (in batches, so a big graph does not need one huge transaction)."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS").consume()


def neo4j_version(driver: Driver) -> str:
    records, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN name, versions[0] AS version, edition"
    )
    r = records[0]
    return f"{r['name']} {r['version']} {r['edition']}"


def machine_line() -> str:
    """nproc, RAM, Python and date: the context every results table needs."""
    ram = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = int(f.readline().split()[1])
        ram = f"{kib / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        from neo4j._codec.packstream import v1 as packstream

        rust = "with" if getattr(packstream, "_rust_pack", None) else "without"
    except ImportError:
        rust = "without"
    return (
        f"{os.cpu_count()} CPUs (nproc), {ram} RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()} ({rust} neo4j-rust-ext), "
        f"load average {load} when finished, {dt.date.today().isoformat()}"
    )


def parse_scales(text: str) -> list[float]:
    """``"1,10,100"`` -> ``[1.0, 10.0, 100.0]``."""
    try:
        scales = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as e:
        raise ValueError(f"--scales must be numbers separated by commas, got {text!r}") from e
    if not scales or any(s <= 0 for s in scales):
        raise ValueError(f"--scales must be positive numbers, got {text!r}")
    return scales


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_parser(module: str, doc: str, scales: str, scales_help: str) -> argparse.ArgumentParser:
    """The command line of ``python -m bench.<module>``: its docstring's first line, and
    the ``--scales`` that ``bench.run`` passes to every bench module."""
    parser = argparse.ArgumentParser(
        prog=f"python -m bench.{module}", description=doc.split("\n")[0]
    )
    parser.add_argument("--scales", default=scales, help=scales_help)
    return parser


def service_command(port: int) -> list[str]:
    """The service in a process of its own on 127.0.0.1:``port``, logging warnings only and
    no access log (the benches time the service, not its log)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "turva.api.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def wait_ready(base: str, seconds: float = 60) -> bool:
    """Whether the service at ``base`` answers ``/readyz`` with 200 within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
