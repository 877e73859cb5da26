"""Uploading a whole document in the browser: ``/import``, a preview, then apply.

An admin or an editor, signed in, uploads a ``turva/1`` file in any readable format of
the registry (:mod:`turva.graph.domain.formats`: YAML, JSON and the workbooks once they
are registered; the file's name says which). Nothing is written by the upload: the page
shows the plan (:mod:`turva.graph.store.import_plan`) with every new, changed and removed
record, its field diff, and, for an editor, every change refused with the reason. The
**Apply** button writes exactly that plan in one transaction, as the signed-in person.

* An invalid file shows every error at once (sheet, row and column for workbooks) and
  writes nothing.
* The uploaded document stays on the server between the preview and the apply (in this
  process's memory, under a random id bound to the person, for :data:`PREVIEW_SECONDS`);
  the apply form carries only that id and the CSRF token, never the data.
* A preview is applied at most once: the apply takes it out of the store first. When the
  graph changed since the preview, the apply writes nothing and asks to preview again.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from turva.api.auth import PAGE_GUARD, EditingDep, Reading, signed_in_editor
from turva.api.i18n import choose_lang
from turva.api.problems import ProblemError
from turva.api.routes.records import _authorizer as api_authorizer
from turva.api.sessions import verify_csrf
from turva.api.web import _names, render
from turva.graph.domain.diff import reference_kind
from turva.graph.domain.formats import (
    DocumentFormat,
    decode_document,
    document_formats,
    format_named,
)
from turva.graph.domain.model import SECTIONS
from turva.graph.domain.workbook import template_bytes
from turva.graph.errors import Conflict, DataFileError, TurvaError, ValidationFailed
from turva.graph.messages import N_, gettext_for
from turva.graph.store import records as store
from turva.graph.store.import_plan import (
    ACTIONS,
    OBSERVATION_COUNTS,
    ApplyResult,
    ImportPlan,
    StalePlan,
    apply_plan,
    plan_import,
)
from turva.graph.store.versions import StaleRecord

__all__ = ["router", "PREVIEW_SECONDS", "accepted_suffixes"]

#: every page here is an editor's or an admin's (signed in, else to the login form)
router = APIRouter(include_in_schema=False, dependencies=[*PAGE_GUARD, Depends(signed_in_editor)])
POST_GUARD = [Depends(verify_csrf)]
#: how long a preview can be applied
PREVIEW_SECONDS = 30 * 60
#: previews kept per person (the oldest goes first)
PREVIEWS_PER_PERSON = 3
PreviewId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{20,64}$")]

#: each section's heading in a preview
SECTION_HEADINGS = {
    "themes": N_("Themes"),
    "branches": N_("Administrative branches"),
    "organisations": N_("Organisations"),
    "phenomena": N_("Phenomena"),
    "indicators": N_("Indicators"),
    "priority_groups": N_("Priority groups"),
    "bodies": N_("Cooperation bodies"),
    "goals": N_("Goals"),
    "measures": N_("Measures"),
}
#: what a planned change does, as the preview says it
ACTION_WORDS = {
    "create": N_("New"),
    "update": N_("Changed"),
    "delete": N_("To remove"),
}


def accepted_suffixes() -> list[str]:
    """Every file suffix a readable registered format has (``.yaml``, ``.xlsx``...)."""
    return [s for f in document_formats() for s in f.suffixes]


def _format_of(filename: str) -> DocumentFormat | None:
    """The registered format whose suffix ends ``filename`` (the longest such suffix wins,
    so that ``x.csv.zip`` is a CSV workbook and not some other ``.zip``)."""
    name = filename.lower()
    best: tuple[int, DocumentFormat] | None = None
    for fmt in document_formats():
        for suffix in fmt.suffixes:
            if name.endswith(suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), fmt)
    return best[1] if best else None


# --- previews kept between the upload and the apply -----------------------------------


@dataclass
class _Preview:
    owner: str
    filename: str
    plan: ImportPlan
    made: float
    #: set once applied: what was written (the preview is then shown as done)
    applied: ApplyResult | None = None


_previews: dict[str, _Preview] = {}
_lock = threading.Lock()


def _sweep(now: float) -> None:
    for key in [k for k, p in _previews.items() if now - p.made > PREVIEW_SECONDS]:
        del _previews[key]


def _keep(owner: str, filename: str, plan: ImportPlan) -> str:
    key = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        _sweep(now)
        mine = sorted(
            (p.made, k) for k, p in _previews.items() if p.owner == owner and p.applied is None
        )
        for _, old in mine[: max(0, len(mine) - PREVIEWS_PER_PERSON + 1)]:
            del _previews[old]
        _previews[key] = _Preview(owner, filename, plan, now)
    return key


def _find(key: str, owner: str) -> _Preview | None:
    with _lock:
        _sweep(time.monotonic())
        found = _previews.get(key)
    return found if found is not None and found.owner == owner else None


def _take(key: str, owner: str) -> _Preview | None:
    """The preview, taken for applying: a second apply of it finds it taken."""
    with _lock:
        _sweep(time.monotonic())
        found = _previews.get(key)
        if found is None or found.owner != owner or found.applied is not None:
            return None
        # marked as being applied before the write starts: a second click waits for nothing
        found.applied = ApplyResult({})
        return found


# --- pages -------------------------------------------------------------------------------


def _form(ed: Reading, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The upload form, with ``context`` (the mode chosen, the file's name, its errors)."""
    return render(
        ed.request,
        "import.html",
        status_code=status_code,
        suffixes=accepted_suffixes(),
        # browsers match only a file name's last suffix (``.zip`` of ``.csv.zip``)
        accept=",".join(sorted({"." + s.rsplit(".", 1)[-1] for s in accepted_suffixes()})),
        is_admin=ed.who.role == "admin",
        max_mib=f"{ed.settings.max_body_bytes / 2**20:.0f}",
        **context,
    )


@router.get("/import", response_class=HTMLResponse)
def import_form(ed: EditingDep) -> Response:
    return _form(ed, replace=False)


@router.get("/import/template", response_class=Response)
def import_template(request: Request, format: Literal["xlsx", "csv.zip"] = "xlsx") -> Response:
    """An empty workbook to fill in, in the page's language (as ``turva template``)."""
    fmt = format_named(format)
    lang = choose_lang(request)
    filename = {"fi": "turva-lomake", "sv": "turva-blankett", "en": "turva-template"}[lang]
    return Response(
        template_bytes(lang, format),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{fmt.filename(filename)}"'},
    )


def _errors(error: TurvaError, lang: str) -> list[str]:
    """Every problem of an unreadable or invalid file, one line each, in ``lang``."""
    gettext = gettext_for(lang)
    if isinstance(error, ValidationFailed):
        return [issue.line(gettext) for issue in error.issues]
    return [error.text_in(lang)]


@router.post("/import", response_class=HTMLResponse, dependencies=POST_GUARD)
async def upload(ed: EditingDep) -> Response:
    request, driver, settings, who = ed.request, ed.driver, ed.settings, ed.who
    lang = choose_lang(request)
    gettext = gettext_for(lang)
    form = await request.form()
    replace = form.get("mode") == "replace"
    file = form.get("file")
    filename = ""

    def again(status_code: int, errors: list[str]) -> HTMLResponse:
        """The form once more, with what was chosen and what is wrong."""
        return _form(ed, status_code, replace=replace, filename=filename, errors=errors)

    if not isinstance(file, UploadFile) or not file.filename:
        return again(400, [gettext(N_("Choose a file to upload."))])
    filename = file.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    fmt = _format_of(filename)
    if fmt is None:
        message = gettext(N_("%(name)s is not a file turva reads: use a %(suffixes)s file."))
        suffixes = ", ".join(accepted_suffixes())
        return again(415, [message % {"name": filename, "suffixes": suffixes}])
    raw = await file.read(settings.max_body_bytes + 1)
    if len(raw) > settings.max_body_bytes:
        message = gettext(N_("%(name)s is larger than the %(limit)s MiB an upload may be."))
        limit = f"{settings.max_body_bytes / 2**20:.0f}"
        return again(413, [message % {"name": filename, "limit": limit}])
    editor = None if who.role == "admin" else who.organisations

    def plan() -> ImportPlan:
        data = decode_document(raw, fmt, name=filename)
        return plan_import(
            driver, data, editor=editor, replace=replace, database=settings.neo4j_database
        )

    try:
        made = await run_in_threadpool(plan)
    except (DataFileError, ValidationFailed) as e:
        return again(422, _errors(e, lang))
    key = _keep(who.who, filename, made)
    return RedirectResponse(f"/import/{key}", status_code=303)


def _gone(request: Request) -> HTMLResponse:
    gettext = gettext_for(choose_lang(request))
    return render(
        request,
        "import_gone.html",
        status_code=404,
        message=gettext(
            N_(
                "This preview is no longer available: previews last 30 minutes and belong to "
                "the person who uploaded the file. Upload the file again."
            )
        ),
    )


def _section_summary(plan: ImportPlan) -> list[dict[str, Any]]:
    """Per section with anything to show: its counts and its changes (allowed ones
    grouped by action, then the refused ones). The template says the counts in words."""
    out = []
    for section in SECTIONS:
        counts = plan.counts(section)
        if not any(counts[k] for k in (*ACTIONS, "refused")):
            continue
        changes = [c for c in plan.changes if c.section == section]
        allowed = sorted(
            (c for c in changes if c.allowed), key=lambda c: (ACTIONS.index(c.action), c.id)
        )
        out.append(
            {
                "section": section,
                "resource": store.resource_name(section),
                "heading": SECTION_HEADINGS[section],
                "counts": counts,
                "allowed": allowed,
                "refused": [c for c in changes if not c.allowed],
            }
        )
    return out


def _wanted_names(plan: ImportPlan) -> dict[str, set[str]]:
    """resource -> ids the preview names (records referred to in the diffs)."""
    wanted: dict[str, set[str]] = {}
    for c in plan.changes:
        for change in c.changes:
            kind = reference_kind(c.section, change.field)
            if kind is None:
                continue
            for value in (change.before, change.after):
                values = value if isinstance(value, list) else [value]
                for v in values:
                    ref = v.get("organisation") if isinstance(v, dict) else v
                    if isinstance(ref, str):
                        wanted.setdefault(kind, set()).add(ref)
    return wanted


@router.get("/import/{key}", response_class=HTMLResponse)
def preview(key: PreviewId, ed: EditingDep) -> Response:
    request, driver, settings, who = ed.request, ed.driver, ed.settings, ed.who
    found = _find(key, who.who)
    if found is None:
        return _gone(request)
    plan = found.plan
    named = _names(driver, settings, _wanted_names(plan))
    # the records of the upload itself name themselves (new ones are not in the graph yet)
    for c in plan.changes:
        record = c.record
        text = record.get("name") or record.get("title") or record.get("text")
        named.setdefault(store.resource_name(c.section), {}).setdefault(
            c.id,
            {
                "text": text or {},
                "abbreviation": record.get("abbreviation"),
                "number": record.get("number"),
                "source": record.get("source"),
            },
        )
    return render(
        request,
        "import_preview.html",
        key=key,
        filename=found.filename,
        plan=plan,
        sections=_section_summary(plan),
        observation_counts={k: plan.observations.get(k, 0) for k in OBSERVATION_COUNTS},
        to_write=sum(plan.totals()[a] for a in ACTIONS) + plan.observations_to_write,
        done=found.applied is not None,
        applied=found.applied,
        named=named,
        action_words=ACTION_WORDS,
        reference_kind=reference_kind,
        editor=plan.editor is not None,
    )


@router.post("/import/{key}/apply", response_class=HTMLResponse, dependencies=POST_GUARD)
async def apply(key: PreviewId, ed: EditingDep) -> Response:
    request, driver, settings, who = ed.request, ed.driver, ed.settings, ed.who
    lang = choose_lang(request)
    gettext = gettext_for(lang)
    taken = _take(key, who.who)
    if taken is None:
        if _find(key, who.who) is not None:
            # applied already (or being applied): the second click writes nothing
            return RedirectResponse(f"/import/{key}", status_code=303)
        return _gone(request)
    plan = taken.plan
    if plan.editor != (None if who.role == "admin" else who.organisations):
        # the account's rights changed since the preview: it showed what they allowed then
        with _lock:
            _previews.pop(key, None)
        return _gone(request)

    def authorize_for(section: str) -> store.Authorize | None:
        return api_authorizer(who, section)

    try:
        result = await run_in_threadpool(
            apply_plan,
            driver,
            plan,
            who=who.who,
            authorize_for=authorize_for if plan.editor is not None else None,
            database=settings.neo4j_database,
        )
    except (StalePlan, StaleRecord, Conflict, ValidationFailed, ProblemError) as e:
        with _lock:
            _previews.pop(key, None)  # a refused preview cannot be applied again
        message = e.text_in(lang)
        return render(
            request,
            "import_gone.html",
            status_code=409 if not isinstance(e, ProblemError) else e.status,
            heading=gettext(N_("Nothing was written")),
            message=message,
        )
    except BaseException:
        # nothing was written (the database went away...): the preview may be applied later
        taken.applied = None
        raise
    taken.applied = result
    return RedirectResponse(f"/import/{key}?applied=1", status_code=303)
