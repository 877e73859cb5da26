"""The leadership's situation picture (``/``, ``/tilannekuva``) and its printable briefing.

Paths: ``/`` and its alias ``/tilannekuva`` (``?period=`` a year the graph has, the latest
by default; ``?as_of=`` a date, today by default) and ``/tilannekuva/briefing?format=pdf``
or ``html`` (the same, on at most four A4 pages). ``turva briefing`` writes the same
document (:mod:`turva.api.cli.briefing`).

What the page shows:

- **key figures**, each a link to its list and with its change since the previous period:
  the gap counts are the lengths of the gaps analysis' own lists
  (:meth:`turva.queries.Analyses.gaps`, same period and date), so the picture and
  ``/gaps`` cannot disagree; the others come from ``queries/situation_*.cypher``
  (:mod:`turva.queries.situation`), all on the one definition of an active measure;
- **charts** drawn on the server as SVG (:mod:`turva.visualize.charts`), each in a
  ``<figure>`` with a caption, a summary sentence for screen readers and its data table
  one click away: measures and resources per administrative branch (its colour of
  :func:`turva.visualize.style.branch_colour`, its name) and per priority group, the
  coverage of each group's scope, a timeline of the measures and the trends over periods.

The picture (figures, charts, tables) is the same for everyone at one graph version, so
it is rendered once per version, period, date and language and kept in the service's
version-keyed cache (:mod:`turva.api.caching`); the page around it (the signed-in
person's header and "New" links) is rendered per request.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from neo4j import Driver
from starlette.concurrency import run_in_threadpool

from turva.api.auth import ANONYMOUS, PAGE_GUARD
from turva.api.caching import MAPS, Entry, cached, response_cache
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang, page_words, text_in
from turva.api.web import _bad_input, _names, _read, _shown, render, templates
from turva.graph.domain.schema import NODE_TYPES
from turva.graph.errors import BadArgument, TurvaError
from turva.graph.messages import N_, gettext_for, ngettext_for
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.graph.store.versions import graph_version
from turva.queries import Analyses, Gaps
from turva.queries.situation import TIMELINE_ROWS, SituationRows, situation_rows
from turva.visualize import charts
from turva.visualize.style import NO_BRANCH_COLOUR, NODE_STYLES, branch_colour

__all__ = [
    "router",
    "KPI_KEYS",
    "GAP_KEYS",
    "Situation",
    "read_situation",
    "briefing_html",
    "briefing_pdf",
]

#: the situation picture's pages; when reads need a token, each needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)

#: the key figures that are the gaps analysis' own lists (their counts are len(list))
GAP_KEYS = (
    "unaddressed_phenomena",
    "single_branch_phenomena",
    "goals_without_measures",
    "measures_without_owner",
    "overdue_measures",
)
#: every key figure, in the order shown
KPI_KEYS = (
    "focus_phenomena",
    "addressed_phenomena",
    "unaddressed_phenomena",
    "single_branch_phenomena",
    "active_measures",
    "overdue_measures",
    "measures_without_owner",
    "goals_without_measures",
    "organisations_taking_part",
)
#: the key figures that are good news when they grow (the others are gaps)
_MORE_IS_BETTER = {"focus_phenomena", "addressed_phenomena", "active_measures"}
#: the most priority groups a chart draws (the largest by active measures; the table has all)
CHART_GROUPS = 12


@dataclass(frozen=True)
class Figure:
    """One key figure: its ``key``, its ``value``, the previous period's (None: there is
    none) and the list it links to."""

    key: str
    value: int
    previous: int | None
    href: str

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def tone(self) -> str:
        """``better``, ``worse`` or ``same``: how the change reads for a leader."""
        change = self.change or 0
        if change == 0:
            return "same"
        return "better" if (change > 0) == (self.key in _MORE_IS_BETTER) else "worse"


@dataclass(frozen=True)
class Chart:
    """A chart as the page shows it: ``id`` (its anchor), title, caption, the summary
    sentence, the SVG, its data table and whether illustrative data is behind it."""

    id: str
    title: str
    caption: str
    summary: str
    svg: Markup
    headers: list[str]
    rows: list[list[Any]]
    illustrative: bool = False


@dataclass(frozen=True)
class Situation:
    """Everything the picture and the briefing show of one period on one date."""

    period: int | None
    previous: int | None
    as_of: dt.date
    periods: list[int]
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    gaps: Gaps | None = None
    #: the names of the gaps' records (the briefing's; empty on the page)
    named: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------


def _query(period: int | None, as_of: dt.date) -> str:
    """The query string that keeps a period and a date in the links."""
    return urlencode({k: v for k, v in (("period", period), ("as_of", as_of.isoformat())) if v})


#: the key figures that count a period (its groups and what advances their goals); the
#: others count the whole graph on the date asked (the gaps analysis: its period only
#: picks phenomena_outside_groups and groups_missing_stakeholders, which are not figures
#: here), and the graph keeps no history of earlier periods' measures to compare with
PERIOD_KEYS = ("focus_phenomena", "active_measures", "organisations_taking_part")


def _figures(
    rows: SituationRows, gaps: Gaps, phenomena: int, period: int, previous: int | None
) -> list[Figure]:
    """The key figures of ``period`` on the gaps' date; a figure of :data:`PERIOD_KEYS`
    also has the ``previous`` period's value, when there is one."""

    def of(which: int | None) -> dict[str, int]:
        trend = next((t for t in rows.trends if t["period"] == which), None)
        if trend is None:
            return {}
        return {
            "focus_phenomena": int(trend["focus_phenomena"]),
            "active_measures": int(trend["active_measures"]),
            "organisations_taking_part": int(trend["members"]),
        }

    counted = {key: len(getattr(gaps, key)) for key in GAP_KEYS}
    now = {
        **counted,
        **of(period),
        "addressed_phenomena": phenomena - counted["unaddressed_phenomena"],
    }
    before = of(previous)
    query = _query(period, gaps.as_of or dt.date.today())
    links = {
        **{key: f"/gaps?{query}#{key}" for key in GAP_KEYS},
        "focus_phenomena": f"/maps/who-works-on-what?period={period}",
        "addressed_phenomena": "/coverage",
        "active_measures": f"/tilannekuva?{query}#timeline",
        "organisations_taking_part": f"/maps/collaboration?period={period}",
    }
    return [Figure(key, now.get(key, 0), before.get(key), links[key]) for key in KPI_KEYS]


def _known_period(driver: Driver, settings: Settings, period: int | None) -> list[int]:
    """The graph's periods; :class:`BadArgument` naming ``period`` if it is not one."""
    periods = Analyses(driver, settings.neo4j_database).periods()
    if period is not None and period not in periods:
        raise BadArgument.said(
            N_("period: the graph has no priority groups of %(period)s; choose one of %(periods)s"),
            period=period,
            periods=", ".join(str(p) for p in periods) or "–",
        )
    return periods


def read_situation(
    driver: Driver,
    settings: Settings,
    period: int | None,
    as_of: dt.date | None,
    lang: str,
    timeline_rows: int = TIMELINE_ROWS,
) -> Situation:
    """The situation of ``period`` (the latest by default) on ``as_of`` (today); the
    timeline draws at most ``timeline_rows`` measures.

    Raises :class:`~turva.graph.errors.BadArgument` naming ``period`` when the graph has
    no priority groups of that period.
    """
    day = as_of or dt.date.today()
    database = settings.neo4j_database
    analyses = Analyses(driver, database)
    periods = _known_period(driver, settings, period)
    chosen = period if period is not None else (periods[-1] if periods else None)
    if chosen is None:
        return Situation(None, None, day, periods)
    previous = next((p for p in reversed(periods) if p < chosen), None)
    # the gaps analysis (the slowest read) runs in Neo4j while the charts are drawn here
    with ThreadPoolExecutor(max_workers=1) as pool:
        asked = pool.submit(analyses.gaps, chosen, day)
        rows = situation_rows(driver, database, chosen, day)
        charts = _charts(rows, chosen, day, lang, timeline_rows)
        gaps = asked.result()
    phenomena = int(_read(driver, settings, "page_home_counts")[0]["Phenomenon"])
    return Situation(
        period=chosen,
        previous=previous,
        as_of=day,
        periods=periods,
        figures=_figures(rows, gaps, phenomena, chosen, previous),
        charts=charts,
        gaps=gaps,
    )


def _names_of_gaps(
    driver: Driver, settings: Settings, gaps: Gaps
) -> dict[str, dict[str, dict[str, Any]]]:
    """The names of the records the briefing's top gaps name."""
    wanted = {
        "phenomena": [
            *(p.id for p in gaps.unaddressed_phenomena),
            *(p.id for p in gaps.single_branch_phenomena),
        ],
        "measures": [
            *(m.id for m in gaps.overdue_measures),
            *(m.id for m in gaps.measures_without_owner),
        ],
        "goals": [g.id for g in gaps.goals_without_measures],
        "branches": [b for p in gaps.single_branch_phenomena for b in p.branches],
    }
    return _names(driver, settings, wanted)


# --- the charts ---------------------------------------------------------------------------


def _number(value: float, lang: str, digits: int = 1) -> str:
    """A number as the reader writes it: a decimal comma in Finnish and Swedish.

    >>> _number(11.26, "fi"), _number(11.26, "en"), _number(3.0, "fi")
    ('11,3', '11.3', '3')
    """
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",") if lang in ("fi", "sv") else text


def _group_label(row: Mapping[str, Any], lang: str) -> str:
    return f"{row['number']}. {text_in(row['name'], lang)}"


def _charts(
    rows: SituationRows, period: int, as_of: dt.date, lang: str, timeline_rows: int
) -> list[Chart]:
    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    return [
        _branch_chart(rows, lang, _, ngettext),
        _group_chart(rows, lang, _, ngettext),
        _coverage_chart(rows, lang, _, ngettext),
        _timeline_chart(rows, as_of, lang, _, ngettext, timeline_rows),
        _trend_chart(rows, period, lang, _, ngettext),
    ]


Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _resource_panels(
    rows: Sequence[Mapping[str, Any]], lang: str, _: Gettext
) -> list[tuple[str, list[float], Callable[[float], str]]]:
    return [
        (_("Active measures"), [r["measures"] for r in rows], lambda v: _number(v, lang, 0)),
        (_("Euros (millions)"), [r["eur"] / 1e6 for r in rows], lambda v: _number(v, lang, 2)),
        (_("Person-years"), [r["person_years"] for r in rows], lambda v: _number(v, lang)),
    ]


def _resource_table(
    rows: Sequence[Mapping[str, Any]], labels: Sequence[str], lang: str
) -> list[list[Any]]:
    return [
        [label, r["measures"], _number(r["eur"], lang, 0), _number(r["person_years"], lang)]
        for label, r in zip(labels, rows, strict=True)
    ]


def _branch_chart(rows: SituationRows, lang: str, _: Gettext, ngettext: Ngettext) -> Chart:
    # the measures no branch leads come last: a leader compares the branches
    data = sorted(rows.branches, key=lambda r: r["branch"] is None)
    labels = [text_in(r["name"], lang) if r["branch"] else _("No branch") for r in data]
    colours = [branch_colour(r["branch"]) if r["branch"] else NO_BRANCH_COLOUR for r in data]
    total = sum(r["measures"] for r in data)
    top = data[0] if data and data[0]["branch"] else None
    summary = (
        _("%(branch)s leads the most active measures: %(n)s of %(total)s.")
        % {"branch": labels[0][:1].upper() + labels[0][1:], "n": top["measures"], "total": total}
        if top
        else _("No active measures in this period.")
    )
    return Chart(
        id="branches",
        title=_("Active measures and resources per administrative branch"),
        caption=_(
            "A measure counts for the branch of its lead organisation; "
            "euros and person-years are those the measures report."
        ),
        summary=summary,
        svg=Markup(
            charts.bar_panels(
                "branches", labels, _resource_panels(data, lang, _), colours, summary=summary
            )
        ),
        headers=[_("Administrative branch"), _("Active measures"), _("Euros"), _("Person-years")],
        rows=_resource_table(data, labels, lang),
        illustrative=any(r["illustrative"] for r in data),
    )


def _largest_groups(rows: SituationRows) -> list[dict[str, Any]]:
    """The groups a chart draws: the :data:`CHART_GROUPS` with most measures, by number."""
    largest = sorted(rows.groups, key=lambda r: (-r["measures"], r["number"]))[:CHART_GROUPS]
    return sorted(largest, key=lambda r: (r["number"], r["id"]))


def _group_chart(rows: SituationRows, lang: str, _: Gettext, ngettext: Ngettext) -> Chart:
    drawn = _largest_groups(rows)
    labels = [_group_label(r, lang) for r in drawn]
    top = max(rows.groups, key=lambda r: r["measures"], default=None)
    summary = (
        _("Priority group %(group)s has the most active measures: %(n)s.")
        % {"group": _group_label(top, lang), "n": top["measures"]}
        if top
        else _("No active measures in this period.")
    )
    caption = _("Measures advancing the goals the group sets; a measure may advance several.")
    if len(rows.groups) > len(drawn):
        caption += " " + _(
            "The chart shows the %(n)s groups with most measures; the table all."
        ) % {"n": len(drawn)}
    colours = [NODE_STYLES["group"].colour] * len(drawn)
    svg = charts.bar_panels(
        "groups", labels, _resource_panels(drawn, lang, _), colours, summary=summary
    )
    headers = [_("Priority group"), _("Active measures"), _("Euros"), _("Person-years")]
    table = _resource_table(rows.groups, [_group_label(r, lang) for r in rows.groups], lang)
    title = _("Active measures and resources per priority group")
    shown = any(r["illustrative"] for r in rows.groups)
    return Chart("groups", title, caption, summary, Markup(svg), headers, table, shown)


def _coverage_chart(rows: SituationRows, lang: str, _: Gettext, ngettext: Ngettext) -> Chart:
    drawn = _largest_groups(rows)

    def share(r: Mapping[str, Any]) -> float:
        return r["addressed"] / r["scope"] if r["scope"] else 0.0

    def note(r: Mapping[str, Any]) -> str:
        branches = ngettext("%(n)s branch", "%(n)s branches", r["branches"])
        return f"{r['addressed']}/{r['scope']} · {branches % {'n': r['branches']}}"

    full = sum(1 for r in rows.groups if r["scope"] and r["addressed"] == r["scope"])
    lowest = min(rows.groups, key=lambda r: (share(r), r["number"]), default=None)
    summary = _(
        "%(full)s of %(groups)s priority groups have every phenomenon of their scope "
        "addressed; the lowest coverage is %(share)s in %(group)s."
    ) % {
        "full": full,
        "groups": len(rows.groups),
        "share": f"{round(share(lowest) * 100)} %" if lowest else "–",
        "group": _group_label(lowest, lang) if lowest else "–",
    }
    return Chart(
        id="coverage",
        title=_("Coverage per priority group"),
        caption=_(
            "The share of the phenomena in the group's scope (those it focuses on and "
            "narrower ones) that an active measure addresses, and how many administrative "
            "branches work on them."
        ),
        summary=summary,
        svg=Markup(
            charts.coverage_chart(
                "coverage",
                [_group_label(r, lang) for r in drawn],
                [share(r) for r in drawn],
                [note(r) for r in drawn],
                summary=summary,
                axis_label=_("Share of the scope's phenomena addressed"),
                colour=NODE_STYLES["group"].colour,
            )
        ),
        headers=[
            _("Priority group"),
            _("Phenomena in scope"),
            _("Addressed"),
            _("Administrative branches"),
        ],
        rows=[
            [_group_label(r, lang), r["scope"], r["addressed"], r["branches"]] for r in rows.groups
        ],
    )


def _timeline_chart(
    rows: SituationRows, as_of: dt.date, lang: str, _: Gettext, ngettext: Ngettext, most: int
) -> Chart:
    # the query's order picks them (overdue first, then ending first); drawn by group
    drawn = sorted(rows.timeline[:most], key=lambda r: (r["number"], r["start"], r["id"]))
    overdue = sum(1 for r in drawn if r["overdue"])
    for r in drawn:
        r["label"] = f"{r['number']}. {text_in(r['title'], lang)}"
    summary = ngettext(
        "%(n)s of the %(total)s measures shown is overdue on %(date)s.",
        "%(n)s of the %(total)s measures shown are overdue on %(date)s.",
        overdue,
    ) % {"n": overdue, "total": len(drawn), "date": as_of.isoformat()}
    said = {"date": as_of.isoformat(), "n": len(drawn), "total": rows.timeline_total}
    notes = [
        _(
            "Active measures of each priority group from start to end; red: overdue (the "
            "end has passed); the dashed line is %(date)s."
        ),
        # only when some are left out
        _("Shown: %(n)s of %(total)s, the overdue ones and those ending first.")
        if rows.timeline_total > len(drawn)
        else "",
    ]
    caption = " ".join(note % said for note in notes if note)
    return Chart(
        id="timeline",
        title=_("Timeline of measures per priority group"),
        caption=caption,
        summary=summary,
        svg=Markup(
            charts.timeline_chart(
                "timeline", drawn, as_of, summary=summary, today_label=as_of.isoformat()
            )
        ),
        headers=[_("Priority group"), _("Measure"), _("Start"), _("End"), _("Overdue")],
        rows=[
            [
                r["number"],
                f"{r['id']} {text_in(r['title'], lang)}",
                r["start"].isoformat(),
                r["end"].isoformat(),
                _("yes") if r["overdue"] else _("no"),
            ]
            for r in drawn
        ],
        illustrative=any(
            str(r.get("source") or "").strip().lower() == "illustrative" for r in drawn
        ),
    )


def _trend_chart(
    rows: SituationRows, period: int, lang: str, _: Gettext, ngettext: Ngettext
) -> Chart:
    trends = rows.trends
    names = (
        ("groups", _("Priority groups")),
        ("focus_phenomena", _("Phenomena in focus")),
        ("members", _("Member organisations")),
        ("active_measures", _("Active measures")),
    )
    periods = [t["period"] for t in trends]
    now = next((t for t in trends if t["period"] == period), {})
    summary = _(
        "Period %(period)s: %(groups)s priority groups, %(focus)s phenomena in focus, "
        "%(members)s member organisations, %(measures)s active measures."
    ) % {
        "period": period,
        "groups": now.get("groups", 0),
        "focus": now.get("focus_phenomena", 0),
        "members": now.get("members", 0),
        "measures": now.get("active_measures", 0),
    }
    return Chart(
        id="trends",
        title=_("Trends across periods"),
        caption=_(
            "Each period's priority groups, the phenomena they focus on, their member "
            "organisations and the active measures advancing their goals."
        ),
        summary=summary,
        svg=Markup(
            charts.trend_chart(
                "trends",
                periods,
                [(word, [int(t[key]) for t in trends]) for key, word in names],
                summary=summary,
            )
        ),
        headers=[_("Period"), *(word for _key, word in names)],
        rows=[[t["period"], *(t[key] for key, _word in names)] for t in trends],
    )


# --- the page -----------------------------------------------------------------------------


def _cached_picture(request: Request, key: tuple[Any, ...], build: Callable[[], str]) -> str:
    """The picture's HTML from the service's version-keyed cache, else ``build()`` (kept
    only when no write committed while it was built; see :mod:`turva.api.caching`)."""
    cache = response_cache(request.app)
    settings = request.app.state.settings
    driver = request.app.state.driver
    version = graph_version(driver, settings.neo4j_database)
    full = (version.epoch, version.number, "/tilannekuva#picture", *key)
    entry = cache.lru.get(full) if cache.enabled else None
    if entry is not None:
        return entry.body.decode("utf-8")
    html = build()
    cache.renders += 1
    if cache.enabled and graph_version(driver, settings.neo4j_database) == version:
        cache.lru.put(full, Entry(html.encode("utf-8"), ()))
    return html


def _picture_context(driver: Driver, settings: Settings, situation: Situation) -> dict[str, Any]:
    """What ``situation_picture.html`` shows besides the situation: the counts of the
    graph, the period's groups and the illustrative shares (the old home page's)."""
    by_label = _read(driver, settings, "page_home_counts")[0]
    counts = {store.resource_name(nt.section): by_label[nt.label] for nt in NODE_TYPES}
    groups = _read(driver, settings, "page_home_groups", period=situation.period)
    share = _read(driver, settings, "page_home_illustrative")[0]
    kinds = ("phenomena", "goals", "measures", "memberships", "responsibilities")
    return {
        "situation": situation,
        "counts": counts,
        "groups": groups,
        "illustrative": [(share[k], share[f"{k}_illustrative"], k) for k in kinds],
        "query": _query(situation.period, situation.as_of),
        "gap_keys": GAP_KEYS,
    }


def _render_fragment(template: str, lang: str, **context: Any) -> str:
    """A template rendered outside a request (the cached picture, the briefing)."""
    return templates.env.get_template(template).render(**page_words(lang), **context)


@router.get("/", response_class=HTMLResponse)
@router.get("/tilannekuva", response_class=HTMLResponse)
def situation_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """The situation picture of a period on a date, for everyone who may read."""
    lang = choose_lang(request)
    day = as_of or dt.date.today()

    def build() -> str:
        situation = read_situation(driver, settings, period, day, lang)
        context = _picture_context(driver, settings, situation)
        return _render_fragment("situation_picture.html", lang, **context)

    try:
        picture = _cached_picture(request, (period, day.isoformat(), lang), build)
    except TurvaError as e:
        return _bad_input(request, e)
    return render(request, "situation.html", picture=Markup(picture), period=period, as_of=day)


# --- the briefing -------------------------------------------------------------------------


def _map_png(driver: Driver, settings: Settings, period: int | None, lang: str) -> str:
    """The who-works-on-what map of ``period`` as a PNG data URI."""
    from turva.visualize import MapRequest, export_map, read_map

    asked = MapRequest("who-works-on-what", period=period, lang=lang)
    graph = read_map(driver, asked, database=settings.neo4j_database)
    png = export_map(graph, "png", lang=lang)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


#: how many records of each gap the briefing names
TOP_GAPS = 6
#: the most measures the briefing's timeline draws (it has half a page)
BRIEFING_TIMELINE_ROWS = 20


def _top_gaps(situation: Situation, lang: str) -> list[dict[str, Any]]:
    """The briefing's gaps: for each gap key, its count and the first records by name."""
    gaps = situation.gaps
    if gaps is None:
        return []
    kinds = {
        "unaddressed_phenomena": "phenomena",
        "single_branch_phenomena": "phenomena",
        "overdue_measures": "measures",
        "measures_without_owner": "measures",
        "goals_without_measures": "goals",
    }
    out = []
    for key, kind in kinds.items():
        items = getattr(gaps, key)
        names = sorted(
            (_shown(situation.named, kind, item.id, lang) for item in items), key=str.casefold
        )
        out.append({"key": key, "count": len(items), "names": names[:TOP_GAPS]})
    return out


def briefing_html(
    driver: Driver,
    settings: Settings,
    period: int | None = None,
    as_of: dt.date | None = None,
    lang: str = "fi",
) -> str:
    """The briefing as one standalone HTML document (no external references): the key
    figures, the charts, the top gaps by name and the who-works-on-what map as a PNG.

    Raises :class:`~turva.graph.errors.BadArgument` for a period the graph does not have.
    """
    situation = read_situation(driver, settings, period, as_of, lang, BRIEFING_TIMELINE_ROWS)
    if situation.gaps is not None:
        # only the briefing names the gaps' records (the page links to /gaps instead)
        situation = replace(situation, named=_names_of_gaps(driver, settings, situation.gaps))
    return _render_fragment(
        "situation_briefing.html",
        lang,
        situation=situation,
        gap_keys=GAP_KEYS,
        illustrative=any(c.illustrative for c in situation.charts),
        top_gaps=_top_gaps(situation, lang),
        map_png=_map_png(driver, settings, situation.period, lang)
        if situation.period is not None
        else None,
        generated=dt.date.today(),
    )


def briefing_pdf(driver: Driver, settings: Settings, **asked: Any) -> bytes:
    """:func:`briefing_html` (``asked``: its ``period``, ``as_of`` and ``lang``) printed to
    PDF by headless Chromium (:func:`turva.visualize.briefing.print_pdf`)."""
    from turva.visualize.briefing import print_pdf

    return print_pdf(briefing_html(driver, settings, **asked))


@router.get("/tilannekuva/briefing", response_class=Response)
async def briefing_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    format: Literal["pdf", "html"] = "pdf",
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """The briefing as PDF (printed by Chromium) or HTML, cached by the graph's version."""
    lang = choose_lang(request)
    day = as_of or dt.date.today()
    try:
        # refuse an unknown period before rendering anything
        await run_in_threadpool(_known_period, driver, settings, period)
    except TurvaError as e:
        return _bad_input(request, e)

    def render_briefing() -> Response:
        name = f"tilannekuva-{period or 'latest'}-{day.isoformat()}.{format}"
        headers = {"Content-Disposition": f'inline; filename="{name}"'}
        if format == "html":
            html = briefing_html(driver, settings, period, day, lang)
            return Response(html, media_type="text/html; charset=utf-8", headers=headers)
        pdf = briefing_pdf(driver, settings, period=period, as_of=day, lang=lang)
        return Response(pdf, media_type="application/pdf", headers=headers)

    try:
        return await cached(
            request,
            who=getattr(request.state, "person", None) or ANONYMOUS,
            limit=MAPS,
            params={"period": period, "as_of": day.isoformat(), "lang": lang},
            variant=format,
            render=render_briefing,
        )
    except TurvaError as e:
        return render(request, "error.html", status_code=503, message=e.text_in(lang))
