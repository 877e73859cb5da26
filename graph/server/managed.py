"""The managed local Neo4j: Community 5.26 from Maven Central, run as a real server process.

Used when ``NEO4J_URI`` is unset. The jars are cached per user (``TURVA_CACHE``); the
server's data, logs, password and port live in ``TURVA_HOME``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from turva.graph.errors import LocalServerError
from turva.graph.messages import N_

__all__ = [
    "NEO4J_VERSION",
    "LocalServer",
    "ServerStatus",
    "fetch_neo4j",
    "free_port",
    "legacy_store_moves",
]

NEO4J_VERSION = "5.26.30"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
READY_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0
# Written into TURVA_HOME when turva creates a store there: a data/ folder without it
# belongs to someone else and is never handed to Neo4j.
MARKER = ".turva-store"
# Neo4j's own entries in a home, as an earlier turva left them (data/ is only partly its).
_STORE_FILES = ("server.json", "password")
_STORE_DATA = ("databases", "transactions", "dbms", "cluster-state", "server_id")

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fi.turva</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{version}</version></dependency>
  </dependencies>
</project>
"""

# The official launcher adds these; started directly, the server needs them on Java 17.
# Except the collector: the launcher's G1 runs concurrent threads beside the queries, and on
# two cores the parallel collector's short stop-the-world pauses cost less (a 100x load
# 6-14% faster in two A/B runs, bench/README.md "Load").
_JVM_FLAGS = (
    "-XX:+UseParallelGC",
    "-XX:-OmitStackTraceInFastThrow",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fetch_neo4j(cache: Path, version: str = NEO4J_VERSION) -> Path:
    """The folder of Neo4j's jars, fetched with Maven on first use.

    Returns the ``lib`` folder; a second call finds it in the cache and returns at once.
    """
    root = cache / f"neo4j-{version}"
    lib = root / "lib"
    if (root / "complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServerError.said(
            N_(
                "Maven (mvn) is not installed, so the local Neo4j cannot be fetched. "
                "Install Maven (apt-get install maven) or point turva at a running Neo4j "
                "with NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD."
            )
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_POM.format(version=version))
    partial = root / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    result = subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(root / "pom.xml"),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={partial}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise LocalServerError.said(
            N_(
                "Maven could not fetch Neo4j %(version)s from Maven Central "
                "(exit %(code)s): %(output)s. Check the network "
                "access to Maven Central, or set NEO4J_URI to use another server."
            ),
            version=version,
            code=result.returncode,
            output=" ".join(tail)[:600],
        )
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    (root / "complete").write_text(version)
    return lib


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise LocalServerError.said(
            N_(
                "Java is not installed, and the local Neo4j needs Java 17. Install a JDK 17 "
                "(apt-get install openjdk-17-jdk-headless) or set NEO4J_URI to use another "
                "server."
            )
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if match and int(match.group(1)) < 17:
        raise LocalServerError.said(
            N_(
                "Java %(found)s is too old for Neo4j 5.26, which needs Java 17 or newer. "
                "Install a JDK 17 or set NEO4J_URI to use another server."
            ),
            found=match.group(1),
        )
    return java


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int | None
    home: Path
    version: str

    @property
    def uri(self) -> str | None:
        return f"bolt://127.0.0.1:{self.port}" if self.port else None


def new_password() -> str:
    """A fresh password for the local server: 192 random bits as hex.

    Hex, because the admin tool reads its arguments as options when they start with
    ``-`` (a ``token_urlsafe`` password did, once in 64 first starts) and Java argument
    files treat quotes, spaces and ``#`` specially.

    >>> len(new_password()), set(new_password()) <= set("0123456789abcdef")
    (48, True)
    """
    return secrets.token_hex(24)


class LocalServer:
    """A Neo4j server process that turva fetches, starts and stops in ``home``.

    Parameters
    ----------
    home : Path
        Data, logs, configuration, password and remembered port of this server.
    cache : Path
        Where the Neo4j jars are cached (shared by every home).
    heap : str
        JVM heap, e.g. ``"1g"``.
    """

    user = "neo4j"

    def __init__(self, home: Path, cache: Path, heap: str = "1g", version: str = NEO4J_VERSION):
        self.home = Path(home).expanduser().resolve()
        self.cache = Path(cache).expanduser()
        self.heap = heap
        self.version = version
        # -- files: all inside the home, fixed with it
        self._state_file = self.home / "server.json"
        self._pid_file = self.home / "run" / "turva-neo4j.pid"
        self._password_file = self.home / "password"
        self.console_log = self.home / "logs" / "console.log"

    def _state(self) -> dict[str, int]:
        try:
            data = json.loads(self._state_file.read_text())
            return {"port": int(data["port"])}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    @property
    def port(self) -> int | None:
        return self._state().get("port")

    @property
    def uri(self) -> str:
        port = self.port
        if port is None:
            raise LocalServerError.said(
                N_("The local Neo4j in %(home)s has never been started: run `turva neo4j start`."),
                home=str(self.home),
            )
        return f"bolt://127.0.0.1:{port}"

    @property
    def password(self) -> str:
        try:
            return self._password_file.read_text().strip()
        except OSError as e:
            raise LocalServerError.said(
                N_(
                    "No password file in %(home)s: run `turva neo4j start` to set up "
                    "the local Neo4j."
                ),
                home=str(self.home),
            ) from e

    def _pid(self) -> int | None:
        try:
            pid = int(self._pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return None
        # a recycled pid belongs to some other program: only ours counts as running
        if ENTRY_POINT in cmdline and str(self.home) in cmdline:
            return pid
        return None

    def status(self) -> ServerStatus:
        """Whether the server runs, and where."""
        pid = self._pid()
        return ServerStatus(pid is not None, pid, self.port, self.home, self.version)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # other local users must not read the graph, its password or its logs
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(self.home / ".lock", os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> bool:
        """Start the server unless it runs; wait until it answers. True if it was started."""
        with self._lock():
            if self._pid() is not None:
                self._wait_ready(None)
                return False
            self._check_store()
            java = _java()
            lib = fetch_neo4j(self.cache, self.version)
            port = self._choose_port()
            self._write_config(port)
            self._ensure_password(java, lib)
            proc = self._launch(java, lib)
            try:
                self._wait_ready(proc)
            except BaseException:
                if proc.poll() is None:
                    proc.kill()
                self._pid_file.unlink(missing_ok=True)
                raise
            return True

    def stop(self) -> bool:
        """Shut the server down cleanly (SIGTERM, then SIGKILL as a last resort)."""
        with self._lock():
            pid = self._pid()
            if pid is None:
                self._pid_file.unlink(missing_ok=True)
                return False
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.2)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
                while _alive(pid):
                    time.sleep(0.1)
            self._pid_file.unlink(missing_ok=True)
            return True

    def _check_store(self) -> None:
        """Refuse a home whose ``data/`` is not a store turva made; mark a new one as ours."""
        marker = self.home / MARKER
        if marker.exists():
            return
        data = self.home / "data"
        earlier_turva = all((self.home / name).exists() for name in _STORE_FILES)
        if data.exists() and not earlier_turva:
            raise LocalServerError.said(
                N_(
                    "%(home)s already holds a data folder that turva did not create "
                    "(%(data)s), so the local Neo4j will not use it. Point TURVA_HOME at an "
                    "empty or new folder (the default is ~/.local/share/turva)."
                ),
                home=str(self.home),
                data=str(data),
            )
        # a new home, or one that an earlier turva (which wrote no marker) set up
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"Neo4j store managed by turva (Neo4j {self.version})\n")

    def _choose_port(self) -> int:
        port = self.port
        if port is None:
            port = free_port()
            _write_private(self._state_file, json.dumps({"port": port}))
        elif _port_in_use(port):
            raise LocalServerError.said(
                N_(
                    "Port %(port)s, the local Neo4j's remembered Bolt port, is taken by another "
                    "program. Stop that program, or delete %(file)s so that turva "
                    "picks a free port on the next start."
                ),
                port=port,
                file=str(self._state_file),
            )
        return port

    def _write_config(self, port: int) -> None:
        conf = self.home / "conf"
        for folder in (conf, self.home / "logs", self.home / "run", self.home / "data"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(
            conf / "neo4j.conf",
            "\n".join(
                [
                    "# written by turva at every start; edit TURVA_* settings instead",
                    "server.default_listen_address=127.0.0.1",
                    f"server.bolt.listen_address=127.0.0.1:{port}",
                    f"server.bolt.advertised_address=127.0.0.1:{port}",
                    "server.http.enabled=false",
                    "server.https.enabled=false",
                    "dbms.security.auth_enabled=true",
                    "dbms.usage_report.enabled=false",
                    "server.memory.pagecache.size=128m",
                    "db.tx_log.preallocate=false",
                    "db.tx_log.rotation.retention_policy=2 files",
                    "",
                ]
            ),
        )

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}

    def _ensure_password(self, java: str, lib: Path) -> None:
        if self._password_file.exists():
            return
        password = new_password()
        # The password goes to the admin tool through a private Java argument file, never
        # on a command line that any local user can read in /proc/*/cmdline. AdminTool runs
        # in this JVM; the Neo4jAdminCommand launcher would respawn one with it in argv.
        argfile = self.home / "run" / "set-initial-password.args"
        argfile.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(
            argfile,
            f"{ADMIN_TOOL} dbms set-initial-password {password}\n",
        )
        try:
            result = subprocess.run(
                [java, "-cp", f"{lib}/*", f"@{argfile}"],
                env=self._env(),
                capture_output=True,
                text=True,
                check=False,
                umask=0o077,
            )
        finally:
            argfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise LocalServerError.said(
                N_(
                    "Could not set the local Neo4j's initial password: %(output)s. "
                    "If %(home)s holds an old server, remove that folder to start afresh."
                ),
                output=(result.stderr or result.stdout).strip()[-400:],
                home=str(self.home),
            )
        _write_private(self._password_file, password)

    def _launch(self, java: str, lib: Path) -> subprocess.Popen[bytes]:
        fd = os.open(self.console_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        log = os.fdopen(fd, "ab")  # handed to the child process
        command = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *_JVM_FLAGS,
            "-cp",
            f"{lib}/*",
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
            "--console-mode",
        ]
        proc = subprocess.Popen(
            command,
            cwd=self.home,
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the turva command that started it
            umask=0o077,  # the store's files are the user's alone
        )
        log.close()
        _write_private(self._pid_file, str(proc.pid))
        return proc

    def _wait_ready(self, proc: subprocess.Popen[bytes] | None) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        auth = (self.user, self.password)
        last: Exception | None = None
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise self._failure(proc.returncode)
            try:
                with GraphDatabase.driver(self.uri, auth=auth) as driver:
                    driver.verify_connectivity()
                return
            except AuthError as e:
                raise LocalServerError.said(
                    N_(
                        "The local Neo4j in %(home)s rejected the password kept in "
                        "%(file)s. Stop it and remove %(home)s to start afresh."
                    ),
                    home=str(self.home),
                    file=str(self._password_file),
                ) from e
            except (ServiceUnavailable, OSError, ValueError) as e:
                last = e
                time.sleep(0.5)
        raise LocalServerError.said(
            N_("The local Neo4j did not answer within %(seconds)s s (%(reason)s). See %(log)s."),
            seconds=f"{READY_TIMEOUT_S:.0f}",
            reason=str(last),
            log=str(self.console_log),
        )

    def _failure(self, code: int) -> LocalServerError:
        try:
            tail = self.console_log.read_text(errors="replace").splitlines()[-40:]
        except OSError:
            tail = []
        text = "\n".join(tail)
        if "Address already in use" in text or "BindException" in text:
            return LocalServerError.said(
                N_(
                    "The local Neo4j could not start: its port %(port)s is taken. Stop the "
                    "program using it, or delete %(file)s to pick another port."
                ),
                port=self.port,
                file=str(self._state_file),
            )
        errors = [line for line in tail if "ERROR" in line or "Exception" in line]
        detail = errors[-1].strip() if errors else (tail[-1].strip() if tail else "no output")
        return LocalServerError.said(
            N_(
                "The local Neo4j exited with code %(code)s while starting: %(detail)s. "
                "The full log is %(log)s."
            ),
            code=code,
            detail=detail[:400],
            log=str(self.console_log),
        )


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner may read (mode 0600, even if it existed)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def legacy_store_moves(user_home: Path, target: Path) -> list[str] | None:
    """Shell commands that move a store an earlier turva left in ``user_home``'s root.

    Returns None when there is no such store. Earlier versions took ``HOME`` for
    ``TURVA_HOME`` and wrote ``server.json``, ``password``, ``conf/``, ``logs/``, ``run/``
    and ``data/databases`` straight into the home folder. Only Neo4j's own entries are
    named, because ``data/`` or ``logs/`` may also hold the user's files.

    Examples
    --------
    >>> import tempfile
    >>> home = Path(tempfile.mkdtemp())
    >>> legacy_store_moves(home, home / ".local/share/turva") is None
    True
    """
    user_home = Path(user_home)
    found = all((user_home / name).is_file() for name in _STORE_FILES)
    if not found or not (user_home / "data" / "databases").is_dir():
        return None
    old, new = str(user_home), str(target)
    moves = [f"TURVA_HOME={old} turva neo4j stop", f"mkdir -p {new}/data {new}/logs"]
    moves += [f"mv {old}/{name} {new}/" for name in _STORE_FILES]
    moves += [
        f"mv {old}/data/{name} {new}/data/"
        for name in _STORE_DATA
        if (user_home / "data" / name).exists()
    ]
    logs = user_home / "logs"
    if logs.is_dir():
        moves += [f"mv {old}/logs/{p.name} {new}/logs/" for p in sorted(logs.glob("*.log"))]
    moves.append(f"touch {new}/{MARKER}")
    return moves


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie child of ours counts as gone
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
