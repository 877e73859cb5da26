"""Benchmark of workbooks: reading an ``.xlsx`` (and a ``.csv.zip``) of the synthetic data
against loading the same data from JSON, in one run.

``python -m bench.workbook --scales 10 [--repeat 3]``

The issue's target: reading an XLSX of the 10x dataset takes at most 3x the JSON load
time. Measured, each a median of ``--repeat`` runs, in turns so that every measurement
sees the same machine:

- ``turva load FILE.json`` and ``turva load FILE.xlsx`` end to end (subprocess, into an
  empty graph each time: start-up, reading, validation, one write transaction);
- in process: reading the XLSX (``decode_document``: calamine, cells to a turva/1
  document), reading the CSV zip, and the JSON load (``decode_document`` of the JSON plus
  ``import_document`` into an empty graph).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neo4j import Driver

import bench
from bench import machine_line, median, neo4j_env, neo4j_version, open_bench_driver, wipe
from bench.generate import generate, record_count, write_document
from bench.load import _fresh, _turva_load
from turva.graph.domain.formats import decode_document, format_named
from turva.graph.domain.schema import apply_schema
from turva.graph.store.documents import import_document

__all__ = ["run_workbook_bench", "main"]


def _timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - start


def _json_load(driver: Driver, raw: bytes) -> None:
    """The JSON load in process: reading the document, then importing it."""
    import_document(driver, decode_document(raw, format_named("json"), name="x"), who="bench")


def run_workbook_bench(scales: list[float], *, repeat: int = 3, heap: str = "1g") -> str:
    """Run the workbook benchmark at each scale; the Markdown report."""

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    xlsx, csv_zip = format_named("xlsx"), format_named("csv.zip")
    lines = [
        "| scale | records | file MB (json / xlsx / csv.zip) | `turva load` .json s | "
        "`turva load` .xlsx s | JSON load in process s | XLSX read s | CSV zip read s | "
        "XLSX read / JSON load (in process) | XLSX read / `turva load` .json |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with neo4j_env(heap) as env, tempfile.TemporaryDirectory(prefix="turva-bench-") as tmp:
        with open_bench_driver(env) as driver:
            apply_schema(driver)
            version = neo4j_version(driver)
            for scale in scales:
                doc = generate(scale)
                paths = {name: Path(tmp) / f"data{name}" for name in (".json", ".xlsx")}
                write_document(doc, paths[".json"])
                paths[".xlsx"].write_bytes(xlsx.write(doc))
                raw_json = paths[".json"].read_bytes()
                raw_xlsx = paths[".xlsx"].read_bytes()
                raw_csv = csv_zip.write(doc)
                sizes = [len(raw_json), len(raw_xlsx), len(raw_csv)]
                _fresh(driver)
                _turva_load(paths[".json"], env)  # untimed warm-up
                times: dict[str, list[float]] = {}
                for run in range(repeat):
                    log(f"workbook bench: {scale}x, run {run + 1}/{repeat}")
                    for suffix in (".json", ".xlsx"):
                        _fresh(driver)
                        times.setdefault(suffix, []).append(_turva_load(paths[suffix], env).seconds)
                    _fresh(driver)
                    times.setdefault("json", []).append(_timed(_json_load, driver, raw_json))
                    times.setdefault("xlsx", []).append(
                        _timed(decode_document, raw_xlsx, xlsx, name="x")
                    )
                    times.setdefault("csv", []).append(
                        _timed(decode_document, raw_csv, csv_zip, name="x")
                    )
                m = {key: median(values) for key, values in times.items()}
                mb = " / ".join(f"{size / 2**20:.2f}" for size in sizes)
                lines.append(
                    f"| {scale:g}x | {record_count(doc):,} | {mb} | {m['.json']:.2f} | "
                    f"{m['.xlsx']:.2f} | {m['json']:.2f} | {m['xlsx']:.2f} | {m['csv']:.2f} | "
                    f"{m['xlsx'] / m['json']:.2f} | {m['xlsx'] / m['.json']:.2f} |"
                )
            wipe(driver)
    return (
        f"Machine: {machine_line()}; {version}. Medians of {repeat} runs.\n\n"
        + "\n".join(lines)
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = bench.bench_parser("workbook", __doc__, "10", "comma-separated (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--heap", default="1g", help="heap of the throwaway managed Neo4j")
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    print(run_workbook_bench(scales, repeat=args.repeat, heap=args.heap))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
