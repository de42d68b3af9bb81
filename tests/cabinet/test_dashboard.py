"""The dashboard's counts (issue 13 §Dashboard; read from registrar migration 0007's index ranges):
registrations and renewals per month cut at Almaty midnights, only the tenant's own, only finished
renewals; the expiry windows count sponsored services only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kzreg.cabinet import chart
from kzreg.core import clock
from kzreg.registrar.models import Order, OrderKind, OrderState, Service
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _month_rows(html: str) -> dict[str, tuple[int, int]]:
    rows = re.findall(r'<tr><td>(\d{4}-\d{2})</td><td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', html)
    return {month: (int(created), int(renewed)) for month, created, renewed in rows}


def _service(tenant, name: str, created_at: dt.datetime, expires_in: int = 365, sponsored: bool = True) -> Service:
    return Service.objects.create(
        name=name, registrar_handle="PS-KZ", reseller=tenant.reseller, customer=tenant.customer,
        expires_at=created_at + dt.timedelta(days=expires_in), statuses=["active"], created_at=created_at,
        sponsored=sponsored,
    )  # fmt: skip


def _renewal(tenant, service: Service, at: dt.datetime, state: str, n: int) -> None:
    Order.objects.create(
        kind=OrderKind.RENEW, state=state, domain=service.name, registrar_handle="PS-KZ",
        payer=f"reseller:{tenant.reseller.pk}", idempotency_key=f"dash-{n}", principal="tester", service=service,
        years=1, created_at=at, updated_at=at,
    )  # fmt: skip


def test_registrations_and_renewals_per_month_cut_at_almaty_midnight(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    today = timezone.localtime(clock.now()).date()
    this_month, last_month = chart.months_back(today, 2)[::-1]
    midnight = timezone.make_aware(dt.datetime.combine(this_month, dt.time()))  # Asia/Almaty
    second = dt.timedelta(seconds=1)
    first = _service(a, "dash-first.kz", midnight)  # this month's first second
    _service(a, "dash-last.kz", midnight - second)  # last month's last second (in UTC: this month's day)
    _service(a, "dash-old.kz", midnight - dt.timedelta(days=400))  # before the chart's 12 months
    _service(b, "dash-other.kz", midnight + second)  # the other reseller's
    _renewal(a, first, midnight + second, OrderState.DONE, 1)
    _renewal(a, first, midnight - second, OrderState.RECONCILED, 2)
    _renewal(a, first, midnight + second, OrderState.FAILED, 3)  # refunded: not a renewal
    _renewal(b, first, midnight + second, OrderState.DONE, 4)  # paid by the other reseller

    client.force_login(a.admin)
    months = _month_rows(client.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert len(months) == 12
    tenant_domain_month = timezone.localtime(a.service.created_at).date().strftime("%Y-%m")
    expected_now = 1 + (tenant_domain_month == this_month.strftime("%Y-%m"))
    assert months[this_month.strftime("%Y-%m")] == (expected_now, 1)
    assert months[last_month.strftime("%Y-%m")][1] == 1
    assert months[last_month.strftime("%Y-%m")][0] == 1 + (tenant_domain_month == last_month.strftime("%Y-%m"))
    assert sum(created for created, _ in months.values()) == 3  # the fixture's domain, first and last


def test_expiry_windows_count_sponsored_services_only(client, two_tenants):
    a = two_tenants.a
    now = clock.now()
    for n, sponsored in enumerate((True, True, False)):  # the last one transferred away or deleted
        _service(a, f"dash-exp-{n}.kz", now, expires_in=10 + n, sponsored=sponsored)
    client.force_login(a.admin)
    html = client.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    counts = re.findall(r'<span class="stat__value">(\d+)</span>\s*<span class="stat__label">within (\d+) days', html)
    assert [(int(n), int(d)) for n, d in counts] == [(2, 30), (2, 60), (2, 90)]
