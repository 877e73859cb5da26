"""Server-rendered pages for people: plain HTML, no JavaScript, every asset served here.

Paths: ``/``, ``/phenomena/{id}``, ``/organisations/{id}``, ``/groups/{id}``,
``/measures/{id}``, ``/gaps``, ``/coverage``, ``/search?q=``, ``/login``. Finnish by
default, Swedish with ``?lang=sv`` and English with ``?lang=en`` (remembered in a cookie);
every word a page shows is in the one catalogue, :mod:`turva.graph.messages`: templates
write ``{{ _("English text") }}``, and the tables below mark the words of enum values
with ``N_``. Every entity page links to
its network map (``/maps/{view}?id=``). Every query a page runs is a file in ``queries/``
(``page_*.cypher``) run by :mod:`turva.queries.runner`; every page but ``/login`` is on
the ``pages`` router, guarded by :data:`turva.api.auth.PAGE_GUARD`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from neo4j import Driver
from starlette.concurrency import run_in_threadpool

from turva.api.auth import COOKIE as TOKEN_COOKIE
from turva.api.auth import PAGE_GUARD
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import COOKIE as LANG_COOKIE
from turva.api.i18n import LANG_NAMES, LANGS, asked_lang, choose_lang, page_words, text_in
from turva.api.problems import ProblemError
from turva.api.search import search
from turva.graph.domain.provenance import PROVENANCE_WORDS, provenance
from turva.graph.domain.schema import NODE_TYPES, label
from turva.graph.domain.words import BODY_KINDS, ORGANISATION_KINDS, RECORD_TYPES, ROLES, STATUSES
from turva.graph.errors import BadArgument, NotFound
from turva.graph.messages import gettext_for
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.graph.store.tokens import authenticate
from turva.queries import Analyses
from turva.queries.runner import run_query
from turva.queries.words import SECTION_TITLES, column_words

__all__ = ["router", "templates", "render"]

#: every path of this module: the pages (included at the end) and the login form
router = APIRouter(include_in_schema=False)
#: the pages: when reads need a token, each needs the login cookie (else 303 to /login)
pages = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

# The words of enum values, translated on the page: ``{{ _(STATUSES[s]) }}``.
GAP_RECORDS = {
    "unaddressed_phenomena": "phenomena",
    "single_branch_phenomena": "phenomena",
    "phenomena_outside_groups": "phenomena",
    "goals_without_measures": "goals",
    "measures_without_owner": "measures",
    "measures_without_resources": "measures",
    "overdue_measures": "measures",
}

templates.env.globals.update(
    PROVENANCE=provenance,
    PROVENANCE_WORDS=PROVENANCE_WORDS,
    text_in=text_in,
    STATUSES=STATUSES,
    ROLES=ROLES,
    ORGANISATION_KINDS=ORGANISATION_KINDS,
    BODY_KINDS=BODY_KINDS,
    RECORD_TYPES=RECORD_TYPES,
    GAP_SECTIONS=SECTION_TITLES,
)


def _page_url(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.update(changes)
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the request's language: ``lang``, ``_``, ``ngettext`` and ``tx``
    (see :func:`turva.api.i18n.page_words`), the language switch and ``status_code``."""
    lang = choose_lang(request)
    switch = [
        {"lang": code, "name": LANG_NAMES[code], "url": _page_url(request, lang=code)}
        for code in LANGS
    ]
    response = templates.TemplateResponse(
        request,
        template,
        {**page_words(lang), "languages": switch, "status_code": status_code, **context},
        status_code=status_code,
    )
    if asked_lang(request) is not None:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _texts(driver: Driver, settings: Settings, label_name: str, ids: list[str]) -> dict[str, Any]:
    """id -> multilingual name (or title, or text) of records of one label."""
    if not ids:
        return {}
    rows = _read(driver, settings, "page_texts", label=label(label_name), ids=sorted(set(ids)))
    return {r["id"]: {k: v for k, v in r["text"].items() if v} for r in rows}


def _read(driver: Driver, settings: Settings, name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of query file ``queries/{name}.cypher``."""
    return run_query(driver, name, settings.neo4j_database, **params)


def _not_found(request: Request, kind: str, id: str) -> HTMLResponse:
    """The 404 page for record ``id`` of ``kind`` (a resource name, e.g. ``phenomena``)."""
    _ = gettext_for(choose_lang(request))
    return render(request, "error.html", status_code=404, message=f"{_(RECORD_TYPES[kind])} {id}")


#: a record page's body: (request, id, record, driver, settings) -> the page
RecordPage = Callable[[Request, str, dict[str, Any], Driver, Settings], Response]


def _record_page(path: str, section: str, kind: str | None = None) -> Callable[[RecordPage], Any]:
    """A page about one record of ``section``: the decorated function gets the record;
    when there is none, the 404 page names ``kind`` (a :data:`RECORD_TYPES` key, the
    resource name of ``section`` by default) and the id."""

    def decorate(build: RecordPage) -> Any:
        def page(request: Request, id: str, driver: DriverDep, settings: SettingsDep) -> Response:
            try:
                record = store.get_record(driver, section, id, settings.neo4j_database)
            except NotFound:
                return _not_found(request, kind or section, id)
            return build(request, id, record, driver, settings)

        # the route's name, as if the page were the decorated function itself
        page.__name__ = page.__qualname__ = build.__name__
        page.__doc__ = build.__doc__
        return pages.get(path, response_class=HTMLResponse)(page)

    return decorate


@pages.get("/", response_class=HTMLResponse)
def home(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    by_label = _read(driver, settings, "page_home_counts")[0]
    counts = {store.resource_name(nt.section): by_label[nt.label] for nt in NODE_TYPES}
    periods = Analyses(driver, settings.neo4j_database).periods()
    latest = periods[-1] if periods else None
    groups = _read(driver, settings, "page_home_groups", period=latest)
    return render(request, "home.html", counts=counts, period=latest, groups=groups)


@pages.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    hits = search(driver, q, limit=50, database=settings.neo4j_database) if q.strip() else []
    return render(request, "search.html", q=q, hits=[h.public() for h in hits])


@_record_page("/phenomena/{id}", "phenomena")
def phenomenon_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    analyses = Analyses(driver, settings.neo4j_database)
    actors = analyses.who_addresses(id).actors
    org_names = _texts(driver, settings, "Organisation", [a.organisation for a in actors])
    branch_names = _texts(
        driver, settings, "AdministrativeBranch", [a.branch for a in actors if a.branch]
    )
    by_branch: dict[str | None, list[Any]] = defaultdict(list)
    for actor in actors:
        by_branch[actor.branch].append(actor)
    branches = sorted(by_branch.items(), key=lambda item: (item[0] is None, item[0] or ""))
    narrower = _read(driver, settings, "page_phenomenon_narrower", id=id)
    measures = _read(driver, settings, "page_phenomenon_measures", id=id)
    goals = _read(driver, settings, "page_phenomenon_goals", id=id)
    groups = _read(driver, settings, "page_phenomenon_groups", id=id)
    related = _texts(
        driver, settings, "Phenomenon", [record["parent"]] if record.get("parent") else []
    )
    themes = _texts(driver, settings, "Theme", record.get("themes", []))
    # each name the template uses, given by name (like visualize/styled.py's StyledMap):
    # the lines are alike in shape only, and a dict built elsewhere would hide the names
    return render(
        request,
        "phenomenon.html",
        record=record,
        branches=branches,
        org_names=org_names,
        branch_names=branch_names,
        narrower=narrower,
        measures=measures,
        goals=goals,
        groups=groups,
        related=related,
        themes=themes,
        actor_count=len(actors),
    )


@_record_page("/organisations/{id}", "organisations")
def organisation_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    profile = Analyses(driver, settings.neo4j_database).profile(id)
    names = {
        "groups": _texts(driver, settings, "PriorityGroup", [g.id for g in profile.groups]),
        "bodies": _texts(driver, settings, "CooperationBody", [b.id for b in profile.bodies]),
        "measures": _texts(driver, settings, "Measure", [m.id for m in profile.measures]),
        "phenomena": _texts(driver, settings, "Phenomenon", profile.phenomena),
        "branch": _texts(
            driver, settings, "AdministrativeBranch", [profile.branch] if profile.branch else []
        ),
        "parent": _texts(
            driver, settings, "Organisation", [profile.parent] if profile.parent else []
        ),
    }
    children = _read(driver, settings, "page_organisation_children", id=id)
    return render(
        request, "organisation.html", record=record, profile=profile, names=names, children=children
    )


@_record_page("/groups/{id}", "priority_groups", "priority-groups")
def group_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    goals = _read(driver, settings, "page_group_goals", id=id)
    for goal in goals:
        goal["measures"] = [m for m in goal["measures"] if m["id"] is not None]
        goal["deadline"] = str(goal["deadline"]) if goal["deadline"] else None
    names = {
        "members": _texts(
            driver, settings, "Organisation", [m["organisation"] for m in record["members"]]
        ),
        "phenomena": _texts(driver, settings, "Phenomenon", record["focuses_on"]),
        "themes": _texts(driver, settings, "Theme", record.get("themes", [])),
    }
    members = sorted(record["members"], key=lambda m: (m.get("role") != "lead", m["organisation"]))
    return render(request, "group.html", record=record, goals=goals, names=names, members=members)


@_record_page("/measures/{id}", "measures")
def measure_page(
    request: Request, id: str, record: dict[str, Any], driver: Driver, settings: Settings
) -> Response:
    names = {
        "responsible": _texts(
            driver, settings, "Organisation", [r["organisation"] for r in record["responsible"]]
        ),
        "addresses": _texts(driver, settings, "Phenomenon", record["addresses"]),
        "advances": _texts(driver, settings, "Goal", record.get("advances", [])),
    }
    goal_groups = {
        row["id"]: row["group"]
        for row in _read(
            driver, settings, "page_measure_goal_groups", ids=record.get("advances", [])
        )
    }
    return render(request, "measure.html", record=record, names=names, goal_groups=goal_groups)


GAP_LINKS = {
    "unaddressed_phenomena": "/phenomena/{id}",
    "single_branch_phenomena": "/phenomena/{id}",
    "phenomena_outside_groups": "/phenomena/{id}",
    "measures_without_owner": "/measures/{id}",
    "measures_without_resources": "/measures/{id}",
    "overdue_measures": "/measures/{id}",
    "goals_without_measures": None,
    "groups_missing_stakeholders": None,
}


def _gap_heading(section: str, column: str) -> str:
    """The (untranslated) heading of a gap report column: ``id`` names the section's record."""
    if column == "id" and section in GAP_RECORDS:
        return RECORD_TYPES[GAP_RECORDS[section]]
    return column_words("gaps", column) or column


@pages.get("/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    analyses = Analyses(driver, settings.neo4j_database)
    try:
        gaps = analyses.gaps(period, as_of)
    except BadArgument as e:
        return render(request, "error.html", status_code=422, message=str(e))
    tables = gaps.tables()
    phenomena = _texts(
        driver,
        settings,
        "Phenomenon",
        [
            row.get("id") or ""
            for s in (
                "unaddressed_phenomena",
                "single_branch_phenomena",
                "phenomena_outside_groups",
            )
            for row in tables[s]
        ],
    )
    measures = _texts(
        driver,
        settings,
        "Measure",
        [
            row["id"]
            for s in ("measures_without_owner", "measures_without_resources", "overdue_measures")
            for row in tables[s]
        ],
    )
    goals = _texts(
        driver, settings, "Goal", [row["id"] for row in tables["goals_without_measures"]]
    )
    query = f"?as_of={gaps.as_of}" + (f"&period={gaps.period}" if gaps.period else "")
    return render(
        request,
        "gaps.html",
        gaps=gaps,
        sections=list(tables.items()),
        columns=gaps.columns(),
        links=GAP_LINKS,
        headings={
            name: [_gap_heading(name, c) for c in cols] for name, cols in gaps.columns().items()
        },
        names={**phenomena, **measures, **goals},
        csv_query=query,
        periods=analyses.periods(),
    )


@pages.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    coverage = Analyses(driver, settings.neo4j_database).coverage()
    top = max((n for r in coverage.rows for n in r.counts.values()), default=0) or 1
    rows = []
    for r in coverage.rows:
        total = sum(r.counts.values())
        used = sum(1 for n in r.counts.values() if n)
        state = "empty" if total == 0 else "single" if used == 1 else "many"
        cells = [(b, n, min(4, (n * 4 + top - 1) // top) if n else 0) for b, n in r.counts.items()]
        rows.append({"phenomenon": r.phenomenon, "cells": cells, "total": total, "state": state})
    names = _texts(driver, settings, "Phenomenon", [r.phenomenon for r in coverage.rows])
    return render(request, "coverage.html", coverage=coverage, rows=rows, names=names)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=next if next.startswith("/") else "/", failed=False)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    # a urlencoded form parsed by hand: no multipart dependency for one text field
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=5)
    secret = (form.get("token") or [""])[0].strip()
    next_path = (form.get("next") or ["/"])[0]
    target = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    token = await run_in_threadpool(authenticate, driver, secret, settings.neo4j_database)
    if token is None:
        return render(request, "login.html", status_code=401, next=target, failed=True)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(TOKEN_COOKIE, secret, httponly=True, samesite="strict")
    return response


def html_error(request: Request, exc: ProblemError) -> HTMLResponse:
    return render(request, "error.html", status_code=exc.status, message=exc.detail)


router.include_router(pages)
