"""The words of the data format's enum values, for every place a person reads them.

Pages, maps, CLI tables and spreadsheet exports show an organisation's kind, a measure's
status or a member's role in the reader's language: ``gettext(STATUSES[value])``. The
codes themselves stay in the data and in machine output (JSON, ids).
"""

from __future__ import annotations

from turva.graph.messages import N_

__all__ = [
    "BODY_KINDS",
    "ENUMS",
    "ORGANISATION_KINDS",
    "RECORD_TYPES",
    "ROLES",
    "STATUSES",
    "enum_word",
]

#: a measure's status
STATUSES = {
    "planned": N_("planned"),
    "ongoing": N_("ongoing"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
#: an organisation's role in a priority group, a cooperation body or a measure
ROLES = {"lead": N_("lead"), "member": N_("member"), "partner": N_("partner")}
#: an organisation's kind
ORGANISATION_KINDS = {
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
}
#: a cooperation body's kind
BODY_KINDS = {
    "cooperation-group": N_("cooperation group"),
    "expert-network": N_("expert network"),
    "secretariat": N_("secretariat"),
}
#: one record of each resource (a search hit's type)
RECORD_TYPES = {
    "themes": N_("Theme"),
    "branches": N_("Administrative branch"),
    "organisations": N_("Organisation"),
    "phenomena": N_("Phenomenon"),
    "priority-groups": N_("Priority group"),
    "bodies": N_("Cooperation body"),
    "goals": N_("Goal"),
    "measures": N_("Measure"),
}

#: the table of each enum field's words, by field name
ENUMS = {
    "status": STATUSES,
    "role": ROLES,
    "kind": ORGANISATION_KINDS,
    "body_kind": BODY_KINDS,
}


def enum_word(field: str, value: str) -> str:
    """The (untranslated) word of an enum ``value`` of ``field``, or the value itself.

    >>> enum_word("status", "ongoing"), enum_word("role", "lead"), enum_word("status", "x")
    ('ongoing', 'lead', 'x')
    >>> enum_word("kind", "wellbeing-county")
    'wellbeing services county'
    """
    return ENUMS.get(field, {}).get(value, value)
