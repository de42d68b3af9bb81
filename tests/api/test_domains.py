"""Availability, quotes and domain orders through the API, with the local registry connection: create,
info, list, renew, modify, delete, transfer, the authorization code, registrant change; idempotency (one
charge, proved by the ledger) and bad input that charges nothing (issue 12 §Bad input)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.books import reseller_deposit
from kzreg.billing.models import Entry
from kzreg.billing.money import Money
from kzreg.billing.price_lists import set_wholesale_price
from kzreg.core import clock
from kzreg.registrar.models import Order, Service
from tests.api.conftest import CUSTOMER, LOCATION, NS, Api, token_for

pytestmark = pytest.mark.django_db


def balance(tenant) -> Money:
    return reseller_deposit(tenant.reseller).balance


def entries(tenant) -> int:
    return Entry.objects.filter(account=reseller_deposit(tenant.reseller)).count()


def create_body(tenant, name="new-domain.kz", **overrides):
    return {"name": name, "years": 1, "customer_id": tenant.customer.pk, "nameservers": list(NS),
            "location": dict(LOCATION), **overrides}  # fmt: skip


def codes(response) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_availability_kz_and_cyrillic_kaz(api_a, tenants):
    answer = api_a.get("/availability", name=["free-name.kz", tenants.a.service.name, "сәлем.қаз", "x.com"])
    assert answer.status_code == 200
    rows = {r["name"]: r for r in answer.json()}
    assert rows["free-name.kz"]["available"] is True
    assert rows[tenants.a.service.name]["available"] is False
    assert rows["сәлем.қаз"]["a_label"].startswith("xn--") and rows["сәлем.қаз"]["a_label"].endswith(".xn--80ao21a")
    assert rows["сәлем.қаз"]["available"] is True
    assert rows["x.com"]["available"] is False and ".қаз" in rows["x.com"]["reason"]


def test_quote_is_the_wholesale_price(api_a):
    answer = api_a.get("/quote", name="priced.kz", kind="renew", years=2)
    assert answer.status_code == 200
    assert answer.json()["price"] == {"amount": "80.00", "currency": "USD"}
    assert codes(api_a.get("/quote", name="priced.kz", years=-1)) == [("years", "api_invalid")]
    assert codes(api_a.get("/quote", name="priced.com")) == [("name", "api_wrong_zone")]


def test_create_charges_once_per_idempotency_key(api_a, tenants):
    before, lines = balance(tenants.a), entries(tenants.a)
    key = {"Idempotency-Key": "create-1"}
    first = api_a.post("/domains", create_body(tenants.a), key)
    assert first.status_code == 201, first.content
    order = first.json()
    assert order["state"] == "done" and order["price"] == {"amount": "40.00", "currency": "USD"}
    assert order["sponsor"] == {"registrar": "PS-KZ", "reseller": "Altyn Hosting"}
    again = api_a.post("/domains", create_body(tenants.a), key)
    assert (again.status_code, again.json()) == (201, order)
    assert again["Idempotent-Replayed"] == "true"
    # another user of the same tenant with the same key gets the same answer
    colleague = Api(token_for(tenants.a.admin))
    assert colleague.post("/domains", create_body(tenants.a), key).json() == order
    assert balance(tenants.a) == before - Money.of("40.00", "USD")
    assert entries(tenants.a) == lines + 1
    assert Order.objects.filter(domain="new-domain.kz").count() == 1
    # the same key with another request is refused, nothing charged
    other = api_a.post("/domains", create_body(tenants.a, name="other-domain.kz"), key)
    assert other.status_code == 409 and codes(other) == [("Idempotency-Key", "api_idempotency_conflict")]
    assert balance(tenants.a) == before - Money.of("40.00", "USD")
    # tenant B may use the same key for its own order
    assert Api(token_for(tenants.b.admin)).post("/domains", create_body(tenants.b, "b-new.kz"), key).status_code == 201


def test_bad_create_input_names_the_field_and_charges_nothing(api_a, tenants):
    before = balance(tenants.a)
    key = {"Idempotency-Key": "bad-1"}
    assert codes(api_a.post("/domains", create_body(tenants.a))) == [("Idempotency-Key", "required")]
    assert codes(api_a.post("/domains", create_body(tenants.a, years=-1), key)) == [("years", "api_invalid")]
    assert codes(api_a.post("/domains", create_body(tenants.a, name="wrong.com"), key)) == [("name", "api_wrong_zone")]
    missing = create_body(tenants.a)
    del missing["location"]["city"], missing["nameservers"]
    assert set(codes(api_a.post("/domains", missing, key))) == {
        ("location.city", "required"),
        ("nameservers", "required"),
    }
    # a registrant of another reseller: not found, nothing charged
    foreign = api_a.post("/domains", create_body(tenants.a, customer_id=tenants.b.customer.pk), key)
    assert foreign.status_code == 404
    assert codes(foreign) == [("customer", "registrar_customer_unknown"), ("admin", "registrar_customer_unknown")]
    taken = api_a.post("/domains", create_body(tenants.a, name=tenants.b.service.name), key)
    assert taken.status_code == 422 and taken.json()["state"] == "failed"  # the registry refused: refunded
    assert balance(tenants.a) == before
    # a refusal is not stored: the same key works once the request is right
    assert (
        api_a.post("/domains", create_body(tenants.a, name="fixed.kz"), {"Idempotency-Key": "bad-2"}).status_code == 201
    )


def test_cyrillic_create_and_info(api_a, tenants, registrar):
    since = clock.now() - dt.timedelta(days=1)
    set_wholesale_price(registrar, "xn--80ao21a", "create", 1, Money.of("50.00", "USD"), "test", since)
    made = api_a.post("/domains", create_body(tenants.a, name="алма.қаз"), {"Idempotency-Key": "idn"})
    assert made.status_code == 201, made.content
    info = api_a.get("/domains/алма.қаз")
    assert info.status_code == 200
    assert info.json()["unicode_name"] == "алма.қаз" and info.json()["name"].startswith("xn--")


def test_list_filters_and_pagination(api_a, tenants):
    for n in range(3):
        api_a.post("/domains", create_body(tenants.a, name=f"page-{n}.kz"), {"Idempotency-Key": f"p{n}"})
    page = api_a.get("/domains", limit=2, offset=0).json()
    assert page["total"] is None and len(page["items"]) == 2 and page["has_more"] is True  # no count unless asked
    assert api_a.get("/domains", limit=2, include_total="true").json()["total"] == 4
    rest = api_a.get("/domains", limit=2, offset=2).json()  # offset: deprecated, still answered
    assert rest["has_more"] is False and rest["next"] is None
    assert {d["name"] for d in page["items"] + rest["items"]} == {tenants.a.service.name, "page-0.kz",
                                                                  "page-1.kz", "page-2.kz"}  # fmt: skip

    def total(**query):
        return api_a.get("/domains", include_total="true", **query).json()["total"]

    assert total(name_contains="page-1") == 1
    assert total(status="ok") == 4
    assert total(status="pendingDelete") == 0
    assert total(customer_id=tenants.a.customer.pk) == 4
    assert total(customer_id=tenants.b.customer.pk) == 0
    soon = (tenants.a.service.expires_at + dt.timedelta(days=1)).date().isoformat()
    assert total(expires_before=soon) == 4
    assert total(expires_after=soon) == 0
    assert codes(api_a.get("/domains", limit=0)) == [("limit", "api_invalid")]


def test_renew_modify_auth_code_delete(api_a, tenants):
    name = tenants.a.service.name
    expires = Service.objects.get(name=name).expires_at
    before = balance(tenants.a)
    renewed = api_a.post(f"/domains/{name}/renew", {"years": 2}, {"Idempotency-Key": "r1"})
    assert renewed.status_code == 201, renewed.content
    assert Service.objects.get(name=name).expires_at.year == expires.year + 2
    assert balance(tenants.a) == before - Money.of("80.00", "USD")
    assert codes(api_a.post(f"/domains/{name}/renew", {"years": 0}, {"Idempotency-Key": "r2"})) == [
        ("years", "api_invalid")
    ]
    host = api_a.post("/hosts", {"name": f"ns1.{name}", "addresses": ["195.210.46.20"]})
    assert host.status_code == 201, host.json()
    nameservers = ["ns2.ps.kz", f"ns1.{name}"]
    modified = api_a.patch(f"/domains/{name}", {"nameservers": nameservers}, {"Idempotency-Key": "m1"})
    assert modified.status_code == 201, modified.json()["answer"]
    nothing = api_a.patch(f"/domains/{name}", {}, {"Idempotency-Key": "m2"})
    assert nothing.status_code == 400 and codes(nothing)[0][1] == "nothing_to_change"
    code = api_a.get(f"/domains/{name}/auth-code")
    assert code.status_code == 200 and code.json()["auth_code"]
    deleted = api_a.delete(f"/domains/{name}", {"Idempotency-Key": "d1"})
    assert deleted.status_code == 201 and deleted.json()["kind"] == "delete"
    assert "pendingDelete" in Service.objects.get(name=name).statuses


def test_transfer_in_with_a_wrong_code_is_refused_and_refunded(api_a, tenants):
    before = balance(tenants.a)
    body = {"name": tenants.b.service.name, "auth_code": "Wrong-Code-1", "customer_id": tenants.a.customer.pk}
    answer = api_a.post("/domains/transfers", body, {"Idempotency-Key": "t1"})
    # the registrar wing already sponsors it (another reseller's): refused before the registry is asked, or
    # refused by the registry and refunded: nothing is charged either way
    assert answer.status_code in (403, 404, 409, 422), answer.content
    assert balance(tenants.a) == before
    assert codes(api_a.post("/domains/transfers", {**body, "name": "x.org"}, {"Idempotency-Key": "t2"})) == [
        ("name", "api_wrong_zone")
    ]


def test_registrant_change_to_own_customer_only(api_a, tenants):
    customer = api_a.post("/customers", CUSTOMER).json()
    name = tenants.a.service.name
    foreign = api_a.post(f"/domains/{name}/registrant-change", {"customer_id": tenants.b.customer.pk},
                         {"Idempotency-Key": "rc0"})  # fmt: skip
    assert foreign.status_code == 404
    changed = api_a.post(f"/domains/{name}/registrant-change", {"customer_id": customer["id"]},
                         {"Idempotency-Key": "rc1"})  # fmt: skip
    assert changed.status_code == 201, changed.content
    assert Service.objects.get(name=name).customer_id == customer["id"]


def test_viewer_reads_but_does_not_order(tenants):
    viewer = Api(token_for(tenants.a.viewer))
    assert viewer.get("/domains").status_code == 200
    refused = viewer.post("/domains", create_body(tenants.a), {"Idempotency-Key": "v1"})
    assert refused.status_code == 403 and codes(refused) == [("", "api_permission")]
    assert viewer.get(f"/domains/{tenants.a.service.name}/auth-code").status_code == 403


def test_stored_answers_are_forgotten_after_thirty_days(api_a, tenants):
    from kzreg.api.jobs import forget_old
    from kzreg.api.models import IdempotentAnswer

    assert api_a.post("/domains", create_body(tenants.a), {"Idempotency-Key": "old"}).status_code == 201
    assert forget_old() is None and IdempotentAnswer.objects.count() == 1
    clock.advance(dt.timedelta(days=31))
    assert forget_old()["idempotent answers"] == 1
    assert not IdempotentAnswer.objects.exists()
    # the order keeps its key: the same key again is still the same order, charged once
    again = api_a.post("/domains", create_body(tenants.a), {"Idempotency-Key": "old"})
    assert again.status_code == 201 and Order.objects.filter(domain="new-domain.kz").count() == 1
