"""What the public site says about the registrar: its name and contacts, its resellers (S6, PS-4.5) and
its retail prices (billing's price lists), all read through the registrar wing and billing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kzreg.billing.books import registrar_book
from kzreg.billing.money import Money
from kzreg.billing.price_lists import retail_price
from kzreg.core.errors import OperationFailed
from kzreg.registrar import charging
from kzreg.registrar.connection import registrar_settings
from kzreg.resellers.models import Reseller

ZONES = ("kz", "xn--80ao21a")  # .kz and .қаз, as the registry keys them


@dataclass(frozen=True)
class RegistrarCard:
    handle: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    url: str = ""

    @property
    def has_contacts(self) -> bool:
        return any((self.email, self.phone, self.address, self.url))


def handle() -> str:
    return str(registrar_settings()["HANDLE"])


def card() -> RegistrarCard:
    """The configured registrar (`KZREG_REGISTRAR_HANDLE`); just its handle when the registry has no row."""
    try:
        found = charging.registrar_of(handle())
    except OperationFailed:
        return RegistrarCard(handle(), handle())
    return RegistrarCard(found.handle, found.name, found.email, found.phone, found.address, found.url)


def resellers() -> list[Reseller]:
    """The registrar's active resellers, as published (S6)."""
    return list(Reseller.objects.filter(registrar__handle=handle(), active=True).order_by("name"))


def yearly_prices(now: dt.datetime) -> dict[str, Money | None]:
    """The registrar's retail price of a one-year registration per zone; None where no list price is in force."""
    try:
        book = registrar_book(charging.registrar_of(handle()), now)
    except OperationFailed:
        return dict.fromkeys(ZONES)
    prices: dict[str, Money | None] = {}
    for zone in ZONES:
        try:
            prices[zone] = retail_price(book, zone, "create", 1, now)
        except OperationFailed:
            prices[zone] = None
    return prices
