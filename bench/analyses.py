"""Benchmark of the analyses: median latency of each on 1x, 10x, 100x synthetic graphs.

``python -m bench.analyses --scales 1,10,100 [--repeat 7]``

For each scale the graph is replaced by ``bench.generate.generate(scale)``; each analysis
runs once to warm the plan cache, then ``--repeat`` times; the median wall time of the
Python call (query, transfer and model building) is reported, with its growth against
1x next to the growth of the graph. It also counts the measure pairs
``uncoordinated_measures`` examines, to show that they stay far below all pairs.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import bench
from bench import machine_line, median, neo4j_env, neo4j_version, open_bench_driver, parse_scales
from bench.generate import generate, record_count, relationship_count
from turva.graph.domain.model import ACTIVE_STATUSES
from turva.graph.domain.schema import apply_schema
from turva.graph.store.load import load_document
from turva.queries import Analyses

__all__ = ["growth_table", "pair_counts", "run", "main"]

AS_OF = dt.date(2026, 1, 1)


@dataclass
class ScaleResult:
    scale: float
    records: int
    relationships: int
    seconds: dict[str, float] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.records + self.relationships


def pair_counts(doc: dict[str, Any]) -> dict[str, int]:
    """How many measure pairs ``uncoordinated_measures`` looks at, against all pairs.

    It pairs only active measures that address the same phenomenon directly, so the work
    is the sum over phenomena of k(k-1)/2 for the k active measures on each.
    """
    active = [m for m in doc["measures"] if m["status"] in ACTIVE_STATUSES]
    per_phenomenon = Counter(p for m in active for p in m["addresses"])
    n = len(active)
    return {
        "active measures": n,
        "all pairs": n * (n - 1) // 2,
        "pairs on a shared phenomenon": sum(k * (k - 1) // 2 for k in per_phenomenon.values()),
        "most measures on one phenomenon": max(per_phenomenon.values(), default=0),
    }


def _cases(doc: dict[str, Any]) -> dict[str, Callable[[Analyses], Any]]:
    phenomena = doc["phenomena"]
    # the root with the most descendants is the slowest who-addresses
    children: Counter[str] = Counter(p["parent"] for p in phenomena if p.get("parent"))
    root = max((p["id"] for p in phenomena if not p.get("parent")), key=lambda i: children[i])
    leaf = next(p["id"] for p in reversed(phenomena) if p["id"] not in children)
    orgs = [o["id"] for o in doc["organisations"]]
    periods = sorted({g["period"] for g in doc["priority_groups"]})
    first, last = periods[0], periods[-1]
    return {
        "who-addresses (root)": lambda a: a.who_addresses(root),
        "who-addresses (leaf)": lambda a: a.who_addresses(leaf),
        "gaps": lambda a: a.gaps(as_of=AS_OF),
        "overlaps": lambda a: a.overlaps(),
        "coverage": lambda a: a.coverage(),
        "profile (SM)": lambda a: a.profile("SM"),
        "path": lambda a: a.path(orgs[-1], orgs[len(orgs) // 2]),
        "changes": lambda a: a.changes(first, last),
        "periods": lambda a: a.periods(),
    }


def run(driver: Any, scale: float, repeat: int) -> ScaleResult:
    doc = generate(scale)
    result = ScaleResult(scale, record_count(doc), relationship_count(doc))
    result.pairs = pair_counts(doc)
    print(f"scale {scale:g}: loading {result.records} records", file=sys.stderr, flush=True)
    load_document(driver, doc, replace=True)
    analyses = Analyses(driver)
    for name, call in _cases(doc).items():
        call(analyses)  # plan and caches warm
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(analyses)
            times.append(time.perf_counter() - start)
        result.seconds[name] = median(times)
        print(f"  {name}: {median(times) * 1000:.1f} ms", file=sys.stderr, flush=True)
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def growth_table(results: list[Any]) -> list[str]:
    """Markdown lines: each analysis' median per scale and its growth against the first
    scale, under the graph's own growth (``results`` have ``scale``, ``size``, ``seconds``)."""
    base = results[0]
    head = ["analysis"] + [f"{r.scale:g}x (ms)" for r in results]
    growth = [f"{r.scale:g}x / {base.scale:g}x" for r in results[1:]]
    lines = [
        "| " + " | ".join(head + growth) + " |",
        "|---|" + "---:|" * (len(head) - 1 + len(growth)),
    ]
    size_row = ["records + relationships"] + [f"{r.size:,}" for r in results]
    size_row += [f"{r.size / base.size:.1f}" for r in results[1:]]
    lines.append("| " + " | ".join(size_row) + " |")
    for name in base.seconds:
        row = [name] + [_ms(r.seconds[name]) for r in results]
        row += [f"{r.seconds[name] / base.seconds[name]:.1f}" for r in results[1:]]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def report(results: list[ScaleResult], repeat: int, server: str) -> str:
    base = results[0]
    lines = [
        f"Median of {repeat} runs after one warm-up, wall time of the Python call "
        f"(`queries.Analyses`), {server}.",
        "",
        *growth_table(results),
    ]
    lines += [
        "",
        "`uncoordinated_measures`: measure pairs examined (pairs on a shared phenomenon) "
        "against all pairs of active measures:",
        "",
        "| " + " | ".join(["scale", *base.pairs]) + " |",
        "|---|" + "---:|" * len(base.pairs),
    ]
    for r in results:
        lines.append(
            "| " + " | ".join([f"{r.scale:g}x", *(f"{v:,}" for v in r.pairs.values())]) + " |"
        )
    lines += ["", machine_line()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench.bench_parser(
        "analyses", __doc__, "1,10,100", "comma-separated (default 1,10,100)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per analysis (default 7)")
    args = parser.parse_args(argv)
    try:
        scales = parse_scales(args.scales)
    except ValueError as e:
        parser.error(str(e))
    with neo4j_env() as env:
        driver = open_bench_driver(env)
        try:
            apply_schema(driver)
            results = [run(driver, scale, args.repeat) for scale in scales]
            print("## Analyses\n")
            print(report(results, args.repeat, neo4j_version(driver)))
        finally:
            driver.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
