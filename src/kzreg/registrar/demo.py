"""The demo's registrar records: each reseller's customers and services (and the registrar's own), made
from the demo registry's domains, so the wing shows the same domains the registry has.

The one place the registrar wing reads the registry's tables directly (`registry.reads.lookup`): the demo
loader runs in the registry's process and copies what it just registered; everything else goes through
`kzreg.registrar.connection`.
"""

from __future__ import annotations

from collections.abc import Sequence

from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock
from kzreg.registrar import charging
from kzreg.registrar.connection import registrar_settings
from kzreg.registrar.models import Customer, Service
from kzreg.registry.reads import lookup
from kzreg.registry.status import domain_statuses
from kzreg.resellers.models import Reseller

DEMO_BOOK_DEPOSIT = "5000.00"  # each payer's prepaid balance in the registrar's book


def load_demo_records(registrar_handle: str, resellers: Sequence[Reseller]) -> int:
    """Customers (one per registrant) and services (one per domain) of the registrar and its resellers,
    with auto-renew on every third; each payer's account in the registrar's book funded. Returns the
    number of services made; a second run makes none."""
    by_name = {r.name: r for r in resellers}
    now = clock.now()
    price = str(charging.retail_price("create", 1))
    customers: dict[tuple[int | None, str], Customer] = {}
    made = 0
    for n, domain in enumerate(lookup.domains().filter(registrar__handle=registrar_handle).order_by("id")):
        if Service.objects.filter(name=domain.name).exists():
            continue
        reseller = by_name.get(domain.reseller_name)
        contact = domain.registrant
        key = (reseller.pk if reseller else None, contact.handle)
        if key not in customers:
            customers[key] = Customer.objects.create(
                registrar_handle=registrar_handle, reseller=reseller, kind=contact.kind, name=contact.name,
                organisation=contact.organisation, address=contact.address, city=contact.city,
                region=contact.region, postal_code=contact.postal_code, country_code=contact.country_code,
                email=(list(contact.emails) or [""])[0], phone=(list(contact.phones) or [""])[0],
                language=contact.language if contact.language in ("kk", "ru", "en") else "kk",
                consent_at=domain.created_at, contact_handle=contact.handle, created_at=domain.created_at,
            )  # fmt: skip
        Service.objects.create(
            name=domain.name, registrar_handle=registrar_handle, reseller=reseller, customer=customers[key],
            retail_price=price, auto_renew=n % 3 == 0, expires_at=domain.expires_at,
            statuses=sorted(domain_statuses(domain, now)), sponsored=True, last_synced_at=now, created_at=domain.created_at,
        )  # fmt: skip
        made += 1
    currency = registrar_settings()["RETAIL_PRICE"]["currency"]
    for reseller in [None, *resellers]:
        payer = f"reseller:{reseller.pk}" if reseller else f"registrar:{registrar_handle}"
        if charging.payer_account(registrar_handle, payer) is None:
            account = charging.open_payer_account(
                registrar_handle, payer, reseller.name if reseller else registrar_handle, currency, now
            )
            record_payment(account, Money.of(DEMO_BOOK_DEPOSIT, currency), "demo", now, reference="demo deposit")
    return made
