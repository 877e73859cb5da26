"""The managed local Neo4j: start, stop, status, auto-start, port reuse, and NEO4J_URI precedence.

These start real servers of their own in temporary homes (never the developer's).
"""

from __future__ import annotations

import json
import re
import socket
import stat
from pathlib import Path

import pytest

from graph.local_server import free_port
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small.yaml"
LOCAL = {"NEO4J_URI": None, "NEO4J_USER": None, "NEO4J_PASSWORD": None, "NEO4J_DATABASE": None}


def _port(text: str) -> int:
    match = re.search(r"bolt://127\.0\.0\.1:(\d+)", text)
    assert match, text
    return int(match.group(1))


def test_start_stop_status_autostart_and_port_reuse(turva, tmp_path: Path):
    home = tmp_path / "home"
    env = {**LOCAL, "TURVA_HOME": str(home), "TURVA_NEO4J_HEAP": "512m"}
    try:
        status = turva("neo4j", "status", env=env)
        assert status.code == 3 and "stopped" in status.stdout

        # any command that needs the graph starts the server and says so in one line
        loaded = turva("load", str(SMALL), env=env)
        assert loaded.code == 0, loaded.stderr
        assert "started the local Neo4j" in loaded.stderr
        assert "turva neo4j stop" in loaded.stderr
        port = _port(loaded.stderr)

        status = turva("neo4j", "status", env=env)
        assert status.code == 0 and "running (pid" in status.stdout
        assert _port(status.stdout) == port
        assert stat.S_IMODE((home / "password").stat().st_mode) == 0o600

        again = turva("neo4j", "start", env=env)
        assert "already running" in again.stdout

        stopped = turva("neo4j", "stop", env=env)
        assert stopped.code == 0 and "stopped" in stopped.stdout
        assert turva("neo4j", "status", env=env).code == 3

        # restarted on the remembered port, with the data kept
        started = turva("neo4j", "start", env=env)
        assert started.code == 0 and "started" in started.stdout
        assert _port(started.stdout) == port
        out = tmp_path / "out.yaml"
        assert turva("export", str(out), env=env).code == 0
        assert "m-campaign" in out.read_text()
    finally:
        turva("neo4j", "stop", env=env)


def test_a_taken_port_is_named_with_the_fix(turva, tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        (home / "server.json").write_text(json.dumps({"port": port}))
        result = turva("neo4j", "start", env={**LOCAL, "TURVA_HOME": str(home)})
    assert result.code == 1
    assert f"Port {port}" in result.stderr and "taken" in result.stderr
    assert "server.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_java_is_named_with_the_fix(turva, tmp_path: Path):
    import sys

    result = turva(
        "neo4j",
        "start",
        env={
            **LOCAL,
            "TURVA_HOME": str(tmp_path / "home"),
            "PATH": str(Path(sys.executable).parent),
        },
    )
    assert result.code == 1
    assert "Java is not installed" in result.stderr
    assert "NEO4J_URI" in result.stderr
    assert "Traceback" not in result.stderr


def test_neo4j_uri_takes_precedence_over_the_local_server(empty_graph, turva, tmp_path: Path):
    home = tmp_path / "untouched-home"
    result = turva("load", str(SMALL), env={"TURVA_HOME": str(home)})
    assert result.code == 0, result.stderr
    assert "started the local Neo4j" not in result.stderr
    assert not home.exists()
    records, _, _ = empty_graph.execute_query("MATCH (m:Measure) RETURN count(m) AS n")
    assert records[0]["n"] == 2


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:{port}", "neo4j://127.0.0.1:{port}"])
def test_an_unreachable_neo4j_uri_is_a_clear_error(turva, tmp_path: Path, uri: str):
    address = uri.format(port=free_port())
    result = turva("load", str(SMALL), env={"NEO4J_URI": address})
    assert result.code == 1
    assert f"Neo4j at {address} does not answer" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_credentials_are_a_clear_error(turva, empty_graph):
    result = turva("load", str(SMALL), env={"NEO4J_PASSWORD": "wrong-password"})
    assert result.code == 1
    assert "rejected the user name or password" in result.stderr
    assert "Traceback" not in result.stderr
