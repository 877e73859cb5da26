"""Opening the driver: the server named by NEO4J_URI, or the managed local one.

Library code never calls this: it receives a driver. Only entry points (the CLI, the
API's lifespan, tests) open one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from turva.graph.errors import DatabaseUnavailable, Word
from turva.graph.messages import N_
from turva.graph.server.managed import LocalServer
from turva.graph.settings import Settings

__all__ = ["open_driver", "local_server", "check_connection"]


def local_server(settings: Settings) -> LocalServer:
    """The managed local server these settings describe."""
    return LocalServer(settings.home, settings.cache, heap=settings.local_heap)


def open_driver(
    settings: Settings,
    *,
    on_local_start: Callable[[LocalServer], None] | None = None,
    verify: bool = True,
    **driver_options: Any,
) -> Driver:
    """A driver for ``NEO4J_URI`` if set, else for the local server (started if needed).

    ``on_local_start`` is called when the local server had to be started, so an entry
    point can tell the user. ``driver_options`` override the driver's configuration
    (a service wants short time-outs, for example).
    """
    if settings.neo4j_uri:
        uri = settings.neo4j_uri
        auth = (settings.neo4j_user, settings.neo4j_password or "")
    else:
        server = local_server(settings)
        if server.start() and on_local_start is not None:
            on_local_start(server)
        uri, auth = server.uri, (server.user, server.password)
    options: dict[str, Any] = {
        "connection_acquisition_timeout": 10.0,
        # schema warnings (an unused relationship type in an empty graph) are not news
        "notifications_min_severity": "OFF",
        **driver_options,
    }
    driver = GraphDatabase.driver(uri, auth=auth, **options)
    if verify:
        try:
            check_connection(driver, settings.neo4j_database, where=uri)
        except DatabaseUnavailable:
            driver.close()
            raise
    return driver


#: where Neo4j is when no address is named (translated with the message it fills)
_CONFIGURED = Word(N_("the configured address"))


def check_connection(driver: Driver, database: str | None = None, where: str = _CONFIGURED) -> None:
    """Raise :class:`DatabaseUnavailable` with the fix if Neo4j does not answer."""
    try:
        # verify_connectivity fails at once; a query alone would retry for 30 s first
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)
    except AuthError as e:
        raise DatabaseUnavailable.said(
            N_("Neo4j rejected the user name or password. Check NEO4J_USER and NEO4J_PASSWORD.")
        ) from e
    except (ServiceUnavailable, OSError) as e:
        raise DatabaseUnavailable.said(
            N_(
                "Neo4j at %(where)s does not answer (%(reason)s). Start it, "
                "or check NEO4J_URI; unset NEO4J_URI to use turva's own local server."
            ),
            where=where,
            reason=type(e).__name__,
        ) from e
    except Exception as e:  # noqa: BLE001 - e.g. an unknown database name
        raise DatabaseUnavailable.said(
            N_("Neo4j could not run a query: %(reason)s"), reason=str(e)
        ) from e
