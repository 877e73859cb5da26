"""Installed, turva is one import package: nothing named ``api`` or ``graph`` in site-packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_pip_show_lists_only_the_turva_package(tmp_path: Path):
    # build from a copy, so setuptools' build/ never lands in the working tree
    source = tmp_path / "source"
    tracked = _run("git", "ls-files", "-z", cwd=ROOT).split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", dist, source,
    )  # fmt: skip
    wheel = next(dist.glob("turva-*.whl"))
    venv = tmp_path / "fresh"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "pip", "install", "-q", "--no-deps", "--no-index", wheel)

    shown = _run(venv / "bin" / "pip", "show", "-f", "turva")
    files = shown.split("Files:", 1)[1].split()
    top = {Path(f).parts[0] for f in files if not f.startswith("..")}
    assert top == {"turva", next(f for f in files if ".dist-info" in f).split("/")[0]}
    scripts = [f for f in files if f.startswith("..")]
    assert [Path(f).name for f in scripts] == ["turva"]
    # the data the service needs at run time travels inside the package
    for needed in (
        "turva/queries/who_addresses.cypher",
        "turva/api/templates/base.html",
        "turva/api/static/turva.css",
        "turva/visualize/assets/vis-network.min.js",
    ):
        assert needed in files
