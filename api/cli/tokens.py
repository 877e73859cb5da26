"""`turva token create|list|revoke` and `turva changes-log`."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Annotated

import typer
from rich.table import Table

from turva.api.cli.common import app, driver_session, settings, stderr, stdout
from turva.graph.errors import BadArgument
from turva.graph.store.history import list_changes
from turva.graph.store.tokens import ROLES, create_token, list_tokens, revoke_token

token_app = typer.Typer(help="API tokens: who may read and write through the service.")
app.add_typer(token_app, name="token")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., "--role", help="reader, editor or admin."),
    name: str = typer.Option(..., "--name", help="Who or what uses it, e.g. 'POHA analysts'."),
    organisation: Annotated[
        list[str] | None,
        typer.Option(
            "--organisation", help="Editor only: an organisation it writes for (repeatable)."
        ),
    ] = None,
) -> None:
    """Make a token and print its secret once (only a hash is stored)."""
    if role not in ROLES:
        raise BadArgument(f"unknown role {role!r}: use --role {'|'.join(ROLES)}")
    config = settings()
    with driver_session(config) as driver:
        token, secret = create_token(
            driver,
            name=name,
            role=role,
            organisations=organisation or [],
            who=_who(),
            database=config.neo4j_database,
        )
    orgs = f" for {', '.join(token.organisations)}" if token.organisations else ""
    stderr.print(
        f"created {token.role} token {token.id} ({token.name}){orgs}. "
        "The secret below is shown only now: store it safely."
    )
    # the secret alone on stdout, so `secret=$(turva token create ...)` works
    print(secret)


@token_app.command("list")
def token_list(
    all_: bool = typer.Option(False, "--all", help="Include revoked tokens."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The tokens: id, name, role, organisations, created, revoked."""
    config = settings()
    with driver_session(config) as driver:
        tokens = list_tokens(driver, include_revoked=all_, database=config.neo4j_database)
    if as_json:
        print(json.dumps([t.public() for t in tokens], ensure_ascii=False, indent=2))
        return
    if not tokens:
        stdout.print("no tokens; make one with `turva token create --role ... --name ...`")
        return
    table = Table("id", "name", "role", "organisations", "created", "revoked")
    for t in tokens:
        table.add_row(
            t.id,
            t.name,
            t.role,
            " ".join(t.organisations),
            t.created.strftime("%Y-%m-%d %H:%M") if t.created else "",
            t.revoked.strftime("%Y-%m-%d %H:%M") if t.revoked else "",
        )
    stdout.print(table)


@token_app.command("revoke")
def token_revoke(
    token: str = typer.Argument(..., help="The token's id or name."),
) -> None:
    """Revoke a token: it stops working at once."""
    config = settings()
    with driver_session(config) as driver:
        revoked = revoke_token(driver, token, who=_who(), database=config.neo4j_database)
    stdout.print(f"revoked token {revoked.id} ({revoked.name})")


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise BadArgument(
            f"--since must be a date or date-time such as 2025-01-31 or 2025-01-31T12:00, "
            f"got {value!r}"
        ) from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _time(value: str) -> str:
    return value[:19].replace("T", " ")


def _imported(change: dict) -> str:
    """``by <who> <when>`` for a change a load brought, else empty."""
    if not change.get("imported_at"):
        return ""
    return f"by {change.get('imported_by') or 'unknown'} {_time(change['imported_at'])}"


@app.command("changes-log")
def changes_log(
    type_: str | None = typer.Option(None, "--type", help="Record type, e.g. measures."),
    id_: str | None = typer.Option(None, "--id", help="Record id."),
    since: str | None = typer.Option(None, "--since", help="Date or date-time (UTC)."),
    limit: int = typer.Option(50, "--limit", min=1, max=10000, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON with before/after."),
) -> None:
    """The change history, newest first: who changed what, when.

    A change brought by a load says so in the last column: who imported it, and when.
    """
    config = settings()
    with driver_session(config) as driver:
        changes, total = list_changes(
            driver,
            type=type_,
            record_id=id_,
            since=_since(since),
            limit=limit,
            # whoever reaches the database directly sees all, token changes too
            include_tokens=True,
            database=config.neo4j_database,
        )
    if as_json:
        print(json.dumps(changes, ensure_ascii=False, indent=2))
        return
    if not changes:
        stdout.print("no changes recorded" + (" that match" if type_ or id_ or since else ""))
        return
    table = Table("at (UTC)", "who", "action", "type", "id", "imported")
    for c in changes:
        table.add_row(_time(c["at"]), c["who"], c["action"], c["type"], c["id"] or "", _imported(c))
    stdout.print(table)
    if total > len(changes):
        stdout.print(f"showing {len(changes)} of {total}; use --limit to see more")
