"""Server-rendered pages for people: plain HTML, no JavaScript, every asset served here.

Paths: ``/``, ``/phenomena/{id}``, ``/organisations/{id}``, ``/groups/{id}``,
``/measures/{id}``, ``/gaps``, ``/coverage``, ``/search?q=``, ``/login``. Finnish by
default, English with ``?lang=en`` (remembered in a cookie). Every entity page links to
its network map (``/maps/{view}?id=``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from neo4j import Driver, RoutingControl
from starlette.concurrency import run_in_threadpool

from turva.api.auth import COOKIE as TOKEN_COOKIE
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import COOKIE as LANG_COOKIE
from turva.api.i18n import choose_lang, text_in, translator
from turva.api.problems import ProblemError
from turva.api.search import search
from turva.graph.domain.schema import NODE_TYPES, label, rel_type
from turva.graph.errors import BadArgument, NotFound
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.graph.store.tokens import authenticate
from turva.queries import Analyses

__all__ = ["router", "templates", "render", "login_redirect"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
templates.env.globals["text_in"] = text_in

# labels and relationship types of the page queries, from the schema allow-list
_PHENOMENON = label("Phenomenon")
_ORG = label("Organisation")
_MEASURE = label("Measure")
_GOAL = label("Goal")
_GROUP = label("PriorityGroup")
_THEME = label("Theme")
_PART_OF = rel_type("PART_OF")
_ADDRESSES = rel_type("ADDRESSES")
_RESPONSIBLE = rel_type("RESPONSIBLE_FOR")
_TARGETS = rel_type("TARGETS")
_SETS = rel_type("SETS")
_FOCUSES = rel_type("FOCUSES_ON")
_ADVANCES = rel_type("ADVANCES")


def _page_url(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.update(changes)
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with ``lang``, ``t`` (the words) and ``tx`` (data texts) in context."""
    lang = choose_lang(request)
    other = "en" if lang == "fi" else "fi"
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": translator(lang),
            "tx": lambda value: text_in(value, lang),
            "switch_url": _page_url(request, lang=other),
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in ("fi", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def login_redirect(request: Request, driver: Driver, settings: Settings) -> Response | None:
    """When reads need a token, pages need the login cookie; None means go ahead."""
    if not settings.reads_require_token:
        return None
    secret = request.cookies.get(TOKEN_COOKIE)
    if secret and authenticate(driver, secret, settings.neo4j_database):
        return None
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _texts(driver: Driver, settings: Settings, label_name: str, ids: list[str]) -> dict[str, Any]:
    """id -> multilingual name (or title, or text) of records of one label."""
    if not ids:
        return {}
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label(label_name)}) WHERE n.id IN $ids "
        "RETURN n.id AS id, {fi: coalesce(n.name_fi, n.title_fi, n.text_fi), "
        "en: coalesce(n.name_en, n.title_en, n.text_en)} AS text",
        ids=sorted(set(ids)),
        database_=settings.neo4j_database,
        routing_=RoutingControl.READ,
    )
    return {r["id"]: {k: v for k, v in r["text"].items() if v} for r in records}


def _read(driver: Driver, settings: Settings, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        cypher, params, database_=settings.neo4j_database, routing_=RoutingControl.READ
    )
    return [r.data() for r in records]


def _not_found(request: Request, what: str) -> HTMLResponse:
    return render(request, "error.html", status_code=404, message=what)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    counts = {}
    for nt in NODE_TYPES:
        rows = _read(driver, settings, f"MATCH (n:{label(nt.label)}) RETURN count(n) AS n")
        counts[store.resource_name(nt.section)] = rows[0]["n"]
    periods = Analyses(driver, settings.neo4j_database).periods()
    latest = periods[-1] if periods else None
    groups = _read(
        driver,
        settings,
        f"MATCH (g:{_GROUP} {{period: $period}}) "
        "RETURN g.id AS id, g.number AS number, {fi: g.name_fi, en: g.name_en} AS name "
        "ORDER BY g.number",
        period=latest,
    )
    return render(request, "home.html", counts=counts, period=latest, groups=groups)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    hits = search(driver, q, limit=50, database=settings.neo4j_database) if q.strip() else []
    return render(request, "search.html", q=q, hits=[h.public() for h in hits])


@router.get("/phenomena/{id}", response_class=HTMLResponse)
def phenomenon_page(
    request: Request, id: str, driver: DriverDep, settings: SettingsDep
) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    try:
        record = store.get_record(driver, "phenomena", id, settings.neo4j_database)
    except NotFound:
        return _not_found(request, f"{translator(choose_lang(request))('phenomenon')} {id}")
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
    narrower = _read(
        driver,
        settings,
        f"MATCH (c:{_PHENOMENON})-[:{_PART_OF}]->(:{_PHENOMENON} {{id: $id}}) "
        "RETURN c.id AS id, {fi: c.name_fi, en: c.name_en} AS name ORDER BY c.id",
        id=id,
    )
    measures = _read(
        driver,
        settings,
        f"MATCH (m:{_MEASURE})-[:{_ADDRESSES}]->(:{_PHENOMENON} {{id: $id}}) "
        f"OPTIONAL MATCH (o:{_ORG})-[r:{_RESPONSIBLE}]->(m) "
        "WITH m, o, r ORDER BY r.role, o.id "
        "RETURN m.id AS id, {fi: m.title_fi, en: m.title_en} AS title, m.status AS status, "
        "collect(o.id) AS responsible ORDER BY m.id",
        id=id,
    )
    goals = _read(
        driver,
        settings,
        f"MATCH (g:{_GOAL})-[:{_TARGETS}]->(:{_PHENOMENON} {{id: $id}}) "
        f"OPTIONAL MATCH (pg:{_GROUP})-[:{_SETS}]->(g) "
        "RETURN g.id AS id, {fi: g.text_fi, en: g.text_en} AS text, pg.id AS group ORDER BY g.id",
        id=id,
    )
    groups = _read(
        driver,
        settings,
        f"MATCH (g:{_GROUP})-[:{_FOCUSES}]->(:{_PHENOMENON} {{id: $id}}) "
        "RETURN g.id AS id, g.period AS period, g.number AS number, "
        "{fi: g.name_fi, en: g.name_en} AS name ORDER BY g.period DESC, g.number",
        id=id,
    )
    related = _texts(
        driver, settings, "Phenomenon", [record["parent"]] if record.get("parent") else []
    )
    themes = _texts(driver, settings, "Theme", record.get("themes", []))
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


@router.get("/organisations/{id}", response_class=HTMLResponse)
def organisation_page(
    request: Request, id: str, driver: DriverDep, settings: SettingsDep
) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    try:
        record = store.get_record(driver, "organisations", id, settings.neo4j_database)
    except NotFound:
        return _not_found(request, f"{translator(choose_lang(request))('organisation')} {id}")
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
    children = _read(
        driver,
        settings,
        f"MATCH (c:{_ORG})-[:{_PART_OF}]->(:{_ORG} {{id: $id}}) "
        "RETURN c.id AS id, {fi: c.name_fi, en: c.name_en} AS name ORDER BY c.id",
        id=id,
    )
    return render(
        request, "organisation.html", record=record, profile=profile, names=names, children=children
    )


@router.get("/groups/{id}", response_class=HTMLResponse)
def group_page(request: Request, id: str, driver: DriverDep, settings: SettingsDep) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    try:
        record = store.get_record(driver, "priority_groups", id, settings.neo4j_database)
    except NotFound:
        return _not_found(request, f"{translator(choose_lang(request))('priority_group')} {id}")
    goals = _read(
        driver,
        settings,
        f"MATCH (:{_GROUP} {{id: $id}})-[:{_SETS}]->(g:{_GOAL}) "
        f"OPTIONAL MATCH (m:{_MEASURE})-[:{_ADVANCES}]->(g) "
        "WITH g, m ORDER BY m.id "
        "RETURN g.id AS id, {fi: g.text_fi, en: g.text_en} AS text, g.deadline AS deadline, "
        "collect({id: m.id, title: {fi: m.title_fi, en: m.title_en}, status: m.status}) "
        "AS measures "
        "ORDER BY g.id",
        id=id,
    )
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


@router.get("/measures/{id}", response_class=HTMLResponse)
def measure_page(request: Request, id: str, driver: DriverDep, settings: SettingsDep) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
    try:
        record = store.get_record(driver, "measures", id, settings.neo4j_database)
    except NotFound:
        return _not_found(request, f"{translator(choose_lang(request))('measure')} {id}")
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
            driver,
            settings,
            f"MATCH (pg:{_GROUP})-[:{_SETS}]->(g:{_GOAL}) "
            "WHERE g.id IN $ids RETURN g.id AS id, pg.id AS group",
            ids=record.get("advances", []),
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


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
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
        names={**phenomena, **measures, **goals},
        csv_query=query,
        periods=analyses.periods(),
    )


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    if (redirect := login_redirect(request, driver, settings)) is not None:
        return redirect
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
