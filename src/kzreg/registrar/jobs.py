"""The registrar wing's worker jobs: settle orders, renew what is due, follow the registry's messages,
post webhook notifications, mail expiry reminders.

Each job opens the configured registry connection only when it has work (a registry with no registrar
wing in use costs nothing), and closes it after the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kzreg.core import clock
from kzreg.plugins import Job
from kzreg.registrar.connection import RegistryConnection, open_connection, registrar_settings
from kzreg.registrar.models import DeliveryState, Order, Service, WebhookDelivery, in_flight
from kzreg.registrar.reminders import send_reminders
from kzreg.registrar.renewals import due_services, renew_due
from kzreg.registrar.settle import settle_orders
from kzreg.registrar.sync import sync_from_poll
from kzreg.registrar.webhook_delivery import deliver_due

T = TypeVar("T")


def _with_connection(principal: str, work: Callable[[RegistryConnection], T]) -> T:
    conn = open_connection(principal)
    try:
        return work(conn)
    finally:
        conn.close()


def settle() -> object:
    if not Order.objects.filter(in_flight()).exists():  # the in-flight index (migration 0010)
        return None
    return _with_connection("worker:settle-orders", settle_orders)


def renew() -> object:
    if not due_services(clock.now()):
        return None
    return _with_connection("worker:auto-renew", renew_due)


def webhooks() -> object:
    if not WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_at__lte=clock.now()).exists():
        return None
    return deliver_due()


def reminders() -> object:
    return send_reminders(clock.now())


def sync() -> object:
    if not Service.objects.filter(registrar_handle=registrar_settings()["HANDLE"], sponsored=True).exists():
        return None
    return _with_connection("worker:registry-sync", sync_from_poll)


JOBS = [
    Job("registrar-settle-orders", settle, every=60.0),
    Job("registrar-auto-renew", renew, every=3600.0),
    Job("registrar-registry-sync", sync, every=60.0),
    Job("registrar-webhooks", webhooks, every=30.0),
    Job("registrar-expiry-reminders", reminders, every=3600.0),
]
