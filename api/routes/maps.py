"""Network maps over HTTP: ``/api/v1/maps/{view}.{format}`` and the web pages ``/maps/...``.

The API returns a map as a standalone offline HTML file, GraphML, GEXF, node-link JSON or
a PNG. The pages show a map inside the web UI with its legend and the filters as a plain
HTML form; vis-network is served from ``/maps/assets/`` (no CDN, works offline).

A map page's URL holds its whole view: the filters (``id``, ``period``, ``theme``,
``branch``, ``group``, ``radius``) and the focused node (``focus=<node id>``, e.g.
``focus=organisation:POHA``, kept current by the page's script). A signed-in person saves
a view under a name (``POST /maps/views``: ``name``, ``view``, ``query``, the CSRF token),
finds their views on ``/maps`` and deletes them there (``POST /maps/views/{id}/delete``);
nobody sees or deletes another person's views.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from turva.api.auth import PAGE_GUARD, LoginRequired, PersonDep, ReadingDep
from turva.api.caching import CACHED_RESPONSES, MAPS, cached
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.problems import problem_responses
from turva.api.sessions import verify_csrf
from turva.api.web import render
from turva.graph.domain.words import RECORD_TYPES
from turva.graph.errors import BadArgument, NotFound
from turva.graph.messages import LANGS, N_, gettext_for
from turva.graph.store import saved_views
from turva.queries.resolve import resolve
from turva.queries.runner import run_query
from turva.visualize import (
    ASSETS,
    FORMATS,
    ID_VIEWS,
    MEDIA_TYPES,
    VIEW_FILTERS,
    VIEWS,
    MapRequest,
    export_map,
    map_section,
    read_map,
)
from turva.visualize.views import LATEST_PERIOD_VIEWS

__all__ = ["router"]

router = APIRouter(tags=["maps"])
#: the /maps pages (included into ``router`` at the end): when reads need a token, each
#: needs the login cookie, else 303 to /login
pages = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)

MapView = Enum("MapView", {v.replace("-", "_"): v for v in VIEWS}, type=str)  # type: ignore[misc]
MapFormat = Enum("MapFormat", {f: f for f in FORMATS}, type=str)  # type: ignore[misc]

IdQuery = Annotated[
    str | None,
    Query(max_length=64, description="the priority group, phenomenon or organisation (id)"),
]
PeriodQuery = Annotated[
    int | None, Query(ge=1900, le=2200, description="keep the priority groups of this period")
]
ThemeQuery = Annotated[str | None, Query(max_length=64, description="keep phenomena of a theme")]
BranchQuery = Annotated[
    str | None, Query(max_length=64, description="keep organisations of an administrative branch")
]
GroupQuery = Annotated[
    str | None,
    Query(max_length=64, description="keep phenomena in the scope of a priority group"),
]
RadiusQuery = Annotated[
    int | None, Query(ge=1, le=3, description="phenomenon and organisation maps: steps, 1-3")
]

_ASSET_FILES = {"vis-network.min.js": "text/javascript", "map.css": "text/css"}


def _blank(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _map_asked(
    view: MapView,
    fmt: MapFormat,
    id: IdQuery = None,
    period: PeriodQuery = None,
    theme: ThemeQuery = None,
    branch: BranchQuery = None,
    group: GroupQuery = None,
    radius: RadiusQuery = None,
    lang: Literal["fi", "sv", "en"] = "fi",
) -> tuple[MapRequest, str]:
    """The map a URL asks for (its view and filters, an empty filter meaning none) and the
    format its extension names."""
    request = MapRequest(
        view=view.value,
        id=_blank(id),
        period=period,
        theme=_blank(theme),
        branch=_blank(branch),
        group=_blank(group),
        radius=radius,
        lang=lang,
    )
    return request, fmt.value


MapAskedDep = Annotated[tuple[MapRequest, str], Depends(_map_asked)]


@router.get(
    "/api/v1/maps/{view}.{fmt}",
    summary="A network map as HTML, GraphML, GEXF, JSON or PNG",
    response_class=Response,
    responses={
        200: {
            "description": "The map in the format the extension names.",
            "content": {
                "text/html": {},
                "application/graphml+xml": {},
                "application/gexf+xml": {},
                "application/json": {},
                "image/png": {},
            },
        },
        **problem_responses(401, 404, 422, 503),
        **CACHED_RESPONSES,
    },
)
async def map_file(reading: ReadingDep, asked: MapAskedDep) -> Response:
    """The map of ``view`` (who-works-on-what, group, phenomenon, organisation,
    collaboration, overview) with the filters each view takes. HTML maps are standalone
    and offline; their node links point to this service's pages. Maps are cached by the
    graph's version (``ETag``, ``If-None-Match``) and renders are limited per client."""
    request, fmt = asked
    lang = request.lang

    def render_map() -> Response:
        graph = read_map(reading.driver, request, database=reading.settings.neo4j_database)
        body = export_map(graph, fmt, base_url="", lang=lang)
        headers = {}
        if fmt != "html":
            name = f"{request.view}{'-' + request.id if request.id else ''}.{fmt}"
            headers["Content-Disposition"] = f'inline; filename="{name}"'
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)

    # the cache key: the request's filters and language (the view is in the path)
    params = {k: v for k, v in asdict(request).items() if k != "view"}
    return await cached(
        reading.request,
        who=reading.who,
        limit=MAPS,
        params=params,
        variant=fmt,
        render=render_map,
    )


@router.get("/maps/assets/{name}", include_in_schema=False)
def map_asset(name: str) -> Response:
    """The vendored vis-network and the maps' style sheet (the web UI needs no CDN)."""
    if name not in _ASSET_FILES:
        raise NotFound.said(N_("no map asset %(name)r"), name=name)
    return FileResponse(
        ASSETS / name,
        media_type=_ASSET_FILES[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )


# The words of the map pages, translated on the page (``{{ _(v.title) }}``).
#: each view's title
VIEW_TITLES = {
    "who-works-on-what": N_("Who works on what"),
    "group": N_("Priority group"),
    "phenomenon": N_("A phenomenon's network"),
    "organisation": N_("An organisation's network"),
    "collaboration": N_("Collaboration network"),
    "overview": N_("The whole network"),
}
#: what each view shows, for the maps index
VIEW_ABOUT = {
    "who-works-on-what": N_("organisations and the phenomena they have active measures on"),
    "collaboration": N_("organisations sharing phenomena or priority groups, by community"),
    "overview": N_("every organisation, phenomenon, group, goal and measure together"),
    "group": N_("one priority group (choose a group)"),
    "phenomenon": N_("one phenomenon's neighbourhood (from a phenomenon page)"),
    "organisation": N_("one organisation's neighbourhood (from an organisation page)"),
}
#: the labels of the filter form's fields
FILTER_LABELS = {
    "id": N_("Id"),
    "period": N_("Period"),
    "theme": N_("Theme"),
    "branch": N_("Administrative branch"),
    "group": N_("Priority group"),
    "radius": N_("Radius"),
    "focus": N_("Focused node"),
}


def _choices(driver: Any, settings: Any) -> dict[str, Any]:
    return run_query(driver, "map_choices", database=settings.neo4j_database)[0]


def _index(
    request: Request,
    driver: Any,
    settings: Any,
    who: Any,
    *,
    status_code: int = 200,
    error: str | None = None,
    done: str | None = None,
    replaced: bool = False,
) -> Response:
    """The maps page: the views, the priority groups' maps and the person's saved views
    (``done`` names the view just saved or replaced, ``error`` why a save was refused)."""
    views = [
        {
            "view": v,
            "title": VIEW_TITLES.get(v, v),
            "about": VIEW_ABOUT.get(v, ""),
            "needs_id": v in ID_VIEWS,
        }
        for v in VIEWS
    ]
    choices = _choices(driver, settings)
    mine = []
    if who.signed_in:
        rows = run_query(driver, "saved_views", database=settings.neo4j_database, owner=who.account)
        mine = [
            {
                **row,
                "url": f"/maps/{row['view']}" + (f"?{row['query']}" if row["query"] else ""),
                "title": VIEW_TITLES.get(row["view"], row["view"]),
                "saved": row["saved"].to_native() if row["saved"] else None,
            }
            for row in rows
        ]
    return render(
        request,
        "maps_index.html",
        status_code=status_code,
        views=views,
        groups=choices["groups"],
        saved_views=mine,
        save_error=error,
        save_done=done,
        save_replaced=replaced,
    )


@pages.get("/maps", response_class=HTMLResponse)
def maps_index(
    request: Request,
    driver: DriverDep,
    settings: SettingsDep,
    who: PersonDep,
    saved: Annotated[str | None, Query(max_length=64)] = None,
    replaced: bool = False,
) -> Response:
    """The maps page; ``saved`` names the view just saved (the save's redirect), and
    ``replaced`` says it took the place of an earlier view of its name."""
    return _index(request, driver, settings, who, done=saved, replaced=replaced)


#: what the id box of each id view resolves to (turva.queries.resolve's resource names)
_ID_TYPES = {"group": "priority-groups", "phenomenon": "phenomena", "organisation": "organisations"}
#: the id box's label: what a person types, not "id" (these tables of N_ words are
#: alike in shape only to graph/domain/words.py's: other words for other places)
ID_LABELS = {
    "group": N_("Priority group"),
    "phenomenon": N_("Phenomenon: name, abbreviation or id"),
    "organisation": N_("Organisation: name, abbreviation or id"),
}
#: the hint under the id box
ID_HINTS = {
    "phenomenon": N_("For example money laundering or cybercrime."),
    "organisation": N_("For example POHA, Poliisihallitus or Polisstyrelsen."),
}
#: ``period=all``: every period, where a view opens on the latest one by default
#: (turva.visualize.views.LATEST_PERIOD_VIEWS)
ALL_PERIODS = "all"
#: the longest text each field of the form takes
_MAX_LENGTH = {
    "id": 200,
    "period": 8,
    "theme": 64,
    "branch": 64,
    "group": 64,
    "radius": 2,
    "focus": 200,
}
_TOO_LONG = N_("%(field)s: the text is too long (at most %(max)s characters); shorten it")
_NOT_A_NUMBER = {
    "period": N_("Period must be a year such as 2021, not %(value)r"),
    "radius": N_("Radius must be 1, 2 or 3, not %(value)r"),
}


def _numbers(given: dict[str, str]) -> dict[str, int]:
    """The form's whole-number fields, or a :class:`BadArgument` naming the field."""
    numbers: dict[str, int] = {}
    for name in ("period", "radius"):
        if name in given and not (name == "period" and given[name] == ALL_PERIODS):
            try:
                numbers[name] = int(given[name])
            except ValueError:
                raise BadArgument.said(_NOT_A_NUMBER[name], value=given[name]) from None
    return numbers


def _choice_links(view: str, candidates: Any, lang: str) -> list[dict[str, str]]:
    """Links to the map of each candidate record (an ambiguous or unknown name)."""
    gettext = gettext_for(lang)
    extra = "" if lang == "fi" else f"&lang={lang}"
    return [
        {
            "url": f"/maps/{view}?{urlencode({'id': c.id})}{extra}",
            "name": c.name,
            "id": c.id,
            "type": gettext(RECORD_TYPES.get(c.type, c.type)),
        }
        for c in candidates
    ]


# (its parameters are alike in shape only to other functions' lists of keyword parameters)
@pages.get("/maps/{view}", response_class=HTMLResponse)
def map_page(
    request: Request,
    view: str,
    driver: DriverDep,
    settings: SettingsDep,
    id: str | None = None,
    period: str | None = None,
    theme: str | None = None,
    branch: str | None = None,
    group: str | None = None,
    radius: str | None = None,
    focus: str | None = None,
) -> Response:
    """A map inside the web UI: the filter form, the map, its legend, its text alternative,
    download links, and for a signed-in person the form that saves the view. The id box
    takes a name, an abbreviation or an id in any language; ``focus`` (a node id) is the
    node the page's script selects and centres on."""
    lang = choose_lang(request)
    gettext = gettext_for(lang)
    if view not in VIEWS:
        return render(
            request,
            "error.html",
            status_code=404,
            message=gettext(
                N_("There is no map view %(view)r. The maps are listed on the maps page.")
            )
            % {"view": view},
        )
    # a plain HTML form sends empty strings for "any": those mean no filter
    form = {
        "id": id,
        "period": period,
        "theme": theme,
        "branch": branch,
        "group": group,
        "radius": radius,
        "focus": focus,
    }
    given = {k: v.strip() for k, v in form.items() if v is not None and v.strip()}
    fragment = None
    error = None
    choices_title = None
    choice_links: list[dict[str, str]] = []
    shares: list[tuple[int, int, str]] = []
    status = 200
    record_id = given.get("id")
    try:
        for name, value in given.items():
            if len(value) > _MAX_LENGTH[name]:
                label = (
                    ID_LABELS.get(view, FILTER_LABELS["id"])
                    if name == "id"
                    else FILTER_LABELS[name]
                )
                raise BadArgument.said(_TOO_LONG, field=gettext(label), max=_MAX_LENGTH[name])
        numbers = _numbers(given)
        if record_id is not None and view in ID_VIEWS:
            found = resolve(
                driver, record_id, type=_ID_TYPES[view], lang=lang, database=settings.neo4j_database
            )
            if found.match is not None:
                record_id = found.match.id
            elif found.candidates:
                choices_title = gettext(N_("“%(text)s” fits several records. Choose one:")) % {
                    "text": record_id
                }
                choice_links = _choice_links(view, found.candidates, lang)
            else:
                status = 404
                error = gettext(N_("Nothing matches “%(text)s”.")) % {"text": record_id}
                if found.suggestions:
                    choices_title = gettext(N_("Did you mean:"))
                    choice_links = _choice_links(view, found.suggestions, lang)
        if error is None and not choice_links:
            map_request = MapRequest(
                view=view,
                id=record_id,
                period=numbers.get("period"),
                all_periods=given.get("period") == ALL_PERIODS,
                theme=given.get("theme"),
                branch=given.get("branch"),
                group=given.get("group"),
                radius=numbers.get("radius"),
                lang=lang,
            )
            graph = read_map(driver, map_request, database=settings.neo4j_database)
            fragment, shares = map_section(graph, base_url="", lang=lang)
    except BadArgument as e:
        error, status = e.text_in(lang), 422
    except NotFound as e:
        error, status = e.text_in(lang), 404
    resolved = {**given, **({"id": record_id} if record_id else {})}
    filters_only = {k: v for k, v in resolved.items() if k != "focus"}
    query = urlencode({**filters_only, **({"lang": lang} if lang != "fi" else {})})
    downloads = [
        {"format": f, "url": f"/api/v1/maps/{view}.{f}" + (f"?{query}" if query else "")}
        for f in FORMATS
    ]
    choices = _choices(driver, settings)
    return render(
        request,
        "maps.html",
        status_code=status,
        view=view,
        view_title=VIEW_TITLES.get(view, view),
        views=[{"view": v, "title": VIEW_TITLES.get(v, v)} for v in VIEWS if v not in ID_VIEWS],
        filters=VIEW_FILTERS[view],
        needs_id=view in ID_VIEWS,
        latest_default=view in LATEST_PERIOD_VIEWS,
        id_label=ID_LABELS.get(view, FILTER_LABELS["id"]),
        id_hint=ID_HINTS.get(view),
        form=given,
        choices=choices,
        fragment=fragment,
        shares=shares,
        error=error,
        choices_title=choices_title,
        choice_links=choice_links,
        downloads=downloads,
        labels=FILTER_LABELS,
        # the saved-view form's query: the page's own (map.js keeps it current)
        view_query=urlencode(_canonical(view, resolved)),
        name_max=saved_views.MAX_NAME,
    )


#: a saved view's query keys, in the order its link writes them (``focus``: the node the
#: page selects, a vis node id such as ``organisation:POHA``)
_QUERY_KEYS = ("id", "period", "theme", "branch", "group", "radius", "focus", "lang")


def _canonical(view: str, values: dict[str, str]) -> list[tuple[str, str]]:
    """The keys of ``values`` a map of ``view`` takes, in :data:`_QUERY_KEYS` order.

    >>> _canonical("overview", {"focus": "theme:T1", "period": "2021", "theme": "x"})
    [('period', '2021'), ('focus', 'theme:T1')]
    """
    takes = {*VIEW_FILTERS.get(view, ()), "focus", "lang", *(["id"] if view in ID_VIEWS else [])}
    return [(k, values[k]) for k in _QUERY_KEYS if k in takes and values.get(k)]


def _checked_query(view: str, query: str) -> str:
    """A saved view's query as its link will write it, or a :class:`BadArgument` naming
    the field: only this map's filters, the focus and the language, each once and within
    its length (a query made by hand, or forged, is refused rather than cleaned up)."""
    query = query.strip().lstrip("?")
    if len(query) > saved_views.MAX_QUERY:
        raise BadArgument.said(
            N_("query: a view keeps at most %(max)s characters of filters"),
            max=saved_views.MAX_QUERY,
        )
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise BadArgument.said(N_("query: %(query)r is not a map's query"), query=query) from None
    values: dict[str, str] = {}
    allowed = {k for k, _ in _canonical(view, dict.fromkeys(_QUERY_KEYS, "x"))}
    for key, value in pairs:
        if key not in allowed or key in values:
            raise BadArgument.said(
                N_("query: %(key)r is not a filter of this map, or it is given twice"), key=key
            )
        if len(value) > _MAX_LENGTH.get(key, 2):
            raise BadArgument.said(N_("query: the value of %(key)r is too long"), key=key)
        values[key] = value.strip()
    if values.get("lang", "fi") not in LANGS:
        raise BadArgument.said(N_("query: the language must be fi, sv or en"))
    if view in ID_VIEWS and not values.get("id"):
        raise BadArgument.said(N_("query: this map needs the id of its record"))
    return urlencode(_canonical(view, values))


async def _form_text(request: Request, name: str) -> str:
    value = (await request.form()).get(name)
    return value if isinstance(value, str) else ""


@pages.post("/maps/views", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def save_view(
    request: Request, driver: DriverDep, settings: SettingsDep, who: PersonDep
) -> Response:
    """Save the map view the form names (``name``, ``view``, ``query``) for the signed-in
    person; a view of the same name is replaced. Then back to ``/maps``, which lists it."""
    if not who.signed_in or who.account is None:
        raise LoginRequired("/maps")
    name = await _form_text(request, "name")
    view = (await _form_text(request, "view")).strip()
    query = await _form_text(request, "query")
    try:
        if view not in VIEWS:
            raise BadArgument.said(N_("view: there is no map view %(view)r"), view=view)
        saved, replaced = await run_in_threadpool(
            saved_views.save_view,
            driver,
            who.account,
            name,
            view,
            _checked_query(view, query),
            database=settings.neo4j_database,
        )
    except BadArgument as e:
        return await run_in_threadpool(
            _index,
            request,
            driver,
            settings,
            who,
            status_code=422,
            error=e.text_in(choose_lang(request)),
        )
    more = "&replaced=true" if replaced else ""
    return RedirectResponse(f"/maps?saved={saved.id}{more}#saved-views", status_code=303)


@pages.post(
    "/maps/views/{view_id}/delete",
    response_class=HTMLResponse,
    dependencies=[Depends(verify_csrf)],
)
async def delete_view(
    request: Request, view_id: str, driver: DriverDep, settings: SettingsDep, who: PersonDep
) -> Response:
    """Delete one of the signed-in person's saved views; another person's view is not
    found (404), exactly as one that does not exist."""
    if not who.signed_in or who.account is None:
        raise LoginRequired("/maps")
    try:
        await run_in_threadpool(
            saved_views.delete_view,
            driver,
            who.account,
            view_id[:64],
            database=settings.neo4j_database,
        )
    except NotFound as e:
        return render(
            request, "error.html", status_code=404, message=e.text_in(choose_lang(request))
        )
    return RedirectResponse("/maps#saved-views", status_code=303)


router.include_router(pages)
