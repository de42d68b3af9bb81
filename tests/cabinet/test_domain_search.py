"""The domains list's name search in Cyrillic (issue 13 §Domains): a label typed in Kazakh finds that
name in `.kz` and `.қаз`, a U-label `.қаз` name finds itself, Latin text matches a part; names are shown
as people read them, linked by their A-label; the other reseller's names are never found."""

from __future__ import annotations

import datetime as dt
import re

import idna
import pytest

from kzreg.cabinet.domains import name_filter
from kzreg.core import clock
from kzreg.registrar.models import Service
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
NAMES = ("сәлем.қаз", "сәлем.kz", "сәлемдер.қаз", "salem.қаз", "salem-market.kz")


def _add(tenant, names) -> None:
    now = clock.now()
    Service.objects.bulk_create(
        Service(
            name=idna.encode(name, uts46=True).decode(),
            registrar_handle="PS-KZ",
            reseller=tenant.reseller,
            customer=tenant.customer,
            expires_at=now + dt.timedelta(days=300),
            statuses=["active"],
            created_at=now,
        )
        for name in names
    )


def _found(client, term: str) -> list[str]:
    html = client.get("/cabinet/domains/", {"q": term}, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    return sorted(idna.decode(a) for a in re.findall(r'<td><a href="/cabinet/domains/([^/"]+)/">', html))


def test_a_cyrillic_label_finds_the_name_in_both_zones(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    _add(a, NAMES)
    _add(b, ("сәлемет.қаз",))
    client.force_login(a.admin)
    assert _found(client, "сәлем") == ["сәлем.kz", "сәлем.қаз"]  # not сәлемдер: a Cyrillic label is whole
    assert _found(client, "  СӘЛЕМ ") == ["сәлем.kz", "сәлем.қаз"]  # case and spaces as IDNA maps them
    assert _found(client, "сәлем.қаз") == ["сәлем.қаз"]
    assert _found(client, "Сәлем.KZ") == ["сәлем.kz"]
    assert _found(client, "salem.қаз") == ["salem.қаз"]  # a Latin label in the Cyrillic zone
    assert _found(client, "salem") == ["salem-market.kz", "salem.қаз"]  # Latin: a part, in both zones
    assert _found(client, "сәлемет") == []  # the other reseller's
    assert _found(client, "сә лем") == []  # not a name IDNA accepts: nothing, no error


def test_found_names_are_shown_in_cyrillic_and_linked_by_a_label(client, two_tenants):
    a = two_tenants.a
    _add(a, NAMES)
    client.force_login(a.admin)
    page = client.get("/cabinet/domains/", {"q": "сәлем.қаз"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    a_label = idna.encode("сәлем.қаз", uts46=True).decode()
    assert page.status_code == 200 and f'href="/cabinet/domains/{a_label}/"' in html and "сәлем.қаз" in html
    assert 'value="сәлем.қаз"' in html  # what was typed stays in the field
    assert client.get(f"/cabinet/domains/{a_label}/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    part = client.get("/cabinet/domains/", {"q": "сәлем"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert "<html" not in part.content.decode() and a_label in part.content.decode()


def test_the_filter_is_an_equality_on_the_unique_name():
    """A Cyrillic search compares the unique name (index), never a scan of Punycode text."""
    label = idna.encode("сәлем", uts46=True).decode()
    assert name_filter("сәлем").children == [("name__in", [f"{label}.kz", f"{label}.xn--80ao21a"])]
    assert name_filter("сәлем.қаз").children == [("name", f"{label}.xn--80ao21a")]
    assert name_filter("Salem").children == [("name__contains", "salem")]
