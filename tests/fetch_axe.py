"""Fetch axe-core from the npm registry without npm: ``python -m tests.fetch_axe VERSION DIR``.

``make browser`` uses npm when the machine has it; on a machine with only Python, JDK and
Maven this does the same: it downloads the package's tarball named by the registry's
metadata, checks it against the registry's sha512 ``integrity``, and unpacks it into
``DIR/node_modules/axe-core`` (where tests/browser.py looks). Run at install time only,
never by the tests.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org/axe-core"


def fetch(version: str, folder: Path) -> Path:
    """Unpack axe-core ``version`` into ``folder``; the path of its ``axe.min.js``."""
    with urllib.request.urlopen(f"{REGISTRY}/{version}", timeout=60) as answer:
        dist = json.load(answer)["dist"]
    with urllib.request.urlopen(dist["tarball"], timeout=120) as answer:
        tarball = answer.read()
    algorithm, _, expected = dist["integrity"].partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if digest != expected:
        raise SystemExit(f"axe-core {version}: the tarball does not match the registry's digest")
    target = folder / "node_modules" / "axe-core"
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            name = Path(member.name)
            if not member.isfile() or name.parts[0] != "package" or ".." in name.parts:
                continue
            out = target.joinpath(*name.parts[1:])
            out.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            out.write_bytes(source.read())
    return target / "axe.min.js"


if __name__ == "__main__":
    print(fetch(sys.argv[1], Path(sys.argv[2])))
