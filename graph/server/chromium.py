"""The flags every headless Chromium turva starts is given: the briefing's PDF printer
(turva.visualize.briefing), the page tests (tests/browser.py) and the maps bench
(bench/maps.py) alike.

A module of its own that imports nothing, so that each of them shares the one list without
importing the others (the benches do not import the test suite's helpers, nor the service
the tests'). No background traffic: a page must not need the network.

>>> QUIET_FLAGS[0], "--no-first-run" in QUIET_FLAGS
('--headless=new', True)
"""

from __future__ import annotations

__all__ = ["QUIET_FLAGS"]

QUIET_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
