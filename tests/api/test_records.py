"""Customers (their personal data logged when read, and the data-access report), contacts, hosts, orders,
money (balance, statement, invoices JSON and PDF), webhooks, and the users of one's own tenant — each
with its permission and another tenant's keys answered 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from kzreg.accounts.models import PersonalDataView
from kzreg.registrar import webhooks
from tests.api.conftest import CUSTOMER, Api, token_for
from tests.api.objects import objects_of

pytestmark = pytest.mark.django_db


def codes(response) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_customers_create_list_get_update_and_data_access_report(api_a, tenants):
    made = api_a.post("/customers", CUSTOMER)
    assert made.status_code == 201, made.content
    customer = made.json()
    assert customer["name"] == "Serik Akhmetov" and customer["country_code"] == "KZ"
    listing = api_a.get("/customers", search="serik").json()
    assert listing["total"] == 1 and "email" not in listing["items"][0]  # lists show no personal data
    assert api_a.get("/customers").json()["total"] == 2
    assert PersonalDataView.objects.count() == 0
    got = api_a.get(f"/customers/{customer['id']}")
    assert got.status_code == 200 and got.json()["email"] == "serik@mail.kz"
    updated = api_a.put(f"/customers/{customer['id']}", {**CUSTOMER, "city": "Astana"})
    assert updated.status_code == 200 and updated.json()["city"] == "Astana"
    report = api_a.get(f"/customers/{customer['id']}/data-access").json()
    assert [r["via"] for r in report] == [f"api:PUT /api/v1/customers/{customer['id']}",
                                          f"api:GET /api/v1/customers/{customer['id']}"]  # fmt: skip
    assert report[0]["username"] == tenants.a.admin.username


def test_customer_bad_input_names_every_field(api_a):
    answer = api_a.post("/customers", {**CUSTOMER, "email": "not-an-email", "consent_at": None, "kind": "R"})
    assert answer.status_code == 400
    assert set(codes(answer)) == {("email", "invalid_email"), ("consent_at", "registrar_consent_missing"),
                                  ("organisation", "required")}  # fmt: skip
    assert codes(api_a.post("/customers", {**CUSTOMER, "kind": "X"})) == [("kind", "api_invalid")]


def test_contacts_and_hosts_of_ones_own(api_a, tenants, settings):
    handle = tenants.a.customer.contact_handle
    contact = api_a.get(f"/contacts/{handle}")
    assert contact.status_code == 200 and contact.json()["email"] == tenants.a.customer.email
    assert PersonalDataView.objects.filter(contact_handle=handle, via__startswith="api:GET").exists()
    assert api_a.get(f"/contacts/{tenants.b.customer.contact_handle}").status_code == 404
    host = api_a.post("/hosts", {"name": f"ns1.{tenants.a.service.name}", "addresses": ["195.210.46.40"]})
    assert host.status_code == 201 and host.json()["addresses"] == ["195.210.46.40"]
    assert api_a.get(f"/hosts/ns1.{tenants.a.service.name}").status_code == 200
    b_host = objects_of(tenants.b, settings).host
    assert api_a.get(f"/hosts/{b_host}").status_code == 404


def test_orders_list_and_get(api_a, tenants):
    page = api_a.get("/orders").json()
    assert page["total"] == 1 and page["items"][0]["id"] == tenants.a.order.pk
    assert api_a.get("/orders", state="failed").json()["total"] == 0
    assert api_a.get("/orders", kind="create", domain=tenants.a.service.name).json()["total"] == 1
    assert api_a.get(f"/orders/{tenants.a.order.pk}").json()["state"] == "done"
    assert api_a.get(f"/orders/{tenants.b.order.pk}").status_code == 404
    assert codes(api_a.get("/orders", state="lost")) == [("state", "api_invalid")]


def test_money_balance_statement_invoices(api_a, tenants, settings):
    balance = api_a.get("/balance")
    assert balance.status_code == 200
    assert balance.json()["balance"] == {"amount": "960.00", "currency": "USD"}  # 1000 paid, one 40 create
    statement = api_a.get("/statement", month=tenants.a.order.created_at.strftime("%Y-%m"))
    assert statement.status_code == 200
    assert statement.json()["closing"] == {"amount": "960.00", "currency": "USD"}
    assert [m["amount"]["amount"] for m in statement.json()["movements"]] == ["1000.00", "-40.00"]
    bad_month = api_a.get("/statement", month="2026-13")
    assert bad_month.status_code == 400 and codes(bad_month)[0][0] == "month"
    assert codes(api_a.get("/statement", month="March")) == [("month", "api_invalid")]
    ours = objects_of(tenants.a, settings).invoice
    theirs = objects_of(tenants.b, settings).invoice
    listing = api_a.get("/invoices").json()
    assert [i["number"] for i in listing["items"]] == [ours.number]
    one = api_a.get(f"/invoices/{ours.number}")
    assert one.status_code == 200 and one.json()["gross"]["currency"] == "USD"
    pdf = api_a.get(f"/invoices/{ours.number}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if theirs.number != ours.number:
        assert api_a.get(f"/invoices/{theirs.number}").status_code == 404
    # money needs the pay permission
    viewer = Api(token_for(tenants.a.viewer))
    assert viewer.get("/balance").status_code == 403 and viewer.get("/invoices").status_code == 403


def test_webhooks_register_list_remove(api_a, tenants, settings):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "WEBHOOK_ALLOW_LOOPBACK": True}
    made = api_a.post("/webhooks", {"url": "http://127.0.0.1:8099/kzreg"})
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    listed = api_a.get("/webhooks").json()
    assert [w["url"] for w in listed] == ["http://127.0.0.1:8099/kzreg"] and "secret" not in listed[0]
    # what a receiver checks
    header = webhooks.signature(secret, 1_700_000_000, b'{"event": 1}')
    assert webhooks.verify(secret, header, b'{"event": 1}', 1_700_000_000)
    assert codes(api_a.post("/webhooks", {"url": "ftp://example.kz/x"}))[0][0] == "url"
    b_hook = objects_of(tenants.b, settings).webhook
    assert api_a.delete(f"/webhooks/{b_hook.pk}").status_code == 404
    assert api_a.delete(f"/webhooks/{made.json()['id']}").status_code == 204
    assert api_a.get("/webhooks").json() == []


def test_users_of_ones_tenant_and_their_permissions(api_a, tenants):
    users = api_a.get("/users").json()
    assert {u["username"] for u in users} == {tenants.a.admin.username, tenants.a.viewer.username}
    viewer = next(u for u in users if u["username"] == tenants.a.viewer.username)
    assert viewer["permissions"] == ["view"]
    changed = api_a.put(f"/users/{viewer['id']}/permissions", {"permissions": ["view", "order"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["permissions"] == ["order", "view"]
    assert api_a.get(f"/users/{tenants.b.admin.pk}").status_code == 404
    assert Api(token_for(tenants.a.viewer)).get("/users").status_code == 403
    assert codes(api_a.put(f"/users/{viewer['id']}/permissions", {"permissions": ["root"]}))[0][1] == "api_invalid"


def test_add_and_deactivate_a_user(api_a, tenants):
    made = api_a.post("/users", {"username": "altyn-clerk", "email": "clerk@altyn.kz", "permissions": ["view"]})
    assert made.status_code == 201, made.content
    assert made.json()["permissions"] == ["view"]
    clerk_token = token_for(get_user_model().objects.get(username="altyn-clerk"))
    assert Api(clerk_token).get("/domains").status_code == 200
    gone = api_a.delete(f"/users/{made.json()['id']}")
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert Api(clerk_token).get("/domains").status_code == 401
    assert api_a.delete(f"/users/{tenants.b.viewer.pk}").status_code == 404
    viewer = Api(token_for(tenants.a.viewer))
    assert viewer.post("/users", {"username": "x-user", "email": "x@altyn.kz"}).status_code == 403


def test_a_registrant_reads_its_own_domains_of_both_resellers_and_orders_nothing(tenants):
    registrant = Api(token_for(tenants.registrant))
    names = {d["name"] for d in registrant.get("/domains").json()["items"]}
    assert names == {tenants.a.service.name, tenants.b.service.name}
    order = registrant.get(f"/orders/{tenants.a.order.pk}").json()
    assert order["sponsor"]["registrar"] == "PS-KZ"
    assert registrant.get("/webhooks").status_code == 403
    assert registrant.post(f"/domains/{tenants.a.service.name}/renew", {"years": 1},
                           {"Idempotency-Key": "r"}).status_code == 403  # fmt: skip
