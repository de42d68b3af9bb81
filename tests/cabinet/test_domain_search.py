"""The domains list's name search (issue 13 §Domains, issue 12): a part of the name matches anywhere, in
Latin (the A-label) or in Cyrillic (the stored U-label form, `Service.name_unicode`) — `сәл` finds
`сәлем.kz`, `сәлем.қаз` and `сәлемдер.қаз`; names are shown as people read them, linked by their A-label;
the other reseller's names are never found."""

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


def test_a_cyrillic_part_finds_the_names_that_contain_it_in_both_zones(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    _add(a, NAMES)
    _add(b, ("сәлемет.қаз", "сәлем-b.kz"))
    client.force_login(a.admin)
    assert _found(client, "сәлем") == ["сәлем.kz", "сәлем.қаз", "сәлемдер.қаз"]
    assert _found(client, "әле") == ["сәлем.kz", "сәлем.қаз", "сәлемдер.қаз"]  # a part inside the label
    assert _found(client, "лемдер") == ["сәлемдер.қаз"]
    assert _found(client, "  СӘЛЕМ ") == ["сәлем.kz", "сәлем.қаз", "сәлемдер.қаз"]  # case and spaces folded
    assert _found(client, "сәлем.қаз") == ["сәлем.қаз"]
    assert _found(client, "Сәлем.KZ") == ["сәлем.kz"]  # mixed: Cyrillic label, Latin zone
    assert _found(client, "лем.k") == ["сәлем.kz"]
    assert _found(client, "salem.қаз") == ["salem.қаз"]  # a Latin label in the Cyrillic zone
    assert _found(client, ".қаз") == ["salem.қаз", "сәлем.қаз", "сәлемдер.қаз"]
    assert _found(client, "salem") == ["salem-market.kz", "salem.қаз"]  # Latin: a part, in both zones
    assert _found(client, "сәлемет") == []  # the other reseller's
    assert _found(client, "-b") == []  # the other reseller's (Latin part)
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


def test_the_filter_reads_the_a_label_for_latin_and_the_unicode_name_otherwise():
    """Latin text in `name` (its trigram index), other text in `name_unicode` with `> ''` (the condition of
    its partial trigram index on PostgreSQL)."""
    assert name_filter("Salem").children == [("name__contains", "salem")]
    assert name_filter("ｓａｌｅｍ").children == [("name__contains", "salem")]  # width folded: Latin
    assert name_filter("СӘЛ").children == [("name_unicode__contains", "сәл"), ("name_unicode__gt", "")]
    assert name_filter("shop-сә.Қаз").children == [("name_unicode__contains", "shop-сә.қаз"), ("name_unicode__gt", "")]
