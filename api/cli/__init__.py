"""The ``turva`` command: one Typer app, its commands grouped by what they touch.

Every command module registers itself on :data:`app` when imported; :func:`main` imports
only the module of the command on the command line (all of them for ``turva --help`` or a
mistyped command), so that ``turva load`` does not spend a quarter of a second importing
networkx and the analyses it does not run. :func:`main` turns any
:class:`~turva.graph.errors.TurvaError` into one clear paragraph and a non-zero exit, in
the command's language (:mod:`turva.api.cli.language`).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape

from turva.api.cli.common import app
from turva.api.cli.language import _, error_text
from turva.graph.errors import TurvaError

__all__ = ["COMMAND_MODULES", "app", "load_commands", "main"]

#: the command modules of this package and the commands (or command groups) each one
#: registers on :data:`app` (tests/test_cli_commands.py keeps it true)
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "analyses": (
        "who-addresses",
        "gaps",
        "overlaps",
        "coverage",
        "profile",
        "path",
        "changes",
        "what-if",
        "goal-progress",
        "attention",
    ),
    "briefing": ("briefing",),
    "data": ("load", "export"),
    "maps": ("map",),
    "observations": ("observations",),
    "server": ("serve", "neo4j"),
    "template": ("template",),
    "tokens": ("token", "changes-log"),
    "users": ("user",),
}
_MODULE_OF = {command: module for module, names in COMMAND_MODULES.items() for command in names}


def load_commands(argv: Sequence[str] | None = None) -> typer.Typer:
    """:data:`app` with the commands registered that ``argv`` needs (``None``: all).

    The first word of ``argv`` that names a command picks its module; global options
    and their values (``--lang fi``) are never command names. Without one (``--help``,
    a typo) every module is imported, so that Typer lists or suggests every command.
    """
    named = next((_MODULE_OF[arg] for arg in argv or () if arg in _MODULE_OF), None)
    for module in [named] if named else COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return app


def main() -> None:
    """Entry point of the ``turva`` script."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        load_commands(sys.argv[1:])()
    except TurvaError as e:
        label = _("error:")
        err.print(f"[bold red]{label}[/] {escape(error_text(e))}", markup=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print(_("interrupted; nothing more was written."))
        sys.exit(130)
    except Exception as e:
        if os.environ.get("TURVA_DEBUG"):
            raise
        what = escape(f"{type(e).__name__}: {e}")
        label = _("internal error:")
        err.print(
            f"[bold red]{label}[/] "
            + _(
                "%(error)s. This is a bug in turva; run again with TURVA_DEBUG=1 for the "
                "details and report them."
            )
            % {"error": what},
            markup=True,
        )
        sys.exit(70)
