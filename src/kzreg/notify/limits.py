"""How much mail each address was sent lately, counted from the outbox (its recipient rows), so a limit
holds across worker processes and restarts: the mail gateway's replies per address per hour."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Count

from kzreg.notify.addresses import bare
from kzreg.notify.models import OutboxRecipient


def recipient_values(values: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recipient rows of outbox rows given as values (`outbox_values`), one per To and Cc address."""
    return [
        {"message_id": row["message_id"], "address": bare(address), "created_at": row["created_at"]}
        for row in values
        for address in (*row["to"], *row["cc"])
    ]


def sent_since(addresses: Iterable[str], since: dt.datetime) -> Counter[str]:
    """Committed mail (written with `write_queued`) to each address after `since`: {bare address: count}."""
    keys = sorted({bare(a) for a in addresses})
    if not keys:
        return Counter()
    query = OutboxRecipient.objects.filter(address__in=keys, created_at__gt=since)
    return Counter({row["address"]: row["n"] for row in query.values("address").annotate(n=Count("id"))})


def addresses_of(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The bare address of every To and Cc recipient of rows given as values (not yet written)."""
    for row in values:
        for address in (*row["to"], *row["cc"]):
            yield bare(address)
