"""The results of the analyses as pydantic models: their JSON is the contract.

``result.model_dump(mode="json")`` is exactly the JSON documented in ``docs/analyses.md``
(and printed by ``turva ... --format json``). Fields marked ``exclude=True`` (the period
or date an analysis used) are context for people and are not part of that JSON.
Every result also gives :meth:`AnalysisResult.tables`: flat rows per section, for CSV and
markdown; lists of ids become one space-separated cell (ids never contain spaces).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnalysisResult",
    "IdRef",
    "Actor",
    "WhoAddresses",
    "PhenomenonBranches",
    "OverdueMeasure",
    "MissingStakeholder",
    "Gaps",
    "MultiBranchPhenomenon",
    "UncoordinatedPair",
    "GroupOverlap",
    "BusyOrganisation",
    "Overlaps",
    "CoverageRow",
    "Coverage",
    "ProfileGroup",
    "ProfileBody",
    "ProfileMeasure",
    "Profile",
    "PathNode",
    "Connection",
    "GroupRef",
    "GroupChange",
    "PeriodChanges",
    "WhatIf",
    "GoalProgressRow",
    "GoalProgress",
    "AttentionRow",
    "Attention",
]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(items: list[BaseModel]) -> list[dict[str, Any]]:
    return [{k: _cell(v) for k, v in item.model_dump().items()} for item in items]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalysisResult(_Model):
    """What every analysis result offers besides its JSON."""

    #: section -> column names of :meth:`tables`, known even when a section is empty
    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Flat rows per section (section name -> rows of scalar cells)."""
        return {
            section: _rows(getattr(self, section))
            for section in self.COLUMNS  # type: ignore[arg-type]
        }

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Column names per section of :meth:`tables`, known even when a section is empty."""
        return dict(self.COLUMNS)


class IdRef(_Model):
    id: str


# --- who addresses ---------------------------------------------------------------------


class Actor(_Model):
    organisation: str
    branch: str | None
    measures: list[str]
    groups: list[str]


class WhoAddresses(AnalysisResult):
    """Who addresses a phenomenon (``turva who-addresses``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "actors": ("organisation", "branch", "measures", "groups")
    }

    phenomenon: str
    actors: list[Actor]
    period: int | None = Field(default=None, exclude=True)


# --- gaps ------------------------------------------------------------------------------


class PhenomenonBranches(_Model):
    id: str
    branches: list[str]


class OverdueMeasure(_Model):
    id: str
    end: dt.date


class MissingStakeholder(_Model):
    group: str
    organisation: str
    phenomena: list[str]


class _OnDay(AnalysisResult):
    """A result for one period as of one day; neither is part of its JSON."""

    period: int | None = Field(default=None, exclude=True)
    as_of: dt.date | None = Field(default=None, exclude=True)


class Gaps(_OnDay):
    """Where nobody, or only one branch, works (``turva gaps``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "unaddressed_phenomena": ("id",),
        "single_branch_phenomena": ("id", "branches"),
        "goals_without_measures": ("id",),
        "measures_without_owner": ("id",),
        "measures_without_resources": ("id",),
        "overdue_measures": ("id", "end"),
        "groups_missing_stakeholders": ("group", "organisation", "phenomena"),
        "phenomena_outside_groups": ("id",),
    }

    unaddressed_phenomena: list[IdRef]
    single_branch_phenomena: list[PhenomenonBranches]
    goals_without_measures: list[IdRef]
    measures_without_owner: list[IdRef]
    measures_without_resources: list[IdRef]
    overdue_measures: list[OverdueMeasure]
    groups_missing_stakeholders: list[MissingStakeholder]
    phenomena_outside_groups: list[IdRef]
    branch: str | None = Field(default=None, exclude=True)
    theme: str | None = Field(default=None, exclude=True)
    group: str | None = Field(default=None, exclude=True)


# --- overlaps --------------------------------------------------------------------------


class MultiBranchPhenomenon(_Model):
    id: str
    branches: list[str]
    count: int


class UncoordinatedPair(_Model):
    phenomenon: str
    a: str
    b: str


class GroupOverlap(_Model):
    a: str
    b: str
    shared_phenomena: list[str]
    shared_members: list[str]
    jaccard: float


class BusyOrganisation(_Model):
    id: str
    groups: list[str]
    count: int


class Overlaps(AnalysisResult):
    """Where several branches or groups work on the same thing (``turva overlaps``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "multi_branch_phenomena": ("id", "branches", "count"),
        "uncoordinated_measures": ("phenomenon", "a", "b"),
        "group_overlaps": ("a", "b", "shared_phenomena", "shared_members", "jaccard"),
        "busy_organisations": ("id", "groups", "count"),
    }

    multi_branch_phenomena: list[MultiBranchPhenomenon]
    uncoordinated_measures: list[UncoordinatedPair]
    group_overlaps: list[GroupOverlap]
    busy_organisations: list[BusyOrganisation]
    period: int | None = Field(default=None, exclude=True)
    min_branches: int = Field(default=3, exclude=True)
    min_groups: int = Field(default=3, exclude=True)
    branch: str | None = Field(default=None, exclude=True)
    theme: str | None = Field(default=None, exclude=True)
    group: str | None = Field(default=None, exclude=True)


# --- coverage --------------------------------------------------------------------------


class CoverageRow(_Model):
    phenomenon: str
    counts: dict[str, int]
    #: the distinct active measures of the row (a measure of two branches counts once)
    total: int = 0


class Coverage(AnalysisResult):
    """The phenomenon x branch matrix (``turva coverage``)."""

    branches: list[str]
    rows: list[CoverageRow]
    branch: str | None = Field(default=None, exclude=True)
    theme: str | None = Field(default=None, exclude=True)
    group: str | None = Field(default=None, exclude=True)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"rows": [{"phenomenon": r.phenomenon, **r.counts} for r in self.rows]}

    def columns(self) -> dict[str, tuple[str, ...]]:
        return {"rows": ("phenomenon", *self.branches)}


# --- profile ---------------------------------------------------------------------------


class ProfileGroup(_Model):
    id: str
    period: int
    number: int
    role: str
    #: the provenance of the membership or responsibility itself (its own ``source``)
    source: str | None = None


class ProfileBody(_Model):
    id: str
    kind: str
    role: str
    #: the provenance of the membership or responsibility itself (its own ``source``)
    source: str | None = None


class ProfileMeasure(_Model):
    id: str
    status: str
    role: str
    #: the provenance of the membership or responsibility itself (its own ``source``)
    source: str | None = None


class Profile(AnalysisResult):
    """One organisation: branch, groups by period, bodies, measures, phenomena."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "organisation": ("organisation", "name", "kind", "branch", "parent"),
        "groups": ("id", "period", "number", "role"),
        "bodies": ("id", "kind", "role"),
        "measures": ("id", "status", "role"),
        "phenomena": ("id",),
    }

    organisation: str
    name: str
    kind: str
    branch: str | None
    parent: str | None
    groups: list[ProfileGroup]
    bodies: list[ProfileBody]
    measures: list[ProfileMeasure]
    phenomena: list[str]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        head = {k: getattr(self, k) for k in self.COLUMNS["organisation"]}
        return {
            "organisation": [head],
            "groups": _rows(self.groups),  # type: ignore[arg-type]
            "bodies": _rows(self.bodies),  # type: ignore[arg-type]
            "measures": _rows(self.measures),  # type: ignore[arg-type]
            "phenomena": [{"id": p} for p in self.phenomena],
        }


# --- path ------------------------------------------------------------------------------


class PathNode(_Model):
    type: str
    id: str
    name: str


class Connection(AnalysisResult):
    """A shortest path between two organisations (``turva path``); ``length`` null if none."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {"path": ("step", "type", "id", "name")}

    a: str
    b: str
    length: int | None
    path: list[PathNode]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"path": [{"step": i, **n.model_dump()} for i, n in enumerate(self.path)]}


# --- changes ---------------------------------------------------------------------------


class GroupRef(_Model):
    id: str
    number: int


class GroupChange(_Model):
    number: int
    from_group: str
    to_group: str
    entered_phenomena: list[str]
    left_phenomena: list[str]
    joined_members: list[str]
    left_members: list[str]


class PeriodChanges(AnalysisResult):
    """How the priority groups changed from one period to another (``turva changes``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "added_groups": ("id", "number"),
        "removed_groups": ("id", "number"),
        "entered_phenomena": ("id",),
        "left_phenomena": ("id",),
        "matched_groups": (
            "number",
            "from_group",
            "to_group",
            "entered_phenomena",
            "left_phenomena",
            "joined_members",
            "left_members",
        ),
    }

    from_period: int
    to_period: int
    added_groups: list[GroupRef]
    removed_groups: list[GroupRef]
    entered_phenomena: list[str]
    left_phenomena: list[str]
    matched_groups: list[GroupChange]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        out = {
            s: _rows(getattr(self, s)) for s in ("added_groups", "removed_groups", "matched_groups")
        }
        out["entered_phenomena"] = [{"id": p} for p in self.entered_phenomena]
        out["left_phenomena"] = [{"id": p} for p in self.left_phenomena]
        return {s: out[s] for s in self.COLUMNS}


# --- what-if ---------------------------------------------------------------------------


class WhatIf(_OnDay):
    """What would be left uncovered if organisations stepped out (``turva what-if``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "orphaned_measures": ("id",),
        "new_unaddressed_phenomena": ("id",),
        "new_single_branch_phenomena": ("id", "branches"),
        "new_goals_without_measures": ("id",),
        "groups_without_lead": ("id",),
    }

    without: list[str]
    orphaned_measures: list[IdRef]
    new_unaddressed_phenomena: list[IdRef]
    new_single_branch_phenomena: list[PhenomenonBranches]
    new_goals_without_measures: list[IdRef]
    groups_without_lead: list[IdRef]


# --- monitoring: goal progress and attention ---------------------------------------------

#: a goal's status towards its target (docs/analyses.md, "goal-progress")
GoalStatus = Literal["no_data", "achieved", "on_track", "off_track"]
#: why a phenomenon with a worsening indicator needs attention (docs/analyses.md, "attention")
AttentionReason = Literal["unaddressed", "single_branch"]


class GoalProgressRow(_Model):
    """One goal with a target: its baseline, target, latest observation and progress.

    ``progress`` is ``(latest - baseline) / (target - baseline)`` rounded to 3 decimals
    (halves away from zero); ``latest_year``, ``latest`` and ``progress`` are None when
    there is no observation after the baseline year.
    """

    goal: str
    indicator: str
    baseline_year: int
    baseline: int | float
    target_year: int
    target: int | float
    latest_year: int | None
    latest: int | float | None
    progress: float | None
    status: GoalStatus


class GoalProgress(AnalysisResult):
    """How the goals with a target are progressing (``turva goal-progress``)."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "goals": (
            "goal",
            "indicator",
            "baseline_year",
            "baseline",
            "target_year",
            "target",
            "latest_year",
            "latest",
            "progress",
            "status",
        )
    }

    as_of: dt.date
    goals: list[GoalProgressRow]


class AttentionRow(_Model):
    """A phenomenon that needs attention: its worsening indicators and why."""

    phenomenon: str
    indicators: list[str]
    reason: AttentionReason


class Attention(AnalysisResult):
    """The phenomena that need attention (``turva attention``).

    Its table's section is ``attention`` (the JSON's ``phenomena``): a profile's section
    ``phenomena`` has other columns and words.
    """

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "attention": ("phenomenon", "indicators", "reason")
    }

    as_of: dt.date
    phenomena: list[AttentionRow]
    period: int | None = Field(default=None, exclude=True)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"attention": _rows(self.phenomena)}  # type: ignore[arg-type]
