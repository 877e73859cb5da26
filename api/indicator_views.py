"""Indicators as the pages show them: the phenomenon page's indicator charts, the
indicator page and the monitoring page share these.

An indicator's values become an :class:`IndicatorSeries`: its latest value, the change
from the observation before it in words ("fell 3.2 % from 2020 (better)", better or
worse by the indicator's direction, never by colour alone), a line chart
(:func:`turva.visualize.charts.indicator_chart`) with its caption, summary and data table,
and a sparkline. Goals' progress comes from :meth:`turva.queries.Analyses.goal_progress`.
Nothing here imports :mod:`turva.api.web` (whose phenomenon page uses this module).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from turva.api.i18n import text_in
from turva.graph.domain.provenance import provenance
from turva.graph.messages import N_, gettext_for
from turva.queries import Analyses
from turva.queries.results import GoalProgressRow
from turva.visualize import charts

__all__ = [
    "IndicatorSeries",
    "number",
    "series_of",
    "goal_progress_rows",
    "phenomenon_indicators",
    "STATUS_WORDS",
    "VERDICT_WORDS",
]

#: a goal's status towards its target, in words (docs/analyses.md, "goal-progress")
STATUS_WORDS = {
    "achieved": N_("achieved"),
    "on_track": N_("on track"),
    "off_track": N_("off track"),
    "no_data": N_("no data"),
}
#: the order the monitoring page lists goals by status
STATUS_ORDER = ("off_track", "on_track", "achieved", "no_data")
#: a change from the year before, judged by the indicator's direction
VERDICT_WORDS = {"better": N_("better"), "worse": N_("worse"), "unchanged": N_("unchanged")}


def number(value: float | int | None, lang: str) -> str:
    r"""A value as a civil servant reads it: thousands apart, at most two decimals (a
    decimal comma in Finnish and Swedish); empty for None.

    >>> number(12345, "fi"), number(2.5, "sv"), number(1234.25, "en"), number(3.0, "fi")
    ('12\xa0345', '2,5', '1,234.25', '3')
    """
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang not in ("fi", "sv"):
        return text
    return text.replace(",", "\xa0").replace(".", ",")


def verdict(direction: str, latest: float, previous: float) -> str:
    """``better``, ``worse`` or ``unchanged``: the move from ``previous`` to ``latest`` in
    the indicator's ``direction`` (which way is better).

    >>> verdict("decrease", 9, 10), verdict("increase", 9, 10), verdict("increase", 3, 3)
    ('better', 'worse', 'unchanged')
    """
    if latest == previous:
        return "unchanged"
    return "better" if (latest < previous) == (direction == "decrease") else "worse"


@dataclass
class IndicatorSeries:
    """One indicator with its observations, as a page shows it."""

    id: str
    name: dict[str, Any]
    unit: dict[str, Any]
    direction: str
    source: str | None
    phenomena: list[str]
    #: (year, value, source), oldest first
    observations: list[tuple[int, float, str | None]]
    #: the goal targets drawn on its chart: (goal id, baseline year, baseline, year, value)
    targets: list[tuple[str, int, float, int, float]] = field(default_factory=list)

    @property
    def latest(self) -> tuple[int, float, str | None] | None:
        return self.observations[-1] if self.observations else None

    @property
    def previous(self) -> tuple[int, float, str | None] | None:
        return self.observations[-2] if len(self.observations) > 1 else None

    @property
    def illustrative(self) -> bool:
        """Whether any of its observations (or the indicator itself) is illustrative."""
        return provenance(self.source) == "illustrative" or any(
            provenance(s) == "illustrative" for _, _, s in self.observations
        )

    def verdict(self) -> str | None:
        """``better``/``worse``/``unchanged`` from the previous observation; None without one."""
        if self.latest is None or self.previous is None:
            return None
        return verdict(self.direction, self.latest[1], self.previous[1])

    def change_words(self, lang: str) -> str:
        """The change from the observation before the latest in words, e.g. "fell 3.2 %
        from 2020 (better)"; an explanation when there is nothing to compare."""
        _ = gettext_for(lang)
        if self.latest is None:
            return _("no values yet")
        if self.previous is None:
            return _("only one year, nothing to compare")
        (_y, now, _s), (year, then, _t) = self.latest, self.previous
        judged = _(VERDICT_WORDS[verdict(self.direction, now, then)])
        if now == then:
            return _("unchanged from %(year)s") % {"year": year}
        if then == 0:
            words = _("rose by %(amount)s from %(year)s (%(verdict)s)")
            if now < then:
                words = _("fell by %(amount)s from %(year)s (%(verdict)s)")
            return words % {
                "amount": number(abs(now - then), lang),
                "year": year,
                "verdict": judged,
            }
        percent = f"{number(round(abs(now - then) / abs(then) * 100, 1), lang)}\xa0%"
        words = _("rose %(percent)s from %(year)s (%(verdict)s)")
        if now < then:
            words = _("fell %(percent)s from %(year)s (%(verdict)s)")
        return words % {"percent": percent, "year": year, "verdict": judged}

    def unit_in(self, lang: str) -> str:
        return text_in({k: v for k, v in self.unit.items() if v}, lang) if self.unit else ""

    def sparkline(self) -> Markup:
        return Markup(
            charts.sparkline(
                [(y, v, provenance(s) == "illustrative") for y, v, s in self.observations]
            )
        )

    def chart(self, lang: str, goal_names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The line chart as the ``indicator_chart`` macro shows it: ``id``, ``title``,
        ``caption``, ``summary`` (also the SVG's label), ``svg``, ``headers`` and ``rows``
        of its data table (year, value, source) and ``illustrative``."""
        _ = gettext_for(lang)
        name = text_in(self.name, lang) or self.id
        unit = self.unit_in(lang)
        direction = _("lower is better") if self.direction == "decrease" else _("higher is better")
        if self.latest is None:
            summary = _("%(name)s: no values yet.") % {"name": name}
        else:
            summary = _("%(name)s: %(value)s %(unit)s in %(year)s, %(change)s.") % {
                "name": name,
                "value": number(self.latest[1], lang),
                "unit": unit,
                "year": self.latest[0],
                "change": self.change_words(lang),
            }
            if self.targets:
                summary += " " + " ".join(
                    _("Target of the goal “%(goal)s”: %(value)s by %(year)s.")
                    % {
                        "goal": goal_names.get(g, g) if goal_names else g,
                        "value": number(v, lang),
                        "year": y,
                    }
                    for g, _by, _b, y, v in self.targets
                )
        chart_id = f"indicator-{self.id}"
        caption = _("Yearly values (%(unit)s; %(direction)s).") % {
            "unit": unit or _("value"),
            "direction": direction,
        }
        if self.illustrative:
            caption += " " + _("Hollow points are illustrative values.")
        if self.targets:
            caption += " " + _(
                "A dashed line runs from a goal's baseline (square) to its target (diamond)."
            )
        svg = charts.indicator_chart(
            chart_id,
            [(y, v, provenance(s) == "illustrative") for y, v, s in self.observations],
            summary=summary,
            axis_label=unit or _("value"),
            series_label=_("Value"),
            illustrative_label=_("illustrative"),
            targets=[
                (
                    _("Goal “%(goal)s”: baseline and target")
                    % {"goal": charts.shorten(goal_names.get(g, g) if goal_names else g, 40)},
                    by,
                    b,
                    y,
                    v,
                )
                for g, by, b, y, v in self.targets
            ],
            written=lambda value: number(value, lang),
        )
        return {
            "id": chart_id,
            "title": name,
            "caption": caption,
            "summary": summary,
            "svg": Markup(svg),
            "illustrative": self.illustrative,
        }


def series_of(row: Mapping[str, Any]) -> IndicatorSeries:
    """An indicator row of the ``*_indicators`` queries as a series."""
    return IndicatorSeries(
        id=row["id"],
        name={k: v for k, v in (row.get("name") or {}).items() if v},
        unit={k: v for k, v in (row.get("unit") or {}).items() if v},
        direction=row["direction"],
        source=row.get("source"),
        phenomena=list(row.get("phenomena") or []),
        observations=[
            (int(o["year"]), o["value"], o.get("source")) for o in row.get("observations") or []
        ],
    )


def with_targets(
    series: Iterable[IndicatorSeries], progress: Sequence[GoalProgressRow]
) -> list[IndicatorSeries]:
    """``series`` with the targets of ``progress``'s goals on their indicators."""
    out = list(series)
    for s in out:
        s.targets = [
            (p.goal, p.baseline_year, p.baseline, p.target_year, p.target)
            for p in progress
            if p.indicator == s.id
        ]
    return out


def goal_progress_rows(rows: Iterable[GoalProgressRow]) -> list[dict[str, Any]]:
    """Goal progress rows as the pages show them: the row's fields, with ``percent`` (the
    progress as a whole percent, None when there is none).

    >>> from turva.queries.results import GoalProgressRow
    >>> r = GoalProgressRow(goal="G1", indicator="i", baseline_year=2020, baseline=10,
    ...     target_year=2025, target=5, latest_year=2022, latest=8, progress=0.4,
    ...     status="on_track")
    >>> goal_progress_rows([r])[0]["percent"]
    40
    """
    return [
        {
            **row.model_dump(),
            "percent": None if row.progress is None else round(row.progress * 100),
        }
        for row in rows
    ]


def goal_texts(named: Mapping[str, Mapping[str, Any]], lang: str) -> dict[str, str]:
    """goal id -> its text in ``lang``, of the names a page keeps (a chart names goals)."""
    return {g: text_in(e.get("text"), lang) or g for g, e in named.get("goals", {}).items()}


def _merge_names(view: Any, wanted: Mapping[str, Iterable[str | None]]) -> None:
    """Add the names of ``wanted`` to those the page already keeps (``view.names`` replaces
    them)."""
    kept = view.named
    fresh = view.names(wanted)
    for kind, entries in kept.items():
        fresh.setdefault(kind, {}).update(entries)


def phenomenon_indicators(view: Any, today: dt.date | None = None) -> dict[str, Any]:
    """What the phenomenon page shows of its indicators (the rows of its ``indicators``
    query): their series with charts, and the progress of the goals that target the
    phenomenon or whose target is on one of its indicators."""
    lang = view.lang
    progress = Analyses(view.driver, view.settings.neo4j_database).goal_progress(today).goals
    series = [series_of(row) for row in view.rows.get("indicators", [])]
    ids = {s.id for s in series}
    goal_ids = {g["id"] for g in view.rows.get("goals", [])}
    mine = [p for p in progress if p.goal in goal_ids or p.indicator in ids]
    series = with_targets(series, mine)
    _merge_names(
        view,
        {
            "goals": [p.goal for p in mine],
            "indicators": [p.indicator for p in mine],
            "phenomena": [p for s in series for p in s.phenomena],
        },
    )
    sources = [s for x in series for _, _, s in x.observations]
    return {
        "indicators": series,
        "indicator_charts": [s.chart(lang, goal_texts(view.named, lang)) for s in series],
        "indicator_goals": goal_progress_rows(mine),
        "indicator_shares": [
            (
                len(sources),
                sum(1 for s in sources if provenance(s) == "illustrative"),
                N_("observations"),
            ),
        ],
        "number": lambda value: number(value, lang),
        "STATUS_WORDS": STATUS_WORDS,
    }
