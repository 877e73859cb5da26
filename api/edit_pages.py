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

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from neo4j import Driver, ManagedTransaction
from starlette.concurrency import run_in_threadpool

from turva.api.auth import ANONYMOUS, PAGE_GUARD, Principal, SignedInEditorDep
from turva.api.deps import DriverDep, SettingsDep
from turva.api.editing import (
    FORMS,
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
    request: Request,
    driver: Driver,
    settings: Settings,
    who: Principal,
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
    "eur": N_("Euros"),
    "person_years": N_("Person-years"),
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


def _stored(driver: Driver, settings: Settings, section: str, id: str) -> store.Stored:
    return store.get_stored(driver, section, id, settings.neo4j_database)


def _stored_if(
    request: Request,
    driver: Driver,
    settings: Settings,
    who: Principal,
    page: str,
    id: str,
    allowed: Callable[..., bool],
) -> store.Stored | Response:
    """The record to change, or the page that says why not: 404 when it does not exist,
    403 when ``allowed`` (:func:`may_change` or :func:`may_delete`) refuses ``who``."""
    section = SECTIONS[page]
    try:
        stored = _stored(driver, settings, section, id)
    except NotFound:
        return _not_found(request, page, id)
    if not allowed(who, section, stored.record, driver=driver, database=settings.neo4j_database):
        return _refused(request)
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


def _section_route(page: str) -> None:
    """The routes of one page section."""
    section = SECTIONS[page]
    nt = node_type(section)

    def new_form(
        request: Request, driver: DriverDep, settings: SettingsDep, who: SignedInEditorDep
    ) -> Response:
        if not may_change(who, section, None):
            return _refused(request)
        return _form_page(request, driver, settings, who, page, values=_prefill(request, who, page))

    async def create(
        request: Request, driver: DriverDep, settings: SettingsDep, who: SignedInEditorDep
    ) -> Response:
        if not may_change(who, section, None):
            return _refused(request)
        items, _, more = await _form_items(request)
        values = _typed_values(items)
        if more is not None:
            return _form_page(
                request, driver, settings, who, page, values=values, more=more, blank=0
            )
        record, issues = parse_form(section, items, creating=True)
        if not issues:
            try:
                model = nt.model.model_validate(record)
                saved = await run_in_threadpool(
                    store.create_record,
                    driver,
                    section,
                    model,
                    who=who.who,
                    authorize=api_authorizer(who, section),
                    database=settings.neo4j_database,
                )
                return RedirectResponse(f"/{page}/{saved.record['id']}", status_code=303)
            except ValidationFailed as e:
                issues = e.issues
            except Conflict:
                issues = [
                    ValidationIssue.said(
                        ("id",),
                        N_("the id %(id)s is taken already: choose another"),
                        id=repr(record.get("id")),
                    )
                ]
            except ProblemError as e:
                return _refused(request, e.text_in(choose_lang(request)))
        return _form_page(
            request,
            driver,
            settings,
            who,
            page,
            values=values,
            issues=issues,
            status_code=422,
            blank=0,
        )

    def edit_form(
        request: Request,
        id: IdPath,
        driver: DriverDep,
        settings: SettingsDep,
        who: SignedInEditorDep,
    ) -> Response:
        stored = _stored_if(request, driver, settings, who, page, id, may_change)
        if isinstance(stored, Response):
            return stored
        return _form_page(
            request,
            driver,
            settings,
            who,
            page,
            values=form_values(section, stored.record),
            record=stored.record,
            etag=stored.etag,
            base=json.dumps(stored.record, ensure_ascii=False),
        )

    async def save(
        request: Request,
        id: IdPath,
        driver: DriverDep,
        settings: SettingsDep,
        who: SignedInEditorDep,
    ) -> Response:
        stored = await run_in_threadpool(
            _stored_if, request, driver, settings, who, page, id, may_change
        )
        if isinstance(stored, Response):
            return stored
        items, etag, more = await _form_items(request)
        locked = locked_fields(who, section, stored.record)
        # a locked field's inputs are disabled, so not sent: show them as stored
        values = {
            **{k: v for k, v in form_values(section, stored.record).items() if _top(k) in locked},
            **_typed_values(items),
        }
        shown = stored.record
        if more is not None:
            return _form_page(
                request,
                driver,
                settings,
                who,
                page,
                values=values,
                record=shown,
                etag=etag,
                more=more,
                blank=0,
            )
        record, issues = parse_form(
            section, items, creating=False, record_id=id, locked=locked, stored=stored.record
        )
        if not issues:
            try:
                model = nt.model.model_validate(record)
                await run_in_threadpool(
                    store.replace_record,
                    driver,
                    section,
                    model,
                    who=who.who,
                    authorize=api_authorizer(who, section),
                    if_match=etag,
                    database=settings.neo4j_database,
                )
                return RedirectResponse(f"/{page}/{id}", status_code=303)
            except StaleRecord:
                return await run_in_threadpool(
                    _conflict_page, request, driver, settings, who, page, id, model, values
                )
            except ValidationFailed as e:
                issues = e.issues
            except ProblemError as e:
                return _refused(request, e.text_in(choose_lang(request)))
            except NotFound:
                return _not_found(request, page, id)
        return _form_page(
            request,
            driver,
            settings,
            who,
            page,
            values=values,
            issues=issues,
            record=shown,
            etag=etag,
            blank=0,
            status_code=422,
        )

    def delete_form(
        request: Request,
        id: IdPath,
        driver: DriverDep,
        settings: SettingsDep,
        who: SignedInEditorDep,
    ) -> Response:
        stored = _stored_if(request, driver, settings, who, page, id, may_delete)
        if isinstance(stored, Response):
            return stored
        return _delete_page(request, driver, settings, page, stored)

    async def delete(
        request: Request,
        id: IdPath,
        driver: DriverDep,
        settings: SettingsDep,
        who: SignedInEditorDep,
    ) -> Response:
        stored = await run_in_threadpool(
            _stored_if, request, driver, settings, who, page, id, may_delete
        )
        if isinstance(stored, Response):
            return stored
        _, etag, _ = await _form_items(request)
        try:
            await run_in_threadpool(
                store.delete_record,
                driver,
                section,
                id,
                who=who.who,
                authorize=api_authorizer(who, section),
                if_match=etag,
                database=settings.neo4j_database,
            )
        except Conflict as e:
            return await run_in_threadpool(
                _delete_page, request, driver, settings, page, stored, e.referenced_by, 409
            )
        except StaleRecord:
            fresh = await run_in_threadpool(_stored, driver, settings, section, id)
            return await run_in_threadpool(
                _delete_page, request, driver, settings, page, fresh, None, 409, True
            )
        except ProblemError as e:
            return _refused(request, e.text_in(choose_lang(request)))
        except NotFound:
            return _not_found(request, page, id)
        return render(
            request,
            "delete_done.html",
            page=page,
            record=stored.record,
            heading=NOUNS[page][2],
        )

    for path, endpoint, methods, extra in (
        (f"/{page}/new", new_form, ["GET"], []),
        (f"/{page}/new", create, ["POST"], POST_GUARD),
        (f"/{page}/{{id}}/edit", edit_form, ["GET"], []),
        (f"/{page}/{{id}}/edit", save, ["POST"], POST_GUARD),
        (f"/{page}/{{id}}/delete", delete_form, ["GET"], []),
        (f"/{page}/{{id}}/delete", delete, ["POST"], POST_GUARD),
    ):
        router.add_api_route(
            path, endpoint, methods=methods, dependencies=extra, response_class=HTMLResponse
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
    request: Request,
    driver: Driver,
    settings: Settings,
    who: Principal,
    page: str,
    id: str,
    model: Any,
    values: Mapping[str, str],
) -> Response:
    """Someone saved the record after this form was made: nothing was written. Their
    change (from the version the form was made from to the one stored now) and this
    person's side by side, and the form again: the current version with this person's
    changes on top."""
    section = SECTIONS[page]
    try:
        current = _stored(driver, settings, section, id)
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
        request,
        driver,
        settings,
        who,
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
    request: Request,
    driver: Driver,
    settings: Settings,
    page: str,
    stored: store.Stored,
    referrers: list[str] | None = None,
    status_code: int = 200,
    changed: bool = False,
) -> HTMLResponse:
    """The confirmation: what would be deleted, and what still refers to it (with links)."""
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
