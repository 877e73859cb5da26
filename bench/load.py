"""Benchmark of loading: ``turva load FILE`` end to end, ``load_document`` in process,
the previous loader (``previous_load``, the write strategy before the issue 8 changes)
and a naive one-``MERGE``-per-record loader, on the same synthetic data in one run.

``python -m bench.load --scales 1,10,100 [--repeat 3] [--naive-limit 12000]``

What is counted: *records* are the nodes a document defines; *items* are records plus
relationships (each entry of a reference field such as ``members`` or ``addresses``),
which is everything a loader writes. Throughput is items (or records) / wall time.
Every run starts from an empty graph (wiped, schema in place).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import Driver

from bench import (
    bench_parser,
    machine_line,
    median,
    neo4j_env,
    neo4j_version,
    open_bench_driver,
    parse_scales,
    wipe,
)
from bench.generate import generate, record_count, relationship_count, write_document
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.model import SECTIONS
from turva.graph.domain.properties import relationship_rows, to_properties
from turva.graph.domain.schema import (
    NODE_TYPES,
    REL_TYPES,
    apply_schema,
    label,
    node_type,
    rel_type,
)
from turva.graph.domain.validate import parse_document, reference_issues
from turva.graph.store.load import PHASES, known_graph, load_document, node_type_section

__all__ = ["naive_load", "previous_load", "run_load_bench", "main"]

TURVA = Path(sys.executable).parent / "turva"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float = 0.0


@dataclass
class ScaleResult:
    scale: float
    records: int
    relationships: int
    file_mb: dict[str, float] = field(default_factory=dict)
    cli: dict[str, list[Run]] = field(default_factory=dict)  # format -> runs
    in_process: list[float] = field(default_factory=list)
    #: load_document's own phases (LoadReport.seconds), one dict per in-process run
    phases: list[dict[str, float]] = field(default_factory=list)
    previous: list[float] = field(default_factory=list)
    naive_seconds: float = 0.0  # for the whole document (extrapolated when sampled)
    naive_ops_timed: int = 0

    @property
    def items(self) -> int:
        return self.records + self.relationships


# -- the naive loader --------------------------------------------------------------------


def _naive_ops(data: dict[str, Any]) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """(query, params) per record and per relationship, in dependency order."""
    doc = parse_document(data)
    nodes: list[tuple[str, dict]] = []
    for section in SECTIONS:
        nt = node_type(section)
        query = f"MERGE (n:{label(nt.label)} {{id: $id}}) SET n = $props"
        for record in getattr(doc, section):
            props = to_properties(record, nt)
            nodes.append((query, {"id": props["id"], "props": props}))
    rels: list[tuple[str, dict]] = []
    for rt in REL_TYPES:
        query = (
            f"MATCH (a:{label(rt.start)} {{id: $start}}) MATCH (b:{label(rt.end)} {{id: $end}}) "
            f"MERGE (a)-[r:{rel_type(rt.type)}]->(b) SET r = $props"
        )
        for record in getattr(doc, node_type_section(rt.owner)):
            for row in relationship_rows(record, rt):
                rels.append((query, row))
    return nodes, rels


def _every(ops: list[tuple[str, dict]], step: int) -> list[tuple[str, dict]]:
    return ops[::step]


def naive_load(driver: Driver, data: dict[str, Any], limit: int | None = None) -> tuple[float, int]:
    """Load ``data`` with one auto-commit ``MERGE`` query per record and per relationship.

    With ``limit`` below the number of writes, only every k-th write is timed (nodes into
    the empty graph, then, after the other nodes are put in place untimed, relationships)
    and the time is extrapolated per kind of write. Returns (seconds for the whole
    document, writes timed).
    """
    nodes, rels = _naive_ops(data)
    total = len(nodes) + len(rels)
    step = 1 if limit is None or total <= limit else math.ceil(total / limit)
    timed_nodes, timed_rels = _every(nodes, step), _every(rels, step)
    with driver.session() as session:
        start = time.perf_counter()
        for query, params in timed_nodes:
            session.run(query, params).consume()
        node_seconds = time.perf_counter() - start
        if step > 1:
            # the untimed rest of the nodes, so that sampled relationships find both ends
            by_query: dict[str, list[dict]] = {}
            for i, (query, params) in enumerate(nodes):
                if i % step:
                    by_query.setdefault(query, []).append(params)
            for query, rows in by_query.items():
                session.run(
                    "UNWIND $rows AS row " + query.replace("$", "row."), rows=rows
                ).consume()
        start = time.perf_counter()
        for query, params in timed_rels:
            session.run(query, params).consume()
        rel_seconds = time.perf_counter() - start
    node_total = node_seconds / max(len(timed_nodes), 1) * len(nodes)
    rel_total = rel_seconds / max(len(timed_rels), 1) * len(rels)
    return node_total + rel_total, len(timed_nodes) + len(timed_rels)


# -- the previous loader ---------------------------------------------------------------


def previous_load(driver: Driver, data: dict[str, Any], batch_size: int = 5000) -> float:
    """The loader as it was before the issue 8 changes, for a ratio in the same run.

    Validates like ``load_document``, then writes one transaction: a mapping per record
    (``MERGE ... SET n = row``), then one ``{start, end, props}`` mapping per relationship
    (``MATCH a, MATCH b, CREATE``), batches of 5,000, Python's cycle collector running.
    Into an empty graph only (it deletes no previously owned relationships).
    Returns its wall seconds.
    """
    start = time.perf_counter()
    doc = parse_document(data)
    known = known_graph(driver)
    issues = reference_issues(doc, known)
    if issues:
        raise RuntimeError(f"invalid document: {issues[:3]}")
    node_rows = {
        section: [to_properties(r, node_type(section)) for r in getattr(doc, section)]
        for section in SECTIONS
    }
    rel_rows = [
        [
            row
            for record in getattr(doc, node_type_section(rt.owner))
            for row in relationship_rows(record, rt)
        ]
        for rt in REL_TYPES
    ]

    def batches(rows: list[dict[str, Any]]) -> Any:
        return (rows[i : i + batch_size] for i in range(0, len(rows), batch_size))

    def work(tx: Any) -> None:
        for section in SECTIONS:
            name = label(node_type(section).label)
            for batch in batches(node_rows[section]):
                tx.run(
                    f"UNWIND $rows AS row MERGE (n:{name} {{id: row.id}}) SET n = row",
                    rows=batch,
                ).consume()
        for rt, rows in zip(REL_TYPES, rel_rows, strict=True):
            with_props = any(row["props"] for row in rows)
            for batch in batches(rows):
                tx.run(
                    f"UNWIND $rows AS row MATCH (a:{label(rt.start)} {{id: row.start}}) "
                    f"MATCH (b:{label(rt.end)} {{id: row.end}}) "
                    f"CREATE (a)-[r:{rel_type(rt.type)}]->(b)"
                    + (" SET r = row.props" if with_props else ""),
                    rows=batch if with_props else [{**row, "props": None} for row in batch],
                ).consume()

    with driver.session() as session:
        session.execute_write(work)
    return time.perf_counter() - start


# -- the real loader -------------------------------------------------------------------


def _turva_load(path: Path, env: dict[str, str]) -> Run:
    """``turva load path`` as a subprocess; wall time and the process's peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(TURVA), "load", str(path)],
            stdout=out,
            stderr=err,
            env={**os.environ, **env},
        )
        # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            out.seek(0)
            raise RuntimeError(
                f"turva load {path} failed ({proc.returncode}):\n"
                + err.read().decode(errors="replace")[-3000:]
                + out.read().decode(errors="replace")[-2000:]
            )
    return Run(seconds, usage.ru_maxrss / 1024)


#: seconds to let the server finish the wipe's background work (full-text index merges,
#: freeing store ids) before a timed run, so that no run pays for the previous one's wipe
SETTLE_SECONDS = 2.0


def _fresh(driver: Driver) -> None:
    wipe(driver)
    apply_schema(driver)
    # the full-text indexes are eventually consistent: let them take in the wipe first
    driver.execute_query("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
    time.sleep(SETTLE_SECONDS)


def _count_graph(driver: Driver) -> tuple[int, int]:
    # domain records only: the load's history entry and other service nodes left out
    domain = "|".join(label(nt.label) for nt in NODE_TYPES)
    records, _, _ = driver.execute_query(
        f"MATCH (n:{domain}) WITH count(n) AS nodes "
        f"OPTIONAL MATCH (:{domain})-[r]->(:{domain}) RETURN nodes, count(r) AS rels"
    )
    return int(records[0]["nodes"]), int(records[0]["rels"])


def _runs_for(scale: float, repeat: int, fmt: str = "json") -> int:
    # parsing YAML of 100x alone takes tens of seconds; one run says enough
    return 1 if fmt == "yaml" and scale >= 100 else max(1, repeat)


def bench_scale(
    driver: Driver,
    env: dict[str, str],
    scale: float,
    workdir: Path,
    *,
    repeat: int,
    formats: list[str],
    naive_limit: int,
    log: Any,
) -> ScaleResult:
    data = generate(scale)
    result = ScaleResult(scale, record_count(data), relationship_count(data))
    log(f"scale {scale:g}: {result.records} records, {result.relationships} relationships")
    for fmt in formats:
        path = workdir / f"bench-{scale:g}x.{fmt}"
        write_document(data, path)
        result.file_mb[fmt] = path.stat().st_size / 1e6
        runs = []
        for _ in range(_runs_for(scale, repeat, fmt)):
            _fresh(driver)
            runs.append(_turva_load(path, env))
            log(f"  turva load .{fmt}: {runs[-1].seconds:.2f} s, {runs[-1].peak_rss_mb:.0f} MB")
        written = _count_graph(driver)
        expected = (result.records, result.relationships)
        if written != expected:
            raise RuntimeError(f"turva load wrote {written} (nodes, rels), expected {expected}")
        result.cli[fmt] = runs
    raw = read_document_data(workdir / f"bench-{scale:g}x.{formats[0]}")
    # the loader and the previous one take turns, so that both see the same machine
    for _ in range(_runs_for(scale, repeat)):
        _fresh(driver)
        start = time.perf_counter()
        report = load_document(driver, raw)
        result.in_process.append(time.perf_counter() - start)
        result.phases.append(report.seconds)
        phases = ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())
        log(f"  load_document: {result.in_process[-1]:.2f} s ({phases})")
        _fresh(driver)
        result.previous.append(previous_load(driver, raw))
        log(f"  previous loader: {result.previous[-1]:.2f} s")
    _fresh(driver)
    result.naive_seconds, result.naive_ops_timed = naive_load(driver, raw, naive_limit)
    log(
        f"  naive: {result.naive_seconds:.1f} s for the whole document "
        f"({result.naive_ops_timed} of {result.items} writes timed)"
    )
    return result


# -- report ----------------------------------------------------------------------------


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def _row(r: ScaleResult, name: str, runs: int, seconds: float, rss: str) -> str:
    naive_rate = r.items / r.naive_seconds if r.naive_seconds else 0.0
    ratio = f"{r.items / seconds / naive_rate:.1f}" if naive_rate and seconds else "-"
    return (
        f"| {r.scale:g}x | {r.records:,} | {r.relationships:,} | {name} | {runs} | "
        f"{seconds:.2f} | {_rate(r.records, seconds)} | {_rate(r.items, seconds)} | "
        f"{rss} | {ratio} |"
    )


def table(results: list[ScaleResult], formats: list[str]) -> str:
    """The results as a Markdown table (medians; "x naive" compares items/s)."""
    head = (
        "| scale | records | relationships | loader | runs | median s | records/s | "
        "items/s | peak RSS MB | x naive |\n"
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for r in results:
        for fmt in formats:
            runs = r.cli[fmt]
            rss = f"{median([x.peak_rss_mb for x in runs]):.0f}"
            name = f"`turva load` .{fmt} ({r.file_mb[fmt]:.1f} MB)"
            rows.append(_row(r, name, len(runs), median([x.seconds for x in runs]), rss))
        rows.append(
            _row(r, "`load_document` in process", len(r.in_process), median(r.in_process), "-")
        )
        rows.append(_row(r, "previous loader in process", len(r.previous), median(r.previous), "-"))
        name = "naive MERGE per write"
        if r.naive_ops_timed < r.items:
            step = math.ceil(r.items / r.naive_ops_timed)
            name += f" (1 in {step} of {r.items:,} writes timed, extrapolated)"
        rows.append(_row(r, name, 1, r.naive_seconds, "-"))
    return head + "\n".join(rows) + "\n"


def phase_table(results: list[ScaleResult]) -> str:
    """Where ``load_document``'s time goes (medians), against the previous loader."""
    head = (
        "| scale | "
        + " | ".join(f"{p} s" for p in PHASES)
        + " | `load_document` s | previous loader s | x previous |\n"
        + "|---:|"
        + "---:|" * (len(PHASES) + 3)
        + "\n"
    )
    rows = []
    for r in results:
        phases = [median([run[p] for run in r.phases]) for p in PHASES]
        new, old = median(r.in_process), median(r.previous)
        rows.append(
            f"| {r.scale:g}x | "
            + " | ".join(f"{v:.2f}" for v in phases)
            + f" | {new:.2f} | {old:.2f} | {old / new:.1f} |"
        )
    return head + "\n".join(rows) + "\n"


def run_load_bench(
    scales: list[float],
    *,
    repeat: int = 3,
    formats: list[str] | None = None,
    naive_limit: int = 5_000,
    heap: str = "1g",
) -> str:
    """Run the load benchmark at each scale; the Markdown report."""
    formats = formats or ["json", "yaml"]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with neo4j_env(heap) as env, tempfile.TemporaryDirectory(prefix="turva-bench-") as tmp:
        with open_bench_driver(env) as driver:
            version = neo4j_version(driver)
            # one untimed load first, so the server's JIT warm-up is in no measurement
            warm = Path(tmp) / "warm-up.json"
            write_document(generate(1, seed=1), warm)
            _fresh(driver)
            _turva_load(warm, env)
            _fresh(driver)
            previous_load(driver, read_document_data(warm))
            results = [
                bench_scale(
                    driver,
                    env,
                    scale,
                    Path(tmp),
                    repeat=repeat,
                    formats=formats,
                    naive_limit=naive_limit,
                    log=log,
                )
                for scale in scales
            ]
            wipe(driver)
    return (
        f"Machine: {machine_line()}; {version}.\n\n"
        + table(results, formats)
        + "\n"
        + phase_table(results)
    )


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("load", __doc__, "1,10,100", "comma-separated (default 1,10,100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per loader (median)")
    parser.add_argument("--formats", default="json,yaml", help="file formats for `turva load`")
    parser.add_argument(
        "--naive-limit",
        type=int,
        default=5_000,
        help="time at most about this many naive writes per scale; extrapolate the rest",
    )
    parser.add_argument("--heap", default="1g", help="heap of the throwaway managed Neo4j")
    args = parser.parse_args(argv)
    try:
        scales = parse_scales(args.scales)
    except ValueError as e:
        parser.error(str(e))
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not formats or any(f not in ("json", "yaml") for f in formats):
        parser.error("--formats takes json and/or yaml")
    print(
        run_load_bench(
            scales,
            repeat=args.repeat,
            formats=formats,
            naive_limit=args.naive_limit,
            heap=args.heap,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
