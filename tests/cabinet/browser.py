"""A real browser for the cabinet's few end-to-end tests: Debian's chromium driven by Playwright (never a
downloaded browser), every request checked to stay on loopback, axe-core from the project's own
node_modules, and a screenshot kept when a test fails.

Playwright runs in a thread of its own, on its own event loop (its async API), and the tests call it
through `Sync`, which waits for each call. So the test's thread never holds a running event loop or
Playwright's greenlets, and its database work (fixtures, the flush after a transactional test) is
ordinary synchronous Django: with the sync API in the test's thread, the next transactional tests in
the session found the database in a broken state.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import shutil
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("KZREG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def missing() -> str:
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (Debian package `chromium`; set KZREG_CHROMIUM)"
    if not AXE.exists():
        return f"no {AXE}: run `make test` (npm ci installs axe-core from package-lock.json)"
    return ""


@dataclass
class Watch:
    """What the page asked for and what the browser complained about."""

    requests: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme in ("http", "https")
                and urlsplit(url).hostname not in LOOPBACK]  # fmt: skip


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The `.facts` values (a definition list's <dd>) too narrow for their widest word, which then breaks inside
# it: a layout that squeezes the values (a long label's column taking the card) fails here.
SQUEEZED = """() => {
  const ctx = document.createElement('canvas').getContext('2d'), out = [];
  for (const dd of document.querySelectorAll('.facts dd')) {
    const words = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
    let widest = 0;
    for (let n = words.nextNode(); n; n = words.nextNode()) {
      const s = getComputedStyle(n.parentElement);
      ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      for (const w of n.textContent.split(/\\s+/)) widest = Math.max(widest, ctx.measureText(w).width);
    }
    if (widest > dd.clientWidth + 1) out.push(dd.textContent.trim().slice(0, 40));
  }
  return out;
}"""


def squeezed(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(SQUEEZED)  # type: ignore[no-any-return]


def explain(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


class Runner:
    """An event loop in a thread of its own; `run` waits for a coroutine there."""

    TIMEOUT = 60

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="playwright", daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=self.TIMEOUT)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=self.TIMEOUT)


class Sync:
    """A Playwright object (page, keyboard, ...) called from the test's thread: coroutines are run on the
    runner's loop and waited for; Playwright objects returned are wrapped in turn."""

    def __init__(self, runner: Runner, target: Any):
        self._runner = runner
        self._target = target

    def _wrap(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            value = self._runner.run(value)  # type: ignore[arg-type]
        if type(value).__module__.startswith("playwright."):
            return Sync(self._runner, value)
        return value

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if callable(attr) and not type(attr).__module__.startswith("playwright."):
            return lambda *args, **kwargs: self._wrap(attr(*args, **kwargs))
        return self._wrap(attr)

    def on(self, event: str, handler: Any) -> None:
        """Listens on the Playwright thread (handlers run there)."""

        async def listen() -> None:
            self._target.on(event, handler)

        self._runner.run(listen())


def navigating(page: Sync, action: str, *args: Any) -> None:
    """Calls `page.<action>(*args)` (a click, a key press) and waits for the page it leads to, loaded:
    a form's answer, a redirect's end, an error page alike."""
    target = page._target

    async def work() -> None:
        async with target.expect_navigation():
            await getattr(target, action)(*args)

    page._runner.run(work())


def download(page: Sync, selector: str) -> tuple[str, bytes]:
    """Clicks `selector` on `page` and waits for the download it starts: the file name the server
    suggested and the file's bytes (Playwright keeps the file until the context closes)."""
    target = page._target

    async def work() -> tuple[str, bytes]:
        async with target.expect_download() as info:
            await target.click(selector)
        done = await info.value
        path = await done.path()
        return done.suggested_filename, Path(path).read_bytes()

    return page._runner.run(work())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def browser() -> Iterator[Sync]:
    """Chromium for the module's tests, on the Playwright thread."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    runner = Runner()
    playwright = runner.run(async_playwright().start())
    launched = runner.run(playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"]))
    yield Sync(runner, launched)
    runner.run(launched.close())
    runner.run(playwright.stop())
    runner.stop()


@pytest.fixture
def watched_page(browser, request) -> Iterator[tuple[object, Watch]]:  # type: ignore[no-untyped-def]
    """A fresh page (its own cookies) that records every request and CSP complaint; a failing test leaves
    a screenshot in `$KZREG_DATA_DIR/screenshots/`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    watch = Watch()
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("console", lambda m: "Content Security Policy" in m.text and watch.csp_errors.append(m.text))
    yield page, watch
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = Path(settings.DATA_DIR) / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    context.close()
