"""Debian's headless Chromium, driven by selenium, for the page and map tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# No background traffic: this machine's network is closed, and a page must not need it.
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
def chromium(profile: Path, *flags: str) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile; the explicit driver path keeps
    selenium-manager from trying to download one."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make browser`")
    options = webdriver.ChromeOptions()
    for flag in (*QUIET_FLAGS, f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


@contextmanager
def chromium_with_console(profile: Path, *flags: str) -> Iterator[webdriver.Chrome]:
    """:func:`chromium` that also keeps the page's console, for :func:`console_messages`
    (``goog:loggingPrefs``: every level of the browser log)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("Debian's chromium and chromium-driver are needed: `make browser`")
    options = webdriver.ChromeOptions()
    for flag in (*QUIET_FLAGS, f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


def console_messages(browser: webdriver.Chrome) -> list[str]:
    """The console lines logged since the last call (reading the log empties it)."""
    return [f"{entry['level']}: {entry['message']}" for entry in browser.get_log("browser")]


def csp_violations(messages: list[str]) -> list[str]:
    """The console lines in which Chromium reports a Content-Security-Policy violation."""
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]
