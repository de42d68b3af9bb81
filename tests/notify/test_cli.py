"""`kzreg outbox list|show|deliver` (T3: a tracking number finds every mail about a request)."""

from __future__ import annotations

import email
from email import policy

import pytest

from kzreg.cli import main
from kzreg.notify import OutboxMessage, queue_email


@pytest.fixture(autouse=True)
def _django_already_set_up(monkeypatch):
    """main() would configure logging again, binding the root handler to this test's captured stderr."""
    monkeypatch.setattr("kzreg.cli._setup_django", lambda: None)


@pytest.fixture
def two(db, eml_mode, frozen_clock):
    a = queue_email(to=["ivan@example.kz"], subject="KZ-261122.1: қабылданды", body="Сәлем", reference="KZ-261122.1")
    b = queue_email(to=["noc@telecom.kz"], subject="KZ-261122.2: принято", body="OK", reference="KZ-261122.2")
    return a, b


def test_deliver_then_list_by_state_and_reference(two, capsys):
    assert main(["outbox", "list", "--state", "queued"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["outbox", "deliver"]) == 0
    assert capsys.readouterr().out.strip() == "sent=2 retry=0 failed=0"
    assert main(["outbox", "list", "--state", "queued"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["outbox", "list", "--reference", "KZ-261122.1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split("\t")[2:6] == ["sent", "1", "KZ-261122.1", "ivan@example.kz"]
    assert main(["outbox", "list", "--limit", "1"]) == 0
    assert "KZ-261122.2" in capsys.readouterr().out, "newest first"


def test_show_prints_the_eml(two, capsysbinary):
    assert main(["outbox", "show", str(two[0].pk)]) == 0
    mail = email.message_from_bytes(capsysbinary.readouterr().out, policy=policy.default)
    assert mail["Subject"] == "KZ-261122.1: қабылданды"
    assert mail["Message-ID"] == two[0].message_id


def test_show_unknown_id_is_a_clear_error(db, capsys):
    assert main(["--lang", "kk", "outbox", "show", "42"]) == 1
    assert capsys.readouterr().err.strip() == "error: id: хат табылмады: 42"


def test_bad_limit_and_bad_relay_are_clear_errors(db, settings, capsys):
    assert main(["outbox", "list", "--limit", "0"]) == 1
    assert "limit: is not valid: 0" in capsys.readouterr().err
    settings.SMTP_RELAY = "nohost"
    queue_email(to=["a@example.kz"], subject="s", body="b")
    assert main(["outbox", "deliver"]) == 1
    assert "KZREG_SMTP_RELAY must be host:port" in capsys.readouterr().err
    assert OutboxMessage.objects.get().state == "queued"
