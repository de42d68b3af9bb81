"""The API's operations, one module per kind of object; `ROUTERS` says where each is mounted under
`/api/v1/`."""

from __future__ import annotations

from ninja import Router

from kzreg.api.endpoints import bulk, customers, domains, money, offer, orders, people, webhooks

ROUTERS: list[tuple[str, Router]] = [
    ("", offer.offer),
    ("domains", domains.router),
    ("bulk", bulk.router),
    ("customers", customers.router),
    ("", customers.objects),
    ("orders", orders.router),
    ("", money.router),
    ("webhooks", webhooks.router),
    ("users", people.users),
    ("tokens", people.api_tokens),
]
