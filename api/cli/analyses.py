"""The analyses on the command line: ``turva who-addresses``, ``gaps``, ``overlaps``,
``coverage``, ``profile``, ``path`` and ``changes`` (definitions: docs/analyses.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import typer

from turva.api.cli.common import app, driver_session, stdout
from turva.api.cli.language import _, ngettext
from turva.api.cli.output import Format, render
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

FORMAT_HELP = "Output: table (default), json (the documented JSON), csv or md."
SECTION_HELP = "Print only this section (table, csv and md); csv stacks all sections otherwise."
PERIOD_HELP = "Period (year) of the priority groups; default: the latest in the graph."

FormatOption = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP)
SectionOption = typer.Option(None, "--section", help=SECTION_HELP)
PeriodOption = typer.Option(None, "--period", help=PERIOD_HELP)


R = TypeVar("R", bound=AnalysisResult)


def _show(
    compute: Callable[[Analyses], R],
    fmt: Format,
    section: str | None = None,
    context: Callable[[R], str] | None = None,
) -> None:
    with driver_session() as driver:
        result = compute(Analyses(driver))
    render(
        result,
        fmt,
        console=stdout,
        section=section,
        context=context(result) if context else None,
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


@app.command("who-addresses")
def who_addresses(
    phenomenon: str = typer.Argument(..., help="Phenomenon id, e.g. money-laundering."),
    period: int | None = PeriodOption,
    fmt: Format = FormatOption,
) -> None:
    """Which organisations address a phenomenon (or a narrower one), by measures and groups."""
    _show(
        lambda a: a.who_addresses(phenomenon, period),
        fmt,
        context=lambda r: f"{r.phenomenon}: {_period_text(r.period)}",
    )


@app.command()
def gaps(
    period: int | None = PeriodOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date YYYY-MM-DD for overdue measures; default: today."
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """Unaddressed and single-branch phenomena, goals without measures, measures without
    owner or resources, overdue measures, missing group stakeholders."""
    day = _as_of(as_of)
    _show(
        lambda a: a.gaps(period, day),
        fmt,
        section,
        context=lambda r: (
            _("%(period)s, as of %(date)s") % {"period": _period_text(r.period), "date": r.as_of}
        ),
    )


@app.command()
def overlaps(
    period: int | None = PeriodOption,
    min_branches: int = typer.Option(
        3, "--min-branches", min=1, help="Branches for a multi-branch phenomenon."
    ),
    min_groups: int = typer.Option(
        3, "--min-groups", min=1, help="Groups for a busy organisation."
    ),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """Multi-branch phenomena, uncoordinated measures, overlapping groups, busy organisations."""
    _show(
        lambda a: a.overlaps(period, min_branches, min_groups),
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


@app.command()
def coverage(fmt: Format = FormatOption) -> None:
    """Active measures per phenomenon (with narrower ones) and administrative branch."""
    _show(lambda a: a.coverage(), fmt)


@app.command()
def profile(
    organisation: str = typer.Argument(..., help="Organisation id, e.g. SM."),
    fmt: Format = FormatOption,
    section: str | None = SectionOption,
) -> None:
    """One organisation: branch, priority groups by period, bodies, measures, phenomena."""
    _show(lambda a: a.profile(organisation), fmt, section)


@app.command()
def path(
    a: str = typer.Argument(..., help="Organisation id to start from."),
    b: str = typer.Argument(..., help="Organisation id to reach."),
    fmt: Format = FormatOption,
) -> None:
    """A shortest connection between two organisations through groups, measures and
    phenomena: who should talk to whom."""
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


@app.command()
def changes(
    from_period: int = typer.Argument(..., metavar="FROM", help="Earlier period, e.g. 2021."),
    to_period: int = typer.Argument(..., metavar="TO", help="Later period, e.g. 2023."),
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
