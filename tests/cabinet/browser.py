"""A real browser for the cabinet's few end-to-end tests: Debian's chromium driven by Playwright (never a
downloaded browser), every request checked to stay on loopback, axe-core from the project's own
node_modules, and a screenshot kept when a test fails."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("KZREG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


def explain(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


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
