"""The words of the data format's enum values, for every place a person reads them.

Pages, maps, CLI tables and spreadsheet exports show an organisation's kind, a measure's
status or a member's role in the reader's language: ``gettext(STATUSES[value])``. The
codes themselves stay in the data and in machine output (JSON, ids).
"""

from __future__ import annotations

from turva.graph.messages import N_

__all__ = [
    "BODY_KINDS",
    "DIRECTIONS",
    "ENUMS",
    "FIELDS",
    "FIELD_PARTS",
    "ORGANISATION_KINDS",
    "RECORD_TYPES",
    "ROLES",
    "SECTION_FIELDS",
    "STATUSES",
    "enum_word",
]

#: the words of each enum field's values, by field name: a measure's ``status``; an
#: organisation's ``role`` in a priority group, a cooperation body or a measure; an
#: organisation's ``kind``; a cooperation body's kind (``body_kind``)
ENUMS = {
    "status": {
        "planned": N_("planned"),
        "ongoing": N_("ongoing"),
        "done": N_("done"),
        "cancelled": N_("cancelled"),
    },
    "role": {"lead": N_("lead"), "member": N_("member"), "partner": N_("partner")},
    "kind": {
        "ministry": N_("ministry"),
        "agency": N_("agency"),
        "regional": N_("regional actor"),
        "municipality": N_("municipality"),
        "wellbeing-county": N_("wellbeing services county"),
        "ngo": N_("NGO"),
        "association": N_("association"),
        "research": N_("research institute"),
        "business": N_("business"),
        "other": N_("other"),
    },
    "body_kind": {
        "cooperation-group": N_("cooperation group"),
        "expert-network": N_("expert network"),
        "secretariat": N_("secretariat"),
    },
    # an indicator's direction: which way its values are better
    "direction": {"decrease": N_("lower is better"), "increase": N_("higher is better")},
}
STATUSES = ENUMS["status"]
ROLES = ENUMS["role"]
ORGANISATION_KINDS = ENUMS["kind"]
BODY_KINDS = ENUMS["body_kind"]
DIRECTIONS = ENUMS["direction"]

#: one record of each resource (a search hit's type)
RECORD_TYPES = {
    "themes": N_("Theme"),
    "branches": N_("Administrative branch"),
    "organisations": N_("Organisation"),
    "phenomena": N_("Phenomenon"),
    # not "Indicator": that is a goal's or a measure's free-text indicator ("Mittari")
    "indicators": N_("Statistical indicator"),
    "priority-groups": N_("Priority group"),
    "bodies": N_("Cooperation body"),
    "goals": N_("Goal"),
    "measures": N_("Measure"),
}


def enum_word(field: str, value: str) -> str:
    """The (untranslated) word of an enum ``value`` of ``field``, or the value itself.

    >>> enum_word("status", "ongoing"), enum_word("role", "lead"), enum_word("status", "x")
    ('ongoing', 'lead', 'x')
    >>> enum_word("kind", "wellbeing-county")
    'wellbeing services county'
    """
    return ENUMS.get(field, {}).get(value, value)


#: the words of a record's fields where a person reads them one by one (a field-level
#: diff: :func:`turva.graph.domain.diff.field_words`), capitalised as a table cell starts
FIELDS = {
    "id": N_("Id"),
    "name": N_("Name"),
    "title": N_("Title"),
    "text": N_("Text"),
    "abbreviation": N_("Abbreviation"),
    "kind": N_("Kind"),
    "status": N_("Status"),
    "description": N_("Description"),
    "ministry": N_("Ministry"),
    "branch": N_("Administrative branch"),
    "parent": N_("Part of"),
    "themes": N_("Themes"),
    "number": N_("Number"),
    "period": N_("Period"),
    "focuses_on": N_("Phenomena in focus"),
    "members": N_("Members"),
    "group": N_("Priority group"),
    "targets": N_("Targets phenomena"),
    "indicator": N_("Indicator"),
    "deadline": N_("Deadline"),
    "responsible": N_("Responsible"),
    "addresses": N_("Phenomena addressed"),
    "advances": N_("Advances goals"),
    "start": N_("Start"),
    "end": N_("End"),
    "resources": N_("Resources"),
    "unit": N_("Unit"),
    "direction": N_("Direction"),
    "phenomena": N_("Phenomena measured"),
    "target": N_("Target"),
    "source": N_("Source"),
}
#: a field's words where one record type reads it otherwise: (section, field) -> words
SECTION_FIELDS = {("phenomena", "parent"): N_("Broader phenomenon")}
#: the part of a field after the dot: a text's language, an amount of ``resources``
FIELD_PARTS = {
    "fi": N_("in Finnish"),
    "sv": N_("in Swedish"),
    "en": N_("in English"),
    "eur": N_("euros"),
    "person_years": N_("person-years"),
    "indicator": N_("indicator"),
    "baseline_year": N_("baseline year"),
    "baseline": N_("baseline"),
    "year": N_("target year"),
    "value": N_("target value"),
}
