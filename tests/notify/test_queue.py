"""queue_email: the outbox row is written with the change, checked, and never half-written (DESIGN outbox, T3, T11)."""

from __future__ import annotations

import pytest
from django.db import transaction

from kzreg.core.errors import OperationFailed
from kzreg.notify import OutboxMessage, queue_email
from kzreg.registry.operations import create_domain
from tests.conftest import domain_command


@pytest.mark.django_db
def test_queue_defaults_and_normalisation(settings, frozen_clock):
    settings.HOSTMASTER = "hostmaster@nic.kz"
    msg = queue_email(
        to=["Иван Петров <Ivan@Example.KZ>", "ivan@example.kz", "noc@пример.қаз"],
        cc=["IVAN@example.kz", "tech@ps.kz", "tech@ps.kz"],
        subject="KZ-261122.1: сұрау қабылданды\r\n  (accepted)",
        body="Сәлем!\r\nline two\r\n",
        reference="KZ-261122.1",
        language="kk",
    )
    msg.refresh_from_db()
    assert msg.sender == "hostmaster@nic.kz"
    assert msg.to == ["Иван Петров <Ivan@example.kz>", "noc@xn--e1afmkfd.xn--80ao21a"]
    assert msg.cc == ["tech@ps.kz"]
    assert msg.subject == "KZ-261122.1: сұрау қабылданды (accepted)"
    assert msg.body == "Сәлем!\nline two\n"
    assert msg.state == OutboxMessage.State.QUEUED
    assert msg.created_at == msg.next_attempt_at == frozen_clock.now()
    assert msg.message_id.startswith("<") and msg.message_id.endswith("@nic.kz>")
    assert OutboxMessage.objects.filter(reference="KZ-261122.1").count() == 1


@pytest.mark.django_db
def test_reply_threads_on_the_parent(frozen_clock):
    first = queue_email(to=["a@example.kz"], subject="KZ-261122.1", body="ack")
    reply = queue_email(
        to=["a@example.kz"], subject="Re: KZ-261122.1", body="done", in_reply_to=first.message_id.strip("<>")
    )
    assert reply.in_reply_to == first.message_id
    assert reply.references == first.message_id
    assert reply.message_id != first.message_id


@pytest.mark.django_db
def test_bad_input_names_every_field_and_writes_nothing():
    """T5 style: every problem at once, each naming its field; no row."""
    with pytest.raises(OperationFailed) as err:
        queue_email(
            to=["good@example.kz", "not an address", "x@bad..kz"],
            cc=["also wrong"],
            subject=" ",
            body="",
            headers={"Subject": "sneaky", "Bad Name": "v"},
            in_reply_to="no-at-sign",
            language="de",
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {
        "to[1]", "to[2]", "cc[0]", "subject", "headers.Subject", "headers.Bad Name", "in_reply_to", "language"
    }  # fmt: skip
    assert "e-mail address is not valid: not an address" in str(err.value)
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_no_recipient_is_refused():
    with pytest.raises(OperationFailed) as err:
        queue_email(to=[], subject="s", body="b")
    assert [p.field for p in err.value.problems] == ["to"]


@pytest.mark.django_db
def test_header_injection_in_recipient_is_refused():
    with pytest.raises(OperationFailed) as err:
        queue_email(to=["a@example.kz\r\nBcc: victim@example.kz"], subject="s", body="b")
    assert [p.field for p in err.value.problems] == ["to[0]"]


@pytest.mark.django_db
def test_rolled_back_change_leaves_no_message():
    """DESIGN: no notification leaves for a change that rolled back."""
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(to=["a@example.kz"], subject="s", body="b")
        raise RuntimeError("the change failed")
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_mail_commits_with_the_registry_change_or_not_at_all(registrar, staff, frozen_clock):
    """T11/KZ-IV: the completion mail and the registration are one transaction; a refused change sends nothing."""
    with transaction.atomic():
        created = create_domain(domain_command("example.kz"), staff).object
        queue_email(to=["noc1@telecom.kz"], subject=f"{created.name}: тіркелді", body="OK", reference="KZ-261122.1")
    assert OutboxMessage.objects.count() == 1

    with pytest.raises(OperationFailed), transaction.atomic():
        queue_email(to=["noc1@telecom.kz"], subject="example.kz: тіркелді", body="OK", reference="KZ-261122.2")
        create_domain(domain_command("example.kz"), staff)  # already registered: refused
    assert list(OutboxMessage.objects.values_list("reference", flat=True)) == ["KZ-261122.1"]


@pytest.mark.django_db
def test_references_end_with_the_parent():
    reply = queue_email(
        to=["a@example.kz"], subject="Re: x", body="b", in_reply_to="<p@x.kz>", references="<root@x.kz>, <mid@x.kz>"
    )
    assert reply.references == "<root@x.kz> <mid@x.kz> <p@x.kz>"


@pytest.mark.django_db
def test_values_written_together_are_the_rows_queue_email_writes(frozen_clock):
    """`outbox_values` + `write_queued` (a gateway's batch): the same checks and the same rows, in order."""
    from kzreg.notify.outbox import outbox_values, write_queued

    kwargs = {
        "to": ["Иван <Ivan@Example.KZ>"], "subject": "KZ-261122.1: қабылданды", "body": "Сәлем\r\n",
        "in_reply_to": "<a@b.kz>", "headers": {"X-Kzreg-Tracking": "KZ-261122.1"}, "reference": "KZ-261122.1",
        "language": "kk",
    }  # fmt: skip
    single = queue_email(**kwargs)
    batch = [outbox_values(**kwargs) for _ in range(60)]  # more than one statement's worth
    write_queued(batch)
    written = list(OutboxMessage.objects.exclude(pk=single.pk).order_by("id"))
    assert [m.message_id for m in written] == [values["message_id"] for values in batch]
    columns = [f.attname for f in OutboxMessage._meta.concrete_fields if f.attname not in ("id", "message_id")]
    single.refresh_from_db()
    assert all([getattr(m, c) for c in columns] == [getattr(single, c) for c in columns] for m in written)
    with pytest.raises(OperationFailed) as failed:
        outbox_values(to=["not an address"], subject="", body="b")
    assert {p.field for p in failed.value.problems} == {"to[0]", "subject"}
