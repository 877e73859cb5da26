"""Benchmark of the situation picture (``/``) and the briefing PDF.

``python -m bench.situation --scales 1,10,100 [--repeat 5] [--pdf-repeat 3]``

For each scale the graph is replaced by ``bench.generate.generate(scale)`` and the page
``/`` is asked for through the real app (in process, its own driver):

- *first*: the very first request (matplotlib imported, Neo4j's plans cold);
- *cold*: the service's cache emptied before each request, plans warm: the render a
  reader waits for after a write (median of ``--repeat``);
- *cached*: the same request again at the same graph version (median of ``--repeat``).

Then the 2021 dataset (``data/2021.yaml``) is loaded and its briefing printed to PDF by
headless Chromium, median of ``--pdf-repeat``. The graph is wiped (see bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench
from bench import machine_line, median, neo4j_env, neo4j_version, open_bench_driver, parse_scales
from bench.generate import generate, record_count, relationship_count
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.schema import apply_schema
from turva.graph.settings import Settings
from turva.graph.store.load import load_document

__all__ = ["main", "run_scale", "run_pdf"]

DATASET_2021 = Path(__file__).resolve().parent.parent / "data" / "2021.yaml"


@dataclass
class Row:
    scale: float
    size: int
    first_s: float
    cold_s: float
    cached_s: float


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _client(env: dict[str, str], driver: Any) -> Any:
    from fastapi.testclient import TestClient

    from turva.api.main import create_app

    settings = Settings(**env)  # type: ignore[arg-type]
    return TestClient(create_app(settings, driver=driver))


def run_scale(env: dict[str, str], driver: Any, scale: float, repeat: int) -> Row:
    """Load ``generate(scale)`` and time ``/``: first, cold (cache emptied), cached."""
    from turva.api.caching import response_cache

    doc = generate(scale)
    print(f"scale {scale:g}: loading {record_count(doc)} records", file=sys.stderr, flush=True)
    load_document(driver, doc, replace=True)
    with _client(env, driver) as web:

        def page() -> None:
            answer = web.get("/", params={"lang": "fi"})
            assert answer.status_code == 200, answer.text[:500]

        cache = response_cache(web.app)
        first = _timed(page)
        cold = []
        for _ in range(repeat):
            cache.lru.clear()
            cold.append(_timed(page))
        cached = [_timed(page) for _ in range(repeat)]
    row = Row(
        scale,
        record_count(doc) + relationship_count(doc),
        first,
        median(cold),
        median(cached),
    )
    print(
        f"  first {row.first_s:.2f}s cold {row.cold_s:.3f}s cached {row.cached_s:.4f}s",
        file=sys.stderr,
        flush=True,
    )
    return row


def run_pdf(env: dict[str, str], driver: Any, repeat: int) -> list[float]:
    """Load the 2021 dataset and time its briefing PDF (HTML, charts, map, Chromium)."""
    from turva.api.situation_pages import briefing_pdf

    load_document(driver, read_document_data(DATASET_2021), replace=True)
    settings = Settings(**env)  # type: ignore[arg-type]
    times = [_timed(lambda: briefing_pdf(driver, settings)) for _ in range(repeat)]
    print(f"  briefing PDF (2021): {median(times):.2f}s", file=sys.stderr, flush=True)
    return times


def report(rows: list[Row], pdf: list[float], repeat: int, server: str) -> str:
    lines = [
        "## Situation picture",
        "",
        f"`GET /` through the app in process, median of {repeat} (cold: the cache emptied "
        f"before each request); {server}.",
        "",
        "| scale | records + relationships | first (s) | cold (s) | cached (s) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scale:g}x | {r.size:,} | {r.first_s:.2f} | {r.cold_s:.3f} | {r.cached_s:.4f} |"
        )
    lines += [
        "",
        f"Briefing PDF of the 2021 data (`briefing_pdf`: picture, map PNG, Chromium): "
        f"median {median(pdf):.2f} s of {len(pdf)}.",
        "",
        machine_line(),
    ]
    return "\n".join(lines)


def _scales(parser: argparse.ArgumentParser, text: str) -> list[float]:
    """``--scales`` read, or the usage error that says why not."""
    try:
        return parse_scales(text)
    except ValueError as e:
        parser.error(str(e))


def main(argv: list[str] | None = None) -> int:
    parser = bench.bench_parser(
        "situation", __doc__, "1,10,100", "comma-separated (default 1,10,100)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed pages (default 5)")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="timed PDFs (default 3)")
    args = parser.parse_args(argv)
    scales = _scales(parser, args.scales)
    # one driver for the whole run; the app in each scale's client borrows it
    with neo4j_env() as env, contextlib.closing(open_bench_driver(env)) as driver:
        apply_schema(driver)
        rows = [run_scale(env, driver, scale, args.repeat) for scale in scales]
        pdf = run_pdf(env, driver, args.pdf_repeat)
        print(report(rows, pdf, args.repeat, neo4j_version(driver)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
