"""The home page's domain search: what a person typed → the names to check in `.kz` and `.қаз`, their
availability (the registry's answer, through the registrar wing) and the registrar's retail price.

`мысал` checks `мысал.kz` and `мысал.қаз`; `example.kz` checks that name first and the same label in the
other zone. Names are converted with IDNA (UTS 46, the `idna` package) for the registry and shown in
Unicode. Only the shape of the input is judged here; what a zone allows is the registry's rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import idna

from kzreg.billing.money import Money
from kzreg.cabinet.display import unicode_name
from kzreg.cabinet.registrar_card import ZONES
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.connection import RegistryError, open_connection

MAX_LABEL = 63
ZONE_SPELLINGS = {"kz": "kz", "қаз": "xn--80ao21a", "xn--80ao21a": "xn--80ao21a"}
_LABEL = re.compile(r"^[\w-]+$")


class BadTerm(ValueError):
    """The input cannot be a domain label; `key` names the catalog text that says why."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Found:
    name: str  # Unicode, as shown
    a_label: str
    available: bool
    reason: str
    price: Money | None


def candidates(term: str) -> list[str]:
    """The A-labels to check for what was typed, the typed zone first."""
    cleaned = term.strip().strip(".").lower()
    if not cleaned:
        raise BadTerm("search.empty")
    label, _, zone = cleaned.partition(".")
    first = ZONE_SPELLINGS.get(zone)
    if zone and first is None:
        raise BadTerm("search.bad_name")  # another zone, or a deeper name: not ours to offer
    if len(label) > MAX_LABEL:
        raise BadTerm("search.too_long")
    if not _LABEL.match(label) or "_" in label:
        raise BadTerm("search.bad_name")
    zones = [first, *[z for z in ZONES if z != first]] if first else list(ZONES)
    names = []
    for zone_key in zones:
        try:
            names.append(idna.encode(f"{label}.{zone_key}", uts46=True).decode("ascii"))
        except idna.IDNAError:
            names.append(f"{label}.{zone_key}")  # the registry explains what is wrong with it
    return names


def search(term: str, prices: dict[str, Money | None], lang: str) -> list[Found]:
    """Availability of each candidate name, why not in `lang` (raises `BadTerm`, or `RegistryError` when
    nothing answers)."""
    names = candidates(term)
    try:
        answers = actions.check(open_connection("public-site"), names)
    except OperationFailed as failure:
        raise RegistryError(str(failure)) from None
    found = []
    for wanted, answer in zip(names, answers, strict=True):
        key = answer.name or wanted
        zone = key.partition(".")[2]
        found.append(Found(unicode_name(key), key, answer.available, answer.message(lang), prices.get(zone)))
    return found
