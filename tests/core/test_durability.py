"""Issue 9 §6: `durable()` — on SQLite the enclosed transaction commits with `synchronous=FULL` (the WAL
synced before the block returns) and the connection goes back to NORMAL; on PostgreSQL, where every commit
is synced, it is only the transaction. The SMTP intake stores each message in it before answering 250."""

from __future__ import annotations

import smtplib
import threading

import pytest
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext

from kzreg.core.durability import durable
from kzreg.registry.models import Registrar
from kzreg.template_mail.intake import IntakeController
from kzreg.template_mail.models import InboundMessage
from kzreg.template_mail.outgoing import hostmaster
from tests.conftest import T0
from tests.mail.conftest import mail_world, mail_world_session  # noqa: F401  (fixtures)

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's synchronous PRAGMA")
# Real commits; the rows the migrations made are put back for the tests after these (content types).
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def synchronous() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        return cursor.fetchone()[0]


def new_registrar(handle: str) -> Registrar:
    return Registrar.objects.create(handle=handle, name=handle, email=f"{handle.lower()}@nic.kz", created_at=T0)


class Statements:
    """Every statement SQLite runs on the connections it traces, with the thread that ran it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def trace(self, raw) -> None:  # type: ignore[no-untyped-def]
        raw.set_trace_callback(lambda sql: self.seen.append((threading.current_thread().name, sql.strip())))

    def index(self, start: str, thread: str | None = None) -> int:
        return next(
            i for i, (name, sql) in enumerate(self.seen)
            if sql.upper().startswith(start.upper()) and (thread is None or name.startswith(thread))
        )  # fmt: skip


@sqlite_only
@committing
def test_commit_happens_under_full_then_normal_again():
    connection.ensure_connection()
    statements = Statements()
    statements.trace(connection.connection)
    assert synchronous() == 1  # NORMAL, from the settings
    with durable():
        assert synchronous() == 2  # FULL while the write and its commit happen
        new_registrar("DURABLE-KZ")
    assert synchronous() == 1
    order = [statements.index(s) for s in ("PRAGMA synchronous=2", "BEGIN", "INSERT", "COMMIT", "PRAGMA synchronous=1")]
    assert order == sorted(order)
    assert Registrar.objects.filter(handle="DURABLE-KZ").exists()


@sqlite_only
@committing
def test_a_failed_block_rolls_back_and_restores_normal():
    with pytest.raises(ValueError), durable():
        new_registrar("ROLLED-KZ")
        raise ValueError("storing failed")
    assert synchronous() == 1 and not Registrar.objects.filter(handle="ROLLED-KZ").exists()


@committing
def test_inside_another_transaction_is_refused():
    """Its commit would be the outer block's, later and not durable: Django's durable atomic refuses."""
    with transaction.atomic(), pytest.raises(RuntimeError), durable():
        pass
    if connection.vendor == "sqlite":
        assert synchronous() == 1


@committing
def test_on_postgresql_only_the_transaction():
    if connection.vendor == "sqlite":
        pytest.skip("PostgreSQL")
    with CaptureQueriesContext(connection) as queries, durable():
        new_registrar("PG-KZ")
    assert not any("PRAGMA" in q["sql"].upper() for q in queries.captured_queries)
    assert Registrar.objects.filter(handle="PG-KZ").exists()


@sqlite_only
@committing
def test_smtp_intake_commits_the_message_under_full_before_250(mail_world):  # noqa: F811
    """A real SMTP conversation: the intake thread's INSERT and COMMIT run with synchronous=FULL, and
    both come before the client reads 250."""
    statements = Statements()

    def on_connect(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
        statements.trace(connection.connection)

    connection_created.connect(on_connect)
    controller = IntakeController("127.0.0.1", 0)
    controller.start()
    try:
        message = f"From: ivan1@example.kz\r\nTo: {hostmaster()}\r\nSubject: durable\r\n\r\nHello\r\n".encode()
        with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client:
            client.sendmail("ivan1@example.kz", [hostmaster()], message)
            statements.seen.append(("client", "250 received"))
    finally:
        controller.stop()
        connection_created.disconnect(on_connect)
    full = statements.index("PRAGMA synchronous=2", "kzreg-intake")
    insert = statements.index('INSERT INTO "template_mail_inboundmessage"', "kzreg-intake")
    commit = statements.index("COMMIT", "kzreg-intake")
    normal = statements.index("PRAGMA synchronous=1", "kzreg-intake")
    assert full < insert < commit < statements.index("250 received", "client") and commit < normal
    assert InboundMessage.objects.count() == 1
