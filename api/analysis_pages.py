"""The analysis pages that have no page in :mod:`turva.api.web`: overlaps, the changes
between two periods and the connection between two organisations.

Paths: ``/overlaps`` (filters ``branch``, ``theme``, ``group``, and ``period``,
``min_branches``, ``min_groups``), ``/changes?from=&to=`` and ``/connection?a=&b=``. Each
opens with its plain-language definitions (:mod:`turva.queries.definitions`), shows names
rather than ids, sorts its tables on the server (:mod:`turva.api.sorting`) and links the
same result as CSV, CSV for Excel and XLSX. The connection form takes an id, a name or an
abbreviation (:func:`turva.queries.resolve.resolve`): a name that fits several
organisations, or none, is answered with the choices, not an error page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from neo4j import Driver

from turva.api.auth import PAGE_GUARD
from turva.api.i18n import choose_lang
from turva.api.web import (
    FiltersDep,
    PageDep,
    PeriodQuery,
    TextQuery,
    _bad_input,
    _definitions,
    _downloads,
    _illustrative,
    _names,
    _read,
    _result_sections,
    _shown,
    render,
    table_analysis_page,
)
from turva.graph.errors import BadArgument, TurvaError
from turva.graph.messages import N_
from turva.graph.settings import Settings
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS
from turva.queries.resolve import Candidate, resolve

__all__ = ["router", "PATH_KINDS", "RELATIONS"]

#: the analysis pages; when reads need a token, each needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)

#: how one step of a path relates to the one before it: (previous, this) -> the words
RELATIONS: dict[tuple[str, str], str] = {
    ("organisations", "priority-groups"): N_("is a member of"),
    ("priority-groups", "organisations"): N_("has as a member"),
    ("organisations", "measures"): N_("is responsible for"),
    ("measures", "organisations"): N_("is the responsibility of"),
    ("measures", "phenomena"): N_("addresses"),
    ("phenomena", "measures"): N_("is addressed by"),
    ("priority-groups", "phenomena"): N_("focuses on"),
    ("phenomena", "priority-groups"): N_("is in the focus of"),
}

#: a path node's label -> its resource
PATH_KINDS = {
    "Organisation": "organisations",
    "PriorityGroup": "priority-groups",
    "Measure": "measures",
    "Phenomenon": "phenomena",
}


def _membership_sources(
    driver: Driver, settings: Settings, pairs: Iterable[tuple[str, str]]
) -> list[str | None]:
    """The sources of the memberships (group, organisation) an analysis shows."""
    wanted = set(pairs)
    if not wanted:
        return []
    rows = _read(driver, settings, "page_group_memberships", ids=sorted({g for g, _ in wanted}))
    return [r["source"] for r in rows if (r["group"], r["organisation"]) in wanted]


def _measure_sources(named: Mapping[str, Mapping[str, Any]]) -> list[str | None]:
    return [m.get("source") for m in named.get("measures", {}).values()]


@router.get("/overlaps", response_class=HTMLResponse)
def overlaps_page(
    page: PageDep,
    filters: FiltersDep,
    period: PeriodQuery = None,
    min_branches: Annotated[int, Query(ge=1, le=1000)] = 3,
    min_groups: Annotated[int, Query(ge=1, le=1000)] = 3,
) -> Response:
    """Where several branches or groups work on the same thing."""

    def shares(overlaps: Any, named: Mapping[str, Mapping[str, Any]], _: Any) -> list[Any]:
        memberships = [
            *(
                (g, o)
                for x in overlaps.group_overlaps
                for g in (x.a, x.b)
                for o in x.shared_members
            ),
            *((g, b.id) for b in overlaps.busy_organisations for g in b.groups),
        ]
        sources = _membership_sources(page.driver, page.settings, memberships)
        return [
            (*_illustrative(_measure_sources(named)), N_("measures")),
            (*_illustrative(sources), N_("memberships")),
        ]

    return table_analysis_page(
        page,
        "overlaps",
        filters,
        lambda analyses, given: analyses.overlaps(period, min_branches, min_groups, **given),
        lambda overlaps: {
            "period": overlaps.period,
            "min_branches": min_branches,
            "min_groups": min_groups,
        },
        shares,
    )


@router.get("/changes", response_class=HTMLResponse)
def changes_page(
    page: PageDep,
    from_: Annotated[int | None, Query(alias="from", ge=1900, le=2200)] = None,
    to: PeriodQuery = None,
) -> Response:
    """The form to pick two periods, and how the priority groups changed between them."""
    request, driver, settings = page.request, page.driver, page.settings
    analyses = Analyses(driver, settings.neo4j_database)
    periods = analyses.periods()
    definitions = _definitions(*ANALYSIS_DEFINITIONS.get("period_changes", ()))
    if from_ is None or to is None:
        # the form alone: the two latest periods chosen, nothing run yet
        return render(
            request,
            "changes.html",
            periods=periods,
            chosen=(periods[-2:][0], periods[-1]) if periods else (None, None),
            changes=None,
            definitions=definitions,
        )
    try:
        changes = analyses.changes(from_, to)
        named, sections = _result_sections(request, driver, settings, changes)
    except TurvaError as e:
        return _bad_input(request, e)
    memberships = [
        *((m.to_group, o) for m in changes.matched_groups for o in m.joined_members),
        *((m.from_group, o) for m in changes.matched_groups for o in m.left_members),
    ]
    shares = [
        (*_illustrative(_membership_sources(driver, settings, memberships)), N_("memberships")),
    ]
    lang = choose_lang(request)
    return render(
        request,
        "changes.html",
        periods=periods,
        chosen=(from_, to),
        changes=changes,
        sections=sections,
        named=named,
        shares=shares,
        downloads=_downloads("changes", {"from": from_, "to": to, "lang": lang}),
        definitions=definitions,
    )


def _organisation_choices(driver: Driver, settings: Settings, lang: str) -> list[dict[str, Any]]:
    """The organisations of the form, by the name shown (abbreviation first when any)."""
    rows = _read(driver, settings, "page_connection_choices")
    named = {"organisations": {r["id"]: {**r, "number": None, "source": None} for r in rows}}
    return sorted(rows, key=lambda r: _shown(named, "organisations", r["id"], lang).casefold())


def _chosen(
    driver: Driver, settings: Settings, field: str, text: str, lang: str
) -> tuple[str | None, str | None, Sequence[Candidate]]:
    """The organisation id ``text`` means (an id, a name or an abbreviation), else None
    with what to tell the reader and the organisations it may mean."""
    found = resolve(driver, text, type="organisations", lang=lang, database=settings.neo4j_database)
    if found.match is not None:
        return found.match.id, None, ()
    if found.candidates:
        return (
            None,
            N_("%(field)s: %(text)s fits several organisations; choose one:"),
            (found.candidates),
        )
    if found.suggestions:
        return (
            None,
            N_("%(field)s: no organisation is called %(text)s; did you mean:"),
            (found.suggestions),
        )
    return None, N_("%(field)s: no organisation is called %(text)s; choose one from the list"), ()


#: the organisations asked to step out, as the form's multiple choice sends them
WithoutQuery = Annotated[list[str], Query(max_length=50)]


@router.get("/what-if", response_class=HTMLResponse)
def what_if_page(page: PageDep, without: WithoutQuery = [], period: PeriodQuery = None) -> Response:  # noqa: B006
    """What would be left uncovered if the chosen organisations stepped out."""
    lang = choose_lang(page.request)
    organisations = _organisation_choices(page.driver, page.settings, lang)
    chosen = sorted({w for w in without if w})
    context: dict[str, Any] = {
        "organisations": organisations,
        "chosen": chosen,
        "chosen_period": period,
    }
    no_filters: dict[str, str | None] = {"branch": None, "theme": None, "group": None}
    if not chosen:
        return render(
            page.request,
            "what-if.html",
            definitions=_definitions(*ANALYSIS_DEFINITIONS["what-if"]),
            periods=Analyses(page.driver, page.settings.neo4j_database).periods(),
            sections=None,
            **context,
        )
    return table_analysis_page(
        page,
        "what-if",
        no_filters,
        lambda analyses, _: analyses.what_if(chosen, period),
        lambda result: {"without": result.without, "period": result.period},
        lambda result, named, _: [(*_illustrative(_measure_sources(named)), N_("measures"))],
        extra=context,
    )


#: the words of the form's two fields, for messages about them
FIELDS = {"a": N_("First organisation"), "b": N_("Second organisation")}


@router.get("/connection", response_class=HTMLResponse)
def connection_page(page: PageDep, a: TextQuery = "", b: TextQuery = "") -> Response:
    """The form to pick two organisations, and the shortest connection between them."""
    request, driver, settings = page.request, page.driver, page.settings
    lang = choose_lang(request)
    choices = _organisation_choices(driver, settings, lang)
    asked = {"a": a.strip(), "b": b.strip()}
    ids: dict[str, str | None] = {"a": None, "b": None}
    problems: list[dict[str, Any]] = []
    for field, text in asked.items():
        if not text:
            continue
        try:
            found, message, options = _chosen(driver, settings, field, text, lang)
        except BadArgument as e:
            return _bad_input(request, e)
        ids[field] = found
        if message:
            problems.append({"field": field, "message": message, "text": text, "options": options})
    context: dict[str, Any] = {
        "choices": choices,
        "asked": asked,
        "ids": ids,
        "problems": problems,
        "fields": FIELDS,
        "connection": None,
        "steps": [],
        "definitions": _definitions(*ANALYSIS_DEFINITIONS.get("path", ())),
    }
    if ids["a"] and ids["b"]:
        try:
            connection = Analyses(driver, settings.neo4j_database).path(ids["a"], ids["b"])
        except TurvaError as e:
            return _bad_input(request, e)
        kinds = [PATH_KINDS.get(n.type, "organisations") for n in connection.path]
        ids_ = [n.id for n in connection.path]
        links = _link_sources(driver, settings, kinds, ids_)
        steps = [
            (
                kind,
                id,
                RELATIONS.get((kinds[i - 1], kind)) if i else None,
                links.get(frozenset((ids_[i - 1], id))) if i else None,
            )
            for i, (kind, id) in enumerate(zip(kinds, ids_, strict=True))
        ]
        wanted: dict[str, list[str]] = defaultdict(list)
        for kind, id, _, _ in steps:
            wanted[kind].append(id)
        named = _names(driver, settings, wanted)
        measures = [
            named["measures"].get(i, {}).get("source") for k, i, _, _ in steps if k == "measures"
        ]
        memberships = [s[3][0] for s in _linked(steps) if s[3][1] == "priority-groups"]
        responsibilities = [s[3][0] for s in _linked(steps) if s[3][1] == "measures"]
        context.update(
            connection=connection,
            steps=steps,
            named=named,
            shares=[
                (*_illustrative(measures), N_("measures")),
                (*_illustrative(memberships), N_("memberships")),
                (*_illustrative(responsibilities), N_("responsibilities")),
            ],
            downloads=_downloads(
                "path",
                {"lang": lang},
                f"/api/v1/organisations/{quote(ids['a'], safe='')}/path/{quote(ids['b'], safe='')}",
            ),
        )
    return render(request, "connection.html", **context)


def _link_sources(
    driver: Driver, settings: Settings, kinds: Sequence[str], ids: Sequence[str]
) -> dict[frozenset[str], tuple[str | None, str]]:
    """The source of each membership and responsibility a path goes along, by the pair of
    ids it links, with the kind of record the organisation is linked to."""
    pairs = []
    for i in range(1, len(ids)):
        here, there = (kinds[i - 1], ids[i - 1]), (kinds[i], ids[i])
        for (ka, a), (kb, b) in ((here, there), (there, here)):
            if ka == "organisations" and kb in ("priority-groups", "measures"):
                pairs.append([a, b])
    if not pairs:
        return {}
    rows = _read(driver, settings, "page_connection_links", pairs=pairs)
    kind_of = dict(zip(ids, kinds, strict=True))
    return {frozenset((r["a"], r["b"])): (r["source"], kind_of[r["b"]]) for r in rows}


def _linked(steps: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The steps reached along a membership or a responsibility."""
    return [s for s in steps if s[3] is not None]
