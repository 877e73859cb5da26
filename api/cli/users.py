"""`turva user create|list|disable|enable|set-password|set-role|log`: people's accounts.

People sign in to the pages with these accounts (tokens stay for programs). A password is
read from standard input (``--password-stdin``, its first line) or asked twice without
echo at a terminal; it never appears on a command line or in the shell's history.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Any

import typer

from turva.api.cli.common import app, in_graph, print_rows, stdout
from turva.api.cli.language import _, help_text
from turva.graph.errors import BadArgument
from turva.graph.messages import N_
from turva.graph.store.accounts import (
    ROLES,
    Account,
    check_password,
    create_account,
    set_disabled,
    set_password,
    set_role,
)
from turva.queries.runner import run_query

user_app = typer.Typer(
    help=help_text("People's accounts: who signs in to the pages, with which role.")
)
app.add_typer(user_app, name="user")

_ORGANISATION = typer.Option(
    "--organisation",
    help=help_text("Editor only: an organisation whose records they change (repeatable)."),
)
_ROLE = typer.Option(..., "--role", help=help_text("reader, editor or admin."))
_PASSWORD_STDIN = typer.Option(
    False,
    "--password-stdin",
    help=help_text("Read the password from the first line of standard input."),
)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise BadArgument.said(
            N_("unknown role %(role)r: use --role %(roles)s"), role=role, roles="|".join(ROLES)
        )


def _password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or asked twice at a terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        check_password(password)
        return password
    if not sys.stdin.isatty():
        raise BadArgument.said(
            N_("give the password on standard input with --password-stdin (no terminal to ask at)")
        )
    password = getpass.getpass(_("New password: "))
    check_password(password)
    if getpass.getpass(_("The same password again: ")) != password:
        raise BadArgument.said(N_("the two passwords differ; nothing was changed"))
    return password


@user_app.command("create", help=help_text("Make an account that signs in with a password."))
def user_create(
    username: str = typer.Argument(..., help=help_text("The username, e.g. maija.virtanen.")),
    role: str = _ROLE,
    organisation: Annotated[list[str] | None, _ORGANISATION] = None,
    password_stdin: bool = _PASSWORD_STDIN,
    name: str | None = typer.Option(
        None, "--name", help=help_text("The name the pages show, e.g. 'Maija Virtanen'.")
    ),
) -> None:
    """Make an account that signs in with a password."""
    _check_role(role)
    password = _password(password_stdin)
    account = in_graph(
        create_account,
        username,
        role,
        organisation or [],
        password,
        by=_who(),
        display_name=name,
    )
    _say_role(
        account,
        _("created %(role)s account %(username)s for %(organisations)s."),
        _("created %(role)s account %(username)s."),
    )


def _say_role(account: Account, with_organisations: str, without: str) -> None:
    """Print what ``account`` now is: ``with_organisations`` names its organisations."""
    about = {"role": account.role, "username": account.username}
    if account.organisations:
        about["organisations"] = ", ".join(account.organisations)
        stdout.print(with_organisations % about, markup=False)
    else:
        stdout.print(without % about, markup=False)


def _time(value: Any) -> str:
    native = value.to_native() if hasattr(value, "to_native") else value
    return native.strftime("%Y-%m-%d %H:%M") if native else ""


@user_app.command(
    "list", help=help_text("The accounts: username, name, role, organisations, state.")
)
def user_list(
    as_json: bool = typer.Option(False, "--json", help=help_text("Print JSON instead of a table.")),
) -> None:
    """The accounts: username, name, role, organisations, state."""
    rows = in_graph(run_query, "account_list")
    print_rows(
        rows,
        as_json=as_json,
        json_row=lambda r: {
            **r,
            "created": _time(r["created"]) or None,
            "last_sign_in": _time(r["last_sign_in"]) or None,
        },
        empty=_("no accounts; make one with `turva user create USERNAME --role ...`"),
        headers=(
            _("Username"),
            _("Name"),
            _("Role"),
            _("Organisations"),
            _("State"),
            _("Signs in with"),
            _("Last sign-in"),
        ),
        cells=lambda r: (
            r["username"],
            r["display_name"] or "",
            r["role"],
            " ".join(r["organisations"]),
            _("disabled") if r["disabled"] else _("enabled"),
            _("single sign-on") if r["sso"] else _("password"),
            _time(r["last_sign_in"]),
        ),
    )


@user_app.command(
    "disable", help=help_text("Disable an account: its sessions end and it cannot sign in.")
)
def user_disable(
    username: str = typer.Argument(..., help=help_text("The account's username.")),
) -> None:
    """Disable an account: its sessions end and it cannot sign in."""
    account = in_graph(set_disabled, username, True, by=_who())
    stdout.print(_("disabled account %(username)s") % {"username": account.username}, markup=False)


@user_app.command("enable", help=help_text("Enable a disabled account again."))
def user_enable(
    username: str = typer.Argument(..., help=help_text("The account's username.")),
) -> None:
    """Enable a disabled account again."""
    account = in_graph(set_disabled, username, False, by=_who())
    stdout.print(_("enabled account %(username)s") % {"username": account.username}, markup=False)


@user_app.command(
    "set-password", help=help_text("Give an account a new password; its sessions end.")
)
def user_set_password(
    username: str = typer.Argument(..., help=help_text("The account's username.")),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Give an account a new password; its sessions end."""
    password = _password(password_stdin)
    account = in_graph(set_password, username, password, by=_who())
    stdout.print(
        _("set a new password for %(username)s; its sessions ended")
        % {"username": account.username},
        markup=False,
    )


@user_app.command(
    "set-role",
    help=help_text("Give an account a role (and an editor its organisations); its sessions end."),
)
def user_set_role(
    username: str = typer.Argument(..., help=help_text("The account's username.")),
    role: str = _ROLE,
    organisation: Annotated[list[str] | None, _ORGANISATION] = None,
) -> None:
    """Give an account a role (and an editor its organisations); its sessions end."""
    _check_role(role)
    account = in_graph(set_role, username, role, organisation or [], by=_who())
    _say_role(
        account,
        _("%(username)s is now %(role)s for %(organisations)s"),
        _("%(username)s is now %(role)s"),
    )


@user_app.command("log", help=help_text("The changes of accounts, newest first: who, when, what."))
def user_log(
    username: str | None = typer.Argument(None, help=help_text("Only this account's changes.")),
    limit: int = typer.Option(
        50, "--limit", min=1, max=10000, help=help_text("At most this many.")
    ),
    as_json: bool = typer.Option(False, "--json", help=help_text("Print JSON with before/after.")),
) -> None:
    """The changes of accounts, newest first: who, when, what."""
    rows = in_graph(
        run_query,
        "account_changes",
        username=username.strip().lower() if username else None,
        limit=limit,
    )
    print_rows(
        rows,
        as_json=as_json,
        json_row=lambda r: {
            **r,
            "at": r["at"].to_native().isoformat(),
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(r["after"]) if r["after"] else None,
        },
        empty=_("no account changes recorded"),
        headers=(_("At (UTC)"), _("Who"), _("Action"), _("Account")),
        cells=lambda r: (_time(r["at"]), r["who"], r["action"], r["account"]),
    )
