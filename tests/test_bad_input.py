"""Bad numbers and dates are refused, never crash (issue 13): through `turva load`,
``POST /api/v1/measures`` and ``POST /api/v1/import``, each names what is wrong and
where, and nothing is written.

Non-finite numbers (``.inf``, ``1e999``, ``Infinity``, ``NaN``), integers beyond 64 bits,
amounts beyond the model's bounds and days that are not in the calendar. Some of them are
refused while the file is read (:mod:`turva.graph.domain.formats`: a YAML ``.inf``, a JSON
``Infinity``, an unquoted YAML date that is no day), naming the value and its line; the
rest by validation (:mod:`turva.graph.domain.model`), naming the field's path.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from neo4j import Driver

from tests.api_client import bearer, client, token
from tests.conftest import ROOT
from turva.graph.domain.formats import read_document_data
from turva.graph.domain.model import MAX_EUR, MAX_PERSON_YEARS, Measure, PriorityGroup
from turva.graph.store.export import export_document

SMALL = ROOT / "tests" / "fixtures" / "small.yaml"
SLOT = "__BAD_VALUE__"
EUR = "measures[0].resources.eur"

# (case id, file format, where the bad literal goes, the literal as written in the file,
#  what the message must name)
CASES = [
    ("yaml .inf", "yaml", "eur", ".inf", "'.inf' at line"),
    ("yaml -.inf", "yaml", "eur", "-.inf", "'-.inf' at line"),
    ("yaml .nan", "yaml", "eur", ".nan", "'.nan' at line"),
    ("yaml 10**30", "yaml", "eur", str(10**30), EUR),
    ("yaml 1e300 person-years", "yaml", "person_years", "1.0e+300", "person_years"),
    ("yaml 30 February", "yaml", "start", "2021-02-30", "'2021-02-30' at line"),
    ("yaml quoted 30 February", "yaml", "start", "'2021-02-30'", "measures[0].start"),
    ("yaml group number 10**30", "yaml", "number", str(10**30), "priority_groups[0].number"),
    ("yaml period 10**30", "yaml", "period", str(10**30), "priority_groups[0].period"),
    ("json 1e999", "json", "eur", "1e999", "'1e999' at line"),
    ("json Infinity", "json", "eur", "Infinity", "Infinity at line"),
    ("json NaN", "json", "eur", "NaN", "NaN at line"),
    ("json 10**30", "json", "eur", str(10**30), EUR),
    ("json -10**30", "json", "eur", str(-(10**30)), EUR),
    ("json eur over the bound", "json", "eur", str(MAX_EUR + 1), EUR),
    ("json 30 February", "json", "start", '"2021-02-30"', "measures[0].start"),
    ("json eur as text", "json", "eur", '"1000"', EUR),
]


def _document(where: str) -> dict[str, Any]:
    """The small document with the placeholder SLOT where the bad value goes."""
    doc = copy.deepcopy(read_document_data(SMALL))
    measure = doc["measures"][0]
    if where in ("eur", "person_years"):
        measure["resources"] = {where: SLOT}
    elif where == "start":
        measure["start"] = SLOT
        measure.pop("end", None)
    else:
        doc["priority_groups"][0][where] = SLOT
    # a valid new record too, to prove that the valid part is not written either
    doc["themes"].append({"id": "new-theme", "name": {"fi": "uusi"}})
    return doc


def _text(doc: dict[str, Any], fmt: str, literal: str) -> str:
    if fmt == "json":
        text = json.dumps(doc, default=str, indent=1, ensure_ascii=False)
        return text.replace(f'"{SLOT}"', literal)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return text.replace(SLOT, literal)


def _domain_counts(driver: Driver) -> tuple[int, int]:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Change AND NOT n:ApiToken "
        "RETURN count(n) AS nodes, sum(COUNT { (n)-->() }) AS rels"
    )
    return int(records[0]["nodes"]), int(records[0]["rels"])


@pytest.fixture
def loaded(empty_graph: Driver) -> Driver:
    from turva.graph.store.load import load_document

    load_document(empty_graph, read_document_data(SMALL))
    return empty_graph


@pytest.mark.parametrize(
    ("case", "fmt", "where", "literal", "named"), CASES, ids=[c[0] for c in CASES]
)
def test_turva_load_refuses_the_value_and_writes_nothing(
    case, fmt, where, literal, named, loaded, turva, tmp_path
):
    before, counts = export_document(loaded), _domain_counts(loaded)
    path = tmp_path / f"bad.{fmt}"
    path.write_text(_text(_document(where), fmt, literal), encoding="utf-8")

    result = turva("load", str(path))

    assert result.code == 1, (result.stdout, result.stderr)
    assert named in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr.lower()
    assert "\n\n" not in result.stderr.strip(), "one paragraph"
    assert _domain_counts(loaded) == counts
    assert export_document(loaded) == before


# --- through the API -------------------------------------------------------------------

# (case id, the JSON literal of the bad value, where it goes, JSON pointer named)
API_CASES = [
    ("1e999", "1e999", "eur", "/resources/eur"),
    ("Infinity", "Infinity", "eur", "/resources/eur"),
    ("-Infinity", "-Infinity", "eur", "/resources/eur"),
    ("NaN", "NaN", "eur", "/resources/eur"),
    ("10**30", str(10**30), "eur", "/resources/eur"),
    (
        "person-years over the bound",
        str(MAX_PERSON_YEARS + 1),
        "person_years",
        "/resources/person_years",
    ),
    ("30 February", '"2021-02-30"', "start", "/start"),
]


def _measure_body(where: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "M-bad",
        "title": {"fi": "Huono toimenpide"},
        "status": "planned",
        "responsible": [{"organisation": "POHA", "role": "lead"}],
        "addresses": ["online-fraud"],
    }
    if where == "start":
        body["start"] = SLOT
    else:
        body["resources"] = {where: SLOT}
    return body


@pytest.fixture
def admin_api(loaded: Driver, neo4j_target):
    with client(loaded, neo4j_target.settings()) as c:
        c.headers.update(bearer(token(loaded, "admin", name="admin")))
        yield c


@pytest.mark.parametrize(
    ("case", "literal", "where", "pointer"), API_CASES, ids=[c[0] for c in API_CASES]
)
def test_post_measure_refuses_the_value_with_422_naming_the_field(
    case, literal, where, pointer, admin_api, loaded
):
    counts = _domain_counts(loaded)
    # the raw text: Python's json would accept Infinity and NaN, as the service's parser does
    raw = json.dumps(_measure_body(where)).replace(f'"{SLOT}"', literal)

    response = admin_api.post(
        "/api/v1/measures", content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    body = response.json()
    assert pointer in {e.get("pointer") for e in body["errors"]}, body
    assert "Traceback" not in response.text
    assert _domain_counts(loaded) == counts
    assert admin_api.get("/api/v1/measures/M-bad").status_code == 404


# what a whole-document import answers: 422 naming the field when validation refuses the
# value; when the JSON reader refuses it (not JSON, or not a finite number), 400 or 422
# naming the value and its line
IMPORT_CASES = [
    ("10**30", str(10**30), "eur", 422, "/measures/0/resources/eur"),
    ("eur over the bound", str(MAX_EUR + 1), "eur", 422, "/measures/0/resources/eur"),
    ("30 February", '"2021-02-30"', "start", 422, "/measures/0/start"),
    ("1e999", "1e999", "eur", 422, "'1e999' at line"),
    ("Infinity", "Infinity", "eur", 400, "Infinity at line"),
    ("NaN", "NaN", "eur", 400, "NaN at line"),
]


@pytest.mark.parametrize(
    ("case", "literal", "where", "status", "named"),
    IMPORT_CASES,
    ids=[c[0] for c in IMPORT_CASES],
)
def test_import_refuses_the_value_and_writes_nothing(
    case, literal, where, status, named, admin_api, loaded
):
    before, counts = export_document(loaded), _domain_counts(loaded)
    raw = _text(_document(where), "json", literal)

    response = admin_api.post(
        "/api/v1/import", content=raw.encode(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == status, response.text
    body = response.json()
    if named.startswith("/"):
        assert named in {e.get("pointer") for e in body["errors"]}, body
    else:
        assert named in body["detail"], body
    assert "Traceback" not in response.text
    assert _domain_counts(loaded) == counts
    assert export_document(loaded) == before


# --- the model alone ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), 10**30, -1, MAX_EUR + 1, True, "1"]
)
def test_the_model_refuses_every_number_out_of_bounds(value):
    from pydantic import ValidationError

    from turva.graph.domain.validate import issues_from

    body = _measure_body("eur")
    body["resources"]["eur"] = value
    with pytest.raises(ValidationError) as e:
        Measure.model_validate(body)
    issues = issues_from(e.value)
    assert [i.path for i in issues] == ["resources.eur"], issues


def test_the_bounds_are_inclusive_and_in_the_schema():
    body = _measure_body("eur")
    body["resources"] = {"eur": MAX_EUR, "person_years": MAX_PERSON_YEARS}
    assert Measure.model_validate(body).resources is not None
    schema = Measure.model_json_schema()["$defs"]["Resources"]["properties"]
    eur = next(s for s in schema["eur"]["anyOf"] if s.get("type") == "number")
    assert (eur["minimum"], eur["maximum"]) == (0, MAX_EUR)
    number = PriorityGroup.model_json_schema()["properties"]["number"]
    assert (number["minimum"], number["maximum"]) == (1, 999)
