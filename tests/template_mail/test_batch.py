"""Stored messages processed in batches (T2, T3, T9): one transaction per batch, yet a message that
fails rolls back alone; tracking numbers stay a gapless sequence; the stored text is rewritten only
when it held a password."""

from __future__ import annotations

import pytest

from kzreg.notify.models import OutboxMessage
from kzreg.registry.models import Domain
from kzreg.template_mail import processing
from kzreg.template_mail.inbox import process_batch
from kzreg.template_mail.intake import store_message
from kzreg.template_mail.jobs import process_inbox
from kzreg.template_mail.models import InboundMessage, InboundState, MailRequest, TrackingCounter
from kzreg.template_mail.processing import process_stored
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db


def _store(name: str) -> int:
    raw = golden("new-en-crlf.eml").replace(b"fresh.kz", name.encode())
    return store_message(raw, "ivan1@example.kz", ["hostmaster@nic.kz"])


def test_one_failing_message_rolls_back_alone_within_its_batch_T2(monkeypatch):
    ids = [_store(f"batch{i}.kz") for i in range(4)]
    original = processing.process_message

    def crash_on_the_third(message, dry_run=False):
        request = original(message)
        if message.pk == ids[2]:
            raise RuntimeError("power cut")
        return request

    monkeypatch.setattr(processing, "process_message", crash_on_the_third)
    taken, processed = process_batch()
    assert taken == ids and processed == 3
    assert sorted(Domain.objects.values_list("name", flat=True)) == ["batch0.kz", "batch1.kz", "batch3.kz"]
    failed = InboundMessage.objects.get(pk=ids[2])
    assert failed.state == InboundState.NEW and failed.attempts == 1 and "power cut" in failed.error
    assert failed.request is None
    # Its acknowledgement and request rolled back with it; the others are complete.
    assert sorted(MailRequest.objects.values_list("seq", flat=True)) == [1, 2, 3]  # T3: its number is not lost
    assert OutboxMessage.objects.filter(to=["ivan1@example.kz"]).count() == 6
    done = InboundMessage.objects.filter(state=InboundState.DONE).order_by("id")
    assert [(m.pk, m.attempts, m.sender, m.subject) for m in done] == [
        (pk, 1, "ivan1@example.kz", "New domain") for pk in (ids[0], ids[1], ids[3])
    ]
    assert all(m.request is not None and m.processed_at for m in done)

    monkeypatch.setattr(processing, "process_message", original)
    assert process_inbox() == 1  # tried again on the next run, now it goes through
    assert Domain.objects.filter(name="batch2.kz").exists()
    assert InboundMessage.objects.get(pk=ids[2]).request.seq == 4


def test_a_message_that_keeps_failing_is_tried_three_times_then_failed_T2(monkeypatch):
    pk = _store("never.kz")

    def crash(message, dry_run=False):
        raise RuntimeError("bug")

    monkeypatch.setattr(processing, "process_message", crash)
    for expected in (1, 2):
        assert process_inbox() == 0  # each run tries it once
        assert InboundMessage.objects.get(pk=pk).attempts == expected
    assert process_inbox() == 0
    message = InboundMessage.objects.get(pk=pk)
    assert message.state == InboundState.FAILED and message.attempts == 3


def test_tracking_numbers_of_a_batch_are_the_days_sequence_T3():
    for i in range(3):
        _store(f"seq{i}.kz")
    assert process_inbox() == 3
    requests = list(MailRequest.objects.order_by("id"))
    assert [r.seq for r in requests] == [1, 2, 3]
    assert len({r.tracking for r in requests}) == 3 and all(r.state == "completed" for r in requests)
    assert TrackingCounter.objects.get().last == 3  # written back when the batch ends
    _store("seq3.kz")
    assert process_stored(InboundMessage.objects.get(state=InboundState.NEW).pk).seq == 4  # outside a batch


def test_a_batch_stops_taking_messages_after_its_time_and_leaves_the_rest_new():
    ids = [_store(f"slow{i}.kz") for i in range(3)]
    taken, processed = process_batch(seconds=0)  # the first is always taken
    assert taken == ids[:1] and processed == 1
    assert InboundMessage.objects.filter(state=InboundState.NEW).count() == 2
    taken, _ = process_batch(after=ids[1])
    assert taken == ids[2:]


def test_a_domain_form_keeps_its_stored_text_its_3b_is_no_password_T9():
    """Domain 3b is the registrant's kind (I/R); only 0c, and a Contact form's 3b, are passwords."""
    raw = golden("new-en-crlf.eml")
    pk = store_message(raw, "ivan1@example.kz", ["hostmaster@nic.kz"])
    assert process_inbox() == 1
    assert bytes(InboundMessage.objects.get(pk=pk).raw) == raw
