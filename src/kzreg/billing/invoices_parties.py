"""Seller and buyer requisites as printed on an invoice: name, BIN/IIN, address, bank, IBAN, BIC, KBE.

An invoice keeps a snapshot of both (a JSON object per party), so a later change of a registrar's bank
or of the registry's address never rewrites an issued document. The registry's own requisites come
from `KZREG["REGISTRY_REQUISITES"]` (defaults below: the operator replaces them with KazNIC's real
ones); the buyer's are given by whoever issues the invoice (payments, the registrar's books).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.core.errors import Problem

DEFAULT_REGISTRY_REQUISITES: dict[str, str] = {
    "name": "KazNIC (registry of the .kz and .қаз domains)",
    "bin": "",
    "address": "Astana, Republic of Kazakhstan",
    "bank": "",
    "iban": "",
    "bic": "",
    "kbe": "17",
    "country": "KZ",
}


@dataclass(frozen=True)
class Party:
    """One side of an invoice. `key` is the buyer's holder key in the seller's book (whose receivable the
    invoice debits: a registrar's id, `registrant:<id>`, a reseller's id); the seller's key is unused.
    `kbe` is the Kazakh beneficiary code (КБе: residency digit + economic sector digit)."""

    name: str
    bin: str = ""  # BIN (organisations) or IIN (individuals): 12 digits; empty for a foreign party
    address: str = ""
    bank: str = ""
    iban: str = ""  # IIK: the account at the bank
    bic: str = ""  # BIC / SWIFT
    kbe: str = ""
    country: str = "KZ"  # ISO 3166 alpha-2: decides the VAT rule (vat.py)
    key: str = ""

    def snapshot(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "key"}

    @classmethod
    def from_snapshot(cls, data: dict[str, Any], key: str = "") -> Party:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in names and k != "key"}, key=key)


def registry_requisites() -> Party:
    configured = getattr(settings, "KZREG", {}).get("REGISTRY_REQUISITES") or {}
    return Party.from_snapshot({**DEFAULT_REGISTRY_REQUISITES, **configured})


def check_party(party: Party, field: str, needs_key: bool) -> list[Problem]:
    """A name always; a resident's BIN/IIN is 12 digits when given; the buyer needs its holder key."""
    problems = []
    if not party.name.strip():
        problems.append(Problem(f"{field}.name", InvoiceCode.REQUISITE_MISSING, {"value": "name"}))
    if party.bin and not (len(party.bin) == 12 and party.bin.isdigit()):
        problems.append(Problem(f"{field}.bin", InvoiceCode.BIN_INVALID, {"value": party.bin}))
    if len(party.country) != 2 or not party.country.isalpha():
        problems.append(Problem(f"{field}.country", InvoiceCode.REQUISITE_MISSING, {"value": "country"}))
    if needs_key and not party.key.strip():
        problems.append(Problem(f"{field}.key", InvoiceCode.REQUISITE_MISSING, {"value": "key"}))
    return problems
