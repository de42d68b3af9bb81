"""The demo registrar pays for the demo's registrations from a funded deposit (issue 11, demo data)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from kzreg.billing.audit import check_ledger
from kzreg.billing.demo import DEMO_DEPOSIT
from kzreg.billing.fees import balance
from kzreg.billing.models import Entry, Transaction
from kzreg.demo import load_demo_if_empty
from kzreg.registry.models import Domain, Registrar

pytestmark = pytest.mark.django_db


def test_the_demo_registrations_are_charged_to_the_demo_deposit():
    assert load_demo_if_empty() is True
    registrar = Registrar.objects.get(handle="PS-KZ")
    fees = Transaction.objects.filter(kind="fee")
    created = fees.filter(fee_command="create")
    assert created.count() == Domain.objects.filter(registrar=registrar).count()
    assert fees.filter(fee_command="renew").exists()
    charged = -Entry.objects.filter(transaction__in=fees, account__kind="prepaid").aggregate(s=Sum("amount_minor"))["s"]
    refunded = Entry.objects.filter(transaction__kind="refund", account__kind="prepaid").aggregate(
        s=Sum("amount_minor")
    )["s"]
    left = balance(registrar.id)
    assert left is not None and left.currency == "USD"
    assert left.amount * 100 == DEMO_DEPOSIT.minor - charged + (refunded or 0)
    assert check_ledger().ok
