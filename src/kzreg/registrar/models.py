"""The registrar's records: customers, services (the domains it sponsors), orders and their events.

None of these rows is the registry's: a service keeps what the registry answered when it was last asked
(expiry, statuses, whether it still sponsors the domain), so the registrar wing runs the same against a
registry elsewhere (over EPP) as against the one in this process.
"""

from __future__ import annotations

from typing import Any

import idna
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL


def unicode_of(name: str) -> str:
    """The U-label form of an A-label name (each `xn--` label decoded: `xn--...xn--80ao21a` → `сәлем.қаз`),
    or "" for a name without one — an ASCII name is its own Unicode form, and leaving it out keeps the
    Unicode name's trigram index to the IDNs (issue 12). Stored names are A-labels `idna` made (lower-case,
    valid), so Python's Punycode codec decodes them as `idna.decode` would at a quarter of its cost
    (tested against it); a label it cannot decode leaves the name without a Unicode form."""
    if "xn--" not in name:
        return ""
    try:
        return ".".join(
            label[4:].encode("ascii").decode("punycode") if label.startswith("xn--") else label
            for label in name.split(".")
        )
    except (UnicodeError, ValueError):
        return ""


def folded(term: str) -> str:
    """Search text folded as IDNA folds a name (UTS 46: case, width, the ideographic full stop), so what
    is typed compares with the stored forms; text IDNA refuses is only lower-cased (it then finds nothing)."""
    term = term.strip()
    try:
        return idna.uts46_remap(term, std3_rules=False).strip()
    except (idna.IDNAError, ValueError):
        return term.lower()


def name_search(term: str) -> Q:
    """A service name containing `term`, anywhere (the cabinet's and the API's name search; docs/cabinet.md
    "Name search"). ASCII text is looked for in the A-label (`name`: PostgreSQL's trigram index 0005) — an
    IDN's ASCII letters stand there in the same runs, and `xn--` text can be searched; text with any other
    letter (Cyrillic, or mixed with Latin) in the U-label form (`name_unicode`: only IDNs have one; the
    `> ''` implies the condition of its partial trigram index, 0009, so PostgreSQL uses that index)."""
    text = folded(term)
    if text.isascii():
        return Q(name__contains=text)
    return Q(name_unicode__contains=text) & Q(name_unicode__gt="")


class UnicodeNameField(models.CharField):
    """A service's `name_unicode`, derived from its `name` whenever the ORM writes the row (`save`,
    `create`, `bulk_create` all call `pre_save`), so no path can store one without the other. Plain
    statements that insert services (`order_rows`, the bench loader) set it themselves."""

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = unicode_of(model_instance.name)
        setattr(model_instance, self.attname, value)
        return value


class Customer(models.Model):
    """A registrant the registrar (reseller None) or one of its resellers serves, with the contact data it
    gave and when it consented to their processing (R18). `contact_handle` is the registry contact made
    from it (the first order that needed one creates it)."""

    registrar_handle = models.CharField(max_length=32)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="customers")  # fmt: skip
    kind = models.CharField(max_length=1, choices=[("I", "individual"), ("R", "organisation")])
    name = models.CharField(max_length=255)
    organisation = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    email = models.EmailField()
    phone = models.CharField(max_length=40)
    language = models.CharField(max_length=2, default="kk", choices=[("kk", "kk"), ("ru", "ru"), ("en", "en")])
    consent_at = models.DateTimeField(help_text="When the customer consented to the processing of its data (R18)")
    contact_handle = models.CharField(max_length=32, blank=True, help_text="The registry contact it maps to")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["registrar_handle", "reseller"], name="registrar_customer_owner")]

    def __str__(self) -> str:
        return f"{self.organisation or self.name} ({self.contact_handle or 'no handle'})"


class Service(models.Model):
    """One domain the registrar sponsors (or sponsored), as the registrar sees it."""

    name = models.CharField(max_length=255, unique=True, help_text="The domain's A-label")
    # The name search's Cyrillic side (issue 12; docs/cabinet.md "Name search"): PostgreSQL has a trigram
    # index of the non-empty ones (migration 0009).
    name_unicode = UnicodeNameField(
        max_length=255,
        blank=True,
        default="",
        db_default="",
        help_text="The name's U-label form; empty for an ASCII name",
    )
    registrar_handle = models.CharField(max_length=32)
    # No index of its own: the indexes below that begin with the reseller serve its look-ups (migration 0010).
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="services", db_index=False)  # fmt: skip
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="services")
    retail_price = models.CharField(max_length=64, blank=True, help_text="The retail price list entry it is sold by")
    auto_renew = models.BooleanField(default=False)
    # What the registry answered when last asked.
    expires_at = models.DateTimeField(null=True, blank=True)
    statuses = models.JSONField(default=list, blank=True)
    sponsored = models.BooleanField(default=True, help_text="False: transferred away or deleted at the registry")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Auto-renewal: a warning about short funds is sent once per period.
    renewal_warned_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The worker's renewals (`renewals.due_services`): only the services it renews are in it, so a
            # service without auto-renewal adds no entry (migration 0011).
            models.Index(
                fields=["expires_at"], condition=Q(auto_renew=True, sponsored=True), name="registrar_service_renewing"
            ),
            # A reseller's domain list in each order it is shown in, a page read from the index (issue 12,
            # Speed; docs/benchmarks.md). PostgreSQL also has trigram and status indexes (migration 0005).
            models.Index(fields=["reseller", "id"], name="registrar_service_by_id"),
            models.Index(fields=["reseller", "name"], name="registrar_service_by_name"),
            models.Index(fields=["reseller", "expires_at", "id"], name="registrar_service_by_expiry"),
            # The cabinet's dashboard (issue 13, Speed; migration 0007): the expiry windows and the chart's
            # registrations per month, each counted from one index range without reading the rows.
            models.Index(
                fields=["reseller", "expires_at"], condition=models.Q(sponsored=True), name="registrar_service_expiring"
            ),
            models.Index(fields=["reseller", "created_at"], name="registrar_service_by_created"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def u_label(self) -> str:
        """The name as people write it (Cyrillic for `.қаз`)."""
        return self.name_unicode or self.name


class OrderKind(models.TextChoices):
    CREATE = "create"
    RENEW = "renew"
    MODIFY = "modify"
    DELETE = "delete"
    TRANSFER_IN = "transfer_in"
    REGISTRANT_CHANGE = "registrant_change"


class OrderState(models.TextChoices):
    QUOTED = "quoted"
    CHARGED = "charged"
    SUBMITTED = "submitted"
    DONE = "done"
    FAILED = "failed"
    UNKNOWN = "unknown"
    RECONCILED = "reconciled"


# The states the worker looks orders up by (`settle.settle_orders`, `jobs.settle`): the in-flight index's rows.
IN_FLIGHT = (OrderState.CHARGED, OrderState.SUBMITTED, OrderState.UNKNOWN)


def in_flight() -> RawSQL:
    """`state IN IN_FLIGHT` for a filter, its values written in the SQL as the index's condition has them:
    SQLite uses a partial index only for a query with its condition's terms, and not for bound values;
    PostgreSQL infers the condition from `state = …` alone (migration 0010)."""
    values = ", ".join(f"'{state.value}'" for state in IN_FLIGHT)
    return RawSQL(f'"registrar_order"."state" IN ({values})', [], output_field=models.BooleanField())


class Order(models.Model):
    """A request to the registry that may cost the payer money. Its `state` moves only along
    `orders.states.TRANSITIONS`; each move is an `OrderEvent`. One `(payer, idempotency_key)` is one order:
    asked again, the first order is the answer and nothing is charged twice."""

    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    state = models.CharField(max_length=12, choices=OrderState.choices, default=OrderState.QUOTED)
    domain = models.CharField(max_length=255, help_text="The domain's A-label")
    registrar_handle = models.CharField(max_length=32)
    payer = models.CharField(max_length=64, help_text="Who pays: reseller:<id> (its deposit) or customer:<id>")
    idempotency_key = models.CharField(max_length=100)
    principal = models.CharField(max_length=200, help_text="Who placed it")
    # Indexed where set only (`registrar_order_by_service`, migration 0010): a create's order has none until done.
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
                                db_index=False)  # fmt: skip
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    price_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    quote_id = models.CharField(max_length=32, blank=True)
    request = models.JSONField(default=dict, help_text="What is sent to the registry")
    answer = models.JSONField(default=dict, blank=True, help_text="What the registry answered")
    # Ledger transactions: the charge in the registrar's book and its reseller-side twin, and their refunds.
    charge_tx = models.BigIntegerField(null=True, blank=True, help_text="The charge in the registrar's book")
    refund_tx = models.BigIntegerField(null=True, blank=True, help_text="Its refund")
    reseller_charge_tx = models.BigIntegerField(null=True, blank=True, help_text="The charge in the reseller's book")
    reseller_refund_tx = models.BigIntegerField(null=True, blank=True, help_text="Its refund")
    # A renewal made by the worker names the period it renews (the expiry it starts from): one per period.
    period_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payer", "idempotency_key"], name="registrar_order_idempotency"),
        ]
        indexes = [
            # The worker's look-ups of orders in flight (`settle.py`, `jobs.settle`): only their rows are in it,
            # so an order's move to an end (`done`, `failed`, `reconciled`) adds no entry (migration 0010).
            models.Index(
                fields=["state", "updated_at"],
                condition=models.Q(state__in=IN_FLIGHT),
                name="registrar_order_in_flight",
            ),
            models.Index(
                fields=["service"], condition=models.Q(service__isnull=False), name="registrar_order_by_service"
            ),
            # A payer's orders by time (the dashboard's today and renewals per month, the audit report); kind
            # and state in the key so the dashboard's counts read the index only (migration 0007).
            models.Index(fields=["payer", "created_at", "kind", "state"], name="registrar_order_by_payer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.domain} [{self.state}]"

    @property
    def reseller_paid(self) -> bool:
        return self.payer.startswith("reseller:")


class OrderEvent(models.Model):
    """One state change of an order (append-only): from, to, when, who, and a note (the registry's words)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    at = models.DateTimeField()
    principal = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.from_state or '-'} → {self.to_state}"


class EventKind(models.TextChoices):
    EXPIRY_CHANGED = "expiry_changed"
    TRANSFER_DONE = "transfer_done"  # data: {"direction": "in" | "out", ...}
    STATUS_CHANGED = "status_changed"
    DELETED = "deleted"
    ORDER_SETTLED = "order_settled"  # data: {"order": id, "kind": …, "state": done | failed | reconciled}


class ServiceEvent(models.Model):
    """Something that happened to a service (append-only), written in the transaction of the change that
    caused it: a poll message followed, an order settled, a reconciliation fix. Webhooks deliver these to
    the seller the domain belongs to (`reseller`; None: the registrar's own). An order that failed before
    any service existed (a refused create) has no service."""

    # Neither foreign key has an index (migration 0012): nothing reads events by service or by reseller
    # (webhooks go by delivery row), and every settled order paid two entries for them; only deleting a
    # service or a reseller — which kzreg never does, and PROTECT refuses once it has events — scans them.
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
                                db_index=False)  # fmt: skip
    domain = models.CharField(max_length=255, help_text="The domain's A-label")
    registrar_handle = models.CharField(max_length=32)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="service_events", db_index=False)  # fmt: skip
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["domain", "at"], name="registrar_event_domain")]

    def __str__(self) -> str:
        return f"{self.domain} {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Webhook(models.Model):
    """A URL a reseller (or the registrar, reseller None) receives its domains' events at, signed with
    `secret` (HMAC-SHA256; shown once when registered, kept to sign)."""

    registrar_handle = models.CharField(max_length=32)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="webhooks")  # fmt: skip
    url = models.CharField(max_length=500, help_text="http(s) URL the notifications are posted to")
    secret = models.CharField(max_length=100)
    principal = models.CharField(max_length=200, help_text="Who registered it")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["registrar_handle", "reseller"], name="registrar_webhook_owner")]

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    GAVE_UP = "gave_up"


class WebhookDelivery(models.Model):
    """One event for one webhook (the outbox of HTTP notifications): written with the event, posted by the
    worker, retried with backoff up to `WEBHOOK_MAX_ATTEMPTS`."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ServiceEvent, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["state", "next_at"], name="registrar_delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} of event {self.event_id} [{self.state}]"


class ExpiryReminder(models.Model):
    """A reminder mailed to a service's registrant: once per service, period (the expiry it was about) and
    threshold (days before), whatever restarts happen."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="reminders")
    expires_at = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "expires_at", "days_before"], name="registrar_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.days_before} days before {self.expires_at:%Y-%m-%d}"


class HostRecord(models.Model):
    """A host (name server) the registrar created at the registry, and for which of its resellers: the
    registry knows registrars only, so which reseller may read it is kept here."""

    name = models.CharField(max_length=255)
    registrar_handle = models.CharField(max_length=32)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="hosts")  # fmt: skip
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registrar_handle", "name"], name="registrar_host_once")]

    def __str__(self) -> str:
        return self.name


class BulkState(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"


class BulkJob(models.Model):
    """A bulk renew or name-server change (`registrar/bulk.py`): its checked lines, and a result per line as
    the job places one order for each. `owner` is the tenant (reseller:<id> or registrar:<handle>); the same
    owner and key is the same job."""

    owner = models.CharField(max_length=64)
    registrar_handle = models.CharField(max_length=32)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="bulk_jobs")  # fmt: skip
    principal = models.CharField(max_length=200, help_text="Who started it")
    kind = models.CharField(max_length=12, choices=[("renew", "renew"), ("nameservers", "nameservers")])
    key = models.CharField(max_length=100, help_text="The Idempotency-Key; each line's order key starts with it")
    state = models.CharField(max_length=8, choices=BulkState.choices, default=BulkState.PENDING)
    lines = models.JSONField(default=list, help_text="[{line, name, years, nameservers}]")
    results = models.JSONField(default=list, blank=True, help_text="[{line, name, state, order, problems}]")
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="registrar_bulkjob_key")]
        indexes = [models.Index(fields=["state", "updated_at"], name="registrar_bulkjob_state")]

    def __str__(self) -> str:
        return f"bulk {self.kind} #{self.pk} [{self.state}] {self.done_count}/{self.total}"
