"""A real Neo4j 5.26 for the whole test session, and helpers every test module shares.

Where the server comes from, in this order: ``NEO4J_URI`` if set (its database is wiped
by the tests!); else testcontainers' Neo4j when a Docker engine answers; else turva's
managed local server in a temporary home on a free port, started once per session.
A developer's own local server (``TURVA_HOME``) is never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase

from tests.oracle import Oracle
from tests.random_graphs import random_document
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.schema import apply_schema
from turva.graph.server.managed import LocalServer
from turva.graph.settings import Settings, default_cache
from turva.graph.store.load import load_document
from turva.queries import Analyses

ROOT = Path(__file__).resolve().parent.parent
DATASET_2021 = ROOT / "data" / "2021.yaml"
TURVA = Path(sys.executable).parent / "turva"


@dataclass(frozen=True)
class Neo4jTarget:
    uri: str
    user: str
    password: str
    database: str = "neo4j"

    def env(self) -> dict[str, str]:
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
        }

    def settings(self, **extra: Any) -> Settings:
        return Settings(**self.env()).model_copy(update=extra)  # type: ignore[arg-type]


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no engine here"
        return False


@pytest.fixture(scope="session")
def neo4j_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jTarget]:
    """Connection details of the session's real Neo4j server."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jTarget(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
        return
    if _docker_answers():
        from testcontainers.neo4j import Neo4jContainer  # type: ignore[import-untyped]

        with Neo4jContainer("neo4j:5.26-community") as container:
            yield Neo4jTarget(
                container.get_connection_url(),
                "neo4j",
                container.password,  # type: ignore[attr-defined]
            )
        return
    server = LocalServer(tmp_path_factory.mktemp("neo4j-home"), default_cache(), heap="1g")
    server.start()
    try:
        yield Neo4jTarget(server.uri, server.user, server.password)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def driver(neo4j_target: Neo4jTarget) -> Iterator[Driver]:
    with GraphDatabase.driver(
        neo4j_target.uri,
        auth=(neo4j_target.user, neo4j_target.password),
        notifications_min_severity="OFF",
    ) as drv:
        drv.verify_connectivity()
        apply_schema(drv, neo4j_target.database)
        yield drv


def wipe(driver: Driver) -> None:
    """Remove every node: tests share one server, so each starts from an empty graph."""
    with driver.session() as session:
        session.run(
            "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


@pytest.fixture
def empty_graph(driver: Driver) -> Driver:
    """The session driver on an empty graph."""
    wipe(driver)
    return driver


@pytest.fixture(scope="session")
def dataset_2021() -> dict[str, Any]:
    return read_document_data(DATASET_2021)


@pytest.fixture
def graph_2021(empty_graph: Driver, dataset_2021: dict[str, Any]) -> Driver:
    """The session driver on a graph holding exactly the 2021 dataset."""
    load_document(empty_graph, dataset_2021)
    searchable(empty_graph)
    return empty_graph


def searchable(driver: Driver) -> None:
    """Wait until the full-text indexes hold every commit so far: they are eventually
    consistent (graph/domain/schema.py), and a test searches right after its load."""
    driver.execute_query("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")


def measure(
    id: str,
    title: str,
    status: str,
    responsible: list[dict[str, str]],
    addresses: list[str],
    **more: Any,
) -> dict[str, Any]:
    """A turva/1 measure with a Finnish title: the fields every measure has, then ``more``."""
    return {
        "id": id,
        "title": {"fi": title},
        "status": status,
        "responsible": responsible,
        "addresses": addresses,
        **more,
    }


@pytest.fixture(scope="module")
def loaded_2021(driver: Driver, dataset_2021: dict[str, Any]) -> Driver:
    """The session driver on the 2021 dataset, loaded once for a test module that only
    reads it (a module that writes wants :func:`graph_2021`, loaded for each test)."""
    wipe(driver)
    load_document(driver, dataset_2021)
    searchable(driver)
    return driver


@pytest.fixture(scope="module")
def site_2021(loaded_2021: Driver, neo4j_target: Neo4jTarget) -> Iterator[str]:
    """The service on the 2021 dataset (loaded once for the module) over HTTP, for a
    browser: its base URL."""
    from tests.api_client import serve
    from turva.api.main import create_app

    with serve(create_app(neo4j_target.settings(), driver=loaded_2021)) as base:
        yield base


def load_random(driver: Driver, seed: int) -> tuple[dict[str, Any], Oracle]:
    """Random document ``seed`` (tests/random_graphs.py) loaded in place of the graph, and
    the plain-Python oracle of the same document."""
    doc = random_document(seed)
    load_document(driver, doc, replace=True)
    return doc, Oracle(doc)


@pytest.fixture(scope="module")
def analyses(driver: Driver) -> Analyses:
    """The analyses over whatever graph the session driver holds (random ones, loaded
    by each test with :func:`load_random`)."""
    return Analyses(driver)


@pytest.fixture
def analyses_2021(graph_2021: Driver) -> Analyses:
    """The analyses over the 2021 dataset."""
    return Analyses(graph_2021)


def ids(items: list[Any]) -> list[str]:
    """The ids of an analysis' rows, in order."""
    return [item.id for item in items]


def dumped(result: Any) -> Any:
    """An analysis' answer as the JSON the API gives (and the oracle computes)."""
    return result.model_dump(mode="json")


def count_nodes(driver: Driver) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
    return int(records[0]["n"])


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def turva(neo4j_target: Neo4jTarget, tmp_path: Path):
    """Run the real ``turva`` command against the test server; returns a CliResult."""

    def run(
        *args: str, env: dict[str, str | None] | None = None, timeout: float = 300
    ) -> CliResult:
        full_env: dict[str, str | None] = {
            **os.environ,
            **neo4j_target.env(),
            "TURVA_HOME": str(tmp_path / "turva-home"),
            "COLUMNS": "200",
            # the tests read English output, whatever the machine's locale says
            "TURVA_LANG": "en",
            **(env or {}),
        }
        proc = subprocess.run(
            [str(TURVA), *args],
            capture_output=True,
            text=True,
            env={k: v for k, v in full_env.items() if v is not None},
            timeout=timeout,
            cwd=tmp_path,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
