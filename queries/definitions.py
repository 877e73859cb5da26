"""The plain-language definitions the analysis pages open with.

Each definition is one English text marked with ``N_`` (translate it where the language is
known: ``_(DEFINITIONS["addressed"])``); they say in words what ``docs/analyses.md`` says
precisely, so a civil servant reading a page knows what each count counts. A count says
whether it counts phenomena **directly** (the measure names the phenomenon itself) or
**including narrower phenomena** (the measure names it or one under it).

:data:`ANALYSIS_DEFINITIONS` names, per analysis, the definitions its page opens with, in
the order shown.

>>> from turva.queries.definitions import ANALYSIS_DEFINITIONS, DEFINITIONS
>>> ANALYSIS_DEFINITIONS["gaps"][:2]
('active_measure', 'addressed')
>>> DEFINITIONS["active_measure"].startswith("An active measure")
True
"""

from __future__ import annotations

from turva.graph.messages import N_

__all__ = ["ANALYSIS_DEFINITIONS", "DEFINITIONS", "FILTER_DEFINITIONS"]

#: definition key -> English text (a catalogue message id)
DEFINITIONS: dict[str, str] = {
    "active_measure": N_(
        "An active measure is a measure that is planned or ongoing. Measures that are done "
        "or cancelled are not counted."
    ),
    "addressed": N_(
        "A phenomenon is addressed when at least one active measure addresses it or a "
        "narrower phenomenon under it."
    ),
    "addressed_directly": N_(
        "Directly: the measure names the phenomenon itself. Measures that address only "
        "a narrower phenomenon are not counted."
    ),
    "including_narrower": N_(
        "Including narrower phenomena: the measure names the phenomenon itself or any "
        "phenomenon under it, at any depth. Each measure is counted once."
    ),
    "branches": N_(
        "The branches of a phenomenon are the administrative branches of the organisations "
        "responsible for its active measures (narrower phenomena included). Organisations "
        "without a branch, such as NGOs and municipalities, add no branch."
    ),
    "scope": N_(
        "The scope of a priority group is the phenomena it focuses on and every phenomenon "
        "under them."
    ),
    "period": N_(
        "Priority groups are appointed for a period. Unless you choose a period, the latest "
        "period in the data is used."
    ),
    "as_of": N_(
        "Overdue means that the end date of an active measure is before the chosen date "
        "(today unless you choose one). A measure ending on that date is not yet overdue."
    ),
    "coverage_total": N_(
        "Total is the number of different active measures on the phenomenon, narrower "
        "phenomena included. A measure whose organisations belong to two branches is shown "
        "in both branch columns but counted once in the total."
    ),
    "stepping_out": N_(
        "What if: the chosen organisations step out. Their responsibilities for measures and "
        "their memberships of groups are taken away. An active measure for which only they "
        "were responsible is left without anyone responsible and no longer counts as active. "
        "Nothing in the data changes."
    ),
    "new_gaps": N_(
        "The lists show only what would be new: phenomena and goals that have active "
        "measures today but would have none, phenomena that would rest on one branch, and "
        "priority groups of the period that would be left without a lead."
    ),
    "goal_target": N_(
        "A goal's target names an indicator, its baseline value in a baseline year, and the "
        "value the goal aims at in a target year. The latest value is the indicator's value "
        "of the latest year after the baseline year, up to the year of the chosen date "
        "(today unless you choose one)."
    ),
    "goal_status": N_(
        "Achieved: the latest value has reached the target in the indicator's direction "
        "(for an indicator where lower is better, the latest value is at most the target). "
        "On track: not yet achieved, but a straight line through the baseline and the "
        "latest value reaches the target by the target year. Off track: neither. No data: "
        "there is no value after the baseline year."
    ),
    "goal_progress": N_(
        "Progress is the change from the baseline to the latest value as a share of the "
        "change the target asks for: 0 at the baseline, 1 at the target, negative when the "
        "value has moved the wrong way. It is rounded to three decimals, halves away from "
        "zero, and left empty when the target equals the baseline."
    ),
    "worsening": N_(
        "An indicator is getting worse when each of its three latest values, up to the year "
        "of the chosen date, is worse than the one before in the indicator's direction. An "
        "unchanged value does not count as worse, and an indicator with fewer than three "
        "values is not getting worse. Years without a value are skipped."
    ),
    "needs_attention": N_(
        "A phenomenon needs attention when an indicator measuring it is getting worse and "
        "no active measure addresses the phenomenon or a narrower one, or the organisations "
        "responsible for those measures are of one administrative branch at most."
    ),
    "filter_branch": N_(
        "Branch filter: only rows that concern the chosen administrative branch are shown: "
        "measures for which one of its organisations is responsible, its organisations and "
        "the phenomena it works on. Lists of what nobody works on (phenomena and goals "
        "without measures, measures without a responsible organisation) are not narrowed. "
        "Figures are not recalculated."
    ),
    "filter_theme": N_(
        "Theme filter: only rows that concern phenomena with the chosen theme are shown: "
        "those phenomena, the measures that address them directly and the goals that target "
        "them; priority groups only when the group has the theme. Figures are not "
        "recalculated."
    ),
    "filter_group": N_(
        "Priority group filter: only rows within the chosen priority group's scope are "
        "shown: those phenomena, the measures that address them directly and the goals that "
        "target them; rows about groups only when they concern the chosen group. The "
        "group's period is used."
    ),
}

#: the filter definitions by filter parameter name (``branch``, ``theme``, ``group``)
FILTER_DEFINITIONS: dict[str, str] = {
    "branch": "filter_branch",
    "theme": "filter_theme",
    "group": "filter_group",
}

#: the definitions every filtered analysis ends with
_FILTERS = tuple(FILTER_DEFINITIONS.values())
#: the definitions of what "addressed" means, which gaps and overlaps both open with
_ADDRESSING = (
    "active_measure",
    "addressed",
    "addressed_directly",
    "including_narrower",
    "branches",
    "scope",
    "period",
)

#: analysis -> the keys of :data:`DEFINITIONS` its page opens with, in order
ANALYSIS_DEFINITIONS: dict[str, tuple[str, ...]] = {
    "gaps": (*_ADDRESSING, "as_of", *_FILTERS),
    "overlaps": (*_ADDRESSING, *_FILTERS),
    "coverage": ("active_measure", "including_narrower", "branches", "coverage_total", *_FILTERS),
    "period_changes": ("scope", "period"),
    "path": ("active_measure",),
    "who_addresses": ("active_measure", "including_narrower", "branches", "period"),
    "profile": ("active_measure", "addressed_directly"),
    "what-if": ("stepping_out", "new_gaps", "active_measure", "branches", "period"),
    "goal-progress": ("goal_target", "goal_status", "goal_progress"),
    "attention": ("worsening", "needs_attention", "active_measure", "branches", "period"),
}
