"""API fixtures: the two tenants of `tests/tenants.py`, a token for any of their users, and a client that
sends it (`Authorization: Bearer …`) to the WSGI app in this process."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kzreg.api.endpoints.common import forget_registry_connections
from kzreg.api.tokens import create_token
from tests.conftest import T0
from tests.tenants import two_tenants_fixture  # noqa: F401  (fixture)


class Api:
    """A test client for one token: `api.get("/domains")` → response with `.json()`."""

    def __init__(self, token: str = "", language: str = "en"):
        self.client = Client()
        self.token = token
        self.language = language

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept-Language": self.language}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, **query: Any
    ) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs: dict[str, Any] = {"headers": self.headers(headers)}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif query:
            kwargs["data"] = query
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, headers: dict[str, str] | None = None, **query: Any) -> Any:
        return self.call("GET", path, headers=headers, **query)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.call("POST", path, body if body is not None else {}, headers)

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.call("PUT", path, body, headers)

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.call("PATCH", path, body, headers)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.call("DELETE", path, headers=headers)


def token_for(user: Any, **kwargs: Any) -> str:
    return create_token(user, kwargs.pop("name", "test"), **kwargs)[1]


@pytest.fixture(autouse=True)
def _registry_connections_forgotten():
    """The API keeps its local registry connections (registrar id by handle); each test's registrar row is
    new, so none is kept from the test before."""
    forget_registry_connections()
    yield
    forget_registry_connections()


@pytest.fixture
def tenants(frozen_clock, two_tenants, settings):
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 0}
    return two_tenants


@pytest.fixture
def api_a(tenants) -> Api:
    """Tenant A's administrator (every permission)."""
    return Api(token_for(tenants.a.admin))


@pytest.fixture
def api_b(tenants) -> Api:
    return Api(token_for(tenants.b.admin))


CUSTOMER = {
    "kind": "I", "name": "Serik Akhmetov", "address": "Dostyk 5", "city": "Almaty", "region": "Almaty",
    "postal_code": "050010", "country_code": "KZ", "email": "serik@mail.kz", "phone": "+7.7011234567",
    "language": "ru", "consent_at": T0.isoformat(),
}  # fmt: skip
LOCATION = {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}
NS = ["ns1.ps.kz", "ns2.ps.kz"]
