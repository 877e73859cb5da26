"""The managed local Neo4j: start, stop, status, auto-start, port reuse, and NEO4J_URI precedence.

These start real servers of their own in temporary homes (never the developer's).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from turva.graph.server.managed import free_port
from turva.graph.settings import Settings, default_cache

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


def _private_env(user_home: Path) -> dict[str, str | None]:
    """A fresh user's environment: HOME elsewhere, no TURVA_HOME, no XDG folders."""
    return {
        **LOCAL,
        "HOME": str(user_home),
        "TURVA_HOME": None,
        "XDG_DATA_HOME": None,
        "XDG_CACHE_HOME": None,
        "XDG_CONFIG_HOME": None,
        # the jars come from the developer's cache (a documented setting), not the network
        "TURVA_CACHE": str(default_cache()),
        "TURVA_NEO4J_HEAP": "512m",
    }


def test_a_fresh_user_gets_nothing_in_the_home_folder_but_dot_folders(turva, tmp_path: Path):
    user_home = tmp_path / "user"
    user_home.mkdir()
    env = _private_env(user_home)
    seen: set[str] = set()
    stop_watching = threading.Event()

    def watch_command_lines() -> None:
        while not stop_watching.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                with contextlib.suppress(OSError):
                    seen.add(cmdline.read_bytes().decode(errors="replace"))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_command_lines, daemon=True)
    watcher.start()
    try:
        started = turva("neo4j", "start", env=env)
        stop_watching.set()
        watcher.join()
        assert started.code == 0, started.stderr
        loaded = turva("load", str(SMALL), env=env)
        assert loaded.code == 0, loaded.stderr

        assert {p.name for p in user_home.iterdir()} <= {".local", ".cache"}
        store = user_home / ".local" / "share" / "turva"
        assert (store / "data" / "databases").is_dir()
        assert str(store) in started.stdout

        # other local users can read nothing: home 0700, files 0600, secret off every cmdline
        password = (store / "password").read_text().strip()
        assert not any(password in line for line in seen), "password seen on a command line"
        assert stat.S_IMODE(store.stat().st_mode) == 0o700
        loose = [
            path
            for path in store.rglob("*")
            if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077
        ]
        assert loose == []
    finally:
        stop_watching.set()
        turva("neo4j", "stop", env=env)


def test_status_reports_a_store_left_in_the_home_folder_and_moves_nothing(turva, tmp_path: Path):
    user_home = tmp_path / "user"
    (user_home / "data" / "databases" / "neo4j").mkdir(parents=True)
    (user_home / "data" / "my-own-notes.txt").write_text("mine")
    (user_home / "server.json").write_text(json.dumps({"port": free_port()}))
    (user_home / "password").write_text("old")
    before = sorted(str(p) for p in user_home.rglob("*"))

    result = turva("neo4j", "status", env=_private_env(user_home))

    target = user_home / ".local" / "share" / "turva"
    assert "earlier turva left a Neo4j store" in result.stderr
    assert f"mv {user_home}/data/databases {target}/data/" in result.stderr
    assert f"mv {user_home}/password {target}/" in result.stderr
    assert f"TURVA_HOME={user_home} turva neo4j stop" in result.stderr
    # the user's own file in data/ is not named: only Neo4j's entries move
    assert "my-own-notes" not in result.stderr
    assert sorted(str(p) for p in user_home.rglob("*")) == before


def test_a_home_whose_data_folder_is_not_a_turva_store_is_refused(turva, tmp_path: Path):
    home = tmp_path / "someone-elses"
    (home / "data").mkdir(parents=True)
    (home / "data" / "thesis.txt").write_text("keep me")
    result = turva("neo4j", "start", env={**LOCAL, "TURVA_HOME": str(home)})
    assert result.code == 1
    assert f"{home / 'data'}" in result.stderr and "did not create" in result.stderr
    assert "Traceback" not in result.stderr
    # nothing of Neo4j's was written next to the user's files (only turva's start lock)
    assert sorted(p.name for p in home.rglob("*")) == [".lock", "data", "thesis.txt"]
    assert (home / "data" / "thesis.txt").read_text() == "keep me"


def test_settings_come_only_from_documented_variables(monkeypatch, tmp_path: Path):
    for name in ("TURVA_HOME", "TURVA_CACHE", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CACHE", "/somewhere/else")
    monkeypatch.setenv("PUBLIC_URL", "https://wrong.example")
    settings = Settings()
    assert settings.home == tmp_path / ".local" / "share" / "turva"
    assert settings.cache == tmp_path / ".cache" / "turva"
    assert settings.public_url == ""
    monkeypatch.setenv("TURVA_HOME", str(tmp_path / "chosen"))
    assert Settings().home == tmp_path / "chosen"
