"""The ledger's tables: books, accounts, transactions of balanced entries, exchange rates, prices, quotes.

Amounts are integers of the currency's minor unit (`money.py` says why); `Money` is what the code sees.
Entries are signed credit-positive: a credit is `+`, a debit `-`, and a transaction's entries add up to
zero per currency. So a prepaid account (what the registry owes the registrar) and fee revenue read
positive; the registry's bank account (an asset) reads negative by what came in.

Transactions and entries are append-only: database triggers (migration 0002) refuse UPDATE and DELETE
of their rows, whoever asks. A correction is a new transaction (`reverses` names the one it undoes).
An account's balance is a cached sum of its entries, changed only by `ledger.post`'s guarded UPDATE;
`kzreg billing check` proves every one.
"""

from __future__ import annotations

from django.db import models

from kzreg.billing.money import Money


class OwnerKind(models.TextChoices):
    REGISTRY = "registry", "registry (KazNIC)"
    REGISTRAR = "registrar", "registrar"
    RESELLER = "reseller", "reseller"


class Book(models.Model):
    """One organisation's books. Not a foreign key into the other wings: the owner is a kind and a key
    (the registrar's or reseller's id; "" for the registry), so each wing's book lives without the other's
    tables, as it must when the registrar runs against a registry elsewhere."""

    owner_kind = models.CharField(max_length=10, choices=OwnerKind.choices)
    owner_key = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_kind", "owner_key"], name="billing_book_owner")]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    PREPAID = "prepaid", "prepaid (a registrar's deposit)"
    RECEIVABLE = "receivable", "receivable (owed to the book's owner)"
    REVENUE = "revenue", "fee revenue"
    BANK = "bank", "bank (money received)"
    PAYABLE = "payable", "payable (owed by the book's owner)"
    EXPENSE = "expense", "expense (what the book's owner paid for)"
    VAT = "vat", "VAT payable (invoiced sales' tax)"


class Account(models.Model):
    """`holder_key` says whose money an account keeps inside the book: at the registry, a prepaid account
    per registrar (its id), the registry's own accounts with "". `version` counts balance changes."""

    # No index of its own: `billing_account_holder` begins with the book (migration 0013).
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="accounts", db_index=False)
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    holder_key = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    balance_minor = models.BigIntegerField(default=0)
    # How far below zero the balance may go; NULL: no floor (the registry's own accounts).
    credit_limit_minor = models.BigIntegerField(null=True, blank=True)
    # A charge that takes the available amount under this sends the holder a low-balance poll message.
    low_balance_minor = models.BigIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "kind", "holder_key", "currency"], name="billing_account_holder")
        ]

    def __str__(self) -> str:
        return f"@{self.pk} {self.name} ({self.currency})"

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)

    @property
    def credit_limit(self) -> Money | None:
        return None if self.credit_limit_minor is None else Money.from_minor(self.credit_limit_minor, self.currency)

    @property
    def available(self) -> Money | None:
        """What the holder may still spend: balance plus credit limit (None: no floor)."""
        if self.credit_limit_minor is None:
            return None
        return Money.from_minor(self.balance_minor + self.credit_limit_minor, self.currency)


class Transaction(models.Model):
    """One movement: balanced entries and their cause (an operation with its request id and object, or a
    payment with its reference). Later kinds of cause (orders, invoices) add their own columns."""

    # No index (migration 0013): nothing reads a book's transactions by the book alone, and the registry's
    # book holds most of them, so an index on it would not be used; each charge paid an entry in it.
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="transactions", db_index=False)
    kind = models.CharField(max_length=20)  # "fee", "refund", "payment"
    operation = models.CharField(max_length=40, blank=True)  # the registry operation, e.g. domain_create
    request_id = models.CharField(max_length=64, blank=True)
    object_type = models.CharField(max_length=20, blank=True)  # "domain"
    object_id = models.BigIntegerField(null=True, blank=True)
    object_key = models.CharField(max_length=255, blank=True)  # the domain's name at the time
    reference = models.CharField(max_length=200, blank=True)  # a payment's bank reference
    fee_command = models.CharField(max_length=10, blank=True)  # create, renew, transfer, restore
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    quote_id = models.CharField(max_length=32, blank=True)
    principal = models.CharField(max_length=200)
    # The transaction this one undoes (a refund); unique, so nothing is undone twice.
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"], name="billing_tx_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.object_key or self.reference}"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_minor = models.BigIntegerField()  # credit +, debit −
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.amount} on {self.account_id}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class ExchangeRate(models.Model):
    """One unit of `source` is `rate` units of `target` from `day` on (until a later row), entered by
    staff or imported (e.g. the National Bank's daily rate)."""

    day = models.DateField()
    source = models.CharField(max_length=3)
    target = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=20, decimal_places=8)
    entered_by = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source", "target"], name="billing_rate_day")]

    def __str__(self) -> str:
        return f"{self.day}: 1 {self.source} = {self.rate} {self.target}"


class LimitField(models.TextChoices):
    CREDIT_LIMIT = "credit_limit", "credit limit"
    LOW_BALANCE = "low_balance", "low-balance threshold"


class LimitChange(models.Model):
    """One change of an account's credit limit or low-balance threshold (`billing/limits.py`): who, when,
    the old and the new value (minor units in the account's currency; NULL: none), and why. Append-only in
    the database (migration 0011), like the ledger: money's limits are as auditable as its movements."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="limit_changes")
    field = models.CharField(max_length=12, choices=LimitField.choices)
    old_minor = models.BigIntegerField(null=True, blank=True)
    new_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    changed_by = models.CharField(max_length=200)
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="billing_limitchange_account")]

    def __str__(self) -> str:
        return f"@{self.account_id} {self.field}: {self.old_minor} → {self.new_minor}"

    def _money(self, minor: int | None) -> Money | None:
        return None if minor is None else Money.from_minor(minor, self.currency)

    @property
    def old(self) -> Money | None:
        return self._money(self.old_minor)

    @property
    def new(self) -> Money | None:
        return self._money(self.new_minor)


class ExchangeRateChange(models.Model):
    """A stored rate replaced (`kzreg billing rates import --replace`, `kzreg billing rate` on a day that
    had one): the old and the new value, who and why. Append-only in the database (migration 0009), so the
    rate a past price was converted at can always be found."""

    day = models.DateField()
    source = models.CharField(max_length=3)
    target = models.CharField(max_length=3)
    old_rate = models.DecimalField(max_digits=20, decimal_places=8)
    new_rate = models.DecimalField(max_digits=20, decimal_places=8)
    changed_by = models.CharField(max_length=200)
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "target", "day"], name="billing_ratechange_pair")]

    def __str__(self) -> str:
        return f"{self.day}: {self.source}/{self.target} {self.old_rate} → {self.new_rate}"


class FeeCommand(models.TextChoices):
    """The fee-bearing commands, named as fee-1.0 (RFC 8748) names them."""

    CREATE = "create"
    RENEW = "renew"
    TRANSFER = "transfer"
    RESTORE = "restore"


class Price(models.Model):
    """The registry's fee for one command in one zone for one period, valid from `valid_from` until
    `valid_to` (open when NULL). Without a row, the configured default `KZREG["REGISTRY_FEE"]` applies."""

    zone = models.CharField(max_length=63)  # the zone's A-label
    command = models.CharField(max_length=10, choices=FeeCommand.choices)
    years = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    entered_by = models.CharField(max_length=200)

    class Meta:
        # The price in force is the newest by (valid_from, id): read backwards from this index, no sort.
        indexes = [models.Index(fields=["zone", "command", "years", "valid_from", "id"], name="billing_price_in_force")]

    def __str__(self) -> str:
        return f"{self.command} {self.zone} {self.years}y: {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class Quote(models.Model):
    """A price given before an order (EPP fee:check, a cabinet order): the price charged is the price
    quoted, while it lasts. Not part of the ledger: a quote moves no money."""

    id = models.CharField(primary_key=True, max_length=32)
    registrar_id = models.BigIntegerField(null=True, blank=True)
    zone = models.CharField(max_length=63)
    command = models.CharField(max_length=10, choices=FeeCommand.choices)
    years = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.id}: {self.command} {self.zone} {self.years}y {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


# --- payments ---


class Payer(models.Model):
    """Who pays by bank transfer: a payer's BIN/IIN (12 digits) → the account its payments are credited to.

    Registrars and resellers have no BIN in the registry's tables; billing keeps its own map, entered by
    staff (`kzreg billing payer BIN ACCOUNT`), so a bank statement line is matched without a person."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")  # a map per book
    bin = models.CharField(max_length=12)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=200, blank=True)
    entered_by = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "bin"], name="billing_payer_book_bin")]

    def __str__(self) -> str:
        return f"{self.bin} → {self.account}"


class BankStatement(models.Model):
    """One imported bank file into one book (the registry's, or a registrar's own). `sha256` is unique per
    book: the same file imported twice into a book is refused whole; into two books it is two imports."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=8)  # "1c" or "csv"
    principal = models.CharField(max_length=200)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "sha256"], name="billing_statement_book_file")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format}, {self.imported_at:%Y-%m-%d %H:%M})"


class BankLineStatus(models.TextChoices):
    BOOKED = "booked", "booked"
    REVIEW = "review", "waiting for review"
    REJECTED = "rejected", "rejected by staff"
    DUPLICATE = "duplicate", "already imported"
    SKIPPED = "skipped", "not a payment to us"


class BankLine(models.Model):
    """One payment document of a bank file and what became of it.

    `document_key` (bank document number, date, amount, payer account) is unique among the lines that
    count in one book; a line that repeats a known document is kept as `duplicate` with no key, and books
    nothing. `book` is the statement's: a line is booked only to that book's accounts and invoices."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField()  # where the document starts in the file
    document_key = models.CharField(max_length=200, null=True, blank=True)
    number = models.CharField(max_length=64)
    date = models.DateField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payer_bin = models.CharField(max_length=12, blank=True)
    payer_account = models.CharField(max_length=34, blank=True)  # IIK / IBAN
    payer_name = models.CharField(max_length=300, blank=True)
    purpose = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=BankLineStatus.choices)
    reason = models.CharField(max_length=300, blank=True)  # why it waits for review, or was rejected
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice_number = models.CharField(max_length=64, blank=True)
    transaction = models.ForeignKey(Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "id"], name="billing_bankline_status"),
            models.Index(fields=["book", "status", "id"], name="billing_bankline_book_status"),
        ]
        constraints = [models.UniqueConstraint(fields=["book", "document_key"], name="billing_bankline_book_doc")]

    def __str__(self) -> str:
        return f"line {self.pk}: {self.number} {self.date} {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class ProviderPayment(models.Model):
    """A payment an online provider reported by a signed callback; unique per provider and its payment
    id, so a repeated callback books nothing twice."""

    provider = models.CharField(max_length=32)
    payment_id = models.CharField(max_length=100)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice_number = models.CharField(max_length=64, blank=True)
    transaction = models.ForeignKey(Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "payment_id"], name="billing_provider_payment_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.payment_id}"


class DirectInvoice(models.Model):
    """A KZ-B direct registrant's invoice for a New or a renewal by e-mailed form, and what became of it:
    mailed, reminded (`DirectReminder`), the domain held by us when it stayed unpaid (only a hold we set
    is lifted on payment), deleted after the zone's grace (`direct.py`)."""

    invoice = models.OneToOneField("billing.Invoice", on_delete=models.PROTECT, related_name="direct")
    domain_id = models.BigIntegerField()
    domain_name = models.CharField(max_length=255)
    operation = models.CharField(max_length=40)
    emails = models.JSONField(default=list)
    language = models.CharField(max_length=2)
    created_at = models.DateTimeField()
    mailed_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.domain_name}: invoice {self.invoice_id}"


class DirectReminder(models.Model):
    """One reminder, `offset_days` from the due date (negative: before it); unique, so never twice."""

    direct = models.ForeignKey(DirectInvoice, on_delete=models.PROTECT, related_name="reminders")
    offset_days = models.SmallIntegerField()
    sent_at = models.DateTimeField()
    mailed = models.BooleanField(default=True)  # False: passed while the worker was away, not sent late

    class Meta:
        constraints = [models.UniqueConstraint(fields=["direct", "offset_days"], name="billing_direct_reminder_once")]

    def __str__(self) -> str:
        return f"{self.direct_id} {self.offset_days:+d}d"


# --- invoices ---


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "invoice"
    CREDIT_NOTE = "credit_note", "credit note"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "issued"
    PAID = "paid", "paid"
    CANCELLED = "cancelled", "cancelled"


class InvoiceCounter(models.Model):
    """The last number taken in one book's series (invoices, credit notes) in one year. Incremented by
    one UPDATE in the transaction that issues the document, so its row lock serialises issuers and a
    rolled-back issue gives its number back: numbers have no gaps (`invoices.py`)."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=8)  # "" for invoices, "CN" for credit notes
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "series", "year"], name="billing_invoice_counter_series")
        ]

    def __str__(self) -> str:
        return f"{self.book_id} {self.series or 'INV'} {self.year}: {self.last}"


class Invoice(models.Model):
    """An invoice or a credit note, a snapshot: requisites, lines and totals are written once, when it is
    issued, and the ledger's entries carry the same totals. Only its status changes afterwards (paid,
    cancelled); a cancelled invoice keeps its number. A credit note is a negative document with its own
    series (`CN-2026-000001`), `credits` names the invoice it corrects."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    issued_on = models.DateField()
    due_on = models.DateField()
    language = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    seller = models.JSONField()  # name, bin, address, bank, iban, bic, kbe, country
    buyer = models.JSONField()
    buyer_key = models.CharField(max_length=64)  # the receivable account's holder in the book
    buyer_bin = models.CharField(max_length=12, blank=True, db_index=True)  # payments match by it
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="invoices")  # the receivable
    net_minor = models.BigIntegerField()
    vat_minor = models.BigIntegerField()
    gross_minor = models.BigIntegerField()
    credits = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    note = models.TextField(blank=True)  # a credit note's reason
    issued_tx = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")
    cancelled_tx = models.OneToOneField(Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.TextField(blank=True)
    paid_tx = models.ForeignKey(Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    principal = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="billing_invoice_number"),
            models.UniqueConstraint(fields=["book", "kind", "year", "sequence"], name="billing_invoice_sequence"),
        ]
        indexes = [models.Index(fields=["book", "buyer_key", "issued_on"], name="billing_invoice_buyer")]

    def __str__(self) -> str:
        return self.number

    @property
    def net(self) -> Money:
        return Money.from_minor(self.net_minor, self.currency)

    @property
    def vat(self) -> Money:
        return Money.from_minor(self.vat_minor, self.currency)

    @property
    def gross(self) -> Money:
        return Money.from_minor(self.gross_minor, self.currency)


class InvoiceLine(models.Model):
    """One line: quantity × unit price = net; VAT = net × rate, rounded half up once; gross = net + VAT."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_price_minor = models.BigIntegerField()
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)  # percent, e.g. 16.00
    net_minor = models.BigIntegerField()
    vat_minor = models.BigIntegerField()
    gross_minor = models.BigIntegerField()

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="billing_invoice_line_position")]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.description}"


# --- books ---


class ResellerGroup(models.Model):
    """A registrar's group of resellers that share one wholesale price list (e.g. "partners")."""

    registrar_id = models.BigIntegerField()
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registrar_id", "name"], name="billing_group_name")]

    def __str__(self) -> str:
        return self.name


class ResellerGroupMember(models.Model):
    """A reseller's group (at most one): its wholesale prices are the group's unless it has its own."""

    reseller_id = models.BigIntegerField(unique=True)
    group = models.ForeignKey(ResellerGroup, on_delete=models.PROTECT, related_name="members")
    assigned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"reseller {self.reseller_id} in group {self.group_id}"


class PriceAudience(models.TextChoices):
    WHOLESALE = "wholesale", "wholesale (a registrar's prices to its resellers)"
    RETAIL = "retail", "retail (a seller's prices to its registrants)"


class ListPrice(models.Model):
    """A seller's price-list row, kept with the seller's book: a registrar's wholesale price for one
    reseller, a group, or (neither) all its resellers; a registrar's or reseller's retail price."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="list_prices")
    audience = models.CharField(max_length=10, choices=PriceAudience.choices)
    reseller_id = models.BigIntegerField(null=True, blank=True)
    group = models.ForeignKey(ResellerGroup, null=True, blank=True, on_delete=models.PROTECT)
    zone = models.CharField(max_length=63)
    command = models.CharField(max_length=10, choices=FeeCommand.choices)
    years = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    entered_by = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(
                fields=["book", "audience", "zone", "command", "years", "valid_from"], name="billing_listprice_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.audience} {self.command} {self.zone} {self.years}y: {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class OrderQuote(models.Model):
    """A registrar-side quote before an order: what the reseller pays its registrar (wholesale) and what
    its registrant pays (retail), or what a registrar's own customer pays. Single-use: `used_at`."""

    id = models.CharField(primary_key=True, max_length=32)
    registrar_id = models.BigIntegerField()
    reseller_id = models.BigIntegerField(null=True, blank=True)
    customer_key = models.CharField(max_length=64, blank=True)
    zone = models.CharField(max_length=63)
    command = models.CharField(max_length=10, choices=FeeCommand.choices)
    years = models.PositiveSmallIntegerField()
    wholesale_minor = models.BigIntegerField(null=True, blank=True)
    wholesale_currency = models.CharField(max_length=3, blank=True)
    retail_minor = models.BigIntegerField(null=True, blank=True)
    retail_currency = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.id}: {self.command} {self.zone} {self.years}y"

    @property
    def wholesale(self) -> Money | None:
        return None if self.wholesale_minor is None else Money.from_minor(self.wholesale_minor, self.wholesale_currency)

    @property
    def retail(self) -> Money | None:
        return None if self.retail_minor is None else Money.from_minor(self.retail_minor, self.retail_currency)


class QuoteUse(models.Model):
    """The one use of a registry quote (its primary key is the quote's): a second use finds the row."""

    quote = models.OneToOneField(Quote, primary_key=True, on_delete=models.PROTECT, related_name="use")
    used_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.quote_id} used {self.used_at:%Y-%m-%d %H:%M}"


class DepositMirror(models.Model):
    """A registry transaction on a registrar's prepaid account and its mirror in the registrar's own book
    (payable to the registry): one each, so mirroring twice books nothing twice."""

    source = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="mirrored_as")
    mirror = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="mirror_of")

    def __str__(self) -> str:
        return f"#{self.source_id} → #{self.mirror_id}"


class RevenueReport(Transaction):
    """The back-office's revenue page (admin_reports.py): a proxy, no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "revenue report"
