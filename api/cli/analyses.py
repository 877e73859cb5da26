"""The analyses on the command line: ``turva who-addresses``, ``gaps``, ``overlaps``,
``coverage``, ``profile``, ``path``, ``changes``, ``what-if``, ``goal-progress`` and
``attention`` (definitions: docs/analyses.md)."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from neo4j import Driver

from turva.api.cli.common import app, driver_session, settings
from turva.api.cli.language import _, current_lang, help_text, ngettext
from turva.api.cli.output import Format, output_options, render
from turva.api.cli.resolving import record_ids
from turva.graph.domain.formats import iso_date
from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.queries import Analyses
from turva.queries.names import names_of
from turva.queries.results import AnalysisResult, Coverage, Gaps, Overlaps
from turva.queries.tables import names_for

__all__ = [
    "who_addresses",
    "gaps",
    "overlaps",
    "coverage",
    "profile",
    "path",
    "changes",
    "what_if",
    "goal_progress",
    "attention",
]

FORMAT_HELP = help_text(
    "Output: table (default), json (the documented JSON), csv, md or xlsx (with -o FILE)."
)
SECTION_HELP = help_text(
    "Print only this section (table, csv, md and xlsx); csv stacks all sections otherwise."
)
PERIOD_HELP = help_text("Period (year) of the priority groups; default: the latest in the graph.")

FormatOption = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP)
SectionOption = typer.Option(None, "--section", help=SECTION_HELP)
PeriodOption = typer.Option(None, "--period", help=PERIOD_HELP)
# the filters of gaps, overlaps and coverage (docs/analyses.md, "Filters")
BranchOption = typer.Option(
    None,
    "--branch",
    help=help_text("Only rows that concern this administrative branch (id, e.g. SM)."),
)
ThemeOption = typer.Option(
    None, "--theme", help=help_text("Only rows that concern phenomena with this theme (id).")
)
GroupOption = typer.Option(
    None,
    "--group",
    help=help_text(
        "Only rows within this priority group's scope (id, e.g. PG2021-6); "
        "the period defaults to the group's."
    ),
)


R = TypeVar("R", bound=AnalysisResult)
F = TypeVar("F", bound=Callable[..., Any])

#: the filters a command passes on to its analysis (``a.gaps(..., **filters)``)
Filters = dict[str, str | None]
_FILTER_OPTIONS = (("branch", BranchOption), ("theme", ThemeOption), ("group", GroupOption))


def filter_options(command: F) -> F:
    """Give an analysis command the options ``--branch``, ``--theme`` and ``--group``; it
    receives them as one keyword argument ``filters`` (:data:`Filters`).

    One decorator, so that gaps, overlaps and coverage offer them alike (put it under
    :func:`~turva.api.cli.output.output_options`).
    """
    signature = inspect.signature(command)
    own = [p for p in signature.parameters.values() if p.name != "filters"]
    extra = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=str | None
        )
        for name, option in _FILTER_OPTIONS
    ]

    @functools.wraps(command)
    def filtered(*args: Any, **kwargs: Any) -> Any:
        filters = {name: kwargs.pop(name, None) for name, _ in _FILTER_OPTIONS}
        return command(*args, filters=filters, **kwargs)

    # Typer reads the options from the signature: the command's own, then these
    filtered.__signature__ = signature.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
    return filtered  # type: ignore[return-value]


#: the filters a result may carry (gaps, overlaps, coverage): its field, the record type
#: of its id and the words that name it on the context line
_FILTERS = (
    ("branch", "branches", N_("Administrative branch")),
    ("theme", "themes", N_("Theme")),
    ("group", "priority-groups", N_("Priority group")),
)


def _filters_text(driver: Driver, result: AnalysisResult, database: str | None) -> str | None:
    """The active filters of ``result`` by name, e.g. "Administrative branch: Ministry of
    the Interior (SM)"; None without filters."""
    if not isinstance(result, Gaps | Overlaps | Coverage):
        return None  # a profile's ``branch`` is the organisation's, not a filter
    lang = current_lang()
    parts = []
    for field, kind, words in _FILTERS:
        id_ = getattr(result, field, None)
        if id_:
            name = names_of(driver, [id_], lang, database, types=[kind]).get(id_)
            shown = f"{name.text} ({id_})" if name and name.text != id_ else id_
            parts.append(_("%(filter)s: %(name)s") % {"filter": _(words), "name": shown})
    return "; ".join(parts) or None


def _show(
    compute: Callable[[Analyses], R],
    fmt: Format,
    section: str | None = None,
    context: Callable[[R], str] | None = None,
    subject: tuple[str, str] | None = None,
) -> None:
    config = settings()
    with driver_session(config) as driver:
        result = compute(Analyses(driver, database=config.neo4j_database))
        line = [context(result)] if context else []
        if subject:  # the record asked about by name, e.g. "Rahanpesu (money-laundering)"
            id_, kind = subject
            name = names_of(driver, [id_], current_lang(), config.neo4j_database, types=[kind])
            shown = name[id_].text if id_ in name else None
            line.insert(0, f"{shown} ({id_})" if shown and shown != id_ else id_)
        if fmt is Format.table:  # the context line is only drawn above tables
            line += filter(None, [_filters_text(driver, result, config.neo4j_database)])
        # inside the session: the tables show names beside ids (turva.queries.names)
        render(
            result,
            fmt,
            section=section,
            context=" · ".join(line) or None,
            names=lambda lang: names_for(driver, result, lang, config.neo4j_database, section),
        )


def _period_text(period: int | None) -> str:
    if period is None:
        return _("no priority groups in the graph")
    return _("period %(period)s") % {"period": period}


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return iso_date(value)  # the one reading of a date, as the API's ?as_of=
    except ValueError:
        raise BadArgument(
            _("--as-of must be a date YYYY-MM-DD, e.g. 2025-12-31; got %(value)r")
            % {"value": value}
        ) from None


@app.command(
    "who-addresses",
    help=help_text(
        "Which organisations address a phenomenon (or a narrower one), by measures and groups."
    ),
)
@output_options
def who_addresses(
    phenomenon: str = typer.Argument(
        ...,
        help=help_text(
            "The phenomenon: its id or name (fi, sv or en; inflected forms too), e.g. "
            "money-laundering or rahanpesun."
        ),
    ),
    period: int | None = PeriodOption,
    fmt: Format = FormatOption,
) -> None:
    """Which organisations address a phenomenon (or a narrower one), by measures and groups."""
    (phenomenon_id,) = record_ids((phenomenon, "phenomena"))
    _show(
        lambda a: a.who_addresses(phenomenon_id, period),
        fmt,
        context=lambda r: _period_text(r.period),
        subject=(phenomenon_id, "phenomena"),
    )


@app.command(
    help=help_text(
        "Unaddressed and single-branch phenomena, goals without measures, measures without "
        "owner or resources, overdue measures, missing group stakeholders."
    )
)
@output_options
@filter_options
def gaps(
    period: int | None = PeriodOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help=help_text("Date YYYY-MM-DD for overdue measures; default: today.")
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
    *,
    filters: Filters,
) -> None:
    """Unaddressed and single-branch phenomena, goals without measures, measures without
    owner or resources, overdue measures, missing group stakeholders."""
    day = _as_of(as_of)
    _show(
        lambda a: a.gaps(period, day, **filters),
        fmt,
        section,
        context=lambda r: (
            _("%(period)s, as of %(date)s") % {"period": _period_text(r.period), "date": r.as_of}
        ),
    )


@app.command(
    help=help_text(
        "Multi-branch phenomena, uncoordinated measures, overlapping groups, busy organisations."
    )
)
@output_options
@filter_options
def overlaps(
    period: int | None = PeriodOption,
    min_branches: int = typer.Option(
        3, "--min-branches", min=1, help=help_text("Branches for a multi-branch phenomenon.")
    ),
    min_groups: int = typer.Option(
        3, "--min-groups", min=1, help=help_text("Groups for a busy organisation.")
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
    *,
    filters: Filters,
) -> None:
    """Multi-branch phenomena, uncoordinated measures, overlapping groups, busy organisations."""
    _show(
        lambda a: a.overlaps(period, min_branches, min_groups, **filters),
        fmt,
        section,
        context=lambda r: ", ".join(
            [
                _period_text(r.period),
                ngettext("at least %(n)s branch", "at least %(n)s branches", min_branches)
                % {"n": min_branches},
                ngettext("at least %(n)s group", "at least %(n)s groups", min_groups)
                % {"n": min_groups},
            ]
        ),
    )


@app.command(
    help=help_text("Active measures per phenomenon (with narrower ones) and administrative branch.")
)
@output_options
@filter_options
def coverage(fmt: Format = FormatOption, *, filters: Filters) -> None:
    """Active measures per phenomenon (with narrower ones) and administrative branch."""
    _show(lambda a: a.coverage(**filters), fmt)


@app.command(
    help=help_text(
        "One organisation: branch, priority groups by period, bodies, measures, phenomena."
    )
)
@output_options
def profile(
    organisation: str = typer.Argument(
        ...,
        help=help_text(
            "The organisation: its id, abbreviation or name (fi, sv or en), e.g. SM or "
            "Poliisihallitus."
        ),
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """One organisation: branch, priority groups by period, bodies, measures, phenomena."""
    (organisation_id,) = record_ids((organisation, "organisations"))
    _show(lambda a: a.profile(organisation_id), fmt, section)


@app.command(
    help=help_text(
        "A shortest connection between two organisations through groups, measures and "
        "phenomena: who should talk to whom."
    )
)
@output_options
def path(
    a: str = typer.Argument(
        ..., help=help_text("The organisation to start from: its id, abbreviation or name.")
    ),
    b: str = typer.Argument(
        ..., help=help_text("The organisation to reach: its id, abbreviation or name.")
    ),
    fmt: Format = FormatOption,
) -> None:
    """A shortest connection between two organisations through groups, measures and
    phenomena: who should talk to whom."""
    a, b = record_ids((a, "organisations"), (b, "organisations"))
    _show(
        lambda an: an.path(a, b),
        fmt,
        context=lambda r: (
            _("%(a)s -> %(b)s: length %(length)s") % {"a": a, "b": b, "length": r.length}
            if r.length is not None
            else _("%(a)s and %(b)s are not connected through groups, measures or phenomena")
            % {"a": a, "b": b}
        ),
    )


@app.command(
    help=help_text(
        "How the priority groups changed between two periods (groups matched by number)."
    )
)
@output_options
def changes(
    from_period: int = typer.Argument(
        ..., metavar="FROM", help=help_text("Earlier period, e.g. 2021.")
    ),
    to_period: int = typer.Argument(..., metavar="TO", help=help_text("Later period, e.g. 2023.")),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """How the priority groups changed between two periods (groups matched by number)."""
    _show(
        lambda a: a.changes(from_period, to_period),
        fmt,
        section,
        context=lambda r: (
            _("from %(earlier)s to %(later)s") % {"earlier": from_period, "later": to_period}
        ),
    )


WithoutArgument = typer.Argument(
    ...,
    metavar="ORG",
    help=help_text("The organisations: ids, abbreviations or names, e.g. POHA Kuntaliitto."),
)


@app.command(
    "what-if",
    help=help_text(
        "What would be left uncovered if organisations stepped out: orphaned measures, new "
        "gaps, groups without a lead (nothing in the graph changes)."
    ),
)
@output_options
def what_if(
    organisations: list[str] = WithoutArgument,
    period: int | None = PeriodOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help=help_text("Date YYYY-MM-DD for active measures; default: today.")
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """What would be left uncovered if organisations stepped out: orphaned measures, new
    gaps, groups without a lead (nothing in the graph changes)."""
    ids = record_ids(*((org, "organisations") for org in organisations))
    day = _as_of(as_of)
    _show(
        lambda a: a.what_if(ids, period, day),
        fmt,
        section,
        context=lambda r: (
            _("%(period)s, as of %(date)s, without %(organisations)s")
            % {"period": _period_text(r.period), "date": r.as_of, "organisations": ", ".join(ids)}
        ),
    )


@app.command(
    "goal-progress",
    help=help_text(
        "How the goals with a target are progressing: the latest value of the target's "
        "indicator, progress from the baseline and the status (achieved, on track, off "
        "track, no data)."
    ),
)
@output_options
def goal_progress(
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help=help_text("Date YYYY-MM-DD: observations up to its year count; default: today."),
    ),
    fmt: Format = FormatOption,
) -> None:
    """How the goals with a target are progressing: the latest value of the target's
    indicator, progress from the baseline and the status."""
    day = _as_of(as_of)
    _show(
        lambda a: a.goal_progress(day),
        fmt,
        context=lambda r: _("as of %(date)s") % {"date": r.as_of},
    )


@app.command(
    help=help_text(
        "Phenomena that need attention: an indicator of theirs got worse three times in a "
        "row, and no active measure addresses them or only one branch does."
    )
)
@output_options
def attention(
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help=help_text("Date YYYY-MM-DD: observations up to its year count; default: today."),
    ),
    period: int | None = PeriodOption,
    fmt: Format = FormatOption,
) -> None:
    """Phenomena that need attention: an indicator of theirs got worse three times in a
    row, and no active measure addresses them or only one branch does."""
    day = _as_of(as_of)
    _show(
        lambda a: a.attention(day, period),
        fmt,
        context=lambda r: (
            _("%(period)s, as of %(date)s") % {"period": _period_text(r.period), "date": r.as_of}
        ),
    )
