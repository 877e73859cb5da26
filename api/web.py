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

What a page shows of a record is its name, never a bare id: :func:`_names` fetches the
names (with an organisation's abbreviation, a group's number and each record's source)
and the ``ref`` macro of ``_macros.html`` writes the link, the id in small text beside
it and the record's provenance. A page built partly on illustrative data opens with
``illustrative_banner``; the analysis pages open with their definitions
(:mod:`turva.queries.definitions`) and their tables sort on the server
(:mod:`turva.api.sorting`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from neo4j import Driver

from turva.api.auth import ANONYMOUS, PAGE_GUARD
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import COOKIE as LANG_COOKIE
from turva.api.i18n import (
    LANG_NAMES,
    LANGS,
    asked_lang,
    choose_lang,
    page_words,
    text_and_lang,
    text_in,
)
from turva.api.indicator_views import phenomenon_indicators
from turva.api.problems import ProblemError
from turva.api.search import search
from turva.api.sessions import csrf_field
from turva.api.sorting import headers, sort_rows, sorting_of
from turva.graph.domain.model import ACTIVE_STATUSES
from turva.graph.domain.provenance import PROVENANCE_WORDS, provenance
from turva.graph.domain.schema import NODE_TYPES, label, node_type
from turva.graph.domain.words import BODY_KINDS, ORGANISATION_KINDS, RECORD_TYPES, ROLES, STATUSES
from turva.graph.errors import BadArgument, NotFound, TurvaError
from turva.graph.messages import N_, gettext_for
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.queries import Analyses
from turva.queries.definitions import ANALYSIS_DEFINITIONS, DEFINITIONS
from turva.queries.results import AnalysisResult
from turva.queries.runner import run_query
from turva.queries.tables import ID_COLUMNS
from turva.queries.words import SECTION_TITLES, column_words

__all__ = ["router", "templates", "render"]

#: every path of this module: the pages (included at the end) and the login form
router = APIRouter(include_in_schema=False)
#: the pages: when reads need a token, each needs the login cookie (else 303 to /login)
pages = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

#: the page of one record of each resource (the kinds of :func:`_names` and ``ref``)
REF_PATHS = {
    "phenomena": "/phenomena/",
    "indicators": "/indicators/",
    "organisations": "/organisations/",
    "priority-groups": "/groups/",
    "measures": "/measures/",
    "goals": "/goals/",
    "branches": "/branches/",
    "themes": "/themes/",
    "bodies": "/bodies/",
}
#: the node label of each resource
KIND_LABELS = {store.resource_name(nt.section): nt.label for nt in NODE_TYPES}

templates.env.globals.update(
    # a missing ``source`` (an absent key is Jinja's Undefined) is unsourced
    PROVENANCE=lambda source: provenance(source if isinstance(source, str) else None),
    PROVENANCE_WORDS=PROVENANCE_WORDS,
    text_in=text_in,
    STATUSES=STATUSES,
    ROLES=ROLES,
    ORGANISATION_KINDS=ORGANISATION_KINDS,
    BODY_KINDS=BODY_KINDS,
    RECORD_TYPES=RECORD_TYPES,
    GAP_SECTIONS=SECTION_TITLES,
    REF_PATHS=REF_PATHS,
    DEFINITIONS=DEFINITIONS,
    # every form's hidden CSRF field (turva.api.sessions)
    csrf_field=csrf_field,
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
        {
            **page_words(lang),
            "languages": switch,
            "status_code": status_code,
            "named": {},
            # the signed-in person (the pages' guard or the route found them), for the header
            "person": getattr(request.state, "person", None) or ANONYMOUS,
            **context,
        },
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


def _names(
    driver: Driver, settings: Settings, wanted: Mapping[str, Iterable[str | None]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """What the ``ref`` macro shows of each record: resource -> id -> ``text`` (its
    multilingual name, title or text), ``abbreviation``, ``number`` and ``source``.

    ``wanted`` maps a resource name (a key of :data:`REF_PATHS`) to ids; ``None`` and
    unknown ids are left out (``ref`` then shows the id itself)."""
    named: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, ids in wanted.items():
        present = sorted({i for i in ids if i})
        if not present:
            named.setdefault(kind, {})
            continue
        rows = _read(driver, settings, "page_texts", label=label(KIND_LABELS[kind]), ids=present)
        named.setdefault(kind, {}).update(
            {
                r["id"]: {
                    "text": {k: v for k, v in r["text"].items() if v},
                    "abbreviation": r["abbreviation"],
                    "number": r["number"],
                    "source": r["source"],
                }
                for r in rows
            }
        )
    return named


def _shown(named: Mapping[str, Mapping[str, Any]], kind: str, id: str | None, lang: str) -> str:
    """The text ``ref`` shows for a record: the sort key of a column of names."""
    entry = named.get(kind, {}).get(id or "")
    if entry is None:
        return id or ""
    if kind == "organisations" and entry["abbreviation"]:
        return str(entry["abbreviation"])
    text = text_and_lang(entry["text"], lang)[0] or (id or "")
    return f"{entry['number']:03d} {text}" if entry.get("number") is not None else text


def _members_in_order(
    members: Iterable[Mapping[str, Any]], named: Mapping[str, Mapping[str, Any]], lang: str
) -> list[Mapping[str, Any]]:
    """The members of a group or body as a page lists them: the lead first, then by the
    name shown."""
    return sorted(
        members,
        key=lambda m: (
            m.get("role") != "lead",
            _shown(named, "organisations", m["organisation"], lang).casefold(),
        ),
    )


def _illustrative(sources: Iterable[str | None]) -> tuple[int, int]:
    """(shown, illustrative) of the records or relationships with these ``source`` values."""
    values = list(sources)
    return len(values), sum(1 for s in values if provenance(s) == "illustrative")


def _definitions(*keys: str) -> list[str]:
    """The (untranslated) definitions named, those :data:`DEFINITIONS` has, in order."""
    return [DEFINITIONS[k] for k in dict.fromkeys(keys) if k in DEFINITIONS]


def _read(driver: Driver, settings: Settings, name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of query file ``queries/{name}.cypher``."""
    return run_query(driver, name, settings.neo4j_database, **params)


def _not_found(request: Request, kind: str, id: str) -> HTMLResponse:
    """The 404 page for record ``id`` of ``kind`` (a resource name, e.g. ``phenomena``)."""
    _ = gettext_for(choose_lang(request))
    return render(request, "error.html", status_code=404, message=f"{_(RECORD_TYPES[kind])} {id}")


def _bad_input(request: Request, error: TurvaError) -> HTMLResponse:
    """The 422 page naming the field and the fix, in the reader's language."""
    return render(
        request, "error.html", status_code=422, message=error.text_in(choose_lang(request))
    )


@dataclass
class Page:
    """What a page's body works with: the request, where to read, and the names of the
    records it shows (:meth:`names` keeps them in ``named``, for the ``ref`` macro)."""

    request: Request
    driver: Driver
    settings: Settings
    named: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return choose_lang(self.request)

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of query file ``queries/{name}.cypher``."""
        return _read(self.driver, self.settings, name, **params)

    def names(
        self, wanted: Mapping[str, Iterable[str | None]]
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """The names of the records ``wanted`` (see :func:`_names`), kept in ``named``."""
        self.named = _names(self.driver, self.settings, wanted)
        return self.named

    def shown(self, kind: str, id: str | None) -> str:
        """The text ``ref`` shows for a record of the names kept: a key to sort by."""
        return _shown(self.named, kind, id, self.lang)

    def members_in_order(self, members: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """Members as a page lists them (see :func:`_members_in_order`)."""
        return _members_in_order(members, self.named, self.lang)

    def bad_input(self, error: TurvaError) -> HTMLResponse:
        """The 422 page naming the field and the fix."""
        return _bad_input(self.request, error)


def _page(request: Request, driver: DriverDep, settings: SettingsDep) -> Page:
    return Page(request, driver, settings)


#: a page's :class:`Page`: one dependency, so that a page's own query parameters follow it
PageDep = Annotated[Page, Depends(_page)]


@dataclass
class RecordView(Page):
    """A record page's :class:`Page`: the ``record`` asked for (its ``id``) and the
    ``rows`` of each of the page's own queries about it."""

    id: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


#: a record page's body: the view -> what else its template shows (or a page of its own)
RecordPage = Callable[[RecordView], Mapping[str, Any] | Response]


def _record_page(
    path: str,
    section: str,
    template: str,
    reads: tuple[str, ...] = (),
    on: APIRouter | None = None,
) -> Callable[[RecordPage], Any]:
    """A page about one record of ``section`` on router ``on`` (this module's pages by
    default), shown by ``{template}.html``: it reads the record and the rows of each query
    of ``reads`` (``queries/page_{template}_{name}.cypher`` with the record's id), and the
    decorated function adds the rest; the template gets ``record``, each query's rows
    under its name, ``named`` and that rest. When there is no such record, the 404 page
    names the record's type and the id."""

    def decorate(build: RecordPage) -> Any:
        def page(id: str, asked: PageDep) -> Response:
            try:
                record = store.get_record(asked.driver, section, id, asked.settings.neo4j_database)
            except NotFound:
                return _not_found(asked.request, store.resource_name(section), id)
            rows = {name: asked.read(f"page_{template}_{name}", id=id) for name in reads}
            view = RecordView(asked.request, asked.driver, asked.settings, {}, id, record, rows)
            context = build(view)
            if isinstance(context, Response):
                return context
            return render(
                view.request,
                f"{template}.html",
                record=record,
                kind_word=RECORD_TYPES[store.resource_name(section)],
                title_text=record.get(node_type(section).text_field),
                named=view.named,
                **{**rows, **context},
            )

        # the route's name, as if the page were the decorated function itself
        page.__name__ = page.__qualname__ = build.__name__
        page.__doc__ = build.__doc__
        return (on or pages).get(path, response_class=HTMLResponse)(page)

    return decorate


#: a text box's query parameter (a search, an organisation's name)
TextQuery = Annotated[str, Query(max_length=200)]


@pages.get("/search", response_class=HTMLResponse)
def search_page(page: PageDep, q: TextQuery = "") -> Response:
    database = page.settings.neo4j_database
    hits = search(page.driver, q, limit=50, database=database) if q.strip() else []
    return render(page.request, "search.html", q=q, hits=[h.public() for h in hits])


@_record_page(
    "/phenomena/{id}",
    "phenomena",
    "phenomenon",
    ("narrower", "measures", "goals", "groups", "indicators"),
)
def phenomenon_page(view: RecordView) -> Mapping[str, Any]:
    record, measures, goals = view.record, view.rows["measures"], view.rows["goals"]
    actors = Analyses(view.driver, view.settings.neo4j_database).who_addresses(view.id).actors
    by_branch: dict[str | None, list[Any]] = defaultdict(list)
    for actor in actors:
        by_branch[actor.branch].append(actor)
    named = view.names(
        {
            "organisations": [
                *(a.organisation for a in actors),
                *(r["organisation"] for m in measures for r in m["responsible"]),
            ],
            "branches": [a.branch for a in actors],
            "measures": [m for a in actors for m in a.measures],
            "priority-groups": [
                *(g for a in actors for g in a.groups),
                *(g["group"] for g in goals),
                *(g["id"] for g in view.rows["groups"]),
            ],
            "phenomena": [record.get("parent"), *(c["id"] for c in view.rows["narrower"])],
            "themes": record.get("themes", []),
            "goals": [g["id"] for g in goals],
        }
    )
    branches = sorted(
        by_branch.items(),
        key=lambda item: (item[0] is None, view.shown("branches", item[0]).casefold()),
    )
    via_measures = sorted({m for a in actors for m in a.measures})
    # every measure the page shows, once: those behind the actors (narrower phenomena
    # included) and those addressing this phenomenon directly (any status)
    measure_sources = {m: named["measures"].get(m, {}).get("source") for m in via_measures}
    measure_sources.update({m["id"]: m["source"] for m in measures})
    return {
        "branches": branches,
        "actor_count": len(actors),
        "via_measure_count": len(via_measures),
        "shares": [
            (*_illustrative(measure_sources.values()), N_("measures")),
            (*_illustrative(g["source"] for g in goals), N_("goals")),
        ],
        "today": dt.date.today(),
        "definitions": _definitions(
            *ANALYSIS_DEFINITIONS.get("who_addresses", ()),
            "active_measure",
            "addressed_directly",
            "including_narrower",
        ),
        # the indicators measuring it, their charts and the goals' progress (after names)
        **phenomenon_indicators(view),
    }


@_record_page("/organisations/{id}", "organisations", "organisation", ("children",))
def organisation_page(view: RecordView) -> Mapping[str, Any]:
    profile = Analyses(view.driver, view.settings.neo4j_database).profile(view.id)
    named = view.names(
        {
            "priority-groups": [g.id for g in profile.groups],
            "bodies": [b.id for b in profile.bodies],
            "measures": [m.id for m in profile.measures],
            "phenomena": profile.phenomena,
            "branches": [profile.branch],
            "organisations": [profile.parent, *(c["id"] for c in view.rows["children"])],
        }
    )
    shares = [
        (
            *_illustrative(named["measures"].get(m.id, {}).get("source") for m in profile.measures),
            N_("measures"),
        ),
        (
            *_illustrative(
                [*(g.source for g in profile.groups), *(b.source for b in profile.bodies)]
            ),
            N_("memberships"),
        ),
        (*_illustrative(m.source for m in profile.measures), N_("responsibilities")),
    ]
    return {"profile": profile, "shares": shares}


@_record_page("/groups/{id}", "priority_groups", "group", ("goals",))
def group_page(view: RecordView) -> Mapping[str, Any]:
    record, goals = view.record, view.rows["goals"]
    for goal in goals:
        goal["measures"] = [m for m in goal["measures"] if m["id"] is not None]
        goal["deadline"] = str(goal["deadline"]) if goal["deadline"] else None
    named = view.names(
        {
            "organisations": [m["organisation"] for m in record["members"]],
            "phenomena": record["focuses_on"],
            "themes": record.get("themes", []),
        }
    )
    members = view.members_in_order(record["members"])
    measures = {m["id"]: m for g in goals for m in g["measures"]}
    shares = [
        (
            *_illustrative(
                named["phenomena"].get(p, {}).get("source") for p in record["focuses_on"]
            ),
            N_("phenomena"),
        ),
        (*_illustrative(m.get("source") for m in members), N_("memberships")),
        (*_illustrative(g["source"] for g in goals), N_("goals")),
        (*_illustrative(m["source"] for m in measures.values()), N_("measures")),
    ]
    return {"members": members, "shares": shares}


def overdue(record: Mapping[str, Any], today: dt.date) -> bool:
    """Whether a measure is active (planned or ongoing) and past its ``end``.

    >>> overdue({"status": "ongoing", "end": "2020-12-31"}, dt.date(2026, 1, 1))
    True
    >>> overdue({"status": "done", "end": "2020-12-31"}, dt.date(2026, 1, 1))
    False
    """
    end = record.get("end")
    if end is None or record.get("status") not in ACTIVE_STATUSES:
        return False
    day = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)[:10])
    return day < today


@_record_page("/measures/{id}", "measures", "measure")
def measure_page(view: RecordView) -> Mapping[str, Any]:
    record = view.record
    advances = record.get("advances", [])
    goal_groups = {
        row["id"]: row["group"] for row in view.read("page_measure_goal_groups", ids=advances)
    }
    view.names(
        {
            "organisations": [r["organisation"] for r in record["responsible"]],
            "phenomena": record["addresses"],
            "goals": advances,
            "priority-groups": goal_groups.values(),
        }
    )
    today = dt.date.today()
    shares = [
        (*_illustrative([record.get("source")]), N_("measures")),
        (*_illustrative(r.get("source") for r in record["responsible"]), N_("responsibilities")),
    ]
    return {
        "goal_groups": goal_groups,
        "today": today,
        "is_overdue": overdue(record, today),
        "shares": shares,
    }


def _gap_heading(section: str, column: str) -> str:
    """The (untranslated) heading of a gap report column: ``id`` names the section's record."""
    kind = id_kind(section, column)
    if column == "id" and kind:
        return RECORD_TYPES[kind]
    return column_words("gaps", column) or column


def id_kind(section: str, column: str) -> str | None:
    """The resource whose ids a cell of an analysis table holds (the tables module's
    :data:`~turva.queries.tables.ID_COLUMNS`, the one list of them), or None for a plain
    value: a count, a date, the Jaccard index.

    >>> id_kind("group_overlaps", "shared_members"), id_kind("group_overlaps", "jaccard")
    ('organisations', None)
    """
    kind = ID_COLUMNS.get((section, column))
    return kind if kind in REF_PATHS else None


#: the filters of the analysis pages: query parameter -> the choices' key
FILTERS = ("branch", "theme", "group")


def _asked_filters(
    branch: Annotated[str | None, Query(max_length=200)] = None,
    theme: Annotated[str | None, Query(max_length=200)] = None,
    group: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, str | None]:
    """The filters of an analysis page's address (an empty choice is no filter)."""
    return {"branch": branch or None, "theme": theme or None, "group": group or None}


#: the ``branch``, ``theme`` and ``group`` query parameters of an analysis page
FiltersDep = Annotated[dict[str, str | None], Depends(_asked_filters)]


def _filter_choices(driver: Driver, settings: Settings) -> dict[str, Any]:
    """The choices of the filter form: branches, themes and priority groups with names."""
    row = _read(driver, settings, "map_choices")[0]
    return {"branch": row["branches"], "theme": row["themes"], "group": row["groups"]}


def _check_filters(choices: Mapping[str, Any], asked: Mapping[str, str | None]) -> None:
    """Refuse a filter value the graph does not have, naming the field."""
    for name in FILTERS:
        value = asked.get(name)
        if value and value not in {c["id"] for c in choices[name]}:
            raise BadArgument.said(
                N_("%(field)s: no such id %(value)s; choose one from the list"),
                field=name,
                value=repr(value),
            )


def _given(filters: Mapping[str, str | None]) -> dict[str, str]:
    """The filters a reader chose (an analysis is called with no others)."""
    return {k: v for k, v in filters.items() if v}


def _downloads(
    analysis: str, params: Mapping[str, Any], path: str | None = None
) -> list[dict[str, str]]:
    """The download links of an analysis page: CSV, CSV for Excel and XLSX, same filters;
    from ``/api/v1/analysis/{analysis}``, or from the API ``path`` given.

    >>> [d["url"] for d in _downloads("gaps", {"lang": "fi", "branch": None})][1]
    '/api/v1/analysis/gaps?lang=fi&format=csv&dialect=excel-fi'
    """
    # a list (what-if's organisations) is repeated: ?without=A&without=B
    kept = {
        k: v if isinstance(v, list) else str(v) for k, v in params.items() if v not in (None, "")
    }
    base = path or f"/api/v1/analysis/{analysis}"
    return [
        {
            "label": label_,
            "format": fmt,
            "url": f"{base}?" + urlencode({**kept, **extra}, doseq=True),
        }
        for label_, fmt, extra in (
            (N_("CSV"), "csv", {"format": "csv"}),
            (N_("CSV for Excel"), "csv", {"format": "csv", "dialect": "excel-fi"}),
            (N_("Excel (XLSX)"), "xlsx", {"format": "xlsx"}),
        )
    ]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _ids(cell: Any) -> list[str]:
    """The ids of a table cell (lists of ids are one space-separated cell)."""
    return str(cell or "").split()


def _wanted(result: AnalysisResult) -> dict[str, list[str]]:
    """resource -> the ids an analysis result's tables name (what :func:`_names` fetches)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for name, rows in result.tables().items():
        for row in rows:
            for column, value in row.items():
                kind = id_kind(name, column)
                if kind:
                    wanted[kind].extend(_ids(value))
    return wanted


def _result_sections(
    request: Request,
    driver: Driver,
    settings: Settings,
    result: AnalysisResult,
    heading_of: Callable[[str, str], str] | None = None,
) -> tuple[dict[str, dict[str, dict[str, Any]]], list[dict[str, Any]]]:
    """The names an analysis result's tables show and its page sections (see
    :func:`_table_sections`, which may raise :class:`BadArgument`)."""
    named = _names(driver, settings, _wanted(result))
    return named, _table_sections(request, result, named, heading_of)


def _table_sections(
    request: Request,
    result: AnalysisResult,
    named: Mapping[str, Mapping[str, Any]],
    heading_of: Callable[[str, str], str] | None = None,
) -> list[dict[str, Any]]:
    """The sections of an analysis page (``_analysis_sections.html``): ``name``, ``title``,
    sortable ``headers`` and ``rows`` of ``(kind, value)`` cells, sorted by the names shown;
    ``records`` keeps the sorted rows themselves. ``heading_of`` gives a column's heading
    (the column's words by default).

    Raises :class:`BadArgument` for a ``sort`` none of the tables has."""
    lang = choose_lang(request)
    tables = result.tables()
    sortings = {
        name: sorting_of(request.query_params, columns, table=name)
        for name, columns in result.columns().items()
    }
    asked = request.query_params.get("sort")
    if asked and all(s.column is None for s in sortings.values()):
        raise BadArgument.said(
            N_("sort: unknown column %(value)s; use one of %(choices)s"),
            value=repr(asked),
            choices=", ".join(f"{n}.{c}" for n, cols in result.columns().items() for c in cols),
        )
    out = []
    for name, columns in result.columns().items():
        sorting = sortings[name]

        def key(row: dict[str, Any], column: str, name: str = name) -> Any:
            kind = id_kind(name, column)
            if kind is None:
                return _plain(row[column])
            return " ".join(_shown(named, kind, i, lang) for i in _ids(row[column]))

        rows = sort_rows(tables[name], sorting, key)
        labels = [
            (c, heading_of(name, c) if heading_of else column_words(name, c) or c) for c in columns
        ]
        out.append(
            {
                "name": name,
                "title": SECTION_TITLES.get(name, name),
                "headers": headers(request.url, sorting, labels),
                "rows": [[(id_kind(name, c), row[c]) for c in columns] for row in rows],
                "records": rows,
            }
        )
    return out


def render_analysis(
    request: Request,
    analysis: str,
    choices: Mapping[str, Any],
    filters: Mapping[str, str | None],
    params: Mapping[str, Any],
    **context: Any,
) -> HTMLResponse:
    """Render the page of ``analysis`` (its template is ``{analysis}.html``) with its filter
    form (``choices``, ``filters``), its downloads (the API's same result with ``params``,
    the filters added) and its definitions, besides ``context``."""
    return render(
        request,
        f"{analysis}.html",
        choices=choices,
        filters=filters,
        downloads=_downloads(analysis, {**params, **filters, "lang": choose_lang(request)}),
        definitions=_definitions(*ANALYSIS_DEFINITIONS.get(analysis, ())),
        **context,
    )


#: an analysis page's illustrative banner: (result, named, sections) -> its shares
Shares = Callable[[Any, Mapping[str, Mapping[str, Any]], list[dict[str, Any]]], list[Any]]


def table_analysis_page(
    page: Page,
    analysis: str,
    filters: Mapping[str, str | None],
    run: Callable[[Analyses, dict[str, str]], Any],
    params: Callable[[Any], Mapping[str, Any]],
    shares: Shares,
    heading_of: Callable[[str, str], str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The page of an analysis of result tables with the filter form (``{analysis}.html``
    after ``_analysis_tables.html``): ``run(analyses, filters chosen)`` makes the result,
    ``params(result)`` the downloads' parameters and ``shares`` the banner; its tables
    are the page's sections (columns headed by ``heading_of``). A filter or a sort the
    graph does not have is answered with the 422 page."""
    analyses = Analyses(page.driver, page.settings.neo4j_database)
    choices = _filter_choices(page.driver, page.settings)
    try:
        _check_filters(choices, filters)
        result = run(analyses, _given(filters))
        named, sections = _result_sections(
            page.request, page.driver, page.settings, result, heading_of
        )
    except TurvaError as e:
        return _bad_input(page.request, e)
    return render_analysis(
        page.request,
        analysis,
        choices,
        filters,
        params(result),
        sections=sections,
        named=named,
        periods=analyses.periods(),
        shares=shares(result, named, sections),
        **{analysis: result},
        **(extra or {}),
    )


#: a period asked for (a year); none: the latest
PeriodQuery = Annotated[int | None, Query(ge=1900, le=2200)]
#: the day an analysis is made as of; none: today
AsOfQuery = Annotated[dt.date | None, Query()]


def _gap_shares(
    gaps: Any, named: Mapping[str, Mapping[str, Any]], sections: list[dict[str, Any]]
) -> list[tuple[int, int, str]]:
    """The gap report's banner: the illustrative goals and measures of its rows (each
    section's own share is kept in its ``share``)."""
    for section in sections:
        kind = id_kind(section["name"], "id")
        share = (
            _illustrative(
                named.get(kind, {}).get(r["id"], {}).get("source") for r in section["records"]
            )
            if kind in ("measures", "goals")
            else (0, 0)
        )
        section["share"] = (*share, N_("measures") if kind == "measures" else N_("goals"))
    record_shares: list[tuple[int, int, str]] = [s["share"] for s in sections if s["share"][1]]
    return [(sum(s[0] for s in record_shares), sum(s[1] for s in record_shares), N_("rows"))]


@pages.get("/gaps", response_class=HTMLResponse)
def gaps_page(
    page: PageDep, filters: FiltersDep, period: PeriodQuery = None, as_of: AsOfQuery = None
) -> Response:
    return table_analysis_page(
        page,
        "gaps",
        filters,
        lambda analyses, given: analyses.gaps(period, as_of, **given),
        lambda gaps: {"period": gaps.period, "as_of": gaps.as_of},
        _gap_shares,
        _gap_heading,
    )


@pages.get("/coverage", response_class=HTMLResponse)
def coverage_page(page: PageDep, filters: FiltersDep) -> Response:
    request, driver, settings = page.request, page.driver, page.settings
    choices = _filter_choices(driver, settings)
    try:
        _check_filters(choices, filters)
        coverage = Analyses(driver, settings.neo4j_database).coverage(**_given(filters))
        columns = ["phenomenon", *coverage.branches, "total"]
        sorting = sorting_of(request.query_params, columns)
    except TurvaError as e:
        return _bad_input(request, e)
    top = max((n for r in coverage.rows for n in r.counts.values()), default=0) or 1
    named = _names(
        driver,
        settings,
        {"phenomena": [r.phenomenon for r in coverage.rows], "branches": coverage.branches},
    )
    lang = choose_lang(request)
    rows = []
    for r in coverage.rows:
        total = getattr(r, "total", None)
        total = sum(r.counts.values()) if total is None else total
        used = sum(1 for n in r.counts.values() if n)
        # a measure only organisations without a branch (NGOs...) run counts in the total
        state = (
            "empty"
            if total == 0
            else "single"
            if used == 1
            else "nobranch"
            if used == 0
            else "many"
        )
        cells = [(b, n, min(4, (n * 4 + top - 1) // top) if n else 0) for b, n in r.counts.items()]
        rows.append(
            {
                "phenomenon": r.phenomenon,
                "cells": cells,
                "counts": r.counts,
                "total": total,
                "state": state,
            }
        )

    def key(row: dict[str, Any], column: str) -> Any:
        if column == "phenomenon":
            return _shown(named, "phenomena", row["phenomenon"], lang)
        return row["total"] if column == "total" else row["counts"].get(column, 0)

    rows = sort_rows(rows, sorting, key)
    labels = [
        ("phenomenon", N_("Phenomenon")),
        *((b, b) for b in coverage.branches),
        ("total", N_("Active measures in all, including narrower phenomena")),
    ]
    # the banner counts the measures behind the rows shown (after the filters), not the graph
    counted = _read(
        driver, settings, "page_measure_provenance", phenomena=[r["phenomenon"] for r in rows]
    )[0]
    return render_analysis(
        request,
        "coverage",
        choices,
        filters,
        {},
        shares=[(counted["active"], counted["illustrative"], N_("measures"))],
        coverage=coverage,
        rows=rows,
        named=named,
        headers=headers(request.url, sorting, labels),
    )


def html_error(request: Request, exc: ProblemError) -> HTMLResponse:
    """The error page a browser gets for a problem: ``exc.detail`` as the reason (may be
    empty: the page then only explains the status), ``exc.extra["errors"]`` (the
    parameters that were wrong, each with ``parameter`` and ``detail``) and
    ``exc.extra["retry_url"]``; ``exc.headers`` (``Retry-After``, ``Allow``) are kept."""
    response = render(
        request,
        "error.html",
        status_code=exc.status,
        message=exc.text_in(choose_lang(request)),
        errors=exc.extra.get("errors") or [],
        retry_url=exc.extra.get("retry_url"),
    )
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response


router.include_router(pages)
