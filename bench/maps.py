"""Benchmark of the network maps: build, render and time-to-stable in headless Chromium.

``python -m bench.maps [--nodes 100,1000,5000] [--repeat 3]``

For each target size N the synthetic document ``bench.generate.generate(N / 247)`` (its
overview map has about N nodes) is loaded into an empty graph, then for every view:

- *read*: the view's subgraph from Neo4j into networkx (``read_map``), median seconds;
- *render*: analytics (degree, betweenness, Louvain, brokers), the server-side layout
  for maps above 300 nodes, and the standalone HTML (``export_map(graph, "html")``),
  median seconds;
- *HTML*: the file's size (vis-network, 458 KiB, is inlined in every file);
- *stable*: from ``driver.get(file://...)`` until the map is still (vis-network's
  ``stabilized`` event; for large maps, drawn with physics off, the first drawing), in
  headless Chromium with a dead proxy (no network), median seconds.

``--scales`` is accepted (``bench.run`` passes it) but the maps bench sizes by nodes.
The graph is wiped (see bench/README.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from bench import machine_line, median, neo4j_env, neo4j_version, open_bench_driver, wipe
from bench.generate import generate
from turva.graph.domain.schema import apply_schema
from turva.graph.server.chromium import QUIET_FLAGS
from turva.graph.store.load import load_document
from turva.visualize import MapRequest, export_map, read_map
from turva.visualize.styled import LARGE_MAP

__all__ = ["main", "run_maps_bench"]


@dataclass
class Row:
    target: int
    view: str
    nodes: int
    edges: int
    read_s: float
    render_s: float
    html_kib: float
    stable_s: float | None
    physics: str


def _browser(profile: Path):  # noqa: ANN202 - selenium is imported lazily
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    # the flags every headless Chromium here is given (turva.graph.server.chromium)
    for flag in (
        *QUIET_FLAGS,
        "--window-size=1400,1000",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(120)
    browser.set_script_timeout(120)
    return browser


def _stable_seconds(browser, page: Path, timeout: float = 120.0) -> float | None:  # noqa: ANN001
    browser.get("about:blank")
    started = time.perf_counter()
    browser.get(page.as_uri())
    while time.perf_counter() - started < timeout:
        if browser.execute_script("return !!(window.turvaMap && window.turvaMap.stable)"):
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def _requests(driver: Driver) -> dict[str, MapRequest]:
    records, _, _ = driver.execute_query(
        "MATCH (g:PriorityGroup) WITH g ORDER BY g.id LIMIT 1 "
        "MATCH (p:Phenomenon) WITH g, p ORDER BY COUNT { (p)--() } DESC, p.id LIMIT 1 "
        "MATCH (o:Organisation) WITH g, p, o ORDER BY COUNT { (o)--() } DESC, o.id LIMIT 1 "
        "RETURN g.id AS g, p.id AS p, o.id AS o"
    )
    ids = records[0]
    return {
        "overview": MapRequest("overview"),
        "who-works-on-what": MapRequest("who-works-on-what"),
        "collaboration": MapRequest("collaboration"),
        "group": MapRequest("group", id=ids["g"]),
        "phenomenon": MapRequest("phenomenon", id=ids["p"], radius=2),
        "organisation": MapRequest("organisation", id=ids["o"], radius=2),
    }


def run_maps_bench(
    driver: Driver, targets: list[int], repeat: int, workdir: Path, browser
) -> list[Row]:  # noqa: ANN001
    rows: list[Row] = []
    for target in targets:
        wipe(driver)
        apply_schema(driver)
        load_document(driver, generate(target / 247, seed=0))
        for view, request in _requests(driver).items():
            reads, renders, stables = [], [], []
            html = b""
            graph = None
            runs = repeat if target < 5000 else max(1, repeat - 1)
            for _ in range(runs):
                t0 = time.perf_counter()
                graph = read_map(driver, request)
                t1 = time.perf_counter()
                html = export_map(graph, "html", base_url="http://127.0.0.1:8000")
                t2 = time.perf_counter()
                reads.append(t1 - t0)
                renders.append(t2 - t1)
            assert graph is not None
            page = workdir / f"{view}-{target}.html"
            page.write_bytes(html)
            for _ in range(runs):
                seconds = _stable_seconds(browser, page)
                if seconds is not None:
                    stables.append(seconds)
            row = Row(
                target,
                view,
                graph.number_of_nodes(),
                graph.number_of_edges(),
                median(reads),
                median(renders),
                len(html) / 1024,
                median(stables) if stables else None,
                "off (server layout)" if len(graph) > LARGE_MAP else "on, then off",
            )
            rows.append(row)
            print(
                f"{target:>5} {view:<18} {row.nodes:>5} nodes read {row.read_s:.2f}s "
                f"render {row.render_s:.2f}s html {row.html_kib:.0f} KiB "
                f"stable {row.stable_s if row.stable_s is None else round(row.stable_s, 2)}s",
                file=sys.stderr,
            )
    return rows


def report(rows: list[Row], version: str) -> str:
    lines = [
        "## Maps",
        "",
        f"{machine_line()}; {version}; headless Chromium, no network.",
        "",
        "| data (overview nodes) | view | nodes | edges | read (s) | render (s) | HTML (KiB) "
        "| stable in Chromium (s) | physics |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        stable = "timeout" if r.stable_s is None else f"{r.stable_s:.2f}"
        lines.append(
            f"| ~{r.target:,} | {r.view} | {r.nodes:,} | {r.edges:,} | {r.read_s:.2f} | "
            f"{r.render_s:.2f} | {r.html_kib:,.0f} | {stable} | {r.physics} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="100,1000,5000", help="target overview sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default=None, help="ignored: the maps bench sizes by --nodes")
    args = parser.parse_args(argv)
    targets = [int(x) for x in args.nodes.split(",") if x.strip()]
    with neo4j_env() as env, tempfile.TemporaryDirectory(prefix="turva-maps-") as tmp:
        driver = open_bench_driver(env)
        browser = _browser(Path(tmp) / "profile")
        try:
            rows = run_maps_bench(driver, targets, args.repeat, Path(tmp), browser)
            print(report(rows, neo4j_version(driver)))
        finally:
            browser.quit()
            driver.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
