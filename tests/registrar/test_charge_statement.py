"""The order's charge statement (`billing.orders._charge_sql`, PostgreSQL) stays within what psycopg keeps
converted (issue 12, Speed): a statement with more than `MAX_CACHED_STATEMENT_PARAMS` parameters, or longer
than `MAX_CACHED_STATEMENT_LENGTH`, has its SQL split anew on every call (~6% of an order's client time
when the reseller's charge had 58). What it writes is compared with the ledger way in
tests/billing/test_order_speed.py."""

from __future__ import annotations

import pytest
from psycopg import _queries

from kzreg.billing import orders

# The wing's mark, as every test here: without it the next test's serialized rollback finds the content
# types still there (tests/registrar/test_names.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize(
    ("seller", "reseller", "shape"),
    [
        (2, 0, "the registrar's own customer"),
        (2, 2, "a reseller's order, the reseller bills its registrant itself"),
        (2, 4, "a reseller's order with its registrant's retail charge"),
    ],
)
def test_the_charge_statement_is_one_psycopg_keeps(seller: int, reseller: int, shape: str) -> None:
    sql = orders._charge_sql(seller, reseller)
    parameters = sql.count("%s")
    assert "%" not in sql.replace("%s", ""), shape
    assert parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS, (shape, parameters)
    assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH, (shape, len(sql))


def test_each_value_is_one_parameter() -> None:
    """An entry is its account's move (account, amount, currency once), and the two books' transactions
    share their values but the book: 3 per account, the shared transaction fields once, a book id each."""
    shared = len(orders._shared_tx_fields())
    for seller, reseller in ((2, 0), (2, 2), (2, 4)):
        books = 1 + (reseller > 0)
        locks = seller + reseller + (1 if reseller else 0)  # the ids locked, and lk2's count of lk1
        used = 3 + books  # now, the quote, now, a count per book
        expected = locks + 3 * (seller + reseller) + used + shared + books
        assert orders._charge_sql(seller, reseller).count("%s") == expected
