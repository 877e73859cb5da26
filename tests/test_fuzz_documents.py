"""Property-based fuzzing of everything that writes a turva/1 document or record (issue 13).

Hypothesis draws small valid documents and mutates them with every kind of bad value
(:mod:`tests.fuzz_documents_support`), then sends them through

* ``POST /api/v1/import`` (JSON or YAML bodies, merge or replace, sometimes a dry run):
  never a 5xx, every error a problem+json whose pointers name places in the document,
  nothing written on an error; an accepted document is in the graph exactly as sent,
  and the graph then exports (JSON and YAML, with the history) and imports again into
  an empty graph to the same records;
* the real ``turva load FILE`` command: exit code 0 or 1, never a traceback, nothing
  written on 1;
* ``POST``, ``PUT`` and ``PATCH`` of ``/api/v1/measures``: never a 5xx, nothing written
  on an error, a written measure reads back as sent.

Every example starts from the graph of ``tests/fixtures/small.yaml``. The runs are
derandomized (the same examples every time) and bounded so that the module takes well
under a minute, the test server's start included; ``TURVA_FUZZ_SCALE=20`` fuzzes twenty
times longer. The ``@example``
cases are the bugs the fuzzer has found, kept so that they are always tried. A failure
notes the (shrunk) document and the mutations that made it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from neo4j import Driver

from tests.api_client import bearer, client, token
from tests.fuzz_documents_support import (
    SECTIONS,
    Raw,
    documents,
    fingerprint,
    measure_bodies,
    normalise_records,
    resolves,
    serialise,
)
from turva.graph.domain.formats import decode_document, format_named, read_document_data
from turva.graph.store.load import load_document

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small.yaml"

PROBLEM_JSON = "application/problem+json"
IMPORT_STATUSES = {200, 400, 413, 415, 422}
RECORD_STATUSES = {400, 404, 409, 412, 413, 415, 422}
CLI_CODES = {0, 1}

#: ``TURVA_FUZZ_SCALE=20 pytest tests/test_fuzz_documents.py`` fuzzes twenty times longer
SCALE = float(os.environ.get("TURVA_FUZZ_SCALE", "1"))


def _fuzz(max_examples: int) -> settings:
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


# --- the graph and the app -------------------------------------------------------------


@dataclass
class Api:
    http: TestClient
    admin: dict[str, str]
    driver: Driver
    base: dict[str, Any]
    #: the fingerprint and the records of the base graph, once loaded
    base_print: str = ""
    base_records: dict[tuple[str, str], str] | None = None

    def reset(self) -> str:
        """The graph of small.yaml (tokens kept, everything else wiped first), unless it
        is that already (most examples change nothing); its fingerprint."""
        now = fingerprint(self.driver)
        if now != self.base_print:
            self.wipe()
            load_document(self.driver, self.base)
            now = self.base_print = fingerprint(self.driver)
            if self.base_records is None:
                self.base_records = _records_by_id(self.export("json", history=False))
        return now

    def wipe(self) -> None:
        self.driver.execute_query("MATCH (n) WHERE NOT n:ApiToken DETACH DELETE n")

    def export_bytes(self, fmt: str = "json", history: bool = True) -> bytes:
        response = self.http.get(
            "/api/v1/export", params={"format": fmt, "history": str(history).lower()}
        )
        assert response.status_code == 200, (fmt, response.status_code, response.text[:2000])
        return response.content

    def export(self, fmt: str = "json", history: bool = True) -> dict[str, Any]:
        return decode_document(self.export_bytes(fmt, history), format_named(fmt), name="export")

    def import_(self, body: bytes, media_type: str, **params: Any) -> Any:
        return self.http.post(
            "/api/v1/import",
            content=body,
            headers={**self.admin, "Content-Type": media_type},
            params={k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()},
        )


@pytest.fixture(scope="module")
def api(driver: Driver, neo4j_target) -> Iterator[Api]:
    driver.execute_query("MATCH (n) DETACH DELETE n")
    secret = token(driver, "admin", name="fuzz-admin")
    with client(driver, neo4j_target.settings()) as http:
        yield Api(http, bearer(secret), driver, read_document_data(SMALL))
    driver.execute_query("MATCH (n) DETACH DELETE n")


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _decoded(body: bytes, fmt: str) -> Any:
    try:
        return decode_document(body, format_named(fmt), name="sent")
    except Exception:  # noqa: BLE001 - not readable at all: nothing to compare with
        return None


def assert_problem(response: Any, allowed: set[int], sent: Any = None) -> None:
    """A documented error status, with a problem+json body that says it; each of its
    ``errors`` points at a place in ``sent`` (or at a field missing there; an unknown key
    is there)."""
    assert response.status_code in allowed, (response.status_code, response.text[:3000])
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body = _json(response)
    assert isinstance(body, dict), response.text[:500]
    assert body["status"] == response.status_code, body
    assert body["type"].startswith("urn:turva:problem:"), body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    if sent is None:
        return
    for error in body.get("errors") or []:
        if error.get("pointer") is None:
            continue
        unknown = error["detail"].lower().startswith(("unknown key", "extra inputs"))
        assert resolves(sent, error["pointer"], key=unknown), (error, sent)


def _records_by_id(export: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each record of a document, normalised, by (section, id)."""
    normal = normalise_records(export)
    return {
        (section, json.loads(text)["id"]): text for section in SECTIONS for text in normal[section]
    }


def _diff(now: dict[Any, str], expected: dict[Any, str]) -> str:
    lines = [
        f"{key}:\n  graph: {now.get(key)}\n  sent:  {expected.get(key)}"
        for key in sorted(set(now) | set(expected))
        if now.get(key) != expected.get(key)
    ]
    return "\n".join(lines[:10])


def check_accepted(
    api: Api, sent: dict[str, Any], before: dict[tuple[str, str], str], *, replace: bool
) -> None:
    """After an accepted import: the graph holds the document as sent, exports in every
    format, and the export loads into an empty graph to the same records and history."""
    exported_json = api.export_bytes("json", history=True)
    exported_yaml = api.export_bytes("yaml", history=True)
    exported = decode_document(exported_json, format_named("json"), name="the JSON export")
    assert decode_document(exported_yaml, format_named("yaml"), name="YAML export") == exported

    now = _records_by_id(exported)
    sent_records = _records_by_id(sent)
    expected = dict(sent_records) if replace else {**before, **sent_records}
    assert now == expected, _diff(now, expected)

    # load -> export -> load into an empty graph -> export: the same records, and the
    # history kept
    records_only = {k: v for k, v in exported.items() if k != "changes"}
    api.wipe()
    response = api.import_(exported_json, "application/json", mode="replace")
    assert response.status_code == 200, response.text[:3000]
    again = api.export("json")
    assert {k: v for k, v in again.items() if k != "changes"} == records_only
    kept = {c["change"] for c in again.get("changes", [])}
    assert {c["change"] for c in exported.get("changes", [])} <= kept
    # the YAML export is a valid document too
    response = api.import_(exported_yaml, "application/yaml", dry_run=True)
    assert response.status_code == 200, response.text[:3000]


# --- POST /api/v1/import ---------------------------------------------------------------


def check_import(
    api: Api, doc: Any, fmt: str, media_type: str, *, ascii_only: bool, mode: str, dry_run: bool
) -> int:
    """Import ``doc`` and check the answer and the graph; returns the status."""
    before_print = api.reset()
    before = api.base_records or {}
    body = serialise(doc, fmt, ascii_only=ascii_only)
    response = api.import_(body, media_type, mode=mode, dry_run=dry_run)

    if response.status_code != 200:
        sent = _decoded(body, fmt) if response.status_code == 422 else None
        assert_problem(response, IMPORT_STATUSES, sent)
        assert fingerprint(api.driver) == before_print, "an import that failed wrote something"
        return response.status_code

    report = response.json()
    assert report["mode"] == mode and report["dry_run"] is dry_run, report
    assert report["written"] is (not dry_run), report
    if dry_run:
        assert fingerprint(api.driver) == before_print, "a dry run wrote something"
    else:
        check_accepted(api, _decoded(body, fmt), before, replace=mode == "replace")
    return 200


BODY_TYPES = [
    ("json", "application/json"),
    ("json", "application/json; charset=utf-8"),
    ("yaml", "application/yaml"),
    ("json", "application/json"),
    ("yaml", "text/yaml"),
]


def _history(**entry: Any) -> dict[str, Any]:
    """A document with one change in its history: a valid one, with ``entry`` over it."""
    change = {
        "change": "20240501T120000000000-0123abcd",
        "at": "2024-05-01T12:00:00+00:00",
        "who": "someone",
        "type": "measures",
        "id": "m-campaign",
        "action": "replace",
        "before": None,
        "after": None,
    }
    return {"format": "turva/1", "changes": [{**change, **entry}]}


def _goal(**fields: Any) -> dict[str, Any]:
    goal = {"id": "g-new", "text": {"fi": "tavoite"}, "targets": ["harassment"], **fields}
    return {"format": "turva/1", "goals": [goal]}


JSON, YAML = BODY_TYPES[0], BODY_TYPES[2]

#: the bugs found so far: the smallest document that showed each, and how it was sent
FOUND = {
    # a lone surrogate (a JSON "\ud800" escape) in a history entry reached Neo4j: 500
    "surrogate in a change": (_history(after={"k": "a\udfffb"}), JSON),
    "surrogate in a change's key": (_history(**{"\ud800": 1}), JSON),
    "surrogate in a change's text": (_history(who="\ud800"), BODY_TYPES[1]),
    # times Python reads but Neo4j cannot store: 500
    "time before year 1 in UTC": (_history(at="0001-01-01T00:00:00+14:00"), JSON),
    "time after year 9999 in UTC": (_history(at="9999-12-31T23:59:59-14:00"), JSON),
    "offset in seconds": (_history(at="2021-01-01T00:00:00+05:30:15"), JSON),
    "offset over 18 hours": (_history(at="2021-01-01T00:00:00+23:59"), JSON),
    "YAML time before year 1 in UTC": (
        _history(at=Raw('"0001-01-01T00:00:00+14:00"', "0001-01-01T00:00:00+14:00")),
        YAML,
    ),
    # a change key too long for the index of change keys: 500
    "long change key": (_history(change="c" * 9000), JSON),
    # an unknown key named like pydantic's union members vanished from the error's path
    "unknown key like a union member": (_goal(**{"[x]": 1}), JSON),
    "unknown key called str": (_goal(str=1), YAML),
}


def _found_bugs(test: Any) -> Any:
    """Every document of FOUND as an explicit example of ``test``."""
    for i, (name, (doc, body_type)) in enumerate(FOUND.items()):
        test = example(
            case=("merge", doc, [name]), body_type=body_type, ascii_only=i % 2 == 0, dry_run=False
        )(test)
    return test


#: (mode, document, mutations): a replace gets documents that stand on their own
import_cases = st.sampled_from(["merge", "replace", "merge"]).flatmap(
    lambda mode: documents(standalone=mode == "replace").map(lambda case: (mode, *case))
)


@_fuzz(max_examples=60)
@given(
    case=import_cases,
    body_type=st.sampled_from(BODY_TYPES),
    ascii_only=st.booleans(),
    dry_run=st.sampled_from([False, False, False, False, True]),
)
@_found_bugs
def test_import_answers_every_document_without_a_server_error(
    api: Api, case, body_type, ascii_only, dry_run
) -> None:
    mode, doc, mutations = case
    note(f"mutations: {mutations}")
    note(f"document: {doc!r}")
    fmt, media_type = body_type
    status = check_import(
        api, doc, fmt, media_type, ascii_only=ascii_only, mode=mode, dry_run=dry_run
    )
    event(f"{fmt} {'dry run' if dry_run else mode}: {status}")


# --- turva load FILE -------------------------------------------------------------------


def check_load(api: Api, turva: Any, path: Path, doc: Any, fmt: str, flags: tuple[str, ...]) -> int:
    """``turva load`` a file of ``doc``; check the exit, the messages and the graph."""
    before_print = api.reset()
    before = api.base_records or {}
    path.write_bytes(serialise(doc, fmt))

    result = turva("load", str(path), *flags)
    assert result.code in CLI_CODES, (result.code, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "internal error" not in result.stderr, result.stderr[-3000:]
    if result.code == 1:
        assert result.stderr.startswith("error: "), result.stderr[-3000:]
        assert fingerprint(api.driver) == before_print, "a load that failed wrote something"
    elif "--dry-run" in flags:
        assert fingerprint(api.driver) == before_print, "a dry run wrote something"
    else:
        sent = decode_document(path.read_bytes(), format_named(fmt), name="sent")
        check_accepted(api, sent, before, replace="--replace" in flags)
    return result.code


@_fuzz(max_examples=10)
@given(
    case=import_cases,
    fmt=st.sampled_from(["json", "yaml"]),
    dry_run=st.sampled_from([False, False, True]),
)
# rich read the text of an error message as markup: a closing tag in it was a traceback
@example(case=("merge", _goal(deadline="[/x]"), []), fmt="yaml", dry_run=False)
# the 500 of the API: exit 70, "internal error"
@example(case=("merge", FOUND["surrogate in a change"][0], []), fmt="json", dry_run=False)
def test_load_exits_0_or_1_and_writes_nothing_on_an_error(
    api: Api, turva, tmp_path: Path, case, fmt, dry_run
) -> None:
    mode, doc, mutations = case
    flags = ("--dry-run",) if dry_run else ("--replace",) if mode == "replace" else ()
    note(f"mutations: {mutations}")
    note(f"document: {doc!r}")
    path = tmp_path / f"doc-{len(list(tmp_path.iterdir()))}.{fmt}"
    code = check_load(api, turva, path, doc, fmt, flags)
    event(f"turva load {fmt} {' '.join(flags)}: exit {code}")


# --- the measure endpoints -------------------------------------------------------------


def check_measure_write(api: Api, body: Any, method: str, *, ascii_only: bool) -> int:
    """POST, PUT or PATCH a measure; check the answer and the graph. Returns the status."""
    before_print = api.reset()
    target = "m-campaign"
    if method == "PUT" and isinstance(body, dict) and "id" in body:
        body = {**body, "id": target}
    if method == "PATCH" and isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("id", "source")}
    url = "/api/v1/measures" + ("" if method == "POST" else f"/{target}")
    content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
    content = serialise(body, "json", ascii_only=ascii_only)
    response = api.http.request(
        method, url, content=content, headers={**api.admin, "Content-Type": content_type}
    )
    if response.status_code >= 300:
        sent = _decoded(content, "json") if response.status_code == 422 else None
        assert_problem(response, RECORD_STATUSES, sent)
        assert fingerprint(api.driver) == before_print, f"a failed {method} wrote something"
        return response.status_code

    assert response.status_code == (201 if method == "POST" else 200), response.text
    written = response.json()
    got = api.http.get(f"/api/v1/measures/{written['id']}")
    assert got.status_code == 200, got.text
    assert got.json() == written
    if method != "PATCH":
        assert normalise_records({"measures": [written]}) == normalise_records(
            {"measures": [json.loads(content)]}
        )
    exported = api.export("json")
    api.export("yaml")
    assert any(m["id"] == written["id"] for m in exported["measures"])
    return response.status_code


@_fuzz(max_examples=30)
@given(
    case=measure_bodies(),
    method=st.sampled_from(["POST", "PUT", "POST", "PATCH"]),
    ascii_only=st.booleans(),
)
# an unknown key named like a union member vanished from the error's pointer
@example(
    case=(
        {
            "id": "m-new",
            "title": {"fi": "x"},
            "status": "planned",
            "responsible": [],
            "addresses": [],
            "int": 1,
        },
        [],
    ),
    method="POST",
    ascii_only=False,
)
def test_measure_writes_answer_every_body_without_a_server_error(
    api: Api, case, method, ascii_only
) -> None:
    body, mutations = case
    note(f"mutations: {mutations}")
    note(f"body: {body!r}")
    status = check_measure_write(api, body, method, ascii_only=ascii_only)
    event(f"{method}: {status}")
