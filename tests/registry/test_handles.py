"""NIC handles in the seed's style (SPEC R5)."""

from __future__ import annotations

import pytest

from kzreg.registry.handles import individual_prefix, role_handle_number, role_prefix


def test_seed_examples():
    assert individual_prefix("Grozny, Ivan V., III") == "IVG"
    assert role_prefix("Customer Service Support Center") == "CSSC"
    assert role_handle_number("CSSC", 0) == "CSSC-ORG"


@pytest.mark.parametrize(
    "name, prefix",
    [
        ("Серікбаев, Әлихан Нұрұлы", "ANS"),
        ("Иванов, Сергей Петрович", "SPI"),
        ("Жұмабаев, Ғалым", "GZ"),
        ("Smith, John", "JS"),
        ("Ivan Grozny", "IG"),
    ],
)
def test_individual_initials_in_latin_from_any_script(name, prefix):
    assert individual_prefix(name) == prefix


def test_role_handles_stay_within_ten_characters_and_unique():
    assert role_prefix("Қазақ Телеком Ақпараттық Жүйелер Орталығы және Басқа") == "QTAZOB"
    assert role_handle_number("QTAZOB", 0) == "QTAZOB-ORG"
    second = role_handle_number("QTAZOB", 1)
    assert second == "QTAZO1-ORG" and len(second) <= 10
    assert role_handle_number("QTAZOB", 2) == "QTAZO2-ORG"
    assert len(role_handle_number("QTAZOB", 123)) == 10
    assert role_prefix("и в на") == "X"
