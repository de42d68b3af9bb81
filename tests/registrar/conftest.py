"""Registrar-wing fixtures: a reseller with a funded book, customers, and the registry connection both
ways — `local` (the registry in this process) and `epp` (kzreg's own EPP server on loopback, the EPP
tests' fixtures). Tests that take `conn` run twice."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

import pytest
from django.db import connection

from kzreg.billing.books import open_reseller_deposit, reseller_deposit
from kzreg.billing.models import Account
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_own_retail_price, set_wholesale_price
from kzreg.core import clock
from kzreg.registrar.actions import Seller
from kzreg.registrar.connection.epp import EppConnection, EppSettings
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import CustomerData, create_customer
from kzreg.resellers.models import Reseller
from tests.conftest import T0
from tests.epp.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    _every_frame_validates,
    _fast_password_hashing,
    _fresh_zones,
    epp_context,
    epp_limits,
    epp_registrar,
    epp_schema,
    epp_server,
    pki,
)
from tests.epp.objects import zones  # noqa: F401  (autouse: the seed zones after each flush)
from tests.registrar.receiver import receiver  # noqa: F401  (a webhook receiver on 127.0.0.1)

LOCATION = {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}
NS = ("ns1.ps.kz", "ns2.ps.kz")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


LEDGER_TRIGGERS = importlib.import_module("kzreg.billing.migrations.0002_append_only")


@pytest.fixture(autouse=True)
def _ledger_emptied_after_each_test(transactional_db) -> Iterator[None]:
    """These tests run on a transactional database (the EPP server's thread reads committed rows), which is
    emptied after each test: on PostgreSQL by TRUNCATE, which the ledger's append-only triggers allow; on
    SQLite by DELETE, which they refuse. So on SQLite the test's ledger rows are removed here, with the
    triggers lifted for just those two statements and put back at once (later tests keep them)."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in LEDGER_TRIGGERS.SQLITE_DOWN:
            cursor.execute(sql)
        try:
            cursor.execute("DELETE FROM billing_depositmirror")  # rows that name transactions
            cursor.execute("DELETE FROM billing_entry")
            cursor.execute("DELETE FROM billing_transaction")
        finally:
            for sql in LEDGER_TRIGGERS.SQLITE_UP:
                cursor.execute(sql)


@pytest.fixture
def wing(settings):
    settings.KZREG_REGISTRAR = {
        **settings.KZREG_REGISTRAR, "HANDLE": "PS-KZ", "RENEW_DAYS_BEFORE": 30, "SETTLE_AFTER_MINUTES": 10,
    }  # fmt: skip
    return settings.KZREG_REGISTRAR


@pytest.fixture(params=["local", "epp"])
def conn(request, wing, registrar) -> Iterator[LocalConnection | EppConnection]:
    """The registry connection, once each way."""
    if request.param == "local":
        connection: LocalConnection | EppConnection = LocalConnection("PS-KZ", "tester")
    else:
        server = request.getfixturevalue("epp_server")
        request.getfixturevalue("epp_registrar")
        keys = request.getfixturevalue("pki")
        connection = EppConnection(
            EppSettings(
                host="127.0.0.1", port=server.port, client_id="PS-KZ", password=PASSWORD, cafile=str(keys.ca),
                certfile=str(keys.cert("PS-KZ")), keyfile=str(keys.key("PS-KZ")), timeout=10,
                server_hostname="localhost",
            )
        )  # fmt: skip
    yield connection
    connection.close()
    if isinstance(connection, EppConnection):
        connection.end_session()  # the thread keeps EPP sessions: this one ends with the test's server


@pytest.fixture
def alpha(registrar) -> Reseller:
    prices(registrar)
    return Reseller.objects.create(
        registrar=registrar, handle="ALPHA", name="Alpha Hosting", legal_name="Alpha Hosting LLP",
        email="support@alpha.kz", created_at=T0,
    )  # fmt: skip


@pytest.fixture
def beta(registrar) -> Reseller:
    return Reseller.objects.create(
        registrar=registrar, handle="BETA", name="Beta Host", legal_name="Beta Host LLP", email="info@beta.kz",
        created_at=T0,
    )  # fmt: skip


def prices(registrar, per_year: str = "40.00") -> None:
    """The registrar's wholesale price for all its resellers, and its own customers' retail price."""
    for command in ("create", "renew", "transfer"):
        for years in range(1, 4):
            amount = Money.of(per_year, "USD").times(years)
            set_wholesale_price(registrar, "kz", command, years, amount, "tester", T0 - dt.timedelta(days=1))
            set_own_retail_price(registrar, "kz", command, years, amount, "tester", T0 - dt.timedelta(days=1))


def fund(reseller: Reseller, amount: str) -> Account:
    """The reseller's deposit in its registrar's book (opened with no credit on first use), credited."""
    now = clock.now()
    account = reseller_deposit(reseller) or open_reseller_deposit(reseller, "USD", now)
    record_payment(account, Money.of(amount, "USD"), "tester", now, reference="test")
    account.refresh_from_db()
    return account


def balance(account: Account) -> Money:
    account.refresh_from_db()
    return account.balance


@pytest.fixture
def alpha_seller(alpha, wing) -> Seller:
    return Seller("PS-KZ", alpha, "alpha-admin")


@pytest.fixture
def beta_seller(beta, wing) -> Seller:
    return Seller("PS-KZ", beta, "beta-admin")


@pytest.fixture
def alpha_account(alpha):
    return fund(alpha, "100.00")


def customer_data(n: int = 1, **overrides) -> CustomerData:
    values = dict(
        kind="R", name="Ivanov, Ivan", organisation=f"Kazakhtelecom Joint Stock Company {n}", address="Abay avenue 10",
        city="Almaty", region="Almaty", postal_code="050000", country_code="KZ", email=f"noc{n}@telecom.kz",
        phone="+7.7272500001", consent_at=T0,
    )  # fmt: skip
    values.update(overrides)
    return CustomerData(**values)


@pytest.fixture
def alpha_customer(alpha):
    return create_customer(customer_data(), "PS-KZ", alpha)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)
