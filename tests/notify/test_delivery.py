"""Delivering the outbox: real SMTP relay or .eml files, retries with backoff, no loss on a crash (DESIGN outbox, T3, T11)."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
import threading
from email import policy

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from kzreg.notify import OutboxMessage, delivery, queue_email
from kzreg.notify.delivery import claim, deliver_due

State = OutboxMessage.State
SUBJECT = "KZ-261122.1: өтінім қабылданды / заявка принята"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
BODY = "Сәлеметсіз бе!\nДомен пример.қаз тіркелді.\n"


def queue(**overrides) -> OutboxMessage:
    values = dict(to=["Иван Петров <ivan@example.kz>"], subject=SUBJECT, body=BODY, reference="KZ-261122.1")
    values.update(overrides)
    return queue_email(**values)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


@pytest.mark.django_db
def test_smtp_relay_receives_a_proper_mime_message(relay, frozen_clock):
    """T3/T11: a reply threads on the request, Cyrillic subject and body survive the wire."""
    msg = queue(cc=["noc@telecom.kz"], in_reply_to="<request.1@sender.example>", language="kk")
    assert deliver_due() == {"sent": 1}

    (envelope,) = relay.received
    assert envelope.mail_from == "hostmaster@nic.kz"
    assert envelope.rcpt_tos == ["ivan@example.kz", "noc@telecom.kz"]
    raw = envelope.original_content
    assert raw.isascii(), "7-bit on the wire"
    assert re.search(rb"^Subject: KZ-261122\.1: =\?utf-8\?[bq]\?", raw, re.M), "RFC 2047 encoded subject"
    mail = parse(raw)
    assert mail["Subject"] == SUBJECT
    assert mail["Message-ID"] == msg.message_id
    assert mail["In-Reply-To"] == "<request.1@sender.example>"
    assert mail["References"] == "<request.1@sender.example>"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["Content-Language"] == "kk"
    assert mail["To"].addresses[0].display_name == "Иван Петров"
    assert mail["Date"].datetime == frozen_clock.now()
    assert mail["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == BODY

    msg.refresh_from_db()
    assert (msg.state, msg.attempts, msg.delivered_to) == (State.SENT, 1, relay.address)
    assert msg.sent_at == frozen_clock.now()


@pytest.mark.django_db
def test_eml_files_in_the_data_folder_by_default(eml_mode, frozen_clock):
    msg = queue(headers={"X-Kzreg-Form": "New"})
    assert deliver_due() == {"sent": 1}
    msg.refresh_from_db()
    path = eml_mode / "2026-03-01" / f"{msg.pk}.eml"
    assert msg.delivered_to == str(path)
    mail = parse(path.read_bytes())
    assert mail["Subject"] == SUBJECT
    assert mail["X-Kzreg-Form"] == "New"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content().replace("\r\n", "\n") == BODY
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary files left behind"


@pytest.mark.django_db
def test_rolled_back_change_sends_nothing(relay):
    """DESIGN: no notification leaves for a change that rolled back."""
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the registry change failed")
    assert deliver_due() == {}
    assert relay.received == []


@pytest.mark.django_db
def test_transient_failure_retries_with_exponential_backoff(relay, frozen_clock, monkeypatch):
    monkeypatch.setattr(delivery, "MAX_ATTEMPTS", 4)
    relay.reply = "451 4.3.0 try again later"
    msg = queue()
    start = frozen_clock.now()
    schedule = []
    for _ in range(3):
        assert deliver_due() == {"retry": 1}
        assert deliver_due() == {}, "not due again before its backoff"
        msg.refresh_from_db()
        assert msg.state == State.QUEUED and "451" in msg.last_error
        schedule.append(msg.next_attempt_at - frozen_clock.now())
        frozen_clock.advance(msg.next_attempt_at - frozen_clock.now())
    assert schedule == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert deliver_due() == {"failed": 1}
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == (State.FAILED, 4)
    assert frozen_clock.now() - start == dt.timedelta(minutes=7)


@pytest.mark.django_db
def test_retry_succeeds_once_the_relay_recovers(relay, frozen_clock):
    relay.reply = "421 4.7.0 busy"
    msg = queue()
    assert deliver_due() == {"retry": 1}
    relay.reply = ""
    frozen_clock.advance(dt.timedelta(minutes=1))
    assert deliver_due() == {"sent": 1}
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == (State.SENT, 2)
    assert len(relay.received) == 1


def test_backoff_is_capped():
    assert delivery.retry_delay(1) == dt.timedelta(minutes=1)
    assert delivery.retry_delay(30) == delivery.MAX_RETRY


@pytest.mark.django_db
def test_permanent_5xx_fails_at_once(relay, frozen_clock):
    relay.reply = "554 5.7.1 rejected as spam"
    msg = queue()
    assert deliver_due() == {"failed": 1}
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == (State.FAILED, 1)
    assert msg.last_error.startswith("554")
    frozen_clock.advance(dt.timedelta(days=1))
    assert deliver_due() == {}


@pytest.mark.django_db
def test_all_recipients_refused_is_permanent_and_partial_refusal_is_recorded(relay, frozen_clock):
    relay.refuse = {"ivan@example.kz": "550 5.1.1 no such user"}
    lost = queue()
    partly = queue(to=["ivan@example.kz", "noc@telecom.kz"])
    assert deliver_due() == {"failed": 1, "sent": 1}
    lost.refresh_from_db()
    partly.refresh_from_db()
    assert lost.state == State.FAILED and "550" in lost.last_error
    assert partly.state == State.SENT and "ivan@example.kz: 550" in partly.last_error
    assert relay.received[0].rcpt_tos == ["noc@telecom.kz"]


@pytest.mark.django_db
def test_relay_down_is_transient(settings, frozen_clock):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        settings.SMTP_RELAY = f"127.0.0.1:{s.getsockname()[1]}"
    msg = queue()
    assert deliver_due() == {"retry": 1}
    msg.refresh_from_db()
    assert msg.state == State.QUEUED and "ConnectionRefusedError" in msg.last_error


@pytest.mark.django_db
def test_bad_relay_setting_is_a_clear_configuration_error(settings):
    settings.SMTP_RELAY = "smtp.example.kz"
    queue()
    with pytest.raises(ImproperlyConfigured, match="KZREG_SMTP_RELAY must be host:port"):
        deliver_due()
    assert OutboxMessage.objects.get().state == State.QUEUED


@pytest.mark.django_db
def test_crash_mid_batch_neither_loses_nor_silently_resends(relay, frozen_clock):
    """A worker that died after claiming leaves `sending` rows; they go out again after the lease, noted."""
    first, second = queue(), queue(to=["noc@telecom.kz"])
    assert [row.pk for row in claim()] == [first.pk, second.pk]  # ...and the worker dies here
    assert deliver_due() == {}, "another worker leaves leased rows alone"
    frozen_clock.advance(delivery.SENDING_LEASE)
    assert deliver_due() == {"sent": 2}
    for msg in (first, second):
        msg.refresh_from_db()
        assert (msg.state, msg.attempts) == (State.SENT, 2)
        assert "interrupted" in msg.last_error
    assert len(relay.received) == 2


@pytest.mark.django_db
def test_a_row_that_keeps_crashing_the_worker_ends_failed(relay, frozen_clock, monkeypatch):
    monkeypatch.setattr(delivery, "MAX_ATTEMPTS", 2)
    msg = queue()
    for _ in range(2):
        assert claim()
        frozen_clock.advance(delivery.SENDING_LEASE)
    assert claim() == []
    msg.refresh_from_db()
    assert msg.state == State.FAILED and "interrupted" in msg.last_error


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="SKIP LOCKED needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_skip_rows_another_worker_holds(frozen_clock):
    """DESIGN: several workers share the outbox; a row locked by one is skipped, not waited for, by another."""
    held, free = queue(), queue(to=["noc@telecom.kz"])
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(30)
        claimed = claim()
    finally:
        release.set()
        thread.join(30)
    assert [row.pk for row in claimed] == [free.pk]
    assert OutboxMessage.objects.get(pk=held.pk).state == State.QUEUED


def test_the_worker_runs_the_outbox_job():
    from kzreg.plugins import all_jobs

    (job,) = [job for job in all_jobs() if job.name == "outbox"]
    assert job.run is deliver_due and job.every == 5.0
