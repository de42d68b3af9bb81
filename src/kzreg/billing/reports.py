"""Reports of one book (issue 11): revenue by zone, operation, registrar or reseller and month; what is
owed to the book's owner, aged by days past due; CSV for both.

Revenue is what the book's `revenue` accounts received (net of refunds, which reverse charges), grouped
in the database. Its dimensions come from the transaction: the zone from the domain's name, the operation
from the fee command, and the payer from the transaction's other entry — at the registry a registrar's
deposit, in a registrar's book a reseller's deposit (or "own customers"). At the registry "reseller" is
the reseller the registrar named for the domain (`reseller_name`), since the registry keeps no reseller
accounts.

Ageing: open invoices (the "invoices" piece) by their due date; receivable accounts without invoices
(a reseller's registrants charged by orders) by their unpaid charges, oldest paid first, each due
`KZREG["INVOICE_DUE_DAYS"]` after it was booked. Buckets: not yet due, 0–30, 31–60, 61–90, 90+ days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import TruncMonth

from kzreg.billing.invoices import due_days, outstanding
from kzreg.billing.models import Account, AccountKind, Book, Entry, Invoice, InvoiceKind, InvoiceStatus, OwnerKind
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Domain, Registrar
from kzreg.registry.zones import zone_policies
from kzreg.resellers.models import Reseller

DIMENSIONS = ("zone", "operation", "registrar", "reseller")
BUCKETS = ("current", "0-30", "31-60", "61-90", "90+")
PAYER_KINDS = (AccountKind.PREPAID, AccountKind.RECEIVABLE)
OWN_CUSTOMERS = "(own customers)"


@dataclass(frozen=True)
class RevenueRow:
    month: str  # YYYY-MM
    key: str  # the dimension's value: a zone, a fee command, a registrar's or reseller's handle
    amount: Money


@dataclass(frozen=True)
class AgeingRow:
    debtor: str
    currency: str
    buckets: dict[str, Money]

    @property
    def total(self) -> Money:
        return sum(self.buckets.values(), Money.zero(self.currency))


def _clean(by: str, start: dt.date, end: dt.date) -> None:
    problems = []
    if by not in DIMENSIONS:
        problems.append(Problem("by", Code.INVALID, {"value": by}))
    if end <= start:
        problems.append(Problem("to", Code.INVALID, {"value": end.isoformat()}))
    if problems:
        raise OperationFailed(problems)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def revenue(book: Book, by: str, start: dt.date, end: dt.date) -> list[RevenueRow]:
    """Revenue per month and `by` value from `start` (inclusive) to `end` (exclusive), months in order."""
    _clean(by, start, end)
    entries = Entry.objects.filter(
        account__book=book,
        account__kind=AccountKind.REVENUE,
        transaction__created_at__gte=_midnight(start),
        transaction__created_at__lt=_midnight(end),
    )
    payer = Entry.objects.filter(transaction=OuterRef("transaction"), account__kind__in=PAYER_KINDS)
    key: object
    if by == "zone":
        zones = sorted(zone_policies(), key=len, reverse=True)  # a longer zone first (sub-zones)
        whens = [When(transaction__object_key__endswith=f".{zone}", then=Value(zone)) for zone in zones]
        key = Case(*whens, default=Value("-"), output_field=CharField())
    elif by == "operation":
        key = F("transaction__fee_command")
    elif by == "reseller" and book.owner_kind == OwnerKind.REGISTRY:
        domain = Domain.objects.filter(pk=OuterRef("transaction__object_id")).values("reseller_name")[:1]
        key = Subquery(domain, output_field=CharField())
    else:  # the payer: a registrar's deposit at the registry, a reseller's deposit or a customer elsewhere
        key = Subquery(payer.values("account__holder_key")[:1], output_field=CharField())
    rows = list(
        entries.annotate(month=TruncMonth("transaction__created_at", tzinfo=dt.UTC), key=key)
        .values("month", "key", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("month", "key", "currency")
    )
    names = _holder_names(book, by, {str(r["key"]) for r in rows})
    out = []
    for row in rows:
        raw = "" if row["key"] is None else str(row["key"])
        out.append(
            RevenueRow(
                f"{row['month']:%Y-%m}", names.get(raw, raw or "-"), Money.from_minor(row["total"], row["currency"])
            )
        )
    return out


def _holder_names(book: Book, by: str, keys: set[str]) -> dict[str, str]:
    """Holder keys (ids) → handles for the payer dimensions."""
    ids = [int(k) for k in keys if k.isdigit()]
    if by == "registrar" and book.owner_kind == OwnerKind.REGISTRY:
        return {str(pk): handle for pk, handle in Registrar.objects.filter(pk__in=ids).values_list("pk", "handle")}
    if by in ("registrar", "reseller") and book.owner_kind != OwnerKind.REGISTRY:
        names = {str(pk): handle for pk, handle in Reseller.objects.filter(pk__in=ids).values_list("pk", "handle")}
        prepaid = set(
            Account.objects.filter(book=book, kind=AccountKind.PREPAID, holder_key__in=keys).values_list(
                "holder_key", flat=True
            )
        )
        return {k: names.get(k, k) if k in prepaid else f"{OWN_CUSTOMERS} {k}" for k in keys}
    return {}


def ageing(book: Book, at: dt.date) -> list[AgeingRow]:
    """What each debtor owes the book's owner on `at`, by days past due."""
    rows: dict[tuple[str, str], dict[str, Money]] = {}

    def add(debtor: str, amount: Money, due: dt.date) -> None:
        buckets = rows.setdefault((debtor, amount.currency), {b: Money.zero(amount.currency) for b in BUCKETS})
        bucket = _bucket((at - due).days)
        buckets[bucket] = buckets[bucket] + amount

    invoiced: set[int] = set()
    invoices = Invoice.objects.filter(book=book, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED)
    for invoice in invoices.select_related("account").order_by("due_on", "id"):
        invoiced.add(invoice.account_id)
        owed = outstanding(invoice)
        if owed.minor > 0 and invoice.issued_on <= at:
            add(invoice.account.name, owed, invoice.due_on)
    receivables = Account.objects.filter(book=book, kind=AccountKind.RECEIVABLE, balance_minor__lt=0)
    for account in receivables.exclude(pk__in=invoiced).order_by("id"):
        for amount, booked in _unpaid_charges(account):
            add(account.name, amount, booked + dt.timedelta(days=due_days()))
    return [AgeingRow(debtor, currency, buckets) for (debtor, currency), buckets in sorted(rows.items())]


def _bucket(days_past_due: int) -> str:
    if days_past_due < 0:
        return "current"
    if days_past_due <= 30:
        return "0-30"
    if days_past_due <= 60:
        return "31-60"
    if days_past_due <= 90:
        return "61-90"
    return "90+"


def _unpaid_charges(account: Account) -> Iterable[tuple[Money, dt.date]]:
    """The debits that make up what the account owes, newest first: payments settle the oldest first
    (FIFO), so what is still owed is the newest charges, up to the balance."""
    owed = -account.balance_minor
    debits = Entry.objects.filter(account=account, amount_minor__lt=0).select_related("transaction")
    for entry in debits.order_by("-transaction__created_at", "-id"):
        if owed <= 0:
            break
        part = min(owed, -entry.amount_minor)
        owed -= part
        yield Money.from_minor(part, account.currency), entry.transaction.created_at.date()


def monthly_totals(rows: Sequence[RevenueRow]) -> list[tuple[str, dict[str, Money]]]:
    """Revenue per month and currency (the chart's bars)."""
    months: dict[str, dict[str, Money]] = defaultdict(dict)
    for row in rows:
        current = months[row.month].get(row.amount.currency, Money.zero(row.amount.currency))
        months[row.month][row.amount.currency] = current + row.amount
    return sorted(months.items())


def revenue_csv(rows: Sequence[RevenueRow], by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", by, "amount", "currency"])
    for row in rows:
        writer.writerow([row.month, row.key, row.amount.plain, row.amount.currency])
    return out.getvalue()


def ageing_csv(rows: Sequence[AgeingRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["debtor", "currency", *BUCKETS, "total"])
    for row in rows:
        writer.writerow([row.debtor, row.currency, *(row.buckets[b].plain for b in BUCKETS), row.total.plain])
    return out.getvalue()
