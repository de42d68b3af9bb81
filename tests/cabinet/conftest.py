"""The cabinet tests' hooks: a test's outcome is kept on its node, so the browser fixture can save a
screenshot when it failed; the cache is emptied around each test."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_kept_counts():
    """The dashboard keeps its chart's counts per user id; ids come back in the next test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
