"""The History tab of every record page, and the "last changed by ... on ..." line.

Paths: ``/<section>/<id>/history`` for the sections of the record pages' addresses
(measures, goals, phenomena, organisations, branches, bodies, themes, groups). The tab
lists each change of the record (:mod:`turva.graph.store.history`), newest first and
twenty a page, with who made it, when (in the page's language, Helsinki time) and a
field-level diff (:mod:`turva.graph.domain.diff`, the ``field_diff`` macro of
``_macros.html``).

Who is shown as a person reads it: ``user:<name>`` as the account's display name (or the
username), ``token:<name>`` as an API token of that name, ``cli:<user>`` as that user on the
command line. A load of a whole document (``turva load``, an import) records one change for
the document, not one per record: when a record differs from what its own newest change
left, a load rewrote it, and the page says "changed by an import" with who loaded and when.
A record no change names has not changed since it was loaded, and the page says so.

Every record page (``_record.html``) shows the tab bar and the last-changed line through
the Jinja global :func:`record_history`, which this module puts on the shared template
environment (as :mod:`turva.api.edit_pages` does for its buttons).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from neo4j import Driver

from turva.api.auth import PAGE_GUARD
from turva.api.deps import DriverDep, SettingsDep
from turva.api.i18n import choose_lang
from turva.api.web import _names, _not_found, render, templates
from turva.graph.domain.diff import FieldChange, field_changes
from turva.graph.domain.schema import node_type
from turva.graph.domain.words import RECORD_TYPES
from turva.graph.errors import NotFound
from turva.graph.messages import N_, gettext_for
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.graph.store.accounts import get_account
from turva.queries.runner import run_query

__all__ = [
    "PAGE_SECTIONS",
    "PAGE_SIZE",
    "router",
    "record_history",
    "history_of",
    "when",
    "who_words",
]

#: the section of a record page's address -> the document section
PAGE_SECTIONS = {
    "measures": "measures",
    "goals": "goals",
    "phenomena": "phenomena",
    "organisations": "organisations",
    "branches": "branches",
    "bodies": "bodies",
    "themes": "themes",
    "groups": "priority_groups",
}
#: changes on one page of the History tab
PAGE_SIZE = 20
#: the time zone the dates are shown in: the users' own
HELSINKI = ZoneInfo("Europe/Helsinki")
#: the locale of each page language's date format (Finland's Swedish, British English)
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}

#: what a change entry's heading says, by the change's action
SAYS = {
    "create": N_("Created by %(who)s on %(date)s"),
    "replace": N_("Changed by %(who)s on %(date)s"),
    "patch": N_("Changed by %(who)s on %(date)s"),
    "delete": N_("Deleted by %(who)s on %(date)s"),
    "load": N_("Changed by an import on %(date)s (loaded by %(who)s)"),
}
#: an action no entry of :data:`SAYS` names (a change brought by another graph's history)
_SAYS_OTHER = N_("Changed by %(who)s on %(date)s")

router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)
#: any id: one no record has (whatever its shape) gets the 404 page, as on the record pages
IdPath = Annotated[str, Path(max_length=200)]


def when(value: Any, lang: str) -> dict[str, str] | None:
    """A time of the history as a page shows it: ``iso`` for ``<time datetime>``, ``text``
    in the page language's format, Helsinki time. None for none.

    >>> when(dt.datetime(2026, 11, 28, 14, 51, tzinfo=dt.UTC), "fi")["text"]
    '28.11.2026 16.51'
    >>> when("2026-06-01T09:05:00+00:00", "en")
    {'iso': '2026-06-01T12:05:00+03:00', 'text': '01/06/2026, 12:05'}
    """
    if value is None:
        return None
    to_native = getattr(value, "to_native", None)
    at = to_native() if to_native is not None else value
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    local = at.astimezone(HELSINKI)
    text = format_datetime(local, "short", tzinfo=HELSINKI, locale=_LOCALES.get(lang, "fi_FI"))
    return {"iso": local.isoformat(), "text": text}


def who_words(who: str | None, gettext: Callable[[str], str], names: Mapping[str, str]) -> str:
    """Who made a change, as a person reads it in the page's language.

    ``names`` maps usernames to display names (accounts without one are shown by their
    username).

    >>> en = gettext_for("en")
    >>> who_words("user:mmeikalainen", en, {"mmeikalainen": "Matti Meikäläinen"})
    'Matti Meikäläinen'
    >>> who_words("user:x", en, {}), who_words("token:loader", en, {})
    ('x', 'API token loader')
    >>> who_words("cli:root", en, {}), who_words(None, en, {})
    ('root (command line)', 'unknown')
    """
    if not who:
        return gettext(N_("unknown"))
    kind, _, name = who.partition(":")
    if kind == "user" and name:
        return names.get(name) or name
    if kind == "token" and name:
        return gettext(N_("API token %(name)s")) % {"name": name}
    if kind == "cli" and name:
        return gettext(N_("%(name)s (command line)")) % {"name": name}
    return who


def _display_names(
    driver: Driver, database: str | None, whos: Iterable[str | None]
) -> dict[str, str]:
    """username -> display name, for the people (``user:``) among ``whos``."""
    usernames = sorted({w.partition(":")[2] for w in whos if w and w.startswith("user:")})
    if not usernames:
        return {}
    names: dict[str, str] = {}
    for username in usernames:  # the few people of one page of history
        account = get_account(driver, username, database=database)
        if account is not None and account.display_name:
            names[username] = account.display_name
    return names


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value else None


def _entry(
    props: Mapping[str, Any],
    section: str,
    lang: str,
    gettext: Callable[[str], str],
    names: Mapping[str, str],
) -> dict[str, Any]:
    """One change of a record as the History tab shows it."""
    action = str(props.get("action") or "")
    imported_at = props.get("imported_at")
    return {
        "key": props.get("id"),
        "action": action,
        "kind": "change",
        "says": SAYS.get(action, _SAYS_OTHER),
        "who": who_words(props.get("who"), gettext, names),
        "at": when(props.get("at"), lang),
        "changes": field_changes(
            _json(props.get("before")), _json(props.get("after")), section=section
        ),
        "imported": (
            {
                "who": who_words(props.get("imported_by"), gettext, names),
                "at": when(imported_at, lang),
            }
            if imported_at is not None
            else None
        ),
    }


def _load_entry(
    load: Mapping[str, Any] | None,
    changes: list[FieldChange],
    lang: str,
    gettext: Callable[[str], str],
    names: Mapping[str, str],
) -> dict[str, Any]:
    """A load that rewrote the record after its own newest change (``load`` may be None
    when no load of this graph is on record: who and when are then unknown)."""
    load = load or {}
    return {
        "key": load.get("id"),
        "action": "load",
        "kind": "load",
        "says": SAYS["load"],
        "who": who_words(load.get("who"), gettext, names),
        "at": when(load.get("at"), lang),
        "changes": changes,
        "imported": None,
    }


def _rewritten(
    newest: Mapping[str, Any] | None, record: Mapping[str, Any], section: str
) -> list[FieldChange]:
    """What differs between the record and what its newest change left (a load did it)."""
    if newest is None:
        return []
    return field_changes(_json(newest.get("after")), record, section=section)


def _urls(page: str, record_id: str) -> dict[str, str]:
    base = f"/{page}/{quote(record_id, safe='')}"
    return {"details_url": base, "history_url": f"{base}/history"}


def history_of(
    driver: Driver, database: str | None, page: str, record: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """What a record page shows of the record's history (see :func:`record_history`)."""
    section = PAGE_SECTIONS[page]
    gettext = gettext_for(lang)
    row = run_query(
        driver,
        "page_last_changed",
        database,
        type=store.resource_name(section),
        id=record["id"],
    )[0]
    newest, load = row["last"], row["load"]
    names = _display_names(
        driver,
        database,
        [w.get(k) for w in (newest or {}, load or {}) for k in ("who", "imported_by")],
    )
    rewritten = _rewritten(newest, record, section)
    if rewritten:
        last = _load_entry(load, rewritten, lang, gettext, names)
    elif newest is not None:
        last = _entry(newest, section, lang, gettext, names)
    else:
        last = None
    loaded = (
        {"who": who_words(load.get("who"), gettext, names), "at": when(load.get("at"), lang)}
        if load
        else None
    )
    return {**_urls(page, str(record["id"])), "last": last, "loaded": loaded}


def record_history(request: Request, page: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The Jinja global behind a record page's tab bar and last-changed line: the
    addresses of the Details and History tabs, ``last`` (the newest change as the History
    tab shows it, or None when the record has not changed since it was loaded) and
    ``loaded`` (who made the newest load of this graph, and when, or None).

    ``page`` is the section of the page's address (``groups`` for priority groups)."""
    if page not in PAGE_SECTIONS or not record.get("id"):
        return {"details_url": "", "history_url": "", "last": None, "loaded": None}
    state = request.app.state
    return history_of(
        state.driver, state.settings.neo4j_database, page, record, choose_lang(request)
    )


templates.env.globals.update(record_history=record_history)


def _wanted(entries: Iterable[Mapping[str, Any]], section: str) -> dict[str, list[str]]:
    """resource -> the ids the diffs of ``entries`` name (for the names they show)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        for change in entry["changes"]:
            kind = change.reference(section)
            if kind is None:
                continue
            for value in (change.before, change.after):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, Mapping):
                        item = item.get("organisation")
                    if isinstance(item, str):
                        wanted[kind].append(item)
    return wanted


def _page_links(request: Request, page_no: int, pages: int) -> dict[str, str | None]:
    def url(n: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        return f"{request.url.path}?{urlencode({**params, 'page': str(n)})}"

    return {
        "newer": url(page_no - 1) if page_no > 1 else None,
        "older": url(page_no + 1) if page_no < pages else None,
    }


def _history_page(
    request: Request, page: str, id: str, page_no: int, driver: Driver, settings: Settings
) -> Response:
    section = PAGE_SECTIONS[page]
    resource = store.resource_name(section)
    database = settings.neo4j_database
    try:
        record = store.get_record(driver, section, id, database)
    except NotFound:
        return _not_found(request, resource, id)
    lang = choose_lang(request)
    gettext = gettext_for(lang)
    row = run_query(
        driver,
        "page_record_history",
        database,
        type=resource,
        id=id,
        offset=(page_no - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )[0]
    changes, total, load = row["changes"], row["total"], row["load"]
    names = _display_names(
        driver,
        database,
        [p.get(k) for p in [*changes, load or {}] for k in ("who", "imported_by")],
    )
    entries = [_entry(p, section, lang, gettext, names) for p in changes]
    if page_no == 1:
        # the newest change first: a load that rewrote the record since is newer still
        newest = changes[0] if changes else None
        rewritten = _rewritten(newest, record, section)
        if rewritten:
            entries.insert(0, _load_entry(load, rewritten, lang, gettext, names))
    pages = max(1, -(-total // PAGE_SIZE))
    history = {
        **_urls(page, id),
        "loaded": (
            {"who": who_words(load.get("who"), gettext, names), "at": when(load.get("at"), lang)}
            if load
            else None
        ),
    }
    nt = node_type(section)
    return render(
        request,
        "history.html",
        record=record,
        section=page,
        kind_word=RECORD_TYPES[resource],
        title_text=record.get(nt.text_field),
        history=history,
        entries=entries,
        total=total,
        page_no=page_no,
        pages=pages,
        paging=_page_links(request, page_no, pages),
        named=_names(driver, settings, _wanted(entries, page)),
    )


def _route(page: str) -> None:
    """The History tab of the record pages of ``page``."""

    def history_page(
        request: Request,
        id: IdPath,
        driver: DriverDep,
        settings: SettingsDep,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100000)] = 1,
    ) -> Response:
        return _history_page(request, page, id, page_no, driver, settings)

    history_page.__name__ = history_page.__qualname__ = f"{page}_history_page"
    router.get(f"/{page}/{{id}}/history", response_class=HTMLResponse)(history_page)


for _page in PAGE_SECTIONS:
    _route(_page)
