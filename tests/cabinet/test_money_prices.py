"""The retail price list editor (issue 13 §Money, SPEC B4): checked by billing with each problem beside
its field, confirmed, saved; a later quote for the seller's registrant uses it; others may not."""

from __future__ import annotations

import re

import pytest

from kzreg.billing.books import reseller_book
from kzreg.billing.models import ListPrice, PriceAudience
from kzreg.billing.money import Money
from kzreg.billing.orders import quote_order
from kzreg.billing.price_lists import retail_price
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.actions import Seller
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/cabinet/money/prices/"


def price_form(**changes: str) -> dict[str, str]:
    form = {"step": "check", "zone": "kz", "command": "create", "years": "1", "amount": "12000.00",
            "currency": "KZT", "valid_from": "", "valid_to": ""}  # fmt: skip
    form.update(changes)
    return form


def retail_rows():
    return ListPrice.objects.filter(audience=PriceAudience.RETAIL)


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_a_reseller_saves_a_retail_price_that_a_later_quote_uses(client, two_tenants, registrar):
    a = two_tenants.a
    client.force_login(a.admin)
    empty = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No retail prices yet" in empty
    check = client.post(URL, price_form(), HTTP_ACCEPT_LANGUAGE="en")
    page = check.content.decode()
    assert check.status_code == 200 and "Confirm the price" in page and "12,000.00" in page and "data-confirm" in page
    assert retail_rows().count() == 0  # checking saves nothing
    form = hidden(page)
    assert form["step"] == "save"
    saved = client.post(URL, form, HTTP_ACCEPT_LANGUAGE="en")
    assert saved.status_code == 302 and saved["Location"] == URL
    listing = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Price saved: Registration, kz, 1 y" in listing and "₸12,000.00" in listing
    row = retail_rows().get()
    assert row.book == reseller_book(a.reseller, clock.now()) and row.entered_by == "cabinet:altyn-admin"
    # A later quote for one of its registrants carries the retail price (its wholesale price stays $40).
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=a.reseller,
                        customer_key=f"customer:{a.customer.pk}")  # fmt: skip
    assert quote.retail == Money.of("12000.00", "KZT") and quote.wholesale == Money.of("40.00", "USD")
    with pytest.raises(OperationFailed):  # the other reseller's list is its own
        retail_price(reseller_book(two_tenants.b.reseller, clock.now()), "kz", "create", 1, clock.now())


def test_registrar_staff_set_the_price_its_own_customers_are_quoted(client, two_tenants):
    staff = two_tenants.registrar_staff
    client.force_login(staff)
    form = hidden(client.post(URL, price_form(command="renew", amount="9500", years="2"),
                              HTTP_ACCEPT_LANGUAGE="ru").content.decode())  # fmt: skip
    assert client.post(URL, form).status_code == 302
    seller = Seller("PS-KZ", None, staff.get_username())
    assert actions.quote(seller, "renew", "own-customer.kz", 2, customer_id=1) == Money.of("9500.00", "KZT")


def test_problems_are_named_beside_their_fields_and_input_is_kept(client, two_tenants):
    client.force_login(two_tenants.a.admin)
    answer = client.post(URL, price_form(zone="com", amount="12,000.505", valid_from="2026-02-30"),
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400 and 'id="p-amount-error"' in html and 'id="p-from-error"' in html
    assert 'value="12,000.505"' in html and retail_rows().count() == 0
    # What only billing knows (the zone, a period that ends before it starts) comes back beside the field.
    answer = client.post(URL, price_form(zone="com", valid_from="2026-06-01", valid_to="2026-05-01"),
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400 and 'id="p-zone-error"' in html and 'id="p-to-error"' in html
    assert 'value="com"' in html and retail_rows().count() == 0


def test_a_user_without_pay_cannot_set_prices(client, two_tenants):
    client.force_login(two_tenants.a.viewer)
    assert client.post(URL, {**price_form(), "step": "save"}).status_code == 403
    assert retail_rows().count() == 0
