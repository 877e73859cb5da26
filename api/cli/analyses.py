"""The analyses on the command line: ``turva who-addresses``, ``gaps``, ``overlaps``,
``coverage``, ``profile``, ``path`` and ``changes`` (definitions: docs/analyses.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import typer

from turva.api.cli.common import app, driver_session, stdout
from turva.api.cli.language import _, help_text, ngettext
from turva.api.cli.output import Format, output_options, render
from turva.api.cli.resolving import record_ids
from turva.graph.domain.formats import iso_date
from turva.graph.errors import BadArgument
from turva.queries import Analyses
from turva.queries.results import AnalysisResult

__all__ = [
    "who_addresses",
    "gaps",
    "overlaps",
    "coverage",
    "profile",
    "path",
    "changes",
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


def _show(
    compute: Callable[[Analyses], R],
    fmt: Format,
    section: str | None = None,
    context: Callable[[R], str] | None = None,
) -> None:
    with driver_session() as driver:
        result = compute(Analyses(driver))
        # inside the session: the tables show names beside ids (turva.queries.names)
        render(
            result,
            fmt,
            console=stdout,
            section=section,
            context=context(result) if context else None,
            driver=driver,
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
        context=lambda r: f"{r.phenomenon}: {_period_text(r.period)}",
    )


@app.command(
    help=help_text(
        "Unaddressed and single-branch phenomena, goals without measures, measures without "
        "owner or resources, overdue measures, missing group stakeholders."
    )
)
@output_options
def gaps(
    period: int | None = PeriodOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help=help_text("Date YYYY-MM-DD for overdue measures; default: today.")
    ),
    branch: str | None = BranchOption,
    theme: str | None = ThemeOption,
    group: str | None = GroupOption,
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """Unaddressed and single-branch phenomena, goals without measures, measures without
    owner or resources, overdue measures, missing group stakeholders."""
    day = _as_of(as_of)
    _show(
        lambda a: a.gaps(period, day, branch=branch, theme=theme, group=group),
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
def overlaps(
    period: int | None = PeriodOption,
    min_branches: int = typer.Option(
        3, "--min-branches", min=1, help=help_text("Branches for a multi-branch phenomenon.")
    ),
    min_groups: int = typer.Option(
        3, "--min-groups", min=1, help=help_text("Groups for a busy organisation.")
    ),
    branch: str | None = BranchOption,
    theme: str | None = ThemeOption,
    group: str | None = GroupOption,
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """Multi-branch phenomena, uncoordinated measures, overlapping groups, busy organisations."""
    _show(
        lambda a: a.overlaps(
            period, min_branches, min_groups, branch=branch, theme=theme, group=group
        ),
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
def coverage(
    branch: str | None = BranchOption,
    theme: str | None = ThemeOption,
    group: str | None = GroupOption,
    fmt: Format = FormatOption,
) -> None:
    """Active measures per phenomenon (with narrower ones) and administrative branch."""
    _show(lambda a: a.coverage(branch=branch, theme=theme, group=group), fmt)


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
