"""The change plan of an uploaded document, and applying exactly that plan.

An upload (``/import`` in the browser) is a whole ``turva/1`` document in any registered
format. :func:`plan_import` compares it with the graph as it is now (the store's own
export, in the same shape) and says, per record type, which records it would **create**,
**change** (with :func:`~turva.graph.domain.diff.field_changes`) and **remove**, and how
many it leaves **unchanged**. Planning reads only; nothing is written.

What a record missing from the upload means is the person's choice, as with ``turva
load``:

* ``replace=False`` (the default, like ``turva load FILE``): records the file lacks are
  kept; nothing is removed.
* ``replace=True`` (like ``turva load --replace``): an **admin**'s upload makes the graph
  equal to the file, so every record the file lacks is removed. An **editor**'s upload
  removes only the editor's *own* records the file lacks (measures one of its
  organisations leads, goals of priority groups one of them is a member of); everything
  else is left alone.

An editor's plan follows the API's rules (``docs/api.md``, :mod:`turva.api.auth` and
:mod:`turva.graph.store.permissions`): each change outside what the editor's
organisations own is **refused** with the reason, and is not written. An admin's plan
refuses nothing.

:func:`apply_plan` writes the allowed changes of a plan in one transaction with its
change history, as the person who planned it, and only while the graph is still at
the version the plan was made on (:class:`StalePlan` otherwise: no lost updates).

>>> plan = ImportPlan(mode="merge", editor=None, version=GraphVersion(3), changes=(),
...                   unchanged={"measures": 2}, kept={}, document={"format": "turva/1"})
>>> plan.is_empty, plan.counts("measures")
(True, {'create': 0, 'update': 0, 'delete': 0, 'refused': 0, 'unchanged': 2})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.diff import FieldChange, field_changes, field_words
from turva.graph.domain.model import FORMAT, SECTIONS, Document
from turva.graph.domain.properties import owned_rel_types, owned_targets, record_dict, to_properties
from turva.graph.domain.schema import NODE_TYPES, NodeType, label, node_type
from turva.graph.domain.validate import noun
from turva.graph.domain.workbook import locate_issues
from turva.graph.errors import Conflict, TurvaError, ValidationFailed, Word, render
from turva.graph.messages import N_, gettext_for
from turva.graph.store import records as store
from turva.graph.store.export import export_document
from turva.graph.store.history import record_change, record_load
from turva.graph.store.load import check_document, load_document
from turva.graph.store.permissions import PARTNER_FIELDS, lead_organisations
from turva.graph.store.transactions import write_transaction
from turva.graph.store.versions import GraphVersion, bump_graph_version, graph_version

__all__ = [
    "ACTIONS",
    "Refusal",
    "PlannedChange",
    "ImportPlan",
    "ApplyResult",
    "StalePlan",
    "plan_import",
    "apply_plan",
    "stored_shape",
    "OBSERVATION_COUNTS",
]

#: what a planned change does to a record, in the order a preview lists them
ACTIONS = ("create", "update", "delete")

#: the sections an editor may write at all
EDITOR_SECTIONS = ("measures", "goals")


@dataclass(frozen=True)
class Refusal:
    """Why a change is refused: a catalogue message and its values, shown in any language.

    >>> Refusal("only %(who)s may", {"who": "admins"}).text_in("en")
    'only admins may'
    """

    message_id: str
    params: dict[str, Any] = field(default_factory=dict)

    def text_in(self, lang: str) -> str:
        return render(self.message_id, self.params, gettext_for(lang))

    def __str__(self) -> str:
        return self.message_id % self.params


@dataclass(frozen=True)
class PlannedChange:
    """One record the upload would create, update or delete, and what differs."""

    section: str
    id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: tuple[FieldChange, ...]
    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def record(self) -> dict[str, Any]:
        """The record as it would be (as it is, for a removal)."""
        return self.after if self.after is not None else (self.before or {})


@dataclass(frozen=True)
class ImportPlan:
    """What an upload would change in the graph at ``version``.

    ``editor`` is the editor's organisations (None for an admin). ``document`` is the
    upload itself (without any ``changes:`` history), kept for :func:`apply_plan`.
    ``kept`` counts, per section, the records the file lacks that stay in the graph.
    """

    mode: str
    editor: frozenset[str] | None
    version: GraphVersion
    changes: tuple[PlannedChange, ...]
    unchanged: dict[str, int]
    kept: dict[str, int]
    document: dict[str, Any]
    #: entries of the file's own ``changes:`` history, which an upload leaves out
    history_left_out: int = 0
    #: the indicators' yearly values the upload would add, change, remove or leave
    #: unchanged (keys of :data:`OBSERVATION_COUNTS`); an editor's are all refused
    observations: dict[str, int] = field(default_factory=dict)

    @property
    def allowed(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.allowed]

    @property
    def observations_to_write(self) -> int:
        """The yearly values an apply writes (an editor's upload writes none)."""
        return sum(self.observations.get(a, 0) for a in ACTIONS)

    @property
    def refused(self) -> list[PlannedChange]:
        return [c for c in self.changes if not c.allowed]

    @property
    def is_empty(self) -> bool:
        """Whether applying would write nothing."""
        return not self.allowed and not self.observations_to_write

    def counts(self, section: str) -> dict[str, int]:
        """Allowed creates, updates and deletes of ``section``, refusals and unchanged."""
        out = {action: 0 for action in ACTIONS}
        refused = 0
        for c in self.changes:
            if c.section == section:
                if c.allowed:
                    out[c.action] += 1
                else:
                    refused += 1
        return {**out, "refused": refused, "unchanged": self.unchanged.get(section, 0)}

    def totals(self) -> dict[str, int]:
        """The counts of every section added up."""
        out: dict[str, int] = {}
        for section in SECTIONS:
            for key, n in self.counts(section).items():
                out[key] = out.get(key, 0) + n
        return out


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply_plan` wrote: allowed creates, updates and deletes per section."""

    written: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(sum(v.values()) for v in self.written.values())


class StalePlan(TurvaError):
    """The graph changed between the preview and the apply: nothing was written."""

    title = "Precondition failed"


def _stale() -> StalePlan:
    return StalePlan.said(
        N_(
            "The data changed since your preview, so nothing was written. "
            "Preview again to see the changes as they are now."
        )
    )


def _sort_key(value: Any) -> Any:
    return value["organisation"] if isinstance(value, dict) else value


def stored_shape(nt: NodeType, record: Any) -> dict[str, Any]:
    """A record model as the store returns and exports it: lists sorted, defaults filled.

    >>> from turva.graph.domain.model import Theme
    >>> stored_shape(node_type("themes"), Theme(id="T1", name={"fi": "Arki"}))
    {'id': 'T1', 'name': {'fi': 'Arki'}}
    """
    relations: dict[str, list[Any]] = {}
    for rt in owned_rel_types(nt.label):
        values: list[Any] = []
        for target in owned_targets(record, rt):
            if isinstance(target, list):
                organisation, role, source = target
                entry = {"organisation": organisation}
                entry.update(
                    {k: v for k, v in (("role", role), ("source", source)) if v is not None}
                )
                values.append(entry)
            else:
                values.append(target)
        relations[rt.field] = sorted(values, key=_sort_key)
    return record_dict(nt, to_properties(record, nt), relations)


def _references(nt: NodeType, record: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(label, id) of every record ``record`` refers to through the fields it owns."""
    for rt in owned_rel_types(nt.label):
        other = rt.end if rt.owner_is_start else rt.start
        value = record.get(rt.field)
        values = [value] if isinstance(value, str | dict) else list(value or [])
        for v in values:
            yield other, (v["organisation"] if isinstance(v, dict) else v)


def _field_list(section: str, fields: list[str]) -> Word:
    """Fields as the words a person reads (``Title, Phenomena addressed``), translated
    with the message they fill.

    >>> str(_field_list("measures", ["title", "addresses"]))
    'Title, Phenomena addressed'
    """
    listed = ", ".join(f"%(f{i})s" for i in range(len(fields)))
    return Word(listed, **{f"f{i}": Word(field_words(section, f)[0]) for i, f in enumerate(fields)})


def _listed(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "–"


class _EditorRules:
    """The API's editor rules, judged on records in memory (the graph as it is now)."""

    def __init__(self, organisations: frozenset[str], current: Mapping[str, Any]):
        self.mine = organisations
        self.listed = _listed(organisations)
        self.members = {
            g["id"]: {m["organisation"] for m in g.get("members", [])}
            for g in current.get("priority_groups", [])
        }

    def owns(self, section: str, record: Mapping[str, Any]) -> bool:
        """Whether the editor may change ``record`` at all (its own record)."""
        if section == "measures":
            return bool({r["organisation"] for r in record.get("responsible", [])} & self.mine)
        if section == "goals":
            return bool(self.members.get(record.get("group") or "", set()) & self.mine)
        return False

    def refusal(self, change: PlannedChange) -> Refusal | None:
        section, before, after = change.section, change.before, change.after
        if section not in EDITOR_SECTIONS:
            return Refusal(
                N_(
                    "An editor may change measures and goals only; ask an admin to change "
                    "this %(noun)s."
                ),
                {"noun": noun(node_type(section).noun)},
            )
        if section == "measures":
            return self._measure(before, after)
        return self._goal(before, after)

    def _measure(
        self, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> Refusal | None:
        if before is not None and not self.owns("measures", before):
            return Refusal(
                N_("None of your organisations (%(mine)s) is responsible for this measure."),
                {"mine": self.listed},
            )
        if after is not None and not self.owns("measures", after):
            return Refusal(
                N_(
                    "After this change none of your organisations (%(mine)s) would be "
                    "responsible for the measure."
                ),
                {"mine": self.listed},
            )
        if before is None:
            if after is not None and not lead_organisations(after) & self.mine:
                return Refusal(
                    N_("A new measure must name one of your organisations (%(mine)s) as its lead."),
                    {"mine": self.listed},
                )
            return None
        leads = lead_organisations(before)
        if leads & self.mine:
            return None
        if after is None:
            return Refusal(
                N_(
                    "Your organisations are partners of this measure; only editors of its lead "
                    "(%(lead)s) or an admin may remove it."
                ),
                {"lead": _listed(leads)},
            )
        fields = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        refused = [k for k in fields if k not in PARTNER_FIELDS]
        if refused:
            return Refusal(
                N_(
                    "Your organisations are partners of this measure (lead: %(lead)s); a "
                    "partner may change status, start, end, resources and indicator only, "
                    "not %(fields)s."
                ),
                {"lead": _listed(leads), "fields": _field_list("measures", refused)},
            )
        return None

    def _goal(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Refusal | None:
        for record, message in (
            (
                before,
                N_(
                    "None of your organisations (%(mine)s) is a member of this goal's priority "
                    "group (%(group)s)."
                ),
            ),
            (
                after,
                N_(
                    "After this change the goal would belong to a priority group (%(group)s) "
                    "none of your organisations (%(mine)s) is a member of."
                ),
            ),
        ):
            if record is not None and not self.owns("goals", record):
                return Refusal(message, {"mine": self.listed, "group": record.get("group") or "–"})
        return None


def _label_section(label_name: str) -> str:
    return next(nt.section for nt in NODE_TYPES if nt.label == label_name)


def _refuse_dangling(
    changes: list[PlannedChange], current: Mapping[str, Any]
) -> list[PlannedChange]:
    """Refuse the allowed changes that would leave a reference to a record that is not
    there after the plan (its create was refused, its removal allowed), until none does."""
    while True:
        ids: dict[str, set[str]] = {
            nt.label: {r["id"] for r in current.get(nt.section, [])} for nt in NODE_TYPES
        }
        for c in changes:
            if c.allowed and c.action == "create":
                ids[node_type(c.section).label].add(c.id)
            elif c.allowed and c.action == "delete":
                ids[node_type(c.section).label].discard(c.id)
        # who refers to what once the plan is applied: the current records, overlaid
        after = {nt.section: {r["id"]: r for r in current.get(nt.section, [])} for nt in NODE_TYPES}
        for c in changes:
            if c.allowed:
                if c.after is None:
                    after[c.section].pop(c.id, None)
                else:
                    after[c.section][c.id] = c.after
        referrers: dict[tuple[str, str], list[str]] = {}
        for section, records in after.items():
            nt = node_type(section)
            for record in records.values():
                for target in _references(nt, record):
                    referrers.setdefault(target, []).append(
                        f"{store.resource_name(section)}/{record['id']}"
                    )
        out: list[PlannedChange] = []
        changed = False
        for c in changes:
            refusal: Refusal | None = None
            if c.allowed and c.after is not None:
                missing = sorted(
                    {i for lb, i in _references(node_type(c.section), c.after) if i not in ids[lb]}
                )
                if missing:
                    refusal = Refusal(
                        N_(
                            "It refers to %(ids)s, which this upload may not create or which "
                            "it removes."
                        ),
                        {"ids": ", ".join(missing)},
                    )
            elif c.allowed and c.action == "delete":
                refs = referrers.get((node_type(c.section).label, c.id), [])
                if refs:
                    refusal = Refusal(
                        N_("It cannot be removed while %(refs)s still refer to it."),
                        {"refs": ", ".join(sorted(refs)[:10])},
                    )
            if refusal is not None:
                changed = True
                c = PlannedChange(c.section, c.id, c.action, c.before, c.after, c.changes, refusal)
            out.append(c)
        changes = out
        if not changed:
            return changes


def plan_import(
    driver: Driver,
    data: Any,
    *,
    editor: Iterable[str] | None = None,
    replace: bool = False,
    database: str | None = None,
) -> ImportPlan:
    """What ``data`` (a raw ``turva/1`` mapping) would change in the graph now.

    ``editor`` is the organisations of an editor (None: an admin). ``replace`` removes
    the records the file lacks (an editor's own only). Raises
    :class:`~turva.graph.errors.ValidationFailed` with every problem of the document.
    """
    # the version first: anything written after this read makes the plan stale
    version = graph_version(driver, database)
    history = data.get("changes") if isinstance(data, dict) else None
    records = {k: v for k, v in data.items() if k != "changes"} if isinstance(data, dict) else data
    organisations = None if editor is None else frozenset(editor)
    try:
        # an admin's replacing upload stands on its own, as `turva load --replace`; every
        # other upload may refer to records already in the graph
        doc: Document = check_document(
            driver, records, replace=replace and organisations is None, database=database
        )[0]
    except ValidationFailed as e:
        # a document read from a workbook names the cells of its issues (Toimenpiteet!D12)
        located = locate_issues(e, data)
        if located is e:
            raise
        raise located from e
    current = export_document(driver, database, history=False)
    rules = None if organisations is None else _EditorRules(organisations, current)
    changes: list[PlannedChange] = []
    unchanged: dict[str, int] = {}
    kept: dict[str, int] = {}
    uploaded: dict[str, Any] = {"format": FORMAT}
    for section in SECTIONS:
        nt = node_type(section)
        now = {r["id"]: r for r in current.get(section, [])}
        records = [stored_shape(nt, r) for r in getattr(doc, section)]
        uploaded[section] = records
        same = 0
        for after in records:
            before = now.get(after["id"])
            diff = tuple(field_changes(before, after, section=section))
            if before is not None and not diff:
                same += 1
                continue
            action = "create" if before is None else "update"
            changes.append(PlannedChange(section, after["id"], action, before, after, diff))
        unchanged[section] = same
        listed = {r["id"] for r in records}
        missing = [r for i, r in now.items() if i not in listed]
        if replace:
            removable = missing if rules is None else [r for r in missing if rules.owns(section, r)]
            for before in removable:
                diff = tuple(field_changes(before, None, section=section))
                changes.append(PlannedChange(section, before["id"], "delete", before, None, diff))
            kept[section] = len(missing) - len(removable)
        else:
            kept[section] = len(missing)
    uploaded["observations"] = [o.model_dump(exclude_none=True) for o in doc.observations]
    observations = _observation_counts(current, uploaded["observations"], replace=replace)
    if rules is not None:
        changes = [
            PlannedChange(c.section, c.id, c.action, c.before, c.after, c.changes, rules.refusal(c))
            for c in changes
        ]
        changes = _refuse_dangling(changes, current)
        # yearly values belong to no organisation: an admin keeps them
        refused = sum(observations.pop(a, 0) for a in ACTIONS)
        observations = {**observations, "refused": refused}
    # alike in shape only to api/routes/changes.py's list_changes call: each names its own
    # keyword arguments, nothing to share
    return ImportPlan(
        mode="replace" if replace else "merge",
        editor=organisations,
        version=version,
        changes=tuple(changes),
        unchanged=unchanged,
        kept=kept,
        document=uploaded,
        history_left_out=len(history) if isinstance(history, list) else 0,
        observations=observations,
    )


#: what a plan counts of the yearly values: new, changed, removed, unchanged, refused
OBSERVATION_COUNTS = (*ACTIONS, "unchanged", "refused")


def _observation_key(o: Mapping[str, Any]) -> str:
    return f"{o['indicator']}/{o['year']}"


def _observation_counts(
    current: Mapping[str, Any], uploaded: list[dict[str, Any]], *, replace: bool
) -> dict[str, int]:
    now = {_observation_key(o): o for o in current.get("observations", [])}
    listed = {_observation_key(o): o for o in uploaded}
    counts = {
        "create": sum(1 for k in listed if k not in now),
        "update": sum(1 for k, o in listed.items() if k in now and now[k] != o),
        "delete": sum(1 for k in now if k not in listed) if replace else 0,
        "unchanged": sum(1 for k, o in listed.items() if now.get(k) == o),
    }
    return {k: n for k, n in counts.items() if n}


def _check_version(tx: ManagedTransaction, planned: GraphVersion) -> None:
    """Refuse (roll back) unless the graph is still at ``planned``.

    Bumping takes the version node's write lock and reads the count under it, so no
    other write can commit between this check and this transaction's commit.
    """
    now = bump_graph_version(tx)
    if now.number != planned.number + 1 or (planned.epoch and now.epoch != planned.epoch):
        raise _stale()


#: section -> the in-transaction check of an editor's write (the API's authorizer)
AuthorizeFor = Callable[[str], "store.Authorize | None"]


def _written(plan: ImportPlan) -> dict[str, dict[str, int]]:
    return {
        section: {a: n for a, n in plan.counts(section).items() if a in ACTIONS and n}
        for section in SECTIONS
        if any(plan.counts(section)[a] for a in ACTIONS)
    }


def apply_plan(
    driver: Driver,
    plan: ImportPlan,
    *,
    who: str,
    authorize_for: AuthorizeFor | None = None,
    database: str | None = None,
) -> ApplyResult:
    """Write the allowed changes of ``plan`` in one transaction, recorded as ``who``.

    Raises :class:`StalePlan` (and writes nothing) when anything was written since the
    plan was made. An admin's plan goes through the whole-document load (one history
    entry for the upload, as ``turva load``); an editor's record by record, each with
    its own history entry and ``authorize_for(section)``, the API's check, in the
    transaction.
    """
    if plan.is_empty:
        return ApplyResult({})
    if plan.editor is None:
        _apply_document(driver, plan, who=who, database=database)
    else:
        _apply_records(driver, plan, who=who, authorize_for=authorize_for, database=database)
    return ApplyResult(_written(plan))


def _apply_document(driver: Driver, plan: ImportPlan, *, who: str, database: str | None) -> None:
    replace = plan.mode == "replace"
    if replace:
        data = plan.document
    else:
        # only what is new or changed: unchanged records keep their versions, so nobody's
        # open edit form turns stale for nothing
        wanted = {(c.section, c.id) for c in plan.allowed}
        data = {"format": FORMAT}
        for section in SECTIONS:
            data[section] = [
                r for r in plan.document.get(section, []) if (section, r["id"]) in wanted
            ]
        # every yearly value of the file: one that is unchanged is written as it was
        data["observations"] = plan.document.get("observations", [])
    # the history entry counts what the preview showed, in a load report's shape
    counts: dict[str, dict[str, int]] = {}
    for action, key in (("create", "created"), ("update", "updated"), ("delete", "deleted")):
        per_section = {s: plan.counts(s)[action] for s in SECTIONS if plan.counts(s)[action]}
        if plan.observations.get(action):
            per_section["observations"] = plan.observations[action]
        if per_section:
            counts[key] = per_section

    def record(tx: ManagedTransaction) -> None:
        _check_version(tx, plan.version)
        record_load(tx, who, counts, replace=replace)

    load_document(
        driver, data, replace=replace, database=database, in_transaction=record, imported_by=who
    )


def _apply_records(
    driver: Driver,
    plan: ImportPlan,
    *,
    who: str,
    authorize_for: AuthorizeFor | None,
    database: str | None,
) -> None:
    order = {s: i for i, s in enumerate(SECTIONS)}
    writes = sorted(
        (c for c in plan.allowed if c.action != "delete"), key=lambda c: order[c.section]
    )
    deletes = sorted(
        (c for c in plan.allowed if c.action == "delete"), key=lambda c: -order[c.section]
    )

    def work(tx: ManagedTransaction) -> None:
        # first: holding the version's lock, nothing else commits before this does
        _check_version(tx, plan.version)
        for c in writes:
            nt = node_type(c.section)
            record = nt.model.model_validate(c.after)
            authorize = authorize_for(c.section) if authorize_for else None
            before: dict[str, Any] | None = None
            version, action = 1, "create"
            if c.action == "create":
                if store.fetch_record(tx, nt, c.id) is not None:
                    raise _stale()
            else:
                before, version = store._locked_before(tx, nt, c.id, None)  # noqa: SLF001
                action = "replace"
            store._store(  # noqa: SLF001 - the store's own write, in this transaction
                tx,
                c.section,
                record,
                before=before,
                version=version,
                action=action,
                who=who,
                authorize=authorize,
            )
        for c in deletes:
            nt = node_type(c.section)
            before, _ = store._locked_before(tx, nt, c.id, None)  # noqa: SLF001
            authorize = authorize_for(c.section) if authorize_for else None
            if authorize is not None:
                authorize(tx, before, None)
            refs = store._referencing(tx, nt, c.id)  # noqa: SLF001
            if refs:
                raise Conflict.said(
                    N_("%(noun)s %(id)s is still referenced by %(refs)s; nothing was written."),
                    noun=noun(nt.noun),
                    id=repr(c.id),
                    refs=", ".join(refs[:10]),
                )
            tx.run(f"MATCH (n:{label(nt.label)} {{id: $id}}) DETACH DELETE n", id=c.id).consume()
            record_change(
                tx,
                who=who,
                type=store.resource_name(c.section),
                record_id=c.id,
                action="delete",
                before=before,
            )

    write_transaction(driver, work, database=database)
