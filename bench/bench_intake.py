"""What `durable()` costs the mail intake: messages stored per second with the commit synced
(`synchronous=FULL`, as the intake runs) and without (the WAL's `NORMAL`), on SQLite.

    KZREG_DATA_DIR=/tmp/kzreg-bench-intake .venv/bin/python bench/bench_intake.py [N]

Three paths, each both ways: the bare INSERT of a 3 KB message (the write alone), `store_message`
(authentication's SPF/DKIM/DMARC lookups against a DNS server on loopback, then the write), and real
SMTP conversations with the intake on loopback (one connection per message, as senders do). Uses the
data folder's database: point it at a scratch one on the disk production would use (a tmpfs syncs for
free). On PostgreSQL `durable()` changes nothing; the script says so and measures nothing. Asserts
nothing.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.dnsserver
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
os.environ.setdefault("KZREG_DATA_DIR", "/tmp/kzreg-bench-intake")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tests.dnsserver import DnsServer  # noqa: E402

from kzreg.core import clock  # noqa: E402
from kzreg.core.durability import durable  # noqa: E402
from kzreg.template_mail import intake  # noqa: E402
from kzreg.template_mail.models import InboundMessage  # noqa: E402
from kzreg.template_mail.outgoing import hostmaster  # noqa: E402

BODY = ("Domain name: example.kz\r\n" * 120).encode()  # ~3 KB, a filled-in form's size


@contextlib.contextmanager
def not_synced() -> Iterator[None]:
    """`durable()` without the PRAGMA: the same one transaction, committed at the WAL's NORMAL level."""
    with transaction.atomic(durable=True):
        yield


def message(i: int) -> bytes:
    return f"From: ivan{i}@example.kz\r\nTo: {hostmaster()}\r\nSubject: bench {i}\r\n\r\n".encode() + BODY


def insert_only(block: Callable[[], contextlib.AbstractContextManager], n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        with block():
            InboundMessage.objects.create(
                received_at=clock.now(), source="bench", envelope_from=f"ivan{i}@example.kz",
                envelope_to=[hostmaster()], raw=message(i), size=len(BODY),
            )  # fmt: skip
    return n / (time.perf_counter() - started)


def through_store_message(n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        intake.store_message(message(i), f"ivan{i}@example.kz", [hostmaster()], peer="127.0.0.1", helo="bench")
    return n / (time.perf_counter() - started)


def through_smtp(n: int) -> float:
    controller = intake.IntakeController("127.0.0.1", 0)
    controller.start()
    try:
        started = time.perf_counter()
        for i in range(n):
            with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client:
                client.sendmail(f"ivan{i}@example.kz", [hostmaster()], message(i))
        return n / (time.perf_counter() - started)
    finally:
        controller.stop()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    if connection.vendor != "sqlite":
        print("PostgreSQL syncs every commit (synchronous_commit=on): durable() adds nothing to measure.")
        return
    call_command("migrate", interactive=False, verbosity=0)
    dns = DnsServer()
    dns.records.txt("example.kz", "v=spf1 ip4:127.0.0.1 -all")
    dns.records.txt("_dmarc.example.kz", "v=DMARC1; p=reject")
    dns.start()
    os.environ["KZREG_DNS_RESOLVER"] = dns.address
    print(f"SQLite {connection.settings_dict['NAME']}, {n} messages per run, load {os.getloadavg()[0]:.2f}")
    paths: dict[str, Callable[[], float]] = {
        "INSERT alone": lambda: insert_only(lambda: intake.durable(), n),
        "store_message": lambda: through_store_message(n),
        "SMTP conversation": lambda: through_smtp(max(1, n // 2)),
    }
    insert_only(not_synced, 20)  # warm: connection, statement cache, the file's first pages
    try:
        for name, run in paths.items():
            best = {"FULL": 0.0, "NORMAL": 0.0}
            for _ in range(2):  # alternate, best of two each: the machine may be shared
                for level, block in (("NORMAL", not_synced), ("FULL", durable)):
                    intake.durable = block  # type: ignore[assignment]
                    try:
                        best[level] = max(best[level], run())
                    finally:
                        intake.durable = durable
            synced, unsynced = best["FULL"], best["NORMAL"]
            print(
                f"{name:18}  FULL {synced:8.0f}/s  NORMAL {unsynced:8.0f}/s  "
                f"cost {1000 / synced - 1000 / unsynced:6.2f} ms per message"
            )
    finally:
        dns.stop()
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
