"""`actions.a_label` skips `idna` for ASCII names (issue 12, Speed): the same answer as `idna` gives, or
as the name passed on when `idna` refuses it, for every ASCII name."""

from __future__ import annotations

import random
import string

import idna
import pytest

from kzreg.registrar.actions import a_label

# As every test here (the wing's conftest empties the database after each one): a test without the mark
# would leave the next one's serialized rollback a database it cannot restore.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def by_idna(name: str) -> str:
    cleaned = (name or "").strip().strip(".").lower()
    try:
        return idna.encode(cleaned, uts46=True).decode("ascii")
    except idna.IDNAError:
        return cleaned


def test_an_ascii_name_is_what_idna_makes_of_it():
    names = [pattern.format(c=chr(c)) for c in range(128)
             for pattern in ("{c}", "a{c}b.kz", "{c}ab.kz", "ab{c}.kz", "xn--{c}.kz", "a.{c}")]  # fmt: skip
    names += ["Shop.KZ.", " shop.kz ", "xn--80ak6aa92e.com", "XN--80AK6AA92E.kz", "xn--.kz", "a..kz", "-a.kz",
              "ab--cd.kz", "a" * 64 + ".kz", ("a" * 63 + ".") * 4 + "kz", "", ".", "xn--mnchen-3ya.de"]  # fmt: skip
    rnd = random.Random(12)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " "
    names += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12))) for _ in range(5000)]
    names += [
        "xn--" + "".join(rnd.choice(string.ascii_lowercase + "-0123456789") for _ in range(8)) for _ in range(2000)
    ]
    assert [n for n in names if a_label(n) != by_idna(n)] == []


def test_other_names_go_through_idna():
    assert a_label("Алматы.kz") == by_idna("Алматы.kz") == "xn--80aa6ae5a6c.kz"
    assert a_label("straße.kz") == by_idna("straße.kz")
