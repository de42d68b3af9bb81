"""The keyset pager's "previous" link (docs/cabinet.md, Speed): walking forward to the end and back again
shows the same pages in the same order, across the rows without an expiry (their own part) both ways."""

from __future__ import annotations

import re

import pytest

from kzreg.registrar.models import Service
from tests.cabinet.test_pages import add_services, domain_names, signed_in
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def link(html: str, rel: str) -> str:
    found = re.search(rf'rel="{rel}" href="\?([^"]+)"', html)
    return f"/cabinet/domains/?{found.group(1).replace('&amp;', '&')}" if found else ""


def test_previous_pages_are_the_pages_seen_going_forward(client, two_tenants):
    a = two_tenants.a
    add_services(a, 110)
    Service.objects.filter(name__in=[f"page-{n:03d}.kz" for n in range(0, 110, 5)]).update(expires_at=None)  # 22
    signed_in(client, a.admin)
    for sort in ("name", "-name", "expires", "-expires"):
        forward, url, html = [], f"/cabinet/domains/?sort={sort}", ""
        while url:
            html = client.get(url).content.decode()
            forward.append(domain_names(html))
            url = link(html, "next")
        assert len(forward) == 3 and sum(map(len, forward)) == 111, sort
        assert 'rel="prev"' not in client.get(f"/cabinet/domains/?sort={sort}").content.decode()
        backward = [domain_names(html)]
        while url := link(html, "prev"):
            html = client.get(url).content.decode()
            backward.append(domain_names(html))
            assert link(html, "next"), sort  # a page reached backwards still leads forward
        assert backward[::-1] == forward, sort
