"""Debian's headless Chromium, driven by selenium, for the page and map tests."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# No background traffic: this machine's network is closed, and a page must not need it.
# bench/maps.py repeats these: the benches do not import the test suite.
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


@contextmanager
def chromium(profile: Path, *flags: str, console: bool = False) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile; the explicit driver path keeps
    selenium-manager from trying to download one. With ``console``, it also keeps the
    page's console for :func:`console_messages` (``goog:loggingPrefs``: every level)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make browser`")
    options = webdriver.ChromeOptions()
    for flag in (*QUIET_FLAGS, f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


def chromium_with_console(profile: Path, *flags: str) -> AbstractContextManager[webdriver.Chrome]:
    """:func:`chromium` that also keeps the page's console."""
    return chromium(profile, *flags, console=True)


def wait_until_stable(browser: webdriver.Chrome) -> None:
    """Wait until the map on the page has stopped moving (``turvaMap.stable``)."""
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return !!(window.turvaMap && window.turvaMap.stable)")
    )


def distinct_colours(browser: webdriver.Chrome) -> int:
    """How many colours the map's canvas shows: many once a map is really drawn."""
    canvas = browser.find_element(By.CSS_SELECTOR, "#turva-map canvas")
    image = Image.open(io.BytesIO(canvas.screenshot_as_png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 24) or [])


def console_messages(browser: webdriver.Chrome) -> list[str]:
    """The console lines logged since the last call (reading the log empties it)."""
    return [f"{entry['level']}: {entry['message']}" for entry in browser.get_log("browser")]


def csp_violations(messages: list[str]) -> list[str]:
    """The console lines in which Chromium reports a Content-Security-Policy violation."""
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]
