"""Map views a signed-in person saved under a name: a map's view and its URL query.

A saved view is a service node (``:SavedView``), owned by one account (``owner``, the
username), never part of ``turva/1`` data. Its ``id`` is random; its name is unique per
account (schema: ``turva_savedview_owner_name``), so saving a name again replaces that
view. Saving, replacing and deleting are recorded as an ``:AccountChange`` in the same
transaction, as every other change of a person's account data is
(:mod:`turva.graph.store.accounts`).

What a view and a query may be is the service's to check (the map views live in
``turva.visualize``): this module stores what it is given, after checking the name and
the lengths.

>>> check_view_name("  Kyber 2021  ")
'Kyber 2021'
>>> check_view_name("")
Traceback (most recent call last):
...
turva.graph.errors.BadArgument: name: give the view a name of 1 to 80 characters
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction

from turva.graph.domain.schema import label
from turva.graph.errors import BadArgument, NotFound
from turva.graph.messages import N_
from turva.graph.store.transactions import write_transaction

__all__ = [
    "MAX_NAME",
    "MAX_QUERY",
    "MAX_VIEWS",
    "SavedView",
    "check_view_name",
    "save_view",
    "delete_view",
]

#: the longest name of a saved view, in characters
MAX_NAME = 80
#: the longest query a saved view keeps (the filters and the focus of one map)
MAX_QUERY = 600
#: how many views one account may keep
MAX_VIEWS = 100

_VIEW = label("SavedView")
_ACCOUNT = label("Account")
_CHANGE = label("AccountChange")


@dataclass(frozen=True)
class SavedView:
    """One saved view: ``view`` is the map's view (``who-works-on-what``...), ``query``
    its URL query without the ``?`` (``period=2021&focus=organisation%3APOHA``)."""

    id: str
    owner: str
    name: str
    view: str
    query: str
    saved: dt.datetime

    @property
    def url(self) -> str:
        """Where the view opens again.

        >>> SavedView("x", "maija", "n", "group", "id=PG1", dt.datetime.now(dt.UTC)).url
        '/maps/group?id=PG1'
        """
        return f"/maps/{self.view}" + (f"?{self.query}" if self.query else "")


def check_view_name(name: str) -> str:
    """The name without surrounding spaces, or a :class:`BadArgument` naming the field."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise BadArgument.said(
            N_("name: give the view a name of 1 to %(max)s characters"), max=MAX_NAME
        )
    return name


def _view(props: dict[str, Any]) -> SavedView:
    saved = props["saved"]
    return SavedView(
        id=str(props["id"]),
        owner=str(props["owner"]),
        name=str(props["name"]),
        view=str(props["view"]),
        query=str(props["query"]),
        saved=saved.to_native() if hasattr(saved, "to_native") else saved,
    )


def _note(tx: ManagedTransaction, owner: str, action: str, before: Any, after: Any) -> None:
    """The account change of a saved view: the view before and after, as JSON."""
    at = dt.datetime.now(dt.UTC)

    def shown(view: SavedView | None) -> str | None:
        if view is None:
            return None
        return json.dumps({**asdict(view), "saved": view.saved.isoformat()}, sort_keys=True)

    tx.run(
        f"CREATE (c:{_CHANGE}) SET c = $props",
        props={
            "id": f"{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}",
            "at": at,
            "who": f"user:{owner}",
            "account": owner,
            "action": action,
            "before": shown(before),
            "after": shown(after),
        },
    ).consume()


def save_view(
    driver: Driver,
    owner: str,
    name: str,
    view: str,
    query: str,
    *,
    database: str | None = None,
) -> tuple[SavedView, bool]:
    """Save ``view`` with ``query`` as ``name`` for the account ``owner``; a view of that
    name is replaced. Returns the view and whether it replaced one.

    Raises :class:`BadArgument` for a bad name or query or a full list, and
    :class:`NotFound` when the account does not exist.
    """
    name = check_view_name(name)
    if len(query) > MAX_QUERY:
        raise BadArgument.said(
            N_("query: a view keeps at most %(max)s characters of filters"), max=MAX_QUERY
        )

    def work(tx: ManagedTransaction) -> tuple[SavedView, bool]:
        found = tx.run(
            f"MATCH (a:{_ACCOUNT} {{id: $owner}}) "
            f"OPTIONAL MATCH (v:{_VIEW} {{owner: $owner, name: $name}}) "
            f"RETURN properties(v) AS old, COUNT {{ MATCH (w:{_VIEW} {{owner: $owner}}) }} AS n",
            owner=owner,
            name=name,
        ).single()
        if found is None:
            raise NotFound.said(N_("no account has the username %(username)s"), username=owner)
        before = _view(found["old"]) if found["old"] else None
        if before is None and found["n"] >= MAX_VIEWS:
            raise BadArgument.said(
                N_("name: you have %(max)s saved views already; delete one first"),
                max=MAX_VIEWS,
            )
        props = {
            "id": before.id if before else uuid.uuid4().hex,
            "owner": owner,
            "name": name,
            "view": view,
            "query": query,
            "saved": dt.datetime.now(dt.UTC),
        }
        # MERGE on the constraint's two keys: two saves of one name at once make one view
        tx.run(
            f"MERGE (v:{_VIEW} {{owner: $owner, name: $name}}) SET v = $props",
            owner=owner,
            name=name,
            props=props,
        ).consume()
        after = _view(props)
        _note(tx, owner, "replace-view" if before else "save-view", before, after)
        return after, before is not None

    return write_transaction(driver, work, database=database)


def delete_view(
    driver: Driver, owner: str, view_id: str, *, database: str | None = None
) -> SavedView:
    """Delete the saved view ``view_id`` of ``owner``. Another account's view is
    :class:`NotFound` exactly as a view that does not exist: nobody learns of it."""

    def work(tx: ManagedTransaction) -> SavedView:
        row = tx.run(
            f"MATCH (v:{_VIEW} {{id: $id, owner: $owner}}) RETURN properties(v) AS props",
            id=view_id,
            owner=owner,
        ).single()
        if row is None:
            raise NotFound.said(N_("you have no saved view %(id)s"), id=repr(view_id))
        tx.run(f"MATCH (v:{_VIEW} {{id: $id}}) DELETE v", id=view_id).consume()
        gone = _view(row["props"])
        _note(tx, owner, "delete-view", gone, None)
        return gone

    return write_transaction(driver, work, database=database)
