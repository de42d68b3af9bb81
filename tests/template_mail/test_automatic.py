"""Recognising automatic mail (`automatic.py`) from the envelope and the parsed headers, however they are
written (issue 9 §3); the end-to-end behaviour through the SMTP intake is in `test_loops.py`."""

from __future__ import annotations

import pytest

from kzreg.template_mail.automatic import automatic_reason
from tests.template_mail.test_loops import AUTOMATIC, HUMAN, mail


@pytest.mark.parametrize("name", AUTOMATIC)
def test_automatic_headers_are_recognised_however_written(name):
    raw = mail(AUTOMATIC[name].format(sender=HUMAN, subject="Re: [KZ-261122.1] accepted"))
    assert automatic_reason(raw, HUMAN, HUMAN)
    assert automatic_reason(raw.replace(b"\n", b"\r\n"), HUMAN, HUMAN), "CRLF on the wire"


@pytest.mark.parametrize(
    ("envelope", "sender"),
    [("", HUMAN), ("<>", HUMAN), (" <> ", HUMAN), ("MAILER-DAEMON@mx.example.kz", ""),
     (HUMAN, "postmaster@example.kz"), (HUMAN, "owner-registrants@lists.example.kz"),
     (HUMAN, "registrants-request@lists.example.kz"), (HUMAN, "hostmaster@nic.kz")],
)  # fmt: skip
def test_null_and_robot_senders_are_automatic(envelope, sender):
    assert automatic_reason(mail(f"From: {sender}\nSubject: hello"), envelope, sender)


@pytest.mark.parametrize(
    "headers",
    [
        "From: {s}\nSubject: Auto-Submitted: auto-replied is only words here",
        "From: {s}\nAuto-Submitted: no\nSubject: a person, said explicitly",
        "From: {s}\nPrecedence: first-class\nSubject: not bulk",
        "From: {s}\nSubject: a body that talks about headers",
    ],
)
def test_human_mail_is_not_automatic(headers):
    body = "Auto-Submitted: auto-replied\nList-Id: <x>\nPrecedence: bulk\n"  # in the body: not headers
    assert automatic_reason(mail(headers.format(s=HUMAN), body), HUMAN, HUMAN) == ""
