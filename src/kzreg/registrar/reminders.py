"""Expiry reminders (the worker's `registrar-expiry-reminders` job): registrants are mailed
`REMINDER_DAYS` (default 30, 7 and 1) days before their domain expires, in their language, under the
name of the reseller that serves them with the sponsoring registrar named (PS-3.6–3.8), with the price of a year's renewal from that seller's retail list where it set one; each reseller
gets a digest of its reminded domains. Mails go through the outbox (`kzreg.notify`).

Once per service, period (the expiry it is about) and threshold: an `ExpiryReminder` row, unique on the
three, written in the transaction that queues the mail, so a restart sends nothing twice. A service that
crossed several thresholds since the last run gets only the nearest. None for services no longer
sponsored, being deleted, or renewed (their expiry moved: the old period's thresholds no longer apply);
an auto-renew service is reminded only once its renewal was tried and did not happen (funds short).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction

from kzreg.billing.invoices_texts import money_text
from kzreg.billing.models import OwnerKind
from kzreg.billing.money import Money
from kzreg.billing.price_lists import offered_retail_price
from kzreg.core.errors import OperationFailed
from kzreg.notify import queue_email
from kzreg.registrar import reminder_texts as t
from kzreg.registrar.charging import registrar_of
from kzreg.registrar.connection import registrar_settings
from kzreg.registrar.models import ExpiryReminder, Order, OrderKind, Service
from kzreg.resellers.models import Reseller


def thresholds() -> list[int]:
    return sorted({int(d) for d in registrar_settings().get("REMINDER_DAYS", [30, 7, 1]) if int(d) > 0})


def sender_for(reseller: Reseller | None) -> str:
    """Mail to a reseller's registrants comes from the reseller; the registrar's own from the registrar."""
    if reseller is not None:
        return reseller.email
    return str(registrar_settings().get("MAIL_FROM") or settings.HOSTMASTER)


def _renewal_waiting(service: Service) -> bool:
    """The auto-renewal of this period was tried and is not done (a reminder is then due after all)."""
    assert service.expires_at is not None
    period = f"{service.name}:{service.expires_at.date().isoformat()}"
    return Order.objects.filter(kind=OrderKind.RENEW, period_key=period).exclude(state="done").exists()


def renewal_price(service: Service, now: dt.datetime) -> Money | None:
    """What the registrant pays its seller to renew for a year: its reseller's retail price, or the
    registrar's own for its direct customers; None where the seller has set none (the line is left out)."""
    zone = service.name.partition(".")[2]
    if service.reseller_id is not None:
        return offered_retail_price(OwnerKind.RESELLER, service.reseller_id, zone, "renew", 1, now)
    try:
        registrar = registrar_of(service.registrar_handle)
    except OperationFailed:  # a registrar the registry no longer knows: no price to name
        return None
    return offered_retail_price(OwnerKind.REGISTRAR, registrar.id, zone, "renew", 1, now)


def due(now: dt.datetime) -> list[tuple[Service, int]]:
    """Services and the nearest threshold they crossed that they were not reminded of yet."""
    limits = thresholds()
    if not limits:
        return []
    horizon = now + dt.timedelta(days=limits[-1])
    candidates = Service.objects.filter(sponsored=True, customer__isnull=False, expires_at__gt=now,
                                        expires_at__lte=horizon).select_related("customer", "reseller")  # fmt: skip
    found = []
    for service in candidates.order_by("expires_at", "id"):
        if "pendingDelete" in service.statuses or (service.auto_renew and not _renewal_waiting(service)):
            continue
        assert service.expires_at is not None
        left = service.expires_at - now
        threshold = next(d for d in limits if left <= dt.timedelta(days=d))
        sent = ExpiryReminder.objects.filter(service=service, expires_at=service.expires_at,
                                             days_before__lte=threshold).exists()  # fmt: skip
        if not sent:
            found.append((service, threshold))
    return found


def _remind(service: Service, threshold: int, now: dt.datetime) -> None:
    """Records and queues one reminder, in the caller's transaction."""
    customer = service.customer
    assert customer is not None and service.expires_at is not None
    lang = customer.language if customer.language in t.LANGUAGES else "kk"
    values = {
        "name": customer.name, "domain": service.name, "date": f"{service.expires_at:%Y-%m-%d}",
        "days": max((service.expires_at - now).days, 0), "registrar": service.registrar_handle,
    }  # fmt: skip
    served = ""
    if service.reseller is not None:
        served = t.SERVED_BY[lang].format(reseller=service.reseller.name, registrar=service.registrar_handle)
    price = renewal_price(service, now)
    values["price"] = t.PRICE_LINE[lang].format(amount=money_text(price)) if price is not None else ""
    ExpiryReminder.objects.create(service=service, expires_at=service.expires_at, days_before=threshold, sent_at=now)
    queue_email(
        to=[customer.email], subject=t.REMINDER_SUBJECT[lang].format(**values),
        body=t.REMINDER_BODY[lang].format(served=served, **values), sender=sender_for(service.reseller),
        reference=f"expiry-reminder:{service.name}:{values['date']}:{threshold}", language=lang,
    )  # fmt: skip


def _digest(reseller: Reseller, services: list[Service], now: dt.datetime) -> None:
    registrar = services[0].registrar_handle
    parts = []
    for lang in t.LANGUAGES:
        lines = [t.DIGEST_INTRO[lang].format(registrar=registrar)]
        for service in services:
            assert service.expires_at is not None
            lines.append(t.DIGEST_LINE[lang].format(
                domain=service.name, date=f"{service.expires_at:%Y-%m-%d}", days=max((service.expires_at - now).days, 0),
                auto=t.YES_NO[lang][0 if service.auto_renew else 1],
            ))  # fmt: skip
        parts.append("\n".join(lines))
    subject = " / ".join(t.DIGEST_SUBJECT[lang].format(reseller=reseller.name, count=len(services))
                         for lang in t.LANGUAGES)  # fmt: skip
    queue_email(to=[reseller.email], subject=subject, body="\n\n".join(parts), sender=sender_for(None),
                reference=f"expiry-digest:{reseller.handle}:{now:%Y-%m-%d}", language="ru")  # fmt: skip


def send_reminders(now: dt.datetime) -> dict[str, int]:
    """Mails what is due. A reseller's reminders and its digest are one transaction: all or none (a
    worker that finds a row already written by another leaves that reseller to it)."""
    by_seller: dict[int | None, list[tuple[Service, int]]] = defaultdict(list)
    for service, threshold in due(now):
        by_seller[service.reseller_id].append((service, threshold))
    counts = {"reminded": 0, "digests": 0}
    for reseller_id, batch in by_seller.items():
        try:
            with transaction.atomic():
                for service, threshold in batch:
                    _remind(service, threshold, now)
                if reseller_id is not None:
                    reseller = batch[0][0].reseller
                    assert reseller is not None
                    _digest(reseller, [service for service, _ in batch], now)
        except IntegrityError:
            continue
        counts["reminded"] += len(batch)
        counts["digests"] += reseller_id is not None
    return counts
