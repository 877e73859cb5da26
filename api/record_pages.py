"""The pages of the records that have no page in :mod:`turva.api.web`: administrative
branches, goals, cooperation bodies and themes.

Paths: ``/branches/{id}``, ``/goals/{id}``, ``/bodies/{id}``, ``/themes/{id}``. Like every
page they show names, not ids (the ``ref`` macro of ``_macros.html``), mark the provenance
of each record, membership and responsibility, open with the illustrative banner when part
of what they show is illustrative, and answer an unknown id with the 404 page. Every query
is a ``page_*.cypher`` file run by :mod:`turva.queries.runner`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from neo4j import Driver

from turva.api.auth import PAGE_GUARD
from turva.api.i18n import choose_lang
from turva.api.sorting import headers, sort_rows, sorting_of
from turva.api.web import (
    RecordPage,
    _bad_input,
    _illustrative,
    _members_in_order,
    _names,
    _read,
    _shown,
    render,
)
from turva.api.web import _record_page as record_page
from turva.graph.errors import TurvaError
from turva.graph.messages import N_
from turva.graph.settings import Settings

# the imports above are like analysis_pages.py's in shape only (each names what it uses)
__all__ = ["router", "amount", "resources_summary"]

#: the record pages; when reads need a token, each needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)


def _record_page(path: str, section: str) -> Callable[[RecordPage], Any]:
    """A page about one record of ``section`` on :data:`router` (404 page when none)."""
    return record_page(path, section, router)


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


#: the columns of the branch page's measure table: (column, heading message id); a table
#: of words like base.html's menu, alike in shape only
BRANCH_MEASURE_COLUMNS = (
    ("measure", N_("Measure")),
    ("status", N_("Status")),
    ("responsible", N_("Responsible in this branch")),
    ("phenomena", N_("Phenomena addressed")),
    ("person_years", N_("Person-years")),
    ("eur", N_("Euros")),
)


@_record_page("/branches/{id}", "branches")
def branch_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    """An administrative branch: organisations, phenomena, measures, resources, groups."""
    try:
        sorting = sorting_of(request.query_params, [c for c, _ in BRANCH_MEASURE_COLUMNS])
    except TurvaError as e:
        return _bad_input(request, e)
    organisations = _read(driver, settings, "page_branch_organisations", id=id)
    measures = _read(driver, settings, "page_branch_measures", id=id)
    groups = _read(driver, settings, "page_branch_groups", id=id)
    # the phenomena the branch works on: those its active measures address directly
    phenomena: dict[str, list[str]] = defaultdict(list)
    for m in measures:
        if m["active"]:
            for p in m["phenomena"]:
                phenomena[p].append(m["id"])
    named = _names(
        driver,
        settings,
        {
            "organisations": [
                record.get("ministry"),
                *(o["id"] for o in organisations),
                *(r["organisation"] for m in measures for r in m["responsible"]),
            ],
            "measures": [m["id"] for m in measures],
            "phenomena": [p for m in measures for p in m["phenomena"]],
            "priority-groups": [g["id"] for g in groups],
        },
    )
    lang = choose_lang(request)

    def key(row: dict[str, Any], column: str) -> Any:
        if column == "measure":
            return _shown(named, "measures", row["id"], lang)
        if column == "responsible":
            return " ".join(
                _shown(named, "organisations", r["organisation"], lang) for r in row["responsible"]
            )
        if column == "phenomena":
            return " ".join(_shown(named, "phenomena", p, lang) for p in row["phenomena"])
        return row[column]

    shown_phenomena = sorted(
        phenomena.items(),
        key=lambda item: (-len(item[1]), _shown(named, "phenomena", item[0], lang).casefold()),
    )
    shares = [
        (*_illustrative(m["source"] for m in measures), N_("measures")),
        (
            *_illustrative(r["source"] for m in measures for r in m["responsible"]),
            N_("responsibilities"),
        ),
        (*_illustrative(r["source"] for g in groups for r in g["members"]), N_("memberships")),
    ]
    return render(
        request,
        "branch.html",
        record=record,
        organisations=organisations,
        measures=sort_rows(measures, sorting, key),
        measure_headers=headers(request.url, sorting, BRANCH_MEASURE_COLUMNS),
        phenomena=shown_phenomena,
        groups=groups,
        resources={
            "active": resources_summary(m for m in measures if m["active"]),
            "all": resources_summary(measures),
        },
        named=named,
        shares=shares,
        amount=lambda value: amount(value, lang),
    )


@_record_page("/goals/{id}", "goals")
def goal_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    """A goal: its text, group, deadline, targets and the measures advancing it."""
    measures = _read(driver, settings, "page_goal_measures", id=id)
    for m in measures:
        m["responsible"] = [r for r in m["responsible"] if r]
    named = _names(
        driver,
        settings,
        {
            "priority-groups": [record.get("group")],
            "phenomena": record.get("targets", []),
            "measures": [m["id"] for m in measures],
            "organisations": [r["organisation"] for m in measures for r in m["responsible"]],
        },
    )
    shares = [
        (*_illustrative([record.get("source")]), N_("goals")),
        (*_illustrative(m["source"] for m in measures), N_("measures")),
        (
            *_illustrative(r["source"] for m in measures for r in m["responsible"]),
            N_("responsibilities"),
        ),
    ]
    return render(
        request, "goal.html", record=record, measures=measures, named=named, shares=shares
    )


@_record_page("/bodies/{id}", "bodies")
def body_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    """A cooperation body: its kind, members with roles, the phenomena they work on."""
    phenomena = _read(driver, settings, "page_body_phenomena", id=id)
    named = _names(
        driver,
        settings,
        {
            "organisations": [m["organisation"] for m in record["members"]],
            "phenomena": [p["id"] for p in phenomena],
        },
    )
    members = _members_in_order(record["members"], named, choose_lang(request))
    shares = [(*_illustrative(m.get("source") for m in members), N_("memberships"))]
    # like every page's render call in shape only: each names its own template's context
    return render(
        request,
        "body.html",
        record=record,
        members=members,
        phenomena=phenomena,
        named=named,
        shares=shares,
    )


@_record_page("/themes/{id}", "themes")
def theme_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    """A theme: the phenomena and the priority groups tagged with it."""
    row = _read(driver, settings, "page_theme", id=id)[0]
    named = _names(
        driver,
        settings,
        {"phenomena": row["phenomena"], "priority-groups": [g["id"] for g in row["groups"]]},
    )
    lang = choose_lang(request)
    phenomena = sorted(
        row["phenomena"], key=lambda p: _shown(named, "phenomena", p, lang).casefold()
    )
    sources = [
        *(named["phenomena"].get(p, {}).get("source") for p in row["phenomena"]),
        *(named["priority-groups"].get(g["id"], {}).get("source") for g in row["groups"]),
    ]
    return render(
        request,
        "theme.html",
        record=record,
        phenomena=phenomena,
        groups=row["groups"],
        named=named,
        shares=[(*_illustrative(sources), N_("rows"))],
    )
