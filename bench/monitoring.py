"""Benchmark of monitoring: goal progress, attention and a what-if, and the JSON-stat import.

``python -m bench.monitoring --scales 1,10,100 [--repeat 7]``

For each scale the graph is replaced by ``bench.generate.generate(scale,
indicators=True)`` (two indicators per phenomenon, ten years of observations each,
targets on about half the goals); each analysis runs once to warm the plan cache, then
``--repeat`` times, and the median wall time of the Python call is reported
(``queries.Analyses``: query, transfer and model building). The what-if takes out the
organisation responsible for the most measures (the largest what-if of one).

Then a JSON-stat 2.0 file of 10,000 values (200 years x 50 regions, shaped like
Statistics Finland's PxWeb output) is imported with the real command, ``turva
observations import FILE --indicator ID --select Alue=R001``: the wall time of the whole
command, median of ``--repeat``. The graph is wiped (see bench/README.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bench
from bench import machine_line, median, neo4j_env, neo4j_version, open_bench_driver, parse_scales
from bench.analyses import growth_table
from bench.generate import generate, record_count, relationship_count
from turva.graph.domain.schema import apply_schema
from turva.graph.store.load import load_document
from turva.queries import Analyses

__all__ = ["jsonstat_document", "main", "run_scale", "run_import"]

AS_OF = dt.date(2026, 11, 28)
#: the JSON-stat file of the import benchmark: years x regions values
YEARS, REGIONS = 200, 50
TURVA = Path(sys.executable).parent / "turva"


@dataclass
class ScaleResult:
    scale: float
    records: int
    relationships: int
    seconds: dict[str, float] = field(default_factory=dict)
    #: the organisation the what-if takes out
    busiest: str = ""

    @property
    def size(self) -> int:
        return self.records + self.relationships


def _timed_median(call: Callable[[], Any], repeat: int) -> float:
    call()  # plans and caches warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return median(times)


def run_scale(driver: Any, scale: float, repeat: int) -> ScaleResult:
    """Load the scale's document with indicators and time the three analyses."""
    doc = generate(scale, indicators=True)
    result = ScaleResult(scale, record_count(doc), relationship_count(doc))
    print(f"scale {scale:g}: loading {result.records} records", file=sys.stderr, flush=True)
    load_document(driver, doc, replace=True)
    busiest = Counter(
        r["organisation"] for m in doc["measures"] for r in m["responsible"]
    ).most_common(1)[0][0]
    analyses = Analyses(driver)
    cases: dict[str, Callable[[], Any]] = {
        "goal-progress": lambda: analyses.goal_progress(as_of=AS_OF),
        "attention": lambda: analyses.attention(as_of=AS_OF),
        "what-if (one organisation)": lambda: analyses.what_if([busiest], as_of=AS_OF),
    }
    result.busiest = busiest
    for name, call in cases.items():
        result.seconds[name] = _timed_median(call, repeat)
        print(f"  {name}: {result.seconds[name] * 1000:.1f} ms", file=sys.stderr, flush=True)
    return result


def jsonstat_document(years: int = YEARS, regions: int = REGIONS) -> dict[str, Any]:
    """A JSON-stat 2.0 dataset of ``years * regions`` values, as PxWeb writes one.

    >>> doc = jsonstat_document(3, 2)
    >>> doc["id"], doc["size"], len(doc["value"])
    (['Vuosi', 'Alue', 'Tiedot'], [3, 2, 1], 6)
    """
    year_codes = [str(2101 - years + i) for i in range(years)]
    region_codes = [f"R{i + 1:03d}" for i in range(regions)]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Poliisin tietoon tullut rikollisuus (benchmark data, illustrative)",
        "source": "illustrative",
        "updated": "2026-01-01T06:00:00Z",
        "id": ["Vuosi", "Alue", "Tiedot"],
        "size": [years, regions, 1],
        "role": {"time": ["Vuosi"]},
        "dimension": {
            "Vuosi": {
                "label": "Vuosi",
                "category": {
                    "index": {c: i for i, c in enumerate(year_codes)},
                    "label": {c: c for c in year_codes},
                },
            },
            "Alue": {
                "label": "Alue",
                "category": {
                    "index": {c: i for i, c in enumerate(region_codes)},
                    "label": {c: f"Alue {c}" for c in region_codes},
                },
            },
            "Tiedot": {
                "label": "Tiedot",
                "category": {
                    "index": {"rikokset": 0},
                    "label": {"rikokset": "Rikokset"},
                },
            },
        },
        "value": [(i * 37) % 10_000 + 100 for i in range(years * regions)],
    }


def run_import(env: dict[str, str], driver: Any, repeat: int) -> list[float]:
    """Time ``turva observations import`` of a 10,000-value JSON-stat file (whole command)."""
    load_document(
        driver,
        {
            "format": "turva/1",
            "phenomena": [{"id": "bench-p", "name": {"fi": "Ilmiö"}, "source": "illustrative"}],
            "indicators": [
                {
                    "id": "bench-offences",
                    "name": {"fi": "Rikokset"},
                    "direction": "decrease",
                    "phenomena": ["bench-p"],
                    "source": "illustrative",
                }
            ],
        },
        replace=True,
    )
    times = []
    with tempfile.TemporaryDirectory(prefix="turva-bench-jsonstat-") as tmp:
        path = Path(tmp) / "offences.json"
        path.write_text(json.dumps(jsonstat_document()), encoding="utf-8")
        command = [
            str(TURVA),
            "observations",
            "import",
            str(path),
            "--indicator",
            "bench-offences",
            "--select",
            "Alue=R001",
        ]
        for _ in range(repeat):
            start = time.perf_counter()
            done = subprocess.run(
                command, env={**os.environ, **env}, capture_output=True, text=True, check=False
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"turva observations import failed: {done.stderr}")
    print(
        f"  JSON-stat import of {YEARS * REGIONS:,} values: {median(times):.2f}s",
        file=sys.stderr,
        flush=True,
    )
    return times


def report(results: list[ScaleResult], imports: list[float], repeat: int, server: str) -> str:
    lines = [
        "## Monitoring",
        "",
        f"Median of {repeat} runs after one warm-up, wall time of the Python call "
        f"(`queries.Analyses`, as of {AS_OF}), on `generate(scale, indicators=True)`; "
        f"{server}.",
        "",
        *growth_table(results),
    ]
    lines += [
        "",
        "The what-if takes out the organisation responsible for the most measures: "
        + ", ".join(f"{r.busiest} at {r.scale:g}x" for r in results)
        + ".",
        "",
        f"`turva observations import` of a JSON-stat 2.0 file of {YEARS * REGIONS:,} values "
        f"({YEARS} years x {REGIONS} regions, one region selected), the whole command: "
        f"median {median(imports):.2f} s of {len(imports)} "
        f"({', '.join(f'{t:.2f}' for t in sorted(imports))}).",
        "",
        machine_line(),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench.bench_parser(
        "monitoring", __doc__, "1,10,100", "comma-separated (default 1,10,100)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (default 7)")
    args = parser.parse_args(argv)
    try:
        scales = parse_scales(args.scales)
    except ValueError as e:
        parser.error(str(e))
    # 2 GiB of heap: the 100x document with indicators (164,000 records and observations)
    # is loaded in one transaction, more than a 1 GiB heap's transaction memory holds
    with neo4j_env(heap="2g") as env, contextlib.closing(open_bench_driver(env)) as driver:
        apply_schema(driver)
        results = [run_scale(driver, scale, args.repeat) for scale in scales]
        imports = run_import(env, driver, args.repeat)
        print(report(results, imports, args.repeat, neo4j_version(driver)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
