"""Property-based run of schemathesis against the OpenAPI schema, in-process, with an admin.

Every operation gets generated requests (valid and invalid); no response may be a 5xx,
and every response must match its documented status, content type and schema. Bounded
and seeded (hypothesis ``derandomize``) so it runs the same way in every ``make test``.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from neo4j import Driver
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_client import bearer, token
from turva.api.main import create_app
from turva.graph.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema is read from the app itself (no database needed for that); each generated
# test then points the app at the test server holding a fresh 2021 graph.
APP = create_app(Settings(NEO4J_URI="bolt://127.0.0.1:9"))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(autouse=True)
def _app_on_the_test_graph(graph_2021: Driver, neo4j_target):
    APP.state.driver = graph_2021
    APP.state.settings = neo4j_target.settings()


@pytest.fixture
def admin(graph_2021: Driver) -> dict[str, str]:
    return bearer(token(graph_2021, "admin", name="schemathesis"))


_SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck)}


@schema.exclude(path="/api/v1/import").parametrize()
@settings(max_examples=20, **_SETTINGS)
def test_api_conforms_to_its_schema(case, admin):
    case.call_and_validate(headers=admin, checks=CHECKS)


# whole generated documents are slow to make and to load: fewer of them
@schema.include(path="/api/v1/import").parametrize()
@settings(max_examples=8, **_SETTINGS)
def test_import_conforms_to_its_schema(case, admin):
    case.call_and_validate(headers=admin, checks=CHECKS)
