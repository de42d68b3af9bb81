"""The design system's words and numbers: every key a template names is in the catalog in kk, ru and en;
amounts read with their currency sign in each language's way."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kzreg.billing.money import Money
from kzreg.cabinet import display
from kzreg.cabinet.domains import STATUSES
from kzreg.cabinet.texts import CATALOG, LANGUAGES, text
from kzreg.registrar.models import OrderKind, OrderState
from kzreg.registry.status import WORDS

TEMPLATES = Path(__file__).resolve().parents[2] / "src/kzreg/cabinet/templates"
KEY = re.compile(r"""\{%\s*(?:t|nav_item\s+"[^"]+")\s+["']([\w.]+)["'](?!\|)""")


def test_every_key_a_template_names_is_in_the_catalog():
    named = {key for path in TEMPLATES.rglob("*.html") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(named) > 50
    assert sorted(named - CATALOG.keys()) == []


def test_every_status_state_kind_and_contact_role_has_words():
    wanted = [f"status.{s}" for s in (*STATUSES, *WORDS)] + [f"state.{s}" for s in OrderState.values]
    wanted += [f"kind.{k}" for k in OrderKind.values] + [f"role.{r}" for r in ("admin", "tech", "billing")]
    assert sorted(set(wanted) - CATALOG.keys()) == []


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_entry_has_three_languages_that_fill_the_same_fields(key):
    entries = CATALOG[key]
    assert len(entries) == len(LANGUAGES) and all(e.strip() for e in entries)
    fields = [sorted(re.findall(r"\{(\w+)\}", e)) for e in entries]
    assert fields[0] == fields[1] == fields[2], key


def test_text_fills_fields_in_the_language_asked():
    assert text("frame.sponsor", lang="ru", registrar="PS-KZ") == "Спонсирующий регистратор: PS-KZ"


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "shown"),
    [
        ("12000.00", "KZT", "kk", "12\u202f000,00\u00a0₸"),
        ("12000.00", "KZT", "ru", "12\u202f000,00\u00a0₸"),
        ("12000.00", "KZT", "en", "₸12,000.00"),
        ("35.00", "USD", "en", "$35.00"),
        ("-1234567.5", "USD", "ru", "−1\u202f234\u202f567,50\u00a0$"),
    ],
)
def test_amounts_carry_their_currency(amount, currency, lang, shown):
    assert display.money(Money.rounded(Decimal(amount), currency), lang) == shown
