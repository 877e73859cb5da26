"""The words of the analyses' tables, in English as the catalogue's message ids: each
section's title and each column's heading. The CLI's tables and the pages translate
them (:mod:`turva.graph.messages`), so a section reads the same everywhere.

>>> SECTION_TITLES["overdue_measures"]
'Overdue measures'
>>> column_words("overdue_measures", "id"), column_words("rows", "SM")
('Measure', None)
"""

from __future__ import annotations

from turva.graph.messages import N_

__all__ = [
    "SECTION_TITLES",
    "COLUMN_TITLES",
    "SECTION_COLUMN_TITLES",
    "ID_HEADING",
    "SECTION_HEADING",
    "SOURCE_HEADING",
    "ANALYSIS_CODES",
    "column_words",
]

#: the title of each section of the analyses (docs/analyses.md), the pages' words where
#: a page shows the same section
SECTION_TITLES = {
    # who-addresses
    "actors": N_("Who addresses it"),
    # gaps
    "unaddressed_phenomena": N_("Phenomena without measures"),
    "single_branch_phenomena": N_("Single-branch phenomena"),
    "goals_without_measures": N_("Goals without measures"),
    "measures_without_owner": N_("Measures without an owner"),
    "measures_without_resources": N_("Measures without resources"),
    "overdue_measures": N_("Overdue measures"),
    "groups_missing_stakeholders": N_("Stakeholders missing from groups"),
    "phenomena_outside_groups": N_("Phenomena outside the groups"),
    # overlaps
    "multi_branch_phenomena": N_("Phenomena of several branches"),
    "uncoordinated_measures": N_("Uncoordinated measures"),
    "group_overlaps": N_("Overlapping priority groups"),
    "busy_organisations": N_("Organisations in many groups"),
    # coverage
    "rows": N_("Coverage"),
    # profile
    "organisation": N_("Organisation"),
    "groups": N_("Priority groups"),
    "bodies": N_("Cooperation bodies"),
    "measures": N_("Measures"),
    "phenomena": N_("Phenomena"),
    # path
    "path": N_("Shortest connection"),
    # changes
    "added_groups": N_("New priority groups"),
    "removed_groups": N_("Priority groups that ended"),
    "entered_phenomena": N_("Phenomena that entered the focus"),
    "left_phenomena": N_("Phenomena that left the focus"),
    "matched_groups": N_("Priority groups in both periods"),
    # what-if
    "orphaned_measures": N_("Measures left without anyone responsible"),
    "new_unaddressed_phenomena": N_("Phenomena that would be left without measures"),
    "new_single_branch_phenomena": N_("Phenomena that would rest on one branch"),
    "new_goals_without_measures": N_("Goals that would be left without measures"),
    "groups_without_lead": N_("Priority groups that would be left without a lead"),
    # goal-progress
    "goals": N_("Progress towards goal targets"),
    # attention (the JSON's ``phenomena``: profile's section of that name has other words)
    "attention": N_("Phenomena that need attention"),
}

#: the heading of each column; :data:`SECTION_COLUMN_TITLES` first
COLUMN_TITLES = {
    "baseline": N_("Baseline value"),
    "baseline_year": N_("Baseline year"),
    "branch": N_("Administrative branch"),
    "branches": N_("Administrative branches"),
    "end": N_("End"),
    "entered_phenomena": N_("Phenomena that entered"),
    "from_group": N_("Group in the earlier period"),
    "goal": N_("Goal"),
    "group": N_("Priority group"),
    "groups": N_("Priority groups"),
    "id": N_("Id"),
    "indicator": N_("Indicator"),
    "indicators": N_("Indicators"),
    "jaccard": N_("Jaccard index"),
    "joined_members": N_("Members who joined"),
    "kind": N_("Kind"),
    "latest": N_("Latest value"),
    "latest_year": N_("Year of the latest value"),
    "left_members": N_("Members who left"),
    "left_phenomena": N_("Phenomena that left"),
    "measures": N_("Measures"),
    "name": N_("Name"),
    "number": N_("Number"),
    "organisation": N_("Organisation"),
    "parent": N_("Part of"),
    "period": N_("Period"),
    "phenomena": N_("Phenomena"),
    "phenomenon": N_("Phenomenon"),
    "progress": N_("Progress"),
    "reason": N_("Reason"),
    "role": N_("Role"),
    "shared_members": N_("Shared members"),
    "shared_phenomena": N_("Shared phenomena"),
    "status": N_("Status"),
    "step": N_("Step"),
    "target": N_("Target value"),
    "target_year": N_("Target year"),
    "to_group": N_("Group in the later period"),
    "type": N_("Type"),
}

#: headings that depend on the section: what its ``id``, ``a``, ``b`` or ``count`` is
SECTION_COLUMN_TITLES = {
    ("unaddressed_phenomena", "id"): N_("Phenomenon"),
    ("single_branch_phenomena", "id"): N_("Phenomenon"),
    ("goals_without_measures", "id"): N_("Goal"),
    ("measures_without_owner", "id"): N_("Measure"),
    ("measures_without_resources", "id"): N_("Measure"),
    ("overdue_measures", "id"): N_("Measure"),
    ("phenomena_outside_groups", "id"): N_("Phenomenon"),
    ("multi_branch_phenomena", "id"): N_("Phenomenon"),
    ("multi_branch_phenomena", "count"): N_("Number of branches"),
    ("uncoordinated_measures", "a"): N_("Measure"),
    ("uncoordinated_measures", "b"): N_("Other measure"),
    ("group_overlaps", "a"): N_("Priority group"),
    ("group_overlaps", "b"): N_("Other priority group"),
    ("busy_organisations", "id"): N_("Organisation"),
    ("busy_organisations", "count"): N_("Number of groups"),
    ("rows", "total"): N_("Active measures in all, including narrower phenomena"),
    ("groups", "id"): N_("Priority group"),
    ("bodies", "id"): N_("Cooperation body"),
    ("measures", "id"): N_("Measure"),
    ("phenomena", "id"): N_("Phenomenon"),
    ("added_groups", "id"): N_("Priority group"),
    ("removed_groups", "id"): N_("Priority group"),
    ("entered_phenomena", "id"): N_("Phenomenon"),
    ("left_phenomena", "id"): N_("Phenomenon"),
    ("attention", "indicators"): N_("Indicators getting worse"),
}

#: the words of the codes the analyses give themselves (not enums of the data format), by
#: the field of :data:`turva.queries.tables.ENUM_COLUMNS`: a goal's status towards its
#: target and why a phenomenon needs attention (docs/analyses.md)
ANALYSIS_CODES = {
    "goal_status": {
        "no_data": N_("no data"),
        "achieved": N_("achieved"),
        "on_track": N_("on track"),
        "off_track": N_("off track"),
    },
    "attention_reason": {
        "unaddressed": N_("no active measures"),
        "single_branch": N_("one administrative branch only"),
    },
}


def column_words(section: str, column: str) -> str | None:
    """The heading of ``column`` in ``section`` (untranslated); None for a column of data
    (coverage's branch ids)."""
    return SECTION_COLUMN_TITLES.get((section, column)) or COLUMN_TITLES.get(column)


# --- the headings the tables add (queries/tables.py) -------------------------------------

#: the heading of a column of ids beside its column of names, e.g. "Measure, id"
#: (the names' column is headed by the column's own words, "Measure")
ID_HEADING = N_("%(column)s, id")
#: the first column of a table that stacks several sections: which section a row is of
SECTION_HEADING = N_("Section")
#: the column of a row's record's source: a URL or document name, empty, or "illustrative"
SOURCE_HEADING = N_("Source")
