"""The registrars' poll queue (RFC 5730 `<poll>`, issue 10): what the registry tells a registrar about its
objects without being asked: transfers, holds, deletions and purges by the registry, expiry, restores, and
whatever another part reports (billing's low balance).

A message is a row written by `notify_registrar` inside the transaction of the operation that causes it,
so it exists exactly when the change does. A registrar reads the oldest unacknowledged one and
acknowledges it by id; nothing else is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from django.db import transaction
from django.db.models import QuerySet

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import LANGUAGES, Code
from kzreg.registry.models import PollMessage

# The registry's own kinds; params come from the message's data.
TEXTS: dict[str, dict[str, str]] = {
    "transfer_requested": {
        "kk": "{registrar} тіркеушісі {key} ауыстыруын сұрады; {act_by} дейін шешім болмаса, мақұлданады",
        "ru": "регистратор {registrar} запросил передачу {key}; без решения до {act_by} она будет одобрена",
        "en": "registrar {registrar} requested the transfer of {key}; approved at {act_by} unless decided before",
    },
    "transfer_decided": {
        "kk": "{key} ауыстыруы: {status}",
        "ru": "передача {key}: {status}",
        "en": "transfer of {key}: {status}",
    },
    "status_set": {
        "kk": "тізілім {key} доменіне {status} күйін орнатты: {reason}",
        "ru": "реестр установил домену {key} статус {status}: {reason}",
        "en": "the registry set {status} on {key}: {reason}",
    },
    "status_lifted": {
        "kk": "тізілім {key} доменінен {status} күйін алып тастады: {reason}",
        "ru": "реестр снял с домена {key} статус {status}: {reason}",
        "en": "the registry lifted {status} from {key}: {reason}",
    },
    "domain_deleted": {
        "kk": "тізілім {key} доменін жойды: {reason}",
        "ru": "реестр удалил домен {key}: {reason}",
        "en": "the registry deleted {key}: {reason}",
    },
    "domain_purged": {
        "kk": "{key} домені түпкілікті жойылды, атау бос",
        "ru": "домен {key} окончательно удалён, имя свободно",
        "en": "{key} was purged; the name is free",
    },
    "domain_renewed": {
        "kk": "{key} доменін тізілім {exDate} дейін ұзартты",
        "ru": "реестр продлил домен {key} до {exDate}",
        "en": "the registry renewed {key} until {exDate}",
    },
    "domain_expired": {
        "kk": "{key} доменінің мерзімі өтті; {purge_at} дейін ұзартылмаса, жойылады",
        "ru": "срок регистрации {key} истёк; если не продлить до {purge_at}, домен будет удалён",
        "en": "{key} expired; it is deleted at {purge_at} unless renewed",
    },
    "registrant_changed": {
        "kk": "{key} доменінің тіркелушісі {registrant} болып ауыстырылды ({channel})",
        "ru": "администратор домена {key} сменён на {registrant} ({channel})",
        "en": "the registrant of {key} was changed to {registrant} ({channel})",
    },
    "domain_restored": {
        "kk": "{key} домені қалпына келтірілді",
        "ru": "домен {key} восстановлен",
        "en": "{key} was restored",
    },
}


class NotifyContext(Protocol):
    """What a message needs of the operation in progress (`operations.base.Context` has it)."""

    @property
    def now(self) -> dt.datetime: ...


def notify_registrar(
    ctx: NotifyContext,
    registrar_id: int | None,
    kind: str,
    *,
    object_type: str = "",
    object_key: str = "",
    data: Mapping[str, Any] | None = None,
    texts: Mapping[str, str] | None = None,
) -> PollMessage | None:
    """Queues a message for a registrar in the caller's transaction (nothing for the registry's own
    objects, `registrar_id` None). A kind of the registry's own takes its text from `TEXTS`, filled from
    `data` and `key`; any other kind (billing's `low_balance`) brings `texts` in kk, ru and en."""
    if registrar_id is None:
        return None
    values = {"key": object_key, **(data or {})}
    if texts is None:
        if kind not in TEXTS:
            raise ValueError(f"poll message kind {kind!r} needs its texts")
        texts = {lang: template.format(**values) for lang, template in TEXTS[kind].items()}
    if set(texts) != set(LANGUAGES):
        raise ValueError(f"poll message texts must be in {', '.join(LANGUAGES)}")
    return PollMessage.objects.create(
        registrar_id=registrar_id,
        created_at=ctx.now,
        kind=kind,
        text=texts["en"],
        texts=dict(texts),
        object_type=object_type,
        object_key=object_key,
        data=dict(data or {}),
    )


def _queue(registrar_id: int) -> QuerySet[PollMessage]:
    return PollMessage.objects.filter(registrar_id=registrar_id, acked_at__isnull=True)


def next_message(registrar_id: int) -> tuple[PollMessage | None, int]:
    """The registrar's oldest unacknowledged message and how many are waiting (EPP `<poll op="req">`)."""
    queue = _queue(registrar_id)
    count = queue.count()
    return (queue.order_by("id").first() if count else None), count


def acknowledge(registrar_id: int, message_id: int | str) -> int:
    """Marks one of the registrar's messages read (EPP `<poll op="ack">`) and returns how many are left.
    Another registrar's message, an unknown or an already acknowledged id: 2303, nothing changes."""
    key = str(message_id).strip()
    with transaction.atomic():
        updated = 0
        if key.isdigit():
            updated = _queue(registrar_id).filter(pk=int(key)).update(acked_at=clock.now())
        if not updated:
            raise OperationFailed([Problem("msgID", Code.NOT_FOUND, {"kind": "message", "key": key})])
        return _queue(registrar_id).count()
