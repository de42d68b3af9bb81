"""The tenant sweep (PS-8, C4; issue 12 §Confidentiality): every operation of `/api/openapi.json` that
names an object in its path is called by tenant A with tenant B's real ids and names, and must answer 404
in the one error shape; every list A may read must not mention B's objects. A path added later is swept
without editing this test (its parameters are filled from the table below by name; an unknown parameter
name fails the test, so the table is kept complete)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kzreg.api.models import IdempotentAnswer
from kzreg.billing.models import Entry
from kzreg.registrar.models import Order
from tests.api.conftest import Api
from tests.api.objects import objects_of

pytestmark = pytest.mark.django_db


def example(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A value that satisfies `schema` (enough to get past validation to the access check)."""
    if "$ref" in schema:
        return example(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return example(options[0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(prop, spec) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", [])}  # fmt: skip
    if kind == "array":
        return [example(schema.get("items", {}), spec)] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-03-01T09:00:00Z"
    return "x" * max(1, schema.get("minLength", 1))


@pytest.fixture
def b_keys(tenants, settings) -> dict[str, str]:
    b = tenants.b
    made = objects_of(b, settings)
    return {
        "name": b.service.name, "customer_id": str(b.customer.pk), "order_id": str(b.order.pk),
        "handle": b.customer.contact_handle, "number": made.invoice.number, "webhook_id": str(made.webhook.pk),
        "user_id": str(b.admin.pk), "token_id": str(made.token.pk), "host_name": made.host,
        "job_id": str(_bulk_job_of(tenants)),
    }  # fmt: skip


def _bulk_job_of(tenants) -> int:
    """Tenant B's bulk job, started through the API as B."""
    answer = Api(_token(tenants.b.admin)).post(
        "/bulk", {"action": "nameservers", "names": [tenants.b.service.name], "nameservers": ["ns1.ps.kz", "ns2.ps.kz"]},
        {"Idempotency-Key": "sweep-b-bulk"},
    )  # fmt: skip
    assert answer.status_code in (201, 202), answer.content
    return int(answer.json()["id"])


def _token(user) -> str:
    from kzreg.api.tokens import create_token

    return create_token(user, "sweep")[1]


def operations(spec: dict[str, Any]):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_every_object_path_answers_404_to_another_tenant(api_a, b_keys, tenants):
    spec = api_a.get("/api/openapi.json").json()
    charged_before = Entry.objects.count()
    orders_before = Order.objects.count()
    swept = []
    for path, method, operation in operations(spec):
        names = re.findall(r"{(\w+)}", path)
        if not names:
            continue
        url = path
        for name in names:
            key = "host_name" if (name == "name" and path.startswith("/api/v1/hosts/")) else name
            assert key in b_keys, f"{method} {path}: the sweep has no id of another tenant for {{{name}}}"
            url = url.replace(f"{{{name}}}", b_keys[key])
        body = None
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            body = example(content["schema"], spec)
        answer = api_a.call(method, url, body, headers={"Idempotency-Key": f"sweep-{method}-{path}"})
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code} {answer.content[:300]!r}"
        assert answer.json()["errors"][0]["code"].endswith(("not_found", "_unknown")), (method, url, answer.json())
        swept.append(f"{method} {path}")
    assert len(swept) >= 19, swept
    # nothing was ordered, charged or remembered as an answer for A
    assert Entry.objects.count() == charged_before and Order.objects.count() == orders_before
    assert not IdempotentAnswer.objects.filter(tenant=f"reseller:{tenants.a.reseller.pk}").exists()


def test_no_list_mentions_another_tenants_objects(api_a, b_keys, tenants):
    spec = api_a.get("/api/openapi.json").json()
    secrets_of_b = [tenants.b.service.name, tenants.b.customer.email, tenants.b.customer.name, b_keys["number"],
                    tenants.b.admin.username, "127.0.0.1:9/hook"]  # fmt: skip
    listed = 0
    for path, method, operation in operations(spec):
        if method != "GET" or "{" in path or not path.startswith("/api/v1/"):
            continue
        query = {}
        for parameter in operation.get("parameters", []):
            if parameter.get("required"):
                query[parameter["name"]] = "altyn-tenant.kz"
        answer = api_a.get(path, **query)
        assert answer.status_code == 200, (path, answer.content[:300])
        text = answer.content.decode()
        leaked = [s for s in secrets_of_b if s and s in text]
        assert not leaked, f"GET {path} shows tenant B's {leaked}"
        listed += 1
    assert listed >= 8
