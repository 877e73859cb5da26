"""The domain model: one pydantic model per node type, shared by data files and the API.

The field names are the ``turva/1`` data format, a contract with the people who keep
their data in it: rename nothing here without a new format version.

Every number is finite and bounded, so that nothing a person can write (``.inf``,
``1e999``, ``NaN``, ``10**30``) gets past validation to crash a write:

- ``resources.eur``: 0 to 10^12 euros (:data:`MAX_EUR`; the whole state budget is about
  10^11 a year), an integer or a decimal number;
- ``resources.person_years``: 0 to 10^6 (:data:`MAX_PERSON_YEARS`);
- a priority group's ``number``: 1 to 999; ``period`` (a year): 1900 to 2200;
- dates are days of the calendar (``2021-02-30`` is refused), ``YYYY-MM-DD``.

>>> Theme(id="everyday-security", name={"fi": "arjen turvallisuus"}).name.fi
'arjen turvallisuus'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_validator,
)

from turva.graph.errors import InvalidValue
from turva.graph.messages import N_

__all__ = [
    "FORMAT",
    "Id",
    "Text",
    "Record",
    "Theme",
    "AdministrativeBranch",
    "Organisation",
    "Phenomenon",
    "Membership",
    "PriorityGroup",
    "CooperationBody",
    "Goal",
    "Responsibility",
    "Resources",
    "Measure",
    "Indicator",
    "Observation",
    "Target",
    "Document",
    "ORGANISATION_KINDS",
    "BODY_KINDS",
    "MEASURE_STATUSES",
    "ACTIVE_STATUSES",
    "DIRECTIONS",
    "MAX_VALUE",
    "MAX_EUR",
    "MAX_PERSON_YEARS",
]

FORMAT = "turva/1"

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

OrganisationKind = Literal[
    "ministry",
    "agency",
    "regional",
    "municipality",
    "wellbeing-county",
    "ngo",
    "association",
    "research",
    "business",
    "other",
]
BodyKind = Literal["cooperation-group", "expert-network", "secretariat"]
MeasureStatus = Literal["planned", "ongoing", "done", "cancelled"]
#: which way an indicator's values are better
Direction = Literal["decrease", "increase"]

# the tuples are read from the types, so the model and the code that lists the choices
# (the CLI's help, the pages, the tests) cannot drift apart
ORGANISATION_KINDS: tuple[str, ...] = get_args(OrganisationKind)
BODY_KINDS: tuple[str, ...] = get_args(BodyKind)
MEASURE_STATUSES: tuple[str, ...] = get_args(MeasureStatus)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
#: statuses that count a measure as active in every analysis
ACTIVE_STATUSES = ("planned", "ongoing")

Id = Annotated[
    StrictStr,
    Field(
        pattern=ID_PATTERN,
        description="1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit",
        examples=["SM"],
    ),
]


def _iso_date(value: Any) -> Any:
    # YAML already gives dates; JSON gives strings. Anything else (numbers, datetimes)
    # would be silently coerced by pydantic's lax mode, so refuse it here.
    if isinstance(value, dt.datetime):
        raise InvalidValue.said(N_("expected a date YYYY-MM-DD, not a date and time"))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not _DATE_SHAPE.fullmatch(value):
            raise InvalidValue.said(
                N_("expected a date YYYY-MM-DD, got %(value)s"), value=repr(value)
            )
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError as e:
            # the shape is right, the day is not in the calendar (2021-02-30, 2026-13-45)
            raise InvalidValue.said(
                N_("expected a date YYYY-MM-DD, got %(value)s: no such day in the calendar"),
                value=repr(value),
            ) from e
    raise InvalidValue.said(N_("expected a date YYYY-MM-DD"))


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _finite_number(value: Any) -> Any:
    # one clear message instead of the union's two ("valid integer", "valid number"), and
    # inf and nan refused by name: ge/le would let inf through and misreport nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue.said(N_("expected a number, got %(type)s"), type=type(value).__name__)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue.said(N_("expected a finite number, got %(value)s"), value=repr(value))
    return value


#: the largest ``resources.eur``: a trillion euros (the state budget is ~10^11 a year)
MAX_EUR = 10**12
#: the largest ``resources.person_years``
MAX_PERSON_YEARS = 10**6


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
# finite ints or floats from 0 to a maximum; ints stay ints (exports keep ``120000``)
_FiniteNumber = Annotated[StrictInt | StrictFloat, BeforeValidator(_finite_number)]


def _up_to(maximum: int, description: str, example: float) -> WithJsonSchema:
    """The JSON schema of a finite number from 0 to ``maximum``: one ``number`` (not the
    int-or-float union pydantic would write), so clients see one type."""
    return WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "maximum": maximum,
            "description": description,
            "examples": [example],
        }
    )


Eur = Annotated[
    _FiniteNumber,
    Field(ge=0, le=MAX_EUR),
    _up_to(MAX_EUR, "euros, a finite number from 0 to 10^12", 120000),
]
PersonYears = Annotated[
    _FiniteNumber,
    Field(ge=0, le=MAX_PERSON_YEARS),
    _up_to(MAX_PERSON_YEARS, "person-years, a finite number from 0 to 10^6", 1.5),
]
Year = Annotated[StrictInt, Field(ge=1900, le=2200, description="a year, e.g. 2021")]
#: the year of an observation or a goal target: statistics are kept from 1900 to 2100
StatisticsYear = Annotated[
    StrictInt, Field(ge=1900, le=2100, description="a year from 1900 to 2100, e.g. 2021")
]
#: the largest absolute value of an observation or a target: a quadrillion (10^15) is
#: beyond any count or sum in euros that public statistics hold, and exact as a float
MAX_VALUE = 10**15
Value = Annotated[
    _FiniteNumber,
    Field(ge=-MAX_VALUE, le=MAX_VALUE),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": -MAX_VALUE,
            "maximum": MAX_VALUE,
            "description": "a finite number from -10^15 to 10^15",
            "examples": [12345],
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Text(_Strict):
    """A text in Finnish (required), Swedish and English."""

    fi: Annotated[StrictStr, Field(min_length=1, max_length=2000)]
    sv: Annotated[StrictStr, Field(min_length=1, max_length=2000)] | None = None
    en: Annotated[StrictStr, Field(min_length=1, max_length=2000)] | None = None

    def best(self, lang: str = "fi") -> str:
        """The text in ``lang``, falling back to Finnish."""
        return getattr(self, lang, None) or self.fi


class Record(_Strict):
    """Fields every record carries."""

    id: Id
    source: Annotated[StrictStr, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="a URL, a document name, or 'illustrative'"
    )


class Theme(Record):
    name: Text


class AdministrativeBranch(Record):
    name: Text
    ministry: Id | None = Field(default=None, description="the ministry's organisation id")


class Organisation(Record):
    name: Text
    abbreviation: Annotated[StrictStr, Field(min_length=1, max_length=50)] | None = None
    kind: OrganisationKind
    branch: Id | None = None
    parent: Id | None = None


class Phenomenon(Record):
    name: Text
    description: Text | None = None
    themes: list[Id] = Field(default_factory=list)
    parent: Id | None = Field(default=None, description="the broader phenomenon")


class Membership(_Strict):
    organisation: Id
    role: Literal["lead", "member"] = "member"
    source: Annotated[StrictStr, Field(min_length=1, max_length=500)] | None = None


class PriorityGroup(Record):
    number: Annotated[StrictInt, Field(ge=1, le=999, description="1 to 999")]
    period: Year
    name: Text
    themes: list[Id] = Field(default_factory=list)
    focuses_on: list[Id]
    members: list[Membership]


class CooperationBody(Record):
    kind: BodyKind
    name: Text
    members: list[Membership]


class Target(_Strict):
    """Where a goal wants an indicator to go: from ``baseline`` in ``baseline_year`` to
    ``value`` in ``year``."""

    indicator: Id
    baseline_year: StatisticsYear
    baseline: Value
    year: StatisticsYear
    value: Value

    @model_validator(mode="after")
    def _year_after_baseline(self) -> Target:
        if self.year <= self.baseline_year:
            raise InvalidValue.said(
                N_("the target year %(year)s must be after the baseline year %(baseline_year)s"),
                year=self.year,
                baseline_year=self.baseline_year,
            )
        return self


class Goal(Record):
    text: Text
    group: Id | None = None
    targets: list[Id]
    indicator: Text | None = None
    deadline: IsoDate | None = None
    target: Target | None = None


class Responsibility(_Strict):
    organisation: Id
    role: Literal["lead", "partner"] = "lead"
    source: Annotated[StrictStr, Field(min_length=1, max_length=500)] | None = None


class Resources(_Strict):
    """What a measure costs: finite numbers, ``eur`` 0 to 10^12, ``person_years`` 0 to 10^6."""

    eur: Eur | None = None
    person_years: PersonYears | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Resources:
        if self.eur is None and self.person_years is None:
            raise InvalidValue.said(N_("give eur or person_years, or leave resources out"))
        return self


class Measure(Record):
    title: Text
    status: MeasureStatus
    responsible: list[Responsibility]
    addresses: list[Id]
    advances: list[Id] = Field(default_factory=list)
    start: IsoDate | None = None
    end: IsoDate | None = None
    resources: Resources | None = None
    indicator: Text | None = None

    @model_validator(mode="after")
    def _start_before_end(self) -> Measure:
        if self.start and self.end and self.end < self.start:
            raise InvalidValue.said(
                N_("end %(end)s is before start %(start)s"), end=self.end, start=self.start
            )
        return self


class Indicator(Record):
    """A statistic that measures phenomena over the years (``direction``: which way is better)."""

    name: Text
    unit: Text | None = None
    direction: Direction
    phenomena: Annotated[list[Id], Field(min_length=1)]


class Observation(_Strict):
    """One year's value of an indicator (not a record: the indicator and year are its key)."""

    indicator: Id
    year: StatisticsYear
    value: Value
    source: Annotated[StrictStr, Field(min_length=1, max_length=500)] | None = None

    @property
    def key(self) -> str:
        """The observation's node id in the graph: ``<indicator>/<year>``."""
        return f"{self.indicator}/{self.year}"


class Document(_Strict):
    """A whole ``turva/1`` document: the unit people load and export."""

    format: Literal["turva/1"]
    themes: list[Theme] = Field(default_factory=list)
    branches: list[AdministrativeBranch] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    phenomena: list[Phenomenon] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    priority_groups: list[PriorityGroup] = Field(default_factory=list)
    bodies: list[CooperationBody] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    #: yearly values of the indicators: not records (no id), keyed by indicator and year
    observations: list[Observation] = Field(default_factory=list)

    def record_count(self) -> int:
        """How many records the document holds."""
        return sum(len(getattr(self, section)) for section in SECTIONS)


#: the document's record sections, in dependency order
SECTIONS = (
    "themes",
    "branches",
    "organisations",
    "phenomena",
    "indicators",
    "priority_groups",
    "bodies",
    "goals",
    "measures",
)
