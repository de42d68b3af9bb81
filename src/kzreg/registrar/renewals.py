"""Auto-renewal: the worker renews, through an order charged to the payer, every service marked
auto-renew whose expiry is within `RENEW_DAYS_BEFORE` days.

Never twice for one period: the order's idempotency key is the service and the expiry it renews from
(`auto-renew:<name>:<expiry>`), unique per payer; and the registry itself refuses a renewal from another
expiry (EPP curExpDate). Funds short: the order stays `quoted`, the next run tries again with the same
key, and the payer is warned once for that period (`Service.renewal_warned_for`), by mail through the
outbox, naming the reseller and the sponsoring registrar.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.notify import queue_email
from kzreg.registrar import orders
from kzreg.registrar import reminder_texts as t
from kzreg.registrar.connection import RegistryConnection, registrar_settings
from kzreg.registrar.models import OrderKind, OrderState, Service
from kzreg.registrar.reminders import sender_for

log = logging.getLogger("kzreg.registrar.renewals")
PRINCIPAL = "worker:auto-renew"
SHORT = {BillingCode.INSUFFICIENT_FUNDS, BillingCode.NO_ACCOUNT}


def due_services(now: dt.datetime) -> list[Service]:
    horizon = now + dt.timedelta(days=int(registrar_settings()["RENEW_DAYS_BEFORE"]))
    candidates = Service.objects.filter(auto_renew=True, sponsored=True, expires_at__lte=horizon)
    # A service being deleted is not renewed (a JSON `contains` lookup is not portable to SQLite).
    return [s for s in candidates.select_related("reseller").order_by("expires_at", "id")
            if "pendingDelete" not in s.statuses]  # fmt: skip


def warn_funds_short(service: Service, reason: str) -> None:
    """Mails the payer (the reseller; the registrar's own customer) that the renewal waits for funds,
    naming the reseller as such and the sponsoring registrar (PS-3.6–3.8)."""
    assert service.expires_at is not None
    reseller, customer = service.reseller, service.customer
    values = {"domain": service.name, "date": f"{service.expires_at:%Y-%m-%d}", "registrar": service.registrar_handle,
              "reason": reason, "payer": reseller.name if reseller else (customer.name if customer else "")}  # fmt: skip
    if reseller is not None:
        to, lang = reseller.email, "ru"
        subject = " / ".join(t.FUNDS_SHORT_SUBJECT[x].format(**values) for x in t.LANGUAGES)
        body = t.in_all_languages(t.FUNDS_SHORT_BODY, **values)
    elif customer is not None:
        to, lang = customer.email, customer.language if customer.language in t.LANGUAGES else "kk"
        subject, body = t.FUNDS_SHORT_SUBJECT[lang].format(**values), t.FUNDS_SHORT_BODY[lang].format(**values)
    else:
        return
    queue_email(to=[to], subject=subject, body=body, sender=sender_for(None), language=lang,
                reference=f"funds-short:{service.name}:{values['date']}")  # fmt: skip


def renew_due(conn: RegistryConnection) -> dict[str, int]:
    now = clock.now()
    counts = {"renewed": 0, "short": 0, "failed": 0, "waiting": 0}
    for service in due_services(now):
        assert service.expires_at is not None
        period = service.expires_at.date().isoformat()
        key = f"auto-renew:{service.name}:{period}"
        order = orders.open_order(
            OrderKind.RENEW, service.name, registrar_handle=service.registrar_handle, reseller=service.reseller,
            principal=PRINCIPAL, key=key, years=1, request={"current_expiry": period}, service=service,
            period_key=f"{service.name}:{period}",
        )  # fmt: skip
        try:
            order = orders.run(order, conn)
        except OperationFailed as failure:
            if not failure.codes & SHORT:
                raise
            counts["short"] += 1
            if service.renewal_warned_for != service.expires_at:
                log.warning("auto-renewal of %s (expires %s) waits for funds of %s: %s", service.name, period,
                            order.payer, "; ".join(failure.render("en")))  # fmt: skip
                with transaction.atomic():
                    Service.objects.filter(pk=service.pk).update(renewal_warned_for=service.expires_at)
                    warn_funds_short(service, "; ".join(failure.render("en")))
            continue
        if order.state == OrderState.DONE:
            counts["renewed"] += 1
        elif order.state == OrderState.FAILED:
            counts["failed"] += 1
        else:
            counts["waiting"] += 1
    return counts
