"""`turva token create|list|revoke` and `turva changes-log`."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Annotated

import typer

from turva.api.cli.common import app, in_graph, print_rows, stderr, stdout
from turva.api.cli.language import _, help_text
from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.graph.store.history import list_changes
from turva.graph.store.tokens import ROLES, create_token, list_tokens, revoke_token

token_app = typer.Typer(help=help_text("API tokens: who may read and write through the service."))
app.add_typer(token_app, name="token")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@token_app.command(
    "create", help=help_text("Make a token and print its secret once (only a hash is stored).")
)
def token_create(
    role: str = typer.Option(..., "--role", help=help_text("reader, editor or admin.")),
    name: str = typer.Option(
        ..., "--name", help=help_text("Who or what uses it, e.g. 'POHA analysts'.")
    ),
    organisation: Annotated[
        list[str] | None,
        typer.Option(
            "--organisation",
            help=help_text("Editor only: an organisation it writes for (repeatable)."),
        ),
    ] = None,
) -> None:
    """Make a token and print its secret once (only a hash is stored)."""
    if role not in ROLES:
        raise BadArgument.said(
            N_("unknown role %(role)r: use --role %(roles)s"), role=role, roles="|".join(ROLES)
        )
    token, secret = in_graph(
        create_token, name=name, role=role, organisations=organisation or [], who=_who()
    )
    about = {"role": token.role, "id": token.id, "name": token.name}
    if token.organisations:
        created = _("created %(role)s token %(id)s (%(name)s) for %(organisations)s.")
        about["organisations"] = ", ".join(token.organisations)
    else:
        created = _("created %(role)s token %(id)s (%(name)s).")
    stderr.print(
        created % about + " " + _("The secret below is shown only now: store it safely."),
        markup=False,
    )
    # the secret alone on stdout, so `secret=$(turva token create ...)` works
    print(secret)


@token_app.command(
    "list", help=help_text("The tokens: id, name, role, organisations, created, revoked.")
)
def token_list(
    all_: bool = typer.Option(False, "--all", help=help_text("Include revoked tokens.")),
    as_json: bool = typer.Option(False, "--json", help=help_text("Print JSON instead of a table.")),
) -> None:
    """The tokens: id, name, role, organisations, created, revoked."""
    tokens = in_graph(list_tokens, include_revoked=all_)
    print_rows(
        tokens,
        as_json=as_json,
        json_row=lambda t: t.public(),
        empty=_("no tokens; make one with `turva token create --role ... --name ...`"),
        headers=(_("Id"), _("Name"), _("Role"), _("Organisations"), _("Created"), _("Revoked")),
        cells=lambda t: (
            t.id,
            t.name,
            t.role,
            " ".join(t.organisations),
            t.created.strftime("%Y-%m-%d %H:%M") if t.created else "",
            t.revoked.strftime("%Y-%m-%d %H:%M") if t.revoked else "",
        ),
    )


@token_app.command("revoke", help=help_text("Revoke a token: it stops working at once."))
def token_revoke(
    token: str = typer.Argument(..., help=help_text("The token's id or name.")),
) -> None:
    """Revoke a token: it stops working at once."""
    revoked = in_graph(revoke_token, token, who=_who())
    stdout.print(
        _("revoked token %(id)s (%(name)s)") % {"id": revoked.id, "name": revoked.name},
        markup=False,
    )


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise BadArgument.said(
            N_(
                "--since must be a date or date-time such as 2025-01-31 or 2025-01-31T12:00, "
                "got %(value)s"
            ),
            value=repr(value),
        ) from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _time(value: str) -> str:
    return value[:19].replace("T", " ")


def _imported(change: dict) -> str:
    """``by <who> <when>`` for a change a load brought, else empty."""
    if not change.get("imported_at"):
        return ""
    return _("by %(who)s %(at)s") % {
        "who": change.get("imported_by") or _("unknown"),
        "at": _time(change["imported_at"]),
    }


@app.command(
    "changes-log",
    help=help_text(
        "The change history, newest first: who changed what, when.\n\n"
        "A change brought by a load says so in the last column: who imported it, and when."
    ),
)
def changes_log(
    type_: str | None = typer.Option(None, "--type", help=help_text("Record type, e.g. measures.")),
    id_: str | None = typer.Option(None, "--id", help=help_text("Record id.")),
    since: str | None = typer.Option(None, "--since", help=help_text("Date or date-time (UTC).")),
    limit: int = typer.Option(
        50, "--limit", min=1, max=10000, help=help_text("At most this many.")
    ),
    as_json: bool = typer.Option(False, "--json", help=help_text("Print JSON with before/after.")),
) -> None:
    """The change history, newest first: who changed what, when.

    A change brought by a load says so in the last column: who imported it, and when.
    """
    asked = {"type": type_, "record_id": id_, "since": _since(since)}
    # whoever reaches the database directly sees all, token changes too
    changes, total = in_graph(list_changes, limit=limit, include_tokens=True, **asked)
    tabled = print_rows(
        changes,
        as_json=as_json,
        json_row=dict,
        empty=(
            _("no changes recorded that match") if any(asked.values()) else _("no changes recorded")
        ),
        headers=(_("At (UTC)"), _("Who"), _("Action"), _("Type"), _("Id"), _("Imported")),
        cells=lambda c: (
            _time(c["at"]),
            c["who"],
            c["action"],
            c["type"],
            c["id"] or "",
            _imported(c),
        ),
    )
    if tabled and total > len(changes):
        stdout.print(
            _("showing %(shown)s of %(total)s; use --limit to see more")
            % {"shown": len(changes), "total": total}
        )
