"""A tenant's objects of every kind the API reads by key (an invoice, a webhook, a host, a token, a bulk
job), so sweeps and contract tests have a real id of each kind to try."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kzreg.api.models import ApiToken
from kzreg.api.tokens import create_token
from kzreg.billing.books import reseller_book
from kzreg.billing.invoices import issue_invoice
from kzreg.billing.invoices_parties import Party
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Invoice
from kzreg.core import clock
from kzreg.registrar.actions import Seller, create_host
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Webhook
from tests.billing.invoice_helpers import fee_line


@dataclass(frozen=True)
class Objects:
    invoice: Invoice
    webhook: Webhook
    host: str
    token: ApiToken


def objects_of(tenant: Any, settings: Any) -> Objects:
    now = clock.now()
    seller = Seller("PS-KZ", tenant.reseller, tenant.admin.get_username())
    requisites = Party(name=tenant.reseller.legal_name, address="Almaty, Abay avenue 1", country="KZ",
                       bin="123456789012", key="seller")  # fmt: skip
    buyer = Party(name=tenant.customer.name, address="Almaty, Dostyk 5", country="KZ",
                  key=f"customer:{tenant.customer.pk}")  # fmt: skip
    cause = Cause(kind="invoice", principal="tester", operation="domain_create", object_type="domain",
                  object_key=tenant.service.name)  # fmt: skip
    invoice = issue_invoice(reseller_book(tenant.reseller, now), buyer, [fee_line()], "USD", "en", now, cause,
                            seller=requisites)  # fmt: skip
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "WEBHOOK_ALLOW_LOOPBACK": True}
    from kzreg.registrar import webhooks

    webhook, _secret = webhooks.register(seller, "http://127.0.0.1:9/hook", "tester")
    host = f"ns1.{tenant.service.name}"
    create_host(LocalConnection("PS-KZ", "tester"), seller, host, ["195.210.46.30"])
    token, _ = create_token(tenant.admin, "objects")
    return Objects(invoice, webhook, host, token)
