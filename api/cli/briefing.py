"""``turva briefing``: the situation picture on at most four A4 pages, as PDF or HTML.

The same document as the web page's "Print / PDF" link
(:func:`turva.api.situation_pages.briefing_html`): key figures, charts, the top gaps by
name and the who-works-on-what map. A ``.pdf`` is printed by headless Chromium; without
Chromium, the error says what to install (or write ``.html`` and print it from a browser).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from turva.api.cli.analyses import PeriodOption, _as_of
from turva.api.cli.common import Lang, app, driver_session, settings, stderr
from turva.api.cli.language import _, current_lang, help_text
from turva.graph.errors import BadArgument
from turva.graph.messages import N_

__all__ = ["briefing", "BRIEFING_FORMATS"]

#: the extensions ``-o`` takes, and what each writes
BRIEFING_FORMATS = (".pdf", ".html")


def _format_of(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in BRIEFING_FORMATS:
        raise BadArgument.said(
            N_("output file %(path)r: the extension must be .pdf or .html (it picks the format)"),
            path=str(output),
        )
    return suffix[1:]


@app.command(
    help=help_text(
        "Write the situation picture's briefing (key figures, charts, top gaps, the "
        "who-works-on-what map; at most 4 A4 pages), e.g. `turva briefing -o briefing.pdf`."
    )
)
def briefing(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=help_text("the file to write: .pdf (printed by Chromium) or .html"),
            show_default=False,
        ),
    ],
    period: int | None = PeriodOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help=help_text("Date YYYY-MM-DD for overdue measures; default: today.")
    ),
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=help_text("language of the briefing: fi, sv or en; default: the command's"),
        ),
    ] = None,
) -> None:
    """Write the situation picture's briefing to a PDF or HTML file."""
    # refuse a bad file name or date before connecting to anything
    fmt = _format_of(output)
    day = _as_of(as_of)
    language = lang.value if lang else current_lang()
    # the briefing draws with matplotlib and reads the maps: only this command pays for them
    from turva.api.situation_pages import briefing_html
    from turva.visualize.briefing import print_pdf

    config = settings()
    with driver_session(config) as driver:
        html = briefing_html(driver, config, period, day, language)
    if fmt == "pdf":
        output.write_bytes(print_pdf(html))
    else:
        output.write_text(html, encoding="utf-8")
    stderr.print(_("wrote %(file)s") % {"file": output})
