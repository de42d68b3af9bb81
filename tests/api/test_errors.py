"""The one error shape for what no operation answers itself: an unknown path under /api/, a method a path
does not take, a fault of ours (500, no traceback), and validation errors mapped to field paths."""

from __future__ import annotations

import pytest

from kzreg.api.endpoints import orders

pytestmark = pytest.mark.django_db


def test_unknown_path_and_method(api_a):
    unknown = api_a.get("/api/v2/domains")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == "api_not_found"
    wrong = api_a.call("PUT", "/orders")
    assert wrong.status_code == 405 and wrong.json()["errors"][0]["code"] == "api_method_not_allowed"
    assert "GET" in wrong["Allow"]


def test_a_fault_of_ours_is_a_500_without_traceback(api_a, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(orders, "orders_visible_to", broken)
    answer = api_a.get("/orders", headers={"Accept-Language": "kk"})
    assert answer.status_code == 500
    assert answer.json() == {"errors": [{"code": "api_server_error", "field": "",
                                         "message": "сервердің ішкі қатесі; ол журналға жазылды"}]}  # fmt: skip
    assert b"secret detail" not in answer.content and b"Traceback" not in answer.content
    assert "ZeroDivisionError" in caplog.text  # the operator has it in the log


def test_validation_errors_name_nested_fields(api_a, tenants):
    body = {"name": "x.kz", "customer_id": "seven", "nameservers": ["ns1.ps.kz", 5], "location": {"city": "A"}}
    answer = api_a.post("/domains", body, {"Idempotency-Key": "v"})
    fields = {e["field"]: e["code"] for e in answer.json()["errors"]}
    assert answer.status_code == 400
    assert fields == {"customer_id": "api_invalid", "nameservers.1": "api_invalid", "location.address": "required",
                      "location.region": "required"}  # fmt: skip
    not_an_object = api_a.call("POST", "/customers", [1, 2])
    assert not_an_object.status_code == 400 and not_an_object.json()["errors"][0]["field"] == ""
