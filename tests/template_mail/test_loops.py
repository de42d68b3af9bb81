"""No mail loops (issue 9 §3): automatic mail — bounces, auto-replies, lists, our own replies coming back —
is never answered, however its headers are written; a reply never carries out a `CONFIRM` token; and an
address gets at most `KZREG_MAIL_REPLY_LIMIT` gateway mails an hour, whatever a remote robot does.
Everything goes through the real SMTP intake, and replies through the outbox to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import logging
import re
from dataclasses import dataclass, field
from email import policy

import pytest

from kzreg.core import clock
from kzreg.notify.delivery import deliver_due
from kzreg.notify.models import OutboxMessage
from kzreg.registry.models import Domain
from kzreg.template_mail.intake import store_message
from kzreg.template_mail.jobs import process_inbox
from kzreg.template_mail.models import Confirmation, InboundMessage
from kzreg.template_mail.processing import process_stored
from tests.notify.conftest import EphemeralController
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HUMAN = "ivan1@example.kz"


def mail(headers: str, body: str = "Hello.\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode()


# Automatic mail written as robots write it; each would have been answered before issue 9.
AUTOMATIC = {
    "Auto-Submitted as the first header": "Auto-Submitted: auto-replied\nFrom: {sender}\nSubject: {subject}",
    "Auto-Submitted folded": "From: {sender}\nSubject: {subject}\nAuto-Submitted:\n\tauto-generated; owner-token=x",
    "Auto-Submitted without the space": "From: {sender}\nAUTO-SUBMITTED:auto-replied\nSubject: {subject}",
    "Auto-Submitted: auto-notified": "From: {sender}\nSubject: {subject}\nAuto-Submitted: auto-notified",
    "Precedence: list": "From: {sender}\nPrecedence: list\nSubject: {subject}",
    "Precedence: junk": "From: {sender}\nPrecedence:junk\nSubject: {subject}",
    "List-Id": "From: {sender}\nList-Id: Registrants <registrants.lists.example.kz>\nSubject: {subject}",
    "List-Unsubscribe": "From: {sender}\nSubject: {subject}\nList-Unsubscribe: <mailto:leave@lists.example.kz>",
    "X-Autoreply": "From: {sender}\nX-Autoreply: yes\nSubject: {subject}",
    "X-Autorespond": "From: {sender}\nX-Autorespond: Out of office\nSubject: {subject}",
    "X-Auto-Response-Suppress": "From: {sender}\nX-Auto-Response-Suppress: All\nSubject: {subject}",
    "our X-Loop": "From: {sender}\nX-Loop: hostmaster@nic.kz\nSubject: {subject}",
    "a read report": (
        "From: {sender}\nSubject: {subject}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"'
    ),
}


def replies_to(address: str) -> list[OutboxMessage]:
    return [m for m in OutboxMessage.objects.order_by("id") if address in m.to]


def store(intake, raw: bytes, mail_from: str = HUMAN) -> InboundMessage:
    code, text = intake.send(raw, mail_from)
    assert code == 250, text
    return InboundMessage.objects.get(pk=int(text.decode().rsplit("#", 1)[1]))


@pytest.mark.parametrize("name", AUTOMATIC)
def test_automatic_mail_gets_no_answer_new_or_quoting_a_request(intake, name):
    first = intake.deliver(golden("bad-empty.eml"), mail_from=HUMAN)
    assert len(first.replies) == 2, "a person is answered: acknowledgement and result"
    before = OutboxMessage.objects.count()
    quoting = mail(AUTOMATIC[name].format(sender=HUMAN, subject=f"Re: [{first.request.tracking}] rejected"))
    fresh = mail(AUTOMATIC[name].format(sender=HUMAN, subject="Out of office"))
    stored = [store(intake, quoting), store(intake, fresh)]
    assert process_inbox() == 2
    assert OutboxMessage.objects.count() == before, "no reply at all"
    for message in stored:
        message.refresh_from_db()
        assert message.state == "done"
    assert stored[0].request == first.request, "kept with the request it quotes"


def test_a_null_sender_quoting_a_tracking_number_gets_no_answer(intake):
    first = intake.deliver(golden("bad-empty.eml"), mail_from=HUMAN)
    before = OutboxMessage.objects.count()
    bounce = mail(f"From: {HUMAN}\nSubject: Re: [{first.request.tracking}] rejected")  # nothing else to tell
    store(intake, bounce, mail_from="")  # MAIL FROM:<>
    assert process_inbox() == 1
    assert OutboxMessage.objects.count() == before


def test_a_person_quoting_a_tracking_number_still_gets_the_reply(intake):
    first = intake.deliver(golden("bad-empty.eml"), mail_from=HUMAN)
    before = len(replies_to(HUMAN))
    store(intake, mail(f"From: {HUMAN}\nSubject: Re: [{first.request.tracking}] what about it?"))
    assert process_inbox() == 1
    (answer,) = replies_to(HUMAN)[before:]
    assert first.request.tracking in answer.subject


def test_an_out_of_office_reply_never_confirms_a_change(intake, registered):
    """An auto-reply from the contact on record quotes the token, but it is nobody's consent."""
    delivery = intake.deliver(golden("modify-en-stranger.eml"))
    confirmation = Confirmation.objects.get()
    (asked,) = delivery.to(HUMAN)
    before = OutboxMessage.objects.count()
    ooo = mail(
        f"From: {HUMAN}\nSubject: Automatic reply: {asked.subject}\nAuto-Submitted: auto-replied",
        f"I am away until Monday.\n\n> {asked.body.replace(chr(10), chr(10) + '> ')}",
    )
    store(intake, ooo)
    assert process_inbox() == 1
    confirmation.refresh_from_db()
    assert confirmation.state == "pending"
    links = Domain.objects.get(pk=registered.pk).nameserver_links.order_by("position")
    assert [link.host.name for link in links] == ["ns1.ps.kz", "ns2.ps.kz"]
    assert OutboxMessage.objects.count() == before
    yes = mail(f"From: {HUMAN}\nSubject: Re: {asked.subject}", "Yes, I confirm.\n")
    intake.deliver(yes)  # the person's own reply still confirms
    confirmation.refresh_from_db()
    assert confirmation.state == "confirmed"


@dataclass
class RemoteServer:
    """A remote mail server that accepts every reply of ours, and then bounces it back to the intake."""

    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 2.0.0 queued"

    def take(self) -> list:
        taken, self.received = self.received, []
        return taken


def dsn(original: bytes, recipient: str) -> bytes:
    """A delivery status notification as many servers write it: null sender, From MAILER-DAEMON, the
    original's Subject quoted, the original attached, and no `Auto-Submitted` header."""
    subject = email.message_from_bytes(original, policy=policy.default)["Subject"]
    return mail(
        f"From: Mail Delivery System <MAILER-DAEMON@mx.remote.kz>\nTo: hostmaster@nic.kz\n"
        f"Subject: Undeliverable: {subject}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
        f"--dsn\nContent-Type: text/plain\n\nDelivery to {recipient} failed: mailbox full.\n"
        f"--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.kz\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.2.2\n"
        f"--dsn\nContent-Type: message/rfc822\n\n{original.decode('ascii').replace(chr(13), '')}\n--dsn--\n",
    )


@pytest.fixture
def remote(settings):
    handler = RemoteServer()
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    settings.SMTP_RELAY = f"127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


def test_a_server_that_bounces_every_reply_gets_no_answer_to_its_bounces(intake, remote):
    """Before issue 9 every bounce was answered twice (acknowledgement and result): the loop doubled."""
    first = intake.deliver(golden("bad-empty.eml"), mail_from=HUMAN)
    assert len(first.replies) == 2
    new_replies, bounced = [], 0
    for _ in range(4):
        before = OutboxMessage.objects.count()
        deliver_due()
        for envelope in remote.take():
            raw = envelope.original_content
            assert re.search(rb"^Auto-Submitted: auto-replied\r$", raw, re.M), "every reply says it is automatic"
            assert re.search(rb"^X-Loop: hostmaster@nic\.kz\r$", raw, re.M)
            code, _ = intake.send(dsn(raw, envelope.rcpt_tos[0]), mail_from="")  # MAIL FROM:<>
            assert code == 250
            bounced += 1
        process_inbox()
        new_replies.append(OutboxMessage.objects.count() - before)
    assert bounced == 2, "only the two replies to the person ever went out"
    assert new_replies == [0, 0, 0, 0]
    assert InboundMessage.objects.filter(envelope_from="<>", state="done").count() == 2


def test_one_address_gets_at_most_the_limit_of_replies_an_hour(intake, caplog):
    """100 mails from one address in an hour: replies stop at `KZREG_MAIL_REPLY_LIMIT` (20), said in the
    log; another address is still answered; an hour later the first is answered again."""
    raw = golden("bad-empty.eml")
    for _ in range(100):
        store(intake, raw)
    with caplog.at_level(logging.WARNING, logger="kzreg.template_mail"):
        assert process_inbox(limit=100) == 100
    assert len(replies_to(HUMAN)) == 20
    refused = [r for r in caplog.records if "not queued" in r.getMessage() and HUMAN in r.getMessage()]
    assert len(refused) == 2 * 100 - 20
    assert "KZREG_MAIL_REPLY_LIMIT=20" in refused[0].getMessage()

    other = intake.deliver(raw.replace(HUMAN.encode(), b"ivan2@example.kz"), mail_from="ivan2@example.kz")
    assert len(other.replies) == 2, "the limit is per address"

    clock.advance(dt.timedelta(hours=1, minutes=5))
    store(intake, raw)
    assert process_inbox() == 1
    assert len(replies_to(HUMAN)) == 22


def test_the_limit_counts_committed_mail_message_by_message(intake, monkeypatch):
    """Each message in its own transaction (as `kzreg mail submit` or a restarted worker does): the
    count comes from the outbox, not from memory."""
    monkeypatch.setenv("KZREG_MAIL_REPLY_LIMIT", "3")
    for _ in range(3):
        process_stored(store_message(golden("bad-empty.eml"), HUMAN, ["hostmaster@nic.kz"], source="cli"))
    assert len(replies_to(HUMAN)) == 3


def test_a_batch_counts_its_own_replies_also_after_a_failed_message_is_dropped(monkeypatch):
    """In a batch, replies not yet written count too; a failed message's replies, dropped from the batch
    (`inbox._process_each`), no longer do."""
    from kzreg.template_mail import outgoing
    from kzreg.template_mail.models import MailRequest

    monkeypatch.setenv("KZREG_MAIL_REPLY_LIMIT", "3")
    request = MailRequest(tracking="KZ-261122.1", language="en")
    pending: list = []
    token = outgoing.batch_outbox.set(pending)
    try:
        assert outgoing.send(request, [HUMAN], "ack", "body", "en")
        assert outgoing.send(request, [HUMAN], "result", "body", "en")
        kept = len(pending)
        assert outgoing.send(request, [HUMAN], "third", "body", "en")
        assert not outgoing.send(request, [HUMAN], "fourth", "body", "en"), "3 in this batch already"
        del pending[kept:]  # the message that queued the third failed and was rolled back
        assert outgoing.send(request, [HUMAN], "third again", "body", "en")
        assert not outgoing.send(request, [HUMAN], "fourth", "body", "en")
        assert outgoing.send(request, ["ivan2@example.kz"], "other", "body", "en"), "per address"
    finally:
        outgoing.batch_outbox.reset(token)
    assert [row["subject"] for row in pending] == [
        "[KZ-261122.1] ack", "[KZ-261122.1] result", "[KZ-261122.1] third again", "[KZ-261122.1] other"
    ]  # fmt: skip
