"""The ``turva`` command: one Typer app, its commands grouped by what they touch.

Every command module registers itself on :data:`app`; :func:`main` turns any
:class:`~turva.graph.errors.TurvaError` into one clear paragraph and a non-zero exit.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from turva.api.cli.common import app
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
        err.print(f"[bold red]error:[/] {escape(str(e))}", markup=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; nothing more was written.")
        sys.exit(130)
    except Exception as e:
        if os.environ.get("TURVA_DEBUG"):
            raise
        err.print(
            f"[bold red]internal error:[/] {type(e).__name__}: {escape(str(e))}. "
            "This is a bug in turva; run again with TURVA_DEBUG=1 for the details and report them.",
            markup=True,
        )
        sys.exit(70)
