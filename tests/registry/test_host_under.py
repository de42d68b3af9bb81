"""`Host.objects.under(name)`: the hosts named inside a domain by a prefix of the reversed name (the index of
registry migration 0010 on PostgreSQL), the same hosts `LIKE '%.name'` found."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kzreg.registry.models import Host

pytestmark = pytest.mark.django_db


def _hosts(*names: str) -> None:
    now = timezone.now()
    Host.objects.bulk_create([Host(name=n, unicode_name=n, created_at=now, updated_at=now) for n in names])


def test_under_finds_the_hosts_inside_and_no_lookalikes():
    _hosts("ps.kz", "ns1.ps.kz", "a.b.ps.kz", "ps.kz.evil.kz", "xps.kz", "ns1.xps.kz", "ns1.ps.kz.kz")
    assert sorted(Host.objects.under("ps.kz").values_list("name", flat=True)) == ["a.b.ps.kz", "ns1.ps.kz"]
    assert sorted(Host.objects.under("ps.kz", itself=True).values_list("name", flat=True)) == [
        "a.b.ps.kz", "ns1.ps.kz", "ps.kz",
    ]  # fmt: skip


def test_under_treats_like_wildcards_as_letters():
    _hosts("ns1.a_b.kz", "ns1.axb.kz", "ns1.a%b.kz")
    assert list(Host.objects.under("a_b.kz").values_list("name", flat=True)) == ["ns1.a_b.kz"]
