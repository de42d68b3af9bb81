"""The demo's registrar records: each reseller's customers and services (and the registrar's own), made
from the demo registry's domains, so the wing shows the same domains the registry has.

The one place the registrar wing reads the registry's tables directly (`registry.reads.lookup`): the demo
loader runs in the registry's process and copies what it just registered; everything else goes through
`kzreg.registrar.connection`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kzreg.billing.books import open_reseller_deposit, registrar_book, reseller_deposit
from kzreg.billing.models import ListPrice
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_own_retail_price, set_wholesale_price
from kzreg.core import clock
from kzreg.registrar import charging
from kzreg.registrar.models import Customer, Service
from kzreg.registry.reads import lookup
from kzreg.registry.status import domain_statuses
from kzreg.resellers.models import Reseller

DEMO_DEPOSIT = Money.of("5000.00", "USD")  # each reseller's deposit in the registrar's book
WHOLESALE_PER_YEAR = Money.of("25.00", "USD")  # what PS-KZ charges its resellers
RETAIL_PER_YEAR = Money.of("35.00", "USD")  # what PS-KZ charges its own customers
ZONES = ("kz", "xn--80ao21a")
COMMANDS = ("create", "renew", "transfer")


def load_demo_records(registrar_handle: str, resellers: Sequence[Reseller]) -> int:
    """Customers (one per registrant) and services (one per domain) of the registrar and its resellers,
    with auto-renew on every third; the registrar's price lists and each reseller's funded deposit. Returns the
    number of services made; a second run makes none."""
    by_name = {r.name: r for r in resellers}
    now = clock.now()
    price = str(RETAIL_PER_YEAR)
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
    open_demo_books(registrar_handle, resellers, now)
    return made


def open_demo_books(registrar_handle: str, resellers: Sequence[Reseller], now: dt.datetime) -> None:
    """The registrar's price lists (wholesale for all its resellers, retail for its own customers, for
    1–10 years in both zones) and each reseller's funded deposit, unless already there."""
    registrar = charging.registrar_of(registrar_handle)
    since = now - dt.timedelta(days=400)
    if not ListPrice.objects.filter(book=registrar_book(registrar, now)).exists():
        for zone in ZONES:
            for command in COMMANDS:
                for years in range(1, 11):
                    set_wholesale_price(registrar, zone, command, years, WHOLESALE_PER_YEAR.times(years), "demo", since)
                    set_own_retail_price(registrar, zone, command, years, RETAIL_PER_YEAR.times(years), "demo", since)
    for reseller in resellers:
        if reseller_deposit(reseller) is None:
            account = open_reseller_deposit(reseller, DEMO_DEPOSIT.currency, since)
            record_payment(account, DEMO_DEPOSIT, "demo", since, reference="demo deposit")
