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
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from neo4j import Driver

from turva.api.auth import PAGE_GUARD
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.sorting import headers, sort_rows, sorting_of
from turva.api.web import (
    _bad_input,
    _check_filters,
    _definitions,
    _downloads,
    _filter_choices,
    _given,
    _illustrative,
    _names,
    _read,
    _shown,
    render,
)
from turva.graph.errors import BadArgument, TurvaError
from turva.graph.messages import N_
from turva.graph.settings import Settings
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS
from turva.queries.resolve import Candidate, resolve
from turva.queries.results import AnalysisResult
from turva.queries.words import SECTION_TITLES, column_words

__all__ = ["router", "OVERLAP_KINDS", "CHANGE_KINDS", "PATH_KINDS", "RELATIONS"]

#: the analysis pages; when reads need a token, each needs the login cookie
router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)

#: (section, column) -> the resource whose ids the cells hold (a column not named holds
#: plain values: counts, numbers, the Jaccard index)
OVERLAP_KINDS: dict[tuple[str, str], str] = {
    ("multi_branch_phenomena", "id"): "phenomena",
    ("multi_branch_phenomena", "branches"): "branches",
    ("uncoordinated_measures", "phenomenon"): "phenomena",
    ("uncoordinated_measures", "a"): "measures",
    ("uncoordinated_measures", "b"): "measures",
    ("group_overlaps", "a"): "priority-groups",
    ("group_overlaps", "b"): "priority-groups",
    ("group_overlaps", "shared_phenomena"): "phenomena",
    ("group_overlaps", "shared_members"): "organisations",
    ("busy_organisations", "id"): "organisations",
    ("busy_organisations", "groups"): "priority-groups",
}
CHANGE_KINDS: dict[tuple[str, str], str] = {
    ("added_groups", "id"): "priority-groups",
    ("removed_groups", "id"): "priority-groups",
    ("entered_phenomena", "id"): "phenomena",
    ("left_phenomena", "id"): "phenomena",
    ("matched_groups", "from_group"): "priority-groups",
    ("matched_groups", "to_group"): "priority-groups",
    ("matched_groups", "entered_phenomena"): "phenomena",
    ("matched_groups", "left_phenomena"): "phenomena",
    ("matched_groups", "joined_members"): "organisations",
    ("matched_groups", "left_members"): "organisations",
}
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


def _ids(cell: Any) -> list[str]:
    """The ids of a table cell (lists of ids are one space-separated cell)."""
    return str(cell or "").split()


def _sections(
    request: Request,
    result: AnalysisResult,
    kinds: Mapping[tuple[str, str], str],
    named: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The sections of an analysis page: title, sortable headers and rows, each cell as
    ``(kind, value)`` (a kind: the cell's ids are records of that resource).

    Raises :class:`BadArgument` for a ``sort`` the tables do not have."""
    lang = choose_lang(request)
    tables = result.tables()
    out = []
    for name, columns in result.columns().items():
        sorting = sorting_of(request.query_params, columns, table=name)

        def key(row: dict[str, Any], column: str, name: str = name) -> Any:
            kind = kinds.get((name, column))
            if kind is None:
                return row[column]
            return " ".join(_shown(named, kind, i, lang) for i in _ids(row[column]))

        rows = sort_rows(tables[name], sorting, key)
        labels = [(c, column_words(name, c) or c) for c in columns]
        out.append(
            {
                "name": name,
                "title": SECTION_TITLES.get(name, name),
                "headers": headers(request.url, sorting, labels),
                "rows": [[(kinds.get((name, c)), row[c]) for c in columns] for row in rows],
            }
        )
    return out


def _wanted(result: AnalysisResult, kinds: Mapping[tuple[str, str], str]) -> dict[str, list[str]]:
    """resource -> the ids an analysis result's tables name."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for name, rows in result.tables().items():
        for row in rows:
            for column, value in row.items():
                kind = kinds.get((name, column))
                if kind:
                    wanted[kind].extend(_ids(value))
    return wanted


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
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    min_branches: Annotated[int, Query(ge=1, le=1000)] = 3,
    min_groups: Annotated[int, Query(ge=1, le=1000)] = 3,
    branch: Annotated[str | None, Query(max_length=200)] = None,
    theme: Annotated[str | None, Query(max_length=200)] = None,
    group: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Where several branches or groups work on the same thing."""
    analyses = Analyses(driver, settings.neo4j_database)
    choices = _filter_choices(driver, settings)
    filters = {"branch": branch or None, "theme": theme or None, "group": group or None}
    try:
        _check_filters(choices, filters)
        overlaps = analyses.overlaps(period, min_branches, min_groups, **_given(filters))
        named = _names(driver, settings, _wanted(overlaps, OVERLAP_KINDS))
        sections = _sections(request, overlaps, OVERLAP_KINDS, named)
    except TurvaError as e:
        return _bad_input(request, e)
    memberships = [
        *((g, o) for x in overlaps.group_overlaps for g in (x.a, x.b) for o in x.shared_members),
        *((g, b.id) for b in overlaps.busy_organisations for g in b.groups),
    ]
    shares = [
        (*_illustrative(_measure_sources(named)), N_("measures")),
        (*_illustrative(_membership_sources(driver, settings, memberships)), N_("memberships")),
    ]
    lang = choose_lang(request)
    params = {
        "period": overlaps.period,
        "min_branches": min_branches,
        "min_groups": min_groups,
        **filters,
        "lang": lang,
    }
    return render(
        request,
        "overlaps.html",
        overlaps=overlaps,
        sections=sections,
        named=named,
        periods=analyses.periods(),
        choices=choices,
        filters=filters,
        downloads=_downloads("overlaps", params),
        shares=shares,
        definitions=_definitions(*ANALYSIS_DEFINITIONS.get("overlaps", ())),
    )


@router.get("/changes", response_class=HTMLResponse)
def changes_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    from_: Annotated[int | None, Query(alias="from", ge=1900, le=2200)] = None,
    to: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    """The form to pick two periods, and how the priority groups changed between them."""
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
        named = _names(driver, settings, _wanted(changes, CHANGE_KINDS))
        sections = _sections(request, changes, CHANGE_KINDS, named)
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


#: the words of the form's two fields, for messages about them
FIELDS = {"a": N_("First organisation"), "b": N_("Second organisation")}


@router.get("/connection", response_class=HTMLResponse)
def connection_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    a: Annotated[str, Query(max_length=200)] = "",
    b: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The form to pick two organisations, and the shortest connection between them."""
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
            downloads=_path_downloads(ids["a"], ids["b"], lang),
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


def _path_downloads(a: str, b: str, lang: str) -> list[dict[str, str]]:
    """The download links of a connection: the path API's CSV, CSV for Excel and XLSX."""
    base = f"/api/v1/organisations/{quote(a, safe='')}/path/{quote(b, safe='')}?"
    return [
        {"label": label, "format": fmt, "url": base + urlencode({**extra, "lang": lang})}
        for label, fmt, extra in (
            (N_("CSV"), "csv", {"format": "csv"}),
            (N_("CSV for Excel"), "csv", {"format": "csv", "dialect": "excel-fi"}),
            (N_("Excel (XLSX)"), "xlsx", {"format": "xlsx"}),
        )
    ]
