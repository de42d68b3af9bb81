"""The demo's money: the demo registrar gets a prepaid account at the registry with a deposit, so the
demo's registrations are charged like real ones and `kzreg billing balance` has something to show."""

from __future__ import annotations

import datetime as dt

from kzreg.billing.books import open_prepaid, prepaid_account
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock

DEMO_DEPOSIT = Money.of("100000.00", "USD")
DEMO_CREDIT_LIMIT = Money.of("1000.00", "USD")
HISTORY = dt.timedelta(days=366)  # the demo's registrations are spread over the past ten months


def open_demo_account(registrar_id: int, handle: str) -> None:
    """Opens and funds the registrar's deposit, dated before the demo's first registration; an account
    that already exists is left as it is (a second `kzreg demo load --force`)."""
    if prepaid_account(registrar_id) is not None:
        return
    opened = clock.now() - HISTORY
    account = open_prepaid(registrar_id, handle, DEMO_DEPOSIT.currency, opened, credit_limit=DEMO_CREDIT_LIMIT)
    record_payment(account, DEMO_DEPOSIT, "demo", opened, reference="demo deposit")
