"""The field-level diff of two versions of a record (pure: no store, no page)."""

from __future__ import annotations

import datetime as dt

from tests.maps_support import TINY
from turva.graph.domain.diff import (
    FieldChange,
    field_changes,
    field_words,
    reference_kind,
)

MEASURE = {
    "id": "M-1",
    "title": {"fi": "Verkkorikosten torjunta", "sv": "Bekämpning av nätbrott"},
    "status": "planned",
    "responsible": [
        {"organisation": "POHA", "role": "lead", "source": "illustrative"},
        {"organisation": "SM", "role": "partner"},
    ],
    "addresses": ["kyber", "petokset"],
    "advances": ["G1"],
    "start": "2024-01-01",
    "resources": {"eur": 120000},
    "source": "illustrative",
}


def test_the_same_record_has_no_changes():
    assert field_changes(MEASURE, dict(MEASURE)) == []


def test_order_of_lists_is_no_change():
    shuffled = {
        **MEASURE,
        "responsible": list(reversed(MEASURE["responsible"])),
        "addresses": ["petokset", "kyber"],
    }
    assert field_changes(MEASURE, shuffled) == []


def test_a_changed_measure_field_by_field_in_the_records_order():
    kept_lead = MEASURE["responsible"][0]
    # only what the edit changes is written out; the rest is MEASURE's
    after = {
        **MEASURE,
        # source moved first on purpose: the diff follows the model's order, not the dict's
        "source": "https://intermin.fi/x",
        "title": {"fi": MEASURE["title"]["fi"], "en": "Fighting cybercrime"},
        "status": "ongoing",
        "responsible": [kept_lead, {"organisation": "SM", "role": "lead"}],
        "addresses": ["kyber", "rahanpesu"],
        "advances": [],
        "start": dt.date(2024, 1, 1),
        "end": "2025-12-31",
        "resources": {"eur": 150000, "person_years": 2.5},
    }
    changes = field_changes(MEASURE, after)
    assert [c.field for c in changes] == [
        "title.sv",
        "title.en",
        "status",
        "responsible",
        "addresses",
        "advances",
        "end",
        "resources.eur",
        "resources.person_years",
        "source",
    ]
    by_field = {c.field: c for c in changes}
    assert by_field["title.sv"] == FieldChange("title.sv", "Bekämpning av nätbrott", None)
    assert by_field["title.en"] == FieldChange("title.en", None, "Fighting cybercrime")
    assert by_field["status"] == FieldChange("status", "planned", "ongoing")
    # a role changed: the old entry removed, the new one added, the unchanged one neither
    assert by_field["responsible"].removed == [{"organisation": "SM", "role": "partner"}]
    assert by_field["responsible"].added == [{"organisation": "SM", "role": "lead"}]
    assert by_field["addresses"].added == ["rahanpesu"]
    assert by_field["addresses"].removed == ["petokset"]
    assert by_field["advances"].removed == ["G1"] and by_field["advances"].added == []
    assert by_field["end"] == FieldChange("end", None, "2025-12-31")
    assert by_field["resources.eur"] == FieldChange("resources.eur", 120000, 150000)
    assert by_field["resources.person_years"].before is None
    assert by_field["source"].after == "https://intermin.fi/x"
    # a date object and its ISO text are one value: start did not change
    assert "start" not in by_field


def test_absent_none_and_empty_are_the_same():
    before = {"id": "P1", "name": {"fi": "x"}, "themes": []}
    after = {"id": "P1", "name": {"fi": "x"}, "parent": None}
    assert field_changes(before, after) == []


def test_a_created_record_lists_every_field():
    # a group as a user writes it: the map tests' group G3 (one member, one focus)
    group = next(g for g in TINY["priority_groups"] if g["id"] == "G3")
    changes = field_changes(None, group, section="groups")
    assert [c.field for c in changes] == [
        "id",
        "number",
        "period",
        "name.fi",
        "focuses_on",
        "members",
    ]
    assert changes[0] == FieldChange("id", None, "G3")
    assert changes[-1].added == [{"organisation": "THL", "role": "lead"}]
    assert changes[-1].removed == []


def test_a_deleted_record_lists_every_field_gone():
    changes = field_changes({"id": "T1", "name": {"fi": "Teema"}}, None)
    assert changes == [FieldChange("id", "T1", None), FieldChange("name.fi", "Teema", None)]


def test_the_type_is_guessed_from_the_fields():
    body = {"id": "B", "kind": "secretariat", "name": {"fi": "a"}, "members": []}
    changed = {**body, "kind": "expert-network", "name": {"fi": "b"}, "source": "x"}
    assert [c.field for c in field_changes(body, changed)] == ["kind", "name.fi", "source"]


def test_a_member_source_counts():
    old = {"id": "B", "members": [{"organisation": "SM", "role": "member"}]}
    new = {"id": "B", "members": [{"organisation": "SM", "role": "member", "source": "x"}]}
    (change,) = field_changes(old, new)
    assert change.removed == old["members"] and change.added == new["members"]


def test_words_and_references_of_fields():
    assert field_words("goals", "text.fi") == ("Text", "in Finnish")
    assert field_words("measures", "resources.person_years") == ("Resources", "person-years")
    assert field_words("groups", "focuses_on") == ("Phenomena in focus", None)
    assert reference_kind("goals", "group") == "priority-groups"
    assert reference_kind("goals", "targets") == "phenomena"
    assert reference_kind("branches", "ministry") == "organisations"
    assert reference_kind("organisations", "branch") == "branches"
    assert reference_kind("measures", "advances") == "goals"
    assert reference_kind("measures", "title.fi") is None
