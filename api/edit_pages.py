"""The editing pages: ``/<section>/<id>/edit``, ``/<section>/new`` and ``/<section>/<id>/delete``.

Sections as the record pages' addresses: measures, goals, groups, phenomena, organisations,
branches, bodies, themes. Every page needs a signed-in editor or admin
(:data:`~turva.api.auth.SignedInEditorDep`), every POST a CSRF token
(:func:`~turva.api.sessions.verify_csrf`). Writes go through the store's single-record
writes with the API's authorizer (:func:`turva.api.routes.records._authorizer`), so a page
can do exactly what the person's token could do, no more:

* a save carries the version the form was made from (its ETag, ``If-Match``): when someone
  else saved in between, nothing is written and the conflict page shows their version and
  this one side by side, with the form again on top of the current version;
* a form with mistakes comes back with every value as typed and each problem beside its
  field (and in a summary at the top), in the page's language; nothing is written;
* a delete asks first, and names what still refers to the record (the store's 409 rule).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from neo4j import Driver, ManagedTransaction
from starlette.concurrency import run_in_threadpool

from turva.api.auth import ANONYMOUS, PAGE_GUARD, EditingDep, Principal, Reading
from turva.api.editing import (
    FORMS,
    RESOURCE_PARTS,
    SECTIONS,
    field_of,
    form_values,
    locked_fields,
    may_change,
    may_delete,
    parse_form,
    row_count,
)
from turva.api.editing import member_of_group as _member_of
from turva.api.i18n import choose_lang, text_in
from turva.api.problems import ProblemError
from turva.api.routes.records import _authorizer as api_authorizer
from turva.api.sessions import verify_csrf
from turva.api.web import REF_PATHS, _names, html_error, render, templates
from turva.graph.domain.diff import field_changes
from turva.graph.domain.model import ID_PATTERN
from turva.graph.domain.schema import node_type
from turva.graph.errors import Conflict, NotFound, TurvaError, ValidationFailed, ValidationIssue
from turva.graph.messages import N_, gettext_for
from turva.graph.settings import Settings
from turva.graph.store import records as store
from turva.graph.store.history import list_changes
from turva.graph.store.versions import StaleRecord

__all__ = ["router", "edit_rights"]

router = APIRouter(include_in_schema=False, dependencies=PAGE_GUARD)
IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64)]
POST_GUARD = [Depends(verify_csrf)]
#: how many blank rows "Add rows" adds to a list field
MORE_ROWS = 3

#: the words of each section's pages: what one record is, for headings
NOUNS = {
    "measures": (N_("Edit measure"), N_("New measure"), N_("Delete measure")),
    "goals": (N_("Edit goal"), N_("New goal"), N_("Delete goal")),
    "groups": (N_("Edit priority group"), N_("New priority group"), N_("Delete priority group")),
    "phenomena": (N_("Edit phenomenon"), N_("New phenomenon"), N_("Delete phenomenon")),
    "indicators": (N_("Edit indicator"), N_("New indicator"), N_("Delete indicator")),
    "organisations": (N_("Edit organisation"), N_("New organisation"), N_("Delete organisation")),
    "branches": (
        N_("Edit administrative branch"),
        N_("New administrative branch"),
        N_("Delete administrative branch"),
    ),
    "bodies": (
        N_("Edit cooperation body"),
        N_("New cooperation body"),
        N_("Delete cooperation body"),
    ),
    "themes": (N_("Edit theme"), N_("New theme"), N_("Delete theme")),
}


def _person(request: Request) -> Principal:
    """The signed-in person of the request (set by the pages' guard), else anonymous."""
    return getattr(request.state, "person", None) or ANONYMOUS


def edit_rights(
    request: Request, person: Any, page: str, record: Mapping[str, Any]
) -> dict[str, Any]:
    """What the record pages' buttons need: whether ``person`` may edit and delete
    ``record`` of page section ``page`` (a Jinja global, see ``edit_actions.html``)."""
    who = person if isinstance(person, Principal) else _person(request)
    nothing: dict[str, Any] = {"edit": False, "delete": False, "new": []}
    if page not in SECTIONS or getattr(who, "role", "anonymous") not in ("editor", "admin"):
        return nothing
    app_state = request.app.state
    kw = {"driver": app_state.driver, "database": app_state.settings.neo4j_database}
    try:
        edit = may_change(who, page, record, **kw)
        delete = edit and may_delete(who, page, record, **kw)
        new = _new_links(request, who, page, record, kw)
    except TurvaError:
        return nothing
    return {"edit": edit, "delete": delete, "new": new}


def _new_links(
    request: Request, who: Principal, page: str, record: Mapping[str, Any], kw: dict[str, Any]
) -> list[tuple[str, str]]:
    """The "New ..." links a record page offers: a goal of a priority group (its members'
    editors), a measure of an organisation (its editors)."""
    gettext = gettext_for(choose_lang(request))
    id = str(record.get("id", ""))
    admin = who.role == "admin"
    if page == "groups" and (
        admin or _member_of(kw["driver"], kw["database"], id, who.organisations)
    ):
        return [(f"/goals/new?group={quote(id)}", gettext(N_("New goal in this group")))]
    if page == "organisations" and (admin or id in who.organisations):
        return [
            (
                f"/measures/new?organisation={quote(id)}",
                gettext(N_("New measure of this organisation")),
            )
        ]
    return []


def create_rights(request: Request, person: Any) -> list[str]:
    """The page sections ``person`` may create records of, in menu order."""
    who = person if isinstance(person, Principal) else _person(request)
    return [page for page in SECTIONS if may_change(who, page, None)]


templates.env.globals.update(
    edit_rights=edit_rights,
    create_rights=create_rights,
    NEW_WORDS={p: w[1] for p, w in NOUNS.items()},
)


def _options(driver: Driver, settings: Settings, target: str, lang: str) -> list[tuple[str, str]]:
    """(id, what a person reads) of every record of ``target``, by what they read."""
    out: list[tuple[str, str]] = []
    offset = 0
    while True:
        rows, count = store.list_records(
            driver, target, limit=1000, offset=offset, database=settings.neo4j_database
        )
        for r in rows:
            name = text_in(r.get("name") or r.get("title") or r.get("text"), lang)
            if target == "organisations" and r.get("abbreviation"):
                name = f"{r['abbreviation']} – {name}"
            elif target == "priority_groups":
                name = f"{r.get('period')} · {r.get('number')}. {name}"
            # the id beside the name, unless the name already shows it (an abbreviation)
            shown = (
                name
                if name == r["id"] or name.startswith(f"{r['id']} – ")
                else (f"{name} ({r['id']})")
            )
            out.append((r["id"], shown))
        offset += len(rows)
        if not rows or offset >= count:
            break
    return sorted(out, key=lambda o: o[1].casefold())


def _form_page(
    ed: Reading,
    page: str,
    *,
    values: Mapping[str, str],
    issues: list[ValidationIssue] = (),  # type: ignore[assignment]
    record: Mapping[str, Any] | None = None,
    etag: str = "",
    more: str | None = None,
    status_code: int = 200,
    template: str = "edit.html",
    blank: int = 1,
    base: str = "",
    **context: Any,
) -> HTMLResponse:
    """The edit (``record`` given) or new form with ``values`` and ``issues`` beside
    their fields; ``blank`` empty rows more in each list field (none when the values
    were posted: they have theirs), ``base`` the JSON of the record the form edits."""
    request, driver, settings, who = ed.request, ed.driver, ed.settings, ed.who
    lang = choose_lang(request)
    gettext = gettext_for(lang)
    section = SECTIONS[page]
    fields = FORMS[section]
    options = {f.target: _options(driver, settings, f.target, lang) for f in fields if f.target}
    errors: dict[str, list[str]] = {}
    for issue in issues:
        errors.setdefault(field_of(issue), []).append(_issue_text(issue, gettext))
    locked = locked_fields(who, section, record) if record is not None else frozenset()
    rows = {
        # a locked list shows what it holds, without blank rows to fill
        f.name: row_count(
            values, f.name, 0 if f.name in locked else (MORE_ROWS if more == f.name else 0) + blank
        )
        for f in fields
        if f.kind in ("refs", "entries")
    }
    action = f"/{page}/{record['id']}/edit" if record is not None else f"/{page}/new"
    words = NOUNS[page]
    return render(
        request,
        template,
        status_code=status_code,
        page=page,
        section=section,
        fields=[f for f in fields if not (record is not None and f.kind == "id")],
        values=values,
        errors=errors,
        error_count=sum(len(v) for v in errors.values()),
        options=options,
        rows=rows,
        locked=locked,
        record=record,
        etag=etag,
        action=action,
        heading=words[0] if record is not None else words[1],
        back=f"/{page}/{record['id']}" if record is not None else "/",
        base=base or values.get("base", ""),
        **context,
    )


def _issue_text(issue: ValidationIssue, gettext: Any) -> str:
    """An issue as the field shows it: the row or language it is in, then the problem."""
    text = issue.text(gettext)
    rest = issue.loc[1:]
    where = []
    for part in rest:
        if isinstance(part, int):
            where.append(gettext(N_("row %(n)s")) % {"n": part + 1})
        elif part in _PART_WORDS:
            where.append(gettext(_PART_WORDS[str(part)]))
    return f"{', '.join(where)}: {text}" if where else text


_PART_WORDS = {
    "fi": N_("Finnish"),
    "sv": N_("Swedish"),
    "en": N_("English"),
    **RESOURCE_PARTS,
    "organisation": N_("Organisation"),
    "role": N_("Role"),
    "source": N_("Source"),
}


def _refused(request: Request, reason: str = "") -> HTMLResponse:
    """The 403 page: this person may not change this record."""
    gettext = gettext_for(choose_lang(request))
    message = gettext(N_("You may not change this record: your organisations do not own it."))
    return html_error(request, ProblemError(403, f"{message} {reason}".strip()))


def _not_found(request: Request, page: str, id: str) -> HTMLResponse:
    gettext = gettext_for(choose_lang(request))
    return render(
        request, "error.html", status_code=404, message=f"{gettext(NOUNS[page][0])}: {id}"
    )


def _stored(ed: Reading, section: str, id: str) -> store.Stored:
    return store.get_stored(ed.driver, section, id, ed.settings.neo4j_database)


async def _stored_if(ed: Reading, page: str, id: str, allowed: Callable[..., bool]) -> store.Stored:
    """The record to change; else answers with the page that says why not: 404 when it
    does not exist, 403 when ``allowed`` (:func:`may_change` or :func:`may_delete`)
    refuses ``ed.who``."""
    section = SECTIONS[page]
    try:
        stored = await run_in_threadpool(_stored, ed, section, id)
    except NotFound as e:
        raise _Answer(_not_found(ed.request, page, id)) from e
    kw = {"driver": ed.driver, "database": ed.settings.neo4j_database}
    if not await run_in_threadpool(allowed, ed.who, section, stored.record, **kw):
        raise _Answer(_refused(ed.request))
    return stored


def _prefill(request: Request, who: Principal, page: str) -> dict[str, str]:
    """A new record's first values: ``?organisation=`` (a measure's lead, else the editor's
    own organisation) and ``?group=`` (a goal's priority group)."""
    values: dict[str, str] = {}
    asked_org = request.query_params.get("organisation", "")[:64]
    asked_group = request.query_params.get("group", "")[:64]
    if page == "measures":
        mine = sorted(who.organisations)
        lead = asked_org or (mine[0] if who.role == "editor" and mine else "")
        if lead:
            values["responsible.0.organisation"] = lead
            values["responsible.0.role"] = "lead"
        values["status"] = "planned"
    elif page == "goals" and asked_group:
        values["group"] = asked_group
    return values


async def _form_items(request: Request) -> tuple[list[tuple[str, Any]], str, str | None]:
    """The posted form's items, its ``etag`` and the list field ``_more`` asks rows for."""
    form = await request.form()
    items = list(form.multi_items())
    etag = next((v for k, v in items if k == "etag" and isinstance(v, str)), "")
    more = next((v for k, v in items if k == "_more" and isinstance(v, str)), None)
    return items, etag, more


def _top(key: str) -> str:
    return key.partition(".")[0]


def _typed_values(items: list[tuple[str, Any]]) -> dict[str, str]:
    """What was typed, to show again (the first value of each text field)."""
    out: dict[str, str] = {}
    for k, v in items:
        if (
            isinstance(v, str)
            and k not in out
            and k not in ("csrf_token", "etag", "_more", "_save")
        ):
            out[k] = v
    return out


class _Answer(Exception):
    """The page that answers a request instead of its handler's own (the 404 or 403 page):
    raised by the helpers below, returned by :func:`_answering`."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def _answering(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """``handler``, answering with the page of any :class:`_Answer` it raises."""

    @functools.wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except _Answer as e:
            return e.response

    return answer


def _may_create(ed: Reading, page: str) -> None:
    """Refuse (the 403 page) a person who may not create records of ``page``."""
    if not may_change(ed.who, SECTIONS[page], None):
        raise _Answer(_refused(ed.request))


async def _write(ed: Reading, page: str, what: Callable[..., Any], target: Any, **kw: Any) -> Any:
    """The store's write ``what`` (create, replace or delete) of ``target`` (a record or
    an id) as ``ed.who``, with the API's authorizer. A refusal answers with the 403 page
    and its reason, a record gone with the 404 page."""
    section = SECTIONS[page]
    try:
        return await run_in_threadpool(
            what,
            ed.driver,
            section,
            target,
            who=ed.who.who,
            authorize=api_authorizer(ed.who, section),
            database=ed.settings.neo4j_database,
            **kw,
        )
    except ProblemError as e:
        raise _Answer(_refused(ed.request, e.text_in(choose_lang(ed.request)))) from e
    except NotFound as e:
        raise _Answer(_not_found(ed.request, page, getattr(target, "id", target))) from e


async def _submit(ed: Reading, page: str, stored: store.Stored | None) -> Response:
    """A posted new (``stored`` None) or edit form: the form again with more rows
    (``_more``) or with its mistakes beside their fields (nothing written), else the
    record written and a redirect to its page. A save of an older version than the one
    stored answers with the conflict page."""
    section = SECTIONS[page]
    record = stored.record if stored is not None else None
    id = None if record is None else str(record["id"])
    items, etag, more = await _form_items(ed.request)
    locked = locked_fields(ed.who, section, record) if record is not None else frozenset()
    values = {
        # a locked field's inputs are disabled, so not sent: show them as stored
        **{k: v for k, v in form_values(section, record).items() if _top(k) in locked},
        **_typed_values(items),
    }

    async def again(**kw: Any) -> Response:
        return await run_in_threadpool(
            _form_page, ed, page, values=values, record=record, etag=etag, blank=0, **kw
        )

    if more is not None:
        return await again(more=more)
    fields, issues = parse_form(
        section,
        items,
        creating=record is None,
        record_id=id,
        locked=locked,
        stored=record,
    )
    if not issues:
        model = node_type(section).model.model_validate(fields)
        try:
            if record is None:
                saved = await _write(ed, page, store.create_record, model)
            else:
                saved = await _write(ed, page, store.replace_record, model, if_match=etag)
            return RedirectResponse(f"/{page}/{saved.record['id']}", status_code=303)
        except ValidationFailed as e:
            issues = e.issues
        except Conflict:
            if record is not None:
                raise
            issues = [
                ValidationIssue.said(
                    ("id",),
                    N_("the id %(id)s is taken already: choose another"),
                    id=repr(fields.get("id")),
                )
            ]
        except StaleRecord:
            return await run_in_threadpool(_conflict_page, ed, page, str(id), model, values)
    return await again(issues=issues, status_code=422)


async def _delete(ed: Reading, page: str, stored: store.Stored) -> Response:
    """A confirmed delete: done, or the confirmation again (409) naming what still refers
    to the record, or saying that someone changed it in between."""
    id = stored.record["id"]
    _, etag, _ = await _form_items(ed.request)
    try:
        await _write(ed, page, store.delete_record, id, if_match=etag)
    except Conflict as e:
        return await run_in_threadpool(_delete_page, ed, page, stored, e.referenced_by, 409)
    except StaleRecord:
        fresh = await run_in_threadpool(_stored, ed, SECTIONS[page], id)
        return await run_in_threadpool(_delete_page, ed, page, fresh, None, 409, True)
    return render(
        ed.request, "delete_done.html", page=page, record=stored.record, heading=NOUNS[page][2]
    )


def _section_route(page: str) -> None:
    """The routes of one page section: each handler only says which record and which
    page; the helpers above do the rest for every section."""
    section = SECTIONS[page]

    async def new_form(ed: EditingDep) -> Response:
        _may_create(ed, page)
        values = _prefill(ed.request, ed.who, page)
        return await run_in_threadpool(_form_page, ed, page, values=values)

    async def create(ed: EditingDep) -> Response:
        _may_create(ed, page)
        return await _submit(ed, page, None)

    async def edit_form(id: IdPath, ed: EditingDep) -> Response:
        stored = await _stored_if(ed, page, id, may_change)
        return await run_in_threadpool(
            _form_page,
            ed,
            page,
            values=form_values(section, stored.record),
            record=stored.record,
            etag=stored.etag,
            base=json.dumps(stored.record, ensure_ascii=False),
        )

    async def save(id: IdPath, ed: EditingDep) -> Response:
        return await _submit(ed, page, await _stored_if(ed, page, id, may_change))

    async def delete_form(id: IdPath, ed: EditingDep) -> Response:
        stored = await _stored_if(ed, page, id, may_delete)
        return await run_in_threadpool(_delete_page, ed, page, stored)

    async def delete(id: IdPath, ed: EditingDep) -> Response:
        return await _delete(ed, page, await _stored_if(ed, page, id, may_delete))

    for path, endpoint, methods, extra in (
        (f"/{page}/new", new_form, ["GET"], []),
        (f"/{page}/new", create, ["POST"], POST_GUARD),
        (f"/{page}/{{id}}/edit", edit_form, ["GET"], []),
        (f"/{page}/{{id}}/edit", save, ["POST"], POST_GUARD),
        (f"/{page}/{{id}}/delete", delete_form, ["GET"], []),
        (f"/{page}/{{id}}/delete", delete, ["POST"], POST_GUARD),
    ):
        router.add_api_route(
            path,
            _answering(endpoint),
            methods=methods,
            dependencies=extra,
            response_class=HTMLResponse,
        )


def _mine(model: Any) -> dict[str, Any]:
    """A validated record in the stored records' shape."""
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return dumped


def _base(values: Mapping[str, str]) -> dict[str, Any] | None:
    """The record the form was made from (its hidden ``base``), or None when it is
    missing or unreadable: it only tells which fields this person changed."""
    text = values.get("base") or ""
    if not text or len(text) > 200_000:
        return None
    try:
        base = json.loads(text)
    except ValueError:
        return None
    return base if isinstance(base, dict) else None


def _merged(
    base: Mapping[str, Any], current: Mapping[str, Any], mine: Mapping[str, Any]
) -> dict[str, Any]:
    """The current record with the fields this person changed (from ``base``) set to
    theirs: what the conflict page's form offers, so that saving it keeps the other
    person's changes to every other field."""
    out = dict(current)
    for key in set(base) | set(mine):
        if key == "id" or base.get(key) == mine.get(key):
            continue
        if mine.get(key) in (None, [], {}):
            out.pop(key, None)
        else:
            out[key] = mine[key]
    return out


def _conflict_page(
    ed: Reading, page: str, id: str, model: Any, values: Mapping[str, str]
) -> Response:
    """Someone saved the record after this form was made: nothing was written. Their
    change (from the version the form was made from to the one stored now) and this
    person's side by side, and the form again: the current version with this person's
    changes on top."""
    request, driver, settings = ed.request, ed.driver, ed.settings
    section = SECTIONS[page]
    try:
        current = _stored(ed, section, id)
    except NotFound:
        return _not_found(request, page, id)
    mine = _mine(model)
    base = _base(values)
    if base is None:
        theirs: list[Any] = []
        yours = field_changes(current.record, mine, section=section)
        merged = mine
    else:
        theirs = field_changes(base, current.record, section=section)
        yours = field_changes(base, mine, section=section)
        merged = _merged(base, current.record, mine)
    both = sorted({c.name for c in theirs} & {c.name for c in yours})
    fields = {f.name: f for f in FORMS[section]}
    lang = choose_lang(request)
    wanted: dict[str, list[str]] = {}
    for c in [*theirs, *yours]:
        kind = c.reference(page)
        if kind:
            for value in (c.before, c.after):
                for item in value if isinstance(value, list) else [value]:
                    ref = item.get("organisation") if isinstance(item, dict) else item
                    if isinstance(ref, str):
                        wanted.setdefault(kind, []).append(ref)
    last = list_changes(
        driver,
        type=store.resource_name(section),
        record_id=id,
        limit=1,
        database=settings.neo4j_database,
    )[0]
    return _form_page(
        ed,
        page,
        values=form_values(section, merged),
        record=current.record,
        etag=current.etag,
        base=json.dumps(current.record, ensure_ascii=False),
        status_code=409,
        template="conflict.html",
        theirs=theirs,
        yours=yours,
        both=[gettext_for(lang)(fields[name].label) for name in both if name in fields],
        named=_names(driver, settings, wanted),
        last_change=last[0] if last else None,
    )


def _referencing(driver: Driver, settings: Settings, section: str, id: str) -> list[str]:
    """``resource/id`` of every record that refers to this one (what blocks a delete)."""
    nt = node_type(section)

    def work(tx: ManagedTransaction) -> list[str]:
        # the store's own rule of what refers to a record, read without writing
        return store._referencing(tx, nt, id)

    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_read(work)


def _delete_page(
    ed: Reading,
    page: str,
    stored: store.Stored,
    referrers: list[str] | None = None,
    status_code: int = 200,
    changed: bool = False,
) -> HTMLResponse:
    """The confirmation: what would be deleted, and what still refers to it (with links)."""
    request, driver, settings = ed.request, ed.driver, ed.settings
    section = SECTIONS[page]
    refs = (
        referrers
        if referrers is not None
        else _referencing(driver, settings, section, stored.record["id"])
    )
    pairs = [tuple(r.split("/", 1)) for r in refs]
    named = _names(
        driver, settings, {kind: [i for k, i in pairs if k == kind] for kind, _ in pairs}
    )
    return render(
        request,
        "delete.html",
        status_code=status_code,
        page=page,
        record=stored.record,
        etag=stored.etag,
        referrers=pairs,
        named=named,
        REF_PATHS=REF_PATHS,
        heading=NOUNS[page][2],
        changed=changed,
        title_text=stored.record.get(node_type(section).text_field),
    )


for _page in SECTIONS:
    _section_route(_page)
