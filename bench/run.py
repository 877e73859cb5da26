"""Run every benchmark module that exists: ``python -m bench.run [--only NAME] [--scales ...]``.

Each module (``bench/load.py``, ``bench/workbook.py``, ``bench/analyses.py``,
``bench/api.py``, ``bench/maps.py``, ``bench/hardening.py``) runs as
``python -m bench.NAME --scales S`` in its own process, all against one Neo4j:
``NEO4J_URI`` if set, else one throwaway managed server started here for the whole run.
Their Markdown reports are printed one after another on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys

from bench import neo4j_env, parse_scales

__all__ = ["MODULES", "main"]

#: bench modules in the order they run (the ones that exist)
MODULES = ("load", "workbook", "analyses", "api", "maps", "hardening", "situation", "monitoring")


def _exists(name: str) -> bool:
    return importlib.util.find_spec(f"bench.{name}") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=MODULES,
        help="run only this module (repeatable); default: every module that exists",
    )
    parser.add_argument("--scales", default="1,10,100", help="comma-separated (default 1,10,100)")
    parser.add_argument("--heap", default="1g", help="heap of the throwaway managed Neo4j")
    args = parser.parse_args(argv)
    try:
        parse_scales(args.scales)
    except ValueError as e:
        parser.error(str(e))
    wanted = args.only or list(MODULES)
    present = [name for name in wanted if _exists(name)]
    for name in wanted:
        if name not in present:
            print(f"bench.{name}: not written yet, skipped", file=sys.stderr)
    if not present:
        return 1 if args.only else 0
    failed = []
    with neo4j_env(args.heap) as env:
        for name in present:
            print(f"== bench.{name} (scales {args.scales})", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, "-m", f"bench.{name}", "--scales", args.scales],
                env={**os.environ, **env},
                check=False,
            )
            if proc.returncode != 0:
                failed.append(name)
                print(f"bench.{name} failed (exit {proc.returncode})", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
