"""Debian's headless Chromium, driven by selenium, for the page and map tests."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from turva.graph.server.chromium import QUIET_FLAGS


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


# --- accessibility (axe-core) ------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
#: axe-core as `make browser` fetched it (Makefile: AXE_VERSION); never fetched at test time
AXE_JS = sorted(ROOT.glob(".cache/axe-*/node_modules/axe-core/axe.min.js"))
#: the impacts a page may not have any violation of
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(browser: webdriver.Chrome) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page open in ``browser`` (each with
    ``id``, ``impact``, ``help`` and ``nodes``)."""
    if not AXE_JS:
        pytest.fail("axe-core is missing: run `make browser` (it fetches it from npm)")
    browser.execute_script(AXE_JS[-1].read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    return list(result)


def blocking(violations: list[dict]) -> list[str]:
    """The serious and critical violations, one readable line each (rule, impact, the
    first elements' selectors)."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
            for n in v["nodes"][:4]
        )
        for v in violations
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def serious_violations(browser: webdriver.Chrome) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    return blocking(axe_violations(browser))


def page_width(browser: webdriver.Chrome) -> int:
    """How wide the page's content is (more than the window: it scrolls sideways)."""
    return int(browser.execute_script("return document.documentElement.scrollWidth"))


def overflowing(browser: webdriver.Chrome, limit: int = 6) -> list[str]:
    """The outermost elements that reach past the window's right edge (for a message)."""
    found = browser.execute_script(
        """
        const w = document.documentElement.clientWidth, out = [];
        for (const el of document.body.querySelectorAll('*')) {
          if (el.getBoundingClientRect().right <= w + 0.5) continue;
          if (out.some(o => o.contains(el))) continue;
          out.push(el);
        }
        return out.map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (el.className && typeof el.className === 'string'
             ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
          + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)');
        """
    )
    return list(found)[:limit]


def until(browser: Any, condition: Callable[[Any], Any], seconds: float = 30) -> Any:
    """What ``condition`` returns once it holds: a click's or a submit's answer is a new
    page, loaded while the old one may still be on screen."""
    return WebDriverWait(browser, seconds).until(condition)


#: where to keep screenshots for people to look at, when asked (TURVA_SCREENS=<folder>)
SCREENS = os.environ.get("TURVA_SCREENS")


def shoot(browser: webdriver.Chrome, name: str, width: int) -> None:
    """At ``width`` px nothing scrolls sideways; a full-height screenshot ``name-width.png``
    is kept in TURVA_SCREENS when it is set. The window is 1280 px wide again after."""
    browser.set_window_size(width, 900)
    try:
        # the page reflows after the resize returns (on a busy machine, a map's tables
        # were measured at their old width): give it a moment before judging
        with contextlib.suppress(TimeoutException):
            until(browser, lambda b: page_width(b) <= width, seconds=5)
        assert page_width(browser) <= width, overflowing(browser)
        if SCREENS:
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(width, min(int(height) + 120, 6000))
            Path(SCREENS).mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(Path(SCREENS) / f"{name}-{width}.png"))
    finally:
        browser.set_window_size(1280, 900)


def sign_in_browser(
    browser: webdriver.Chrome, site: str, username: str, next_path: str, password: str
) -> None:
    """Sign in on ``/login`` as a person does (Finnish page), landing on ``next_path``."""
    browser.get(f"{site}/login?next={next_path}&lang=fi")
    browser.find_element(By.NAME, "username").send_keys(username)
    field = browser.find_element(By.NAME, "password")
    field.send_keys(password)
    field.submit()
    until(browser, lambda b: next_path in b.current_url and "/login" not in b.current_url)
