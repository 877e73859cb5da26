"""The pages of the records that have no page in :mod:`turva.api.web`: administrative
branches, goals, cooperation bodies, themes and indicators.

Paths: ``/branches/{id}``, ``/goals/{id}``, ``/bodies/{id}``, ``/themes/{id}``,
``/indicators/{id}``. Like every
page they show names, not ids (the ``ref`` macro of ``_macros.html``), mark the provenance
of each record, membership and responsibility, open with the illustrative banner when part
of what they show is illustrative, and answer an unknown id with the 404 page. Every query
is a ``page_*.cypher`` file run by :mod:`turva.queries.runner`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from turva.api.auth import PAGE_GUARD
from turva.api.editing import RESOURCE_PARTS
from turva.api.indicator_views import (
    STATUS_WORDS,
    goal_progress_rows,
    goal_texts,
    number,
    series_of,
    with_targets,
)
from turva.api.sorting import headers, sort_rows, sorting_of
from turva.api.web import RecordPage, RecordView, _illustrative
from turva.api.web import _record_page as record_page
from turva.graph.domain.words import DIRECTIONS
from turva.graph.errors import TurvaError
from turva.graph.messages import N_
from turva.queries import Analyses

__all__ = ["router", "amount", "resources_summary"]

#: the record pages; when reads need a token, each needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)


def _record_page(
    path: str, section: str, template: str, reads: tuple[str, ...] = ()
) -> Callable[[RecordPage], Any]:
    """A page about one record of ``section`` on :data:`router`, as
    :func:`turva.api.web._record_page` makes them (404 page when none)."""
    return record_page(path, section, template, reads, router)


def resources_summary(measures: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What the resources of ``measures`` sum to: the count, the sums of person-years and
    euros, and how many measures state none of each (so a sum is not read as complete).

    >>> s = resources_summary([{"eur": 100, "person_years": None}, {"eur": 50.5}])
    >>> s["measures"], s["eur"], s["without_eur"], s["person_years"], s["without_person_years"]
    (2, 150.5, 0, 0, 2)
    """
    rows = list(measures)
    eur = [r["eur"] for r in rows if r.get("eur") is not None]
    years = [r["person_years"] for r in rows if r.get("person_years") is not None]
    return {
        "measures": len(rows),
        "eur": sum(eur),
        "without_eur": len(rows) - len(eur),
        "person_years": sum(years),
        "without_person_years": len(rows) - len(years),
    }


def amount(value: float | int | None, lang: str) -> str:
    r"""A number as a civil servant reads it: thousands apart, at most one decimal (a
    decimal comma in Finnish and Swedish); empty for None.

    >>> amount(1234567, "fi"), amount(2.5, "sv"), amount(2.5, "en"), amount(3.0, "fi")
    ('1\xa0234\xa0567', '2,5', '2.5', '3')
    """
    if value is None:
        return ""
    text = f"{value:,.1f}".removesuffix(".0")
    if lang not in ("fi", "sv"):
        return text
    return text.replace(",", "\xa0").replace(".", ",")


#: the columns of the branch page's measure table: (column, heading message id)
BRANCH_MEASURE_COLUMNS = (
    ("measure", N_("Measure")),
    ("status", N_("Status")),
    ("responsible", N_("Responsible in this branch")),
    ("phenomena", N_("Phenomena addressed")),
    *RESOURCE_PARTS.items(),
)


@_record_page("/branches/{id}", "branches", "branch", ("organisations", "measures", "groups"))
def branch_page(view: RecordView) -> Mapping[str, Any] | Response:
    """An administrative branch: organisations, phenomena, measures, resources, groups."""
    try:
        sorting = sorting_of(view.request.query_params, [c for c, _ in BRANCH_MEASURE_COLUMNS])
    except TurvaError as e:
        return view.bad_input(e)
    measures, groups = view.rows["measures"], view.rows["groups"]
    # the phenomena the branch works on: those its active measures address directly
    phenomena: dict[str, list[str]] = defaultdict(list)
    for m in measures:
        if m["active"]:
            for p in m["phenomena"]:
                phenomena[p].append(m["id"])
    view.names(
        {
            "organisations": [
                view.record.get("ministry"),
                *(o["id"] for o in view.rows["organisations"]),
                *(r["organisation"] for m in measures for r in m["responsible"]),
            ],
            "measures": [m["id"] for m in measures],
            "phenomena": [p for m in measures for p in m["phenomena"]],
            "priority-groups": [g["id"] for g in groups],
        }
    )
    lang = view.lang

    def key(row: dict[str, Any], column: str) -> Any:
        if column == "measure":
            return view.shown("measures", row["id"])
        if column == "responsible":
            return " ".join(
                view.shown("organisations", r["organisation"]) for r in row["responsible"]
            )
        if column == "phenomena":
            return " ".join(view.shown("phenomena", p) for p in row["phenomena"])
        return row[column]

    shown_phenomena = sorted(
        phenomena.items(),
        key=lambda item: (-len(item[1]), view.shown("phenomena", item[0]).casefold()),
    )
    return {
        "measures": sort_rows(measures, sorting, key),
        "measure_headers": headers(view.request.url, sorting, BRANCH_MEASURE_COLUMNS),
        "phenomena": shown_phenomena,
        "resources": {
            "active": resources_summary(m for m in measures if m["active"]),
            "all": resources_summary(measures),
        },
        "shares": [
            (*_illustrative(m["source"] for m in measures), N_("measures")),
            (*_illustrative(_responsibility_sources(measures)), N_("responsibilities")),
            (*_illustrative(r["source"] for g in groups for r in g["members"]), N_("memberships")),
        ],
        "amount": lambda value: amount(value, lang),
    }


def _responsibility_sources(measures: Iterable[Mapping[str, Any]]) -> list[str | None]:
    """The sources of the responsibilities of ``measures`` (as their rows list them)."""
    return [r["source"] for m in measures for r in m["responsible"]]


@_record_page("/goals/{id}", "goals", "goal", ("measures",))
def goal_page(view: RecordView) -> Mapping[str, Any]:
    """A goal: its text, group, deadline, targets and the measures advancing it."""
    measures = view.rows["measures"]
    for m in measures:
        m["responsible"] = [r for r in m["responsible"] if r]
    view.names(
        {
            "priority-groups": [view.record.get("group")],
            "phenomena": view.record.get("targets", []),
            "measures": [m["id"] for m in measures],
            "organisations": [r["organisation"] for m in measures for r in m["responsible"]],
        }
    )
    shares = [
        (*_illustrative([view.record.get("source")]), N_("goals")),
        (*_illustrative(m["source"] for m in measures), N_("measures")),
        (*_illustrative(_responsibility_sources(measures)), N_("responsibilities")),
    ]
    return {"shares": shares}


@_record_page("/bodies/{id}", "bodies", "body", ("phenomena",))
def body_page(view: RecordView) -> Mapping[str, Any]:
    """A cooperation body: its kind, members with roles, the phenomena they work on."""
    view.names(
        {
            "organisations": [m["organisation"] for m in view.record["members"]],
            "phenomena": [p["id"] for p in view.rows["phenomena"]],
        }
    )
    members = view.members_in_order(view.record["members"])
    shares = [(*_illustrative(m.get("source") for m in members), N_("memberships"))]
    return {"members": members, "shares": shares}


@_record_page("/themes/{id}", "themes", "theme")
def theme_page(view: RecordView) -> Mapping[str, Any]:
    """A theme: the phenomena and the priority groups tagged with it."""
    row = view.read("page_theme", id=view.id)[0]
    named = view.names(
        {"phenomena": row["phenomena"], "priority-groups": [g["id"] for g in row["groups"]]}
    )
    phenomena = sorted(row["phenomena"], key=lambda p: view.shown("phenomena", p).casefold())
    sources = [
        *(named["phenomena"].get(p, {}).get("source") for p in row["phenomena"]),
        *(named["priority-groups"].get(g["id"], {}).get("source") for g in row["groups"]),
    ]
    return {
        "phenomena": phenomena,
        "groups": row["groups"],
        "shares": [(*_illustrative(sources), N_("rows"))],
    }


@_record_page("/indicators/{id}", "indicators", "indicator", ("observations", "goals"))
def indicator_page(view: RecordView) -> Mapping[str, Any]:
    """An indicator: its chart, the phenomena it measures, its observations with their
    sources and the goals whose target is on it, with their progress."""
    record, goals = view.record, view.rows["goals"]
    series = series_of(
        {
            **record,
            "phenomena": record.get("phenomena", []),
            "observations": view.rows["observations"],
        }
    )
    goal_ids = {g["id"] for g in goals}
    progress = [
        p
        for p in Analyses(view.driver, view.settings.neo4j_database).goal_progress().goals
        if p.goal in goal_ids
    ]
    (series,) = with_targets([series], progress)
    view.names(
        {
            "phenomena": series.phenomena,
            "goals": list(goal_ids),
            "indicators": [view.id],
            "priority-groups": [g["group"] for g in goals],
        }
    )
    lang = view.lang
    sources = [s for _, _, s in series.observations]
    return {
        "series": series,
        "chart": series.chart(lang, goal_texts(view.named, lang)),
        "goal_rows": goal_progress_rows(progress),
        "direction_word": DIRECTIONS.get(record.get("direction", ""), ""),
        "shares": [
            (*_illustrative([record.get("source")]), N_("indicators")),
            (*_illustrative(sources), N_("observations")),
            (*_illustrative(g["source"] for g in goals), N_("goals")),
        ],
        "number": lambda value: number(value, lang),
        "STATUS_WORDS": STATUS_WORDS,
    }
