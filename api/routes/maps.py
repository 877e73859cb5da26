"""Network maps over HTTP: ``/api/v1/maps/{view}.{format}`` and the web pages ``/maps/...``.

The API returns a map as a standalone offline HTML file, GraphML, GEXF, node-link JSON or
a PNG. The pages show a map inside the web UI with its legend and the filters as a plain
HTML form; vis-network is served from ``/maps/assets/`` (no CDN, works offline).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from turva.api.auth import PAGE_GUARD, ReaderDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.problems import problem_responses
from turva.api.web import render
from turva.graph.errors import BadArgument, NotFound
from turva.queries.runner import run_query
from turva.visualize import (
    FORMATS,
    ID_VIEWS,
    MEDIA_TYPES,
    VIEW_FILTERS,
    VIEWS,
    MapRequest,
    read_map,
)
from turva.visualize.export import export_map
from turva.visualize.render import ASSETS, render_fragment
from turva.visualize.style import text

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
    },
)
def map_file(
    view: MapView,
    fmt: MapFormat,
    driver: DriverDep,
    settings: SettingsDep,
    _: ReaderDep,
    id: IdQuery = None,
    period: PeriodQuery = None,
    theme: ThemeQuery = None,
    branch: BranchQuery = None,
    group: GroupQuery = None,
    radius: RadiusQuery = None,
    lang: Literal["fi", "sv", "en"] = "fi",
) -> Response:
    """The map of ``view`` (who-works-on-what, group, phenomenon, organisation,
    collaboration, overview) with the filters each view takes. HTML maps are standalone
    and offline; their node links point to this service's pages."""
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
    graph = read_map(driver, request, database=settings.neo4j_database)
    body = export_map(graph, fmt.value, base_url="", lang=lang)
    headers = {}
    if fmt.value != "html":
        name = f"{view.value}{'-' + request.id if request.id else ''}.{fmt.value}"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(body, media_type=MEDIA_TYPES[fmt.value], headers=headers)


@router.get("/maps/assets/{name}", include_in_schema=False)
def map_asset(name: str) -> Response:
    """The vendored vis-network and the maps' style sheet (the web UI needs no CDN)."""
    if name not in _ASSET_FILES:
        raise NotFound(f"no map asset {name!r}")
    return FileResponse(
        ASSETS / name,
        media_type=_ASSET_FILES[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )


_PAGE_WORDS = {
    "maps": ("Verkostokartat", "Network maps"),
    "show": ("Näytä", "Show"),
    "any": ("kaikki", "any"),
    "download": ("Lataa", "Download"),
    "id": ("Tunniste (id)", "Id"),
    "intro": (
        "Kartat näyttävät, kuka tekee mitä: organisaatiot, ilmiöt, painopisteryhmät, "
        "tavoitteet ja toimenpiteet verkostona. Valitse näkymä:",
        "The maps show who works on what: organisations, phenomena, priority groups, goals "
        "and measures as a network. Choose a view:",
    ),
    "who-works-on-what": (
        "organisaatiot ja ilmiöt, joihin niillä on aktiivisia toimenpiteitä",
        "organisations and the phenomena they have active measures on",
    ),
    "collaboration": (
        "organisaatiot, jotka jakavat ilmiöitä tai painopisteryhmiä, yhteisöittäin",
        "organisations sharing phenomena or priority groups, by community",
    ),
    "overview": ("koko verkosto", "the whole graph"),
    "group": ("yksi painopisteryhmä (valitse ryhmä)", "one priority group (choose a group)"),
    "phenomenon": (
        "yhden ilmiön lähiverkosto (ilmiösivun linkistä)",
        "one phenomenon's neighbourhood (from a phenomenon page)",
    ),
    "organisation": (
        "yhden organisaation lähiverkosto (organisaatiosivun linkistä)",
        "one organisation's neighbourhood (from an organisation page)",
    ),
}


def _word(key: str, lang: str) -> str:
    fi, en = _PAGE_WORDS[key]
    return fi if lang == "fi" else en


def _choices(driver: Any, settings: Any) -> dict[str, Any]:
    return run_query(driver, "map_choices", database=settings.neo4j_database)[0]


@pages.get("/maps", response_class=HTMLResponse)
def maps_index(request: Request, driver: DriverDep, settings: SettingsDep) -> Response:
    lang = choose_lang(request)
    views = [
        {"view": v, "title": text(v, lang), "about": _word(v, lang), "needs_id": v in ID_VIEWS}
        for v in VIEWS
    ]
    choices = _choices(driver, settings)
    return render(
        request,
        "maps_index.html",
        views=views,
        groups=choices["groups"],
        heading=_word("maps", lang),
        intro=_word("intro", lang),
    )


@pages.get("/maps/{view}", response_class=HTMLResponse)
def map_page(
    request: Request,
    view: str,
    driver: DriverDep,
    settings: SettingsDep,
    id: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str | None, Query(max_length=8)] = None,
    theme: Annotated[str | None, Query(max_length=64)] = None,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    group: Annotated[str | None, Query(max_length=64)] = None,
    radius: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    """A map inside the web UI: the filter form, the map, its legend, download links."""
    lang = choose_lang(request)
    if view not in VIEWS:
        return render(
            request,
            "error.html",
            status_code=404,
            message=f"no map view {view!r}; views: {', '.join(VIEWS)}",
        )
    # a plain HTML form sends empty strings for "any": those mean no filter
    form = {
        "id": id,
        "period": period,
        "theme": theme,
        "branch": branch,
        "group": group,
        "radius": radius,
    }
    given = {k: v for k, v in form.items() if v not in (None, "")}
    fragment = None
    error = None
    status = 200
    try:
        numbers = {}
        for name in ("period", "radius"):
            if name in given:
                try:
                    numbers[name] = int(str(given[name]))
                except ValueError:
                    raise BadArgument(
                        f"{name} must be a whole number, not {given[name]!r}"
                    ) from None
        map_request = MapRequest(
            view=view,
            id=given.get("id"),
            period=numbers.get("period"),
            theme=given.get("theme"),
            branch=given.get("branch"),
            group=given.get("group"),
            radius=numbers.get("radius"),
            lang=lang,
        )
        graph = read_map(driver, map_request, database=settings.neo4j_database)
        fragment = render_fragment(graph, base_url="", lang=lang)
    except BadArgument as e:
        error, status = str(e), 422
    except NotFound as e:
        error, status = str(e), 404
    query = urlencode({k: v for k, v in given.items()})
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
        view_title=text(view, lang),
        views=[{"view": v, "title": text(v, lang)} for v in VIEWS if v not in ID_VIEWS],
        filters=VIEW_FILTERS[view],
        needs_id=view in ID_VIEWS,
        form=given,
        choices=choices,
        fragment=fragment,
        error=error,
        downloads=downloads,
        words={
            "show": _word("show", lang),
            "any": _word("any", lang),
            "download": _word("download", lang),
            "id": _word("id", lang),
            **{
                f: text(f"filter.{f}", lang)
                for f in ("period", "theme", "branch", "group", "radius")
            },
        },
    )


router.include_router(pages)
