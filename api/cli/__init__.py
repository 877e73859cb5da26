"""The ``turva`` command: one Typer app, its commands grouped by what they touch.

Every command module registers itself on :data:`app`; :func:`main` turns any
:class:`~turva.graph.errors.TurvaError` into one clear paragraph and a non-zero exit, in
the command's language (:mod:`turva.api.cli.language`).
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from turva.api.cli.common import app
from turva.api.cli.language import _, error_text
from turva.graph.errors import TurvaError

# Importing the modules registers their commands on `app`.
from turva.api.cli import analyses, data, maps, server, tokens  # noqa: E402,F401  isort: skip

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``turva`` script."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        app()
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
