"""The briefing's PDF: a page of HTML printed by headless Chromium (A4, no header/footer).

The briefing is one HTML document (its print CSS sets A4 and the page breaks); the PDF is
that same document printed by Debian's Chromium (``--print-to-pdf``), so what the page
shows and what the PDF holds cannot drift apart. Without Chromium the error names the
package to install.

>>> PrinterMissing("x").title
'Chromium needed for PDF'
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from turva.graph.errors import TurvaError
from turva.graph.messages import N_
from turva.graph.server.chromium import QUIET_FLAGS

__all__ = ["CHROMIUM_NAMES", "PrinterMissing", "chromium_path", "print_pdf"]

#: the names Chromium's binary goes by (Debian: chromium; elsewhere often the others)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
#: seconds Chromium may take to print (the 2021 briefing takes 1-2 s)
PRINT_SECONDS = 90


class PrinterMissing(TurvaError):
    """Chromium, which prints the briefing's PDF, is not installed or failed."""

    title = "Chromium needed for PDF"


def chromium_path() -> str | None:
    """Where Chromium is (``$PATH``, then /usr/bin/chromium), or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def print_pdf(html: str) -> bytes:
    """``html`` (a standalone document: no external references) printed to PDF.

    Raises :class:`PrinterMissing` naming what to install when Chromium is absent, and
    with Chromium's last words when it fails.
    """
    binary = chromium_path()
    if binary is None:
        raise PrinterMissing.said(
            N_(
                "printing a PDF needs Chromium: install it (Debian/Ubuntu: apt-get install "
                "chromium) or write the briefing as .html and print it from a browser"
            )
        )
    with tempfile.TemporaryDirectory(prefix="turva-briefing-") as tmp:
        page, pdf = Path(tmp) / "briefing.html", Path(tmp) / "briefing.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            binary,
            *QUIET_FLAGS,
            # the document is self-contained: nothing may be fetched while printing
            "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PrinterMissing.said(
                N_("Chromium could not print the PDF: %(reason)s"), reason=str(e)
            ) from e
        if not pdf.exists() or pdf.stat().st_size == 0:
            last = (done.stderr or "").strip().splitlines()[-1:] or [str(done.returncode)]
            raise PrinterMissing.said(
                N_("Chromium could not print the PDF: %(reason)s"), reason=last[0]
            )
        return pdf.read_bytes()
