"""Bad input (T4, T5, T2): each gets a clear reply by field or line, never a traceback, and changes
nothing; and the SMTP intake's refusals (550 unknown recipient, 552 too big)."""

from __future__ import annotations

import pytest

from kzreg.registry.models import Domain
from kzreg.template_mail.models import InboundMessage
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_empty_message_T5(intake):
    delivery = intake.deliver(golden("bad-empty.eml"))
    assert "no registration form was found" in delivery.result().body


def test_malformed_mime_and_unknown_charset_T2(intake):
    delivery = intake.deliver(golden("bad-mime.eml"))
    assert delivery.request.state == "rejected"
    assert "Traceback" not in delivery.result().body


def test_layout_problems_are_each_named_T4_T5(intake):
    body = intake.deliver(golden("bad-layout.eml")).result().body
    assert "the version line was altered: 'Domain Version Number: 3.1'" in body
    assert not Domain.objects.exists()


def test_layout_problems_without_version_problem_are_listed_by_line(intake):
    raw = golden("bad-layout.eml").replace(b"Number: 3.1", b"Number: 3.2")
    body = intake.deliver(raw).result().body
    assert "this form has no such field: 3z" in body
    assert "1a: is too long (at most 1000 characters)" in body
    assert "3f: the field is given twice" in body
    assert "out of order" in body
    assert not Domain.objects.exists()


def test_a_form_without_its_version_line_is_returned_T4(intake):
    assert "the version line is missing" in intake.deliver(golden("bad-noversion.eml")).result().body


def test_a_hundred_forms_in_one_message(intake):
    form = golden("new-en-crlf.eml").split(b"\r\n\r\n", 1)[1]
    head = b"From: ivan1@example.kz\r\nTo: hostmaster@nic.kz\r\nSubject: many\r\nContent-Type: text/plain\r\n\r\n"
    delivery = intake.deliver(head + form * 100)
    assert "too many forms in one message (100); at most 10" in delivery.result().body
    assert not Domain.objects.exists()


def test_unknown_recipient_gets_550_T2(intake):
    code, _ = intake.send(golden("bad-empty.eml"), rcpt="someone@nic.kz")
    assert code == 550
    assert not InboundMessage.objects.exists()


def test_oversized_message_gets_552_T2(intake, monkeypatch):
    monkeypatch.setenv("KZREG_SMTP_MAX_SIZE", "2000")
    code, _ = intake.send(golden("new-en-crlf.eml"))
    assert code == 552
    assert not InboundMessage.objects.exists()


def test_a_crash_after_250_loses_nothing_T2(intake, monkeypatch):
    """The message is stored before 250; a processing failure leaves it for the next run."""
    from kzreg.template_mail import processing
    from kzreg.template_mail.jobs import process_inbox

    code, _ = intake.send(golden("new-en-crlf.eml"))
    assert code == 250
    original = processing.process_message

    def crash(message, dry_run=False):
        original(message)
        raise RuntimeError("power cut")

    monkeypatch.setattr(processing, "process_message", crash)
    assert process_inbox() == 0
    assert not Domain.objects.exists()  # rolled back, replies too
    monkeypatch.setattr(processing, "process_message", original)
    assert process_inbox() == 1
    assert Domain.objects.filter(name="fresh.kz").exists()


def test_bounces_and_auto_replies_get_no_answer(intake):
    raw = golden("bad-empty.eml").replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:")
    delivery = intake.deliver(raw)
    assert delivery.replies == []
