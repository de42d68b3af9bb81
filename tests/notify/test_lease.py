"""A crashed worker's `sending` rows go out within seconds of a restart, each exactly once (issue 9 §6):
rows are held by a named worker (`notify.workers`) under a short lease it renews while sending; a worker
of the same host that is gone is noticed at once, one elsewhere when its lease passes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection

from kzreg.notify import OutboxMessage, queue_email, workers
from kzreg.notify.delivery import SENDING_LEASE, claim, deliver_due
from kzreg.notify.transport import Delivered

State = OutboxMessage.State
WORKER = """
import sys
import django
from django.conf import settings

settings.DATABASES["default"]["NAME"] = sys.argv[1]
settings.SMTP_RELAY = sys.argv[2]
django.setup()
from kzreg.notify.delivery import deliver_due

deliver_due()
"""


def queue(n: int) -> list[OutboxMessage]:
    return [
        queue_email(to=[f"user{i}@example.kz"], subject=f"KZ-261122.{i}: accepted", body="ok", reference="LEASE")
        for i in range(n)
    ]


def wait_until(predicate, seconds: float, process: subprocess.Popen) -> bool:
    """Polls a real process's progress (no clock to move here)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


@pytest.fixture
def silent_relay():
    """A port that accepts connections and never greets: a worker sending to it hangs mid-conversation."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_sending_is_replaced_within_seconds_each_row_once(relay, silent_relay):
    """SIGKILL a real worker process in the middle of an SMTP conversation; the next pass (a restarted
    worker) delivers every row it held at once — no lease to wait out — and each exactly once."""
    rows = queue(5)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(connection.settings_dict["NAME"]), silent_relay],
        env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    held_by = workers.name(worker.pid)
    try:
        sending = OutboxMessage.objects.filter(state=State.SENDING, claimed_by=held_by)
        assert wait_until(lambda: sending.count() == 5, 30, worker), "the worker claimed the rows"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    killed_at = time.monotonic()

    assert deliver_due() == {"sent": 5}, "a restarted worker sends them now, not after the lease"
    elapsed = time.monotonic() - killed_at
    received = [envelope.original_content for envelope in relay.received]
    assert len(received) == 5, "each row delivered once"
    assert all(sum(row.message_id.encode() in raw for raw in received) == 1 for row in rows)
    for row in rows:
        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.SENT, 2)
        assert f"worker {held_by} stopped while sending" in row.last_error
    assert deliver_due() == {}, "a sent row is never taken again"
    assert len(relay.received) == 5
    print(f"acknowledgements out {elapsed:.2f} s after the worker was killed")


@pytest.mark.django_db
def test_rows_of_a_gone_worker_of_this_host_are_taken_at_once(relay, frozen_clock):
    """A worker of this host that no longer runs (its PID free) is noticed without waiting for the lease;
    a live one, and one of another host, keep their rows until the lease passes."""
    gone_worker = subprocess.Popen([sys.executable, "-c", "pass"])
    gone_name = workers.name(gone_worker.pid)
    gone_worker.wait(10)
    alive_name = workers.name(os.getppid())
    elsewhere = "other-host 00000000-0000-0000-0000-000000000000 pid:[4026531836] 4242 12345"
    owners = [gone_name, alive_name, elsewhere]
    rows = queue(3)
    for row, owner in zip(rows, owners, strict=True):
        OutboxMessage.objects.filter(pk=row.pk).update(
            state=State.SENDING, attempts=1, claimed_by=owner, next_attempt_at=frozen_clock.now() + SENDING_LEASE
        )
    assert workers.gone(gone_name) and not workers.gone(alive_name) and not workers.gone(elsewhere)

    assert deliver_due() == {"sent": 1}
    assert [r.state for r in OutboxMessage.objects.order_by("id")] == [State.SENT, State.SENDING, State.SENDING]
    frozen_clock.advance(SENDING_LEASE)
    assert deliver_due() == {"sent": 2}
    assert len(relay.received) == 3


def test_a_pid_used_again_is_not_the_worker_that_held_the_row():
    me = workers.current().split(" ")
    assert not workers.gone(workers.current())
    assert workers.gone(" ".join([*me[:4], str(int(me[4]) + 1)])), "same PID, another start time"
    assert not workers.gone(" ".join(["another-name", *me[1:4], "1"])), "another host: only its lease tells"
    assert not workers.gone("a row from before workers were named")


class SlowRelay:
    """Each message takes 50 s (the clock moves); meanwhile another worker tries to claim rows."""

    def __init__(self, clock):
        self.clock, self.sent, self.stolen = clock, [], []

    def send(self, message):
        self.clock.advance(dt.timedelta(seconds=50))
        self.stolen += _as_other_worker(claim)
        self.sent.append(message.pk)
        return Delivered("slow:25")

    def close(self):
        pass


def _as_other_worker(function):
    real = workers.current
    workers.current = lambda: "other-host 0 pid:[1] 1 1"
    try:
        return function()
    finally:
        workers.current = real


@pytest.mark.django_db
def test_the_lease_is_renewed_while_a_slow_batch_is_sent(frozen_clock):
    """Five messages at 50 s each outlast one 2-minute lease: the worker renews it, so no other worker
    takes (and sends a second time) the rows still waiting in its batch."""
    queue(5)
    relay = SlowRelay(frozen_clock)
    assert deliver_due(relay) == {"sent": 5}
    assert relay.stolen == []
    assert len(relay.sent) == 5
    assert {row.attempts for row in OutboxMessage.objects.all()} == {1}
