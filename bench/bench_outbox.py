"""Outbox throughput: how fast messages are queued (one transaction each, as a gateway does) and delivered.

    KZREG_DATA_DIR=/tmp/kzreg-bench-outbox [KZREG_DATABASE_URL=...] .venv/bin/python bench/bench_outbox.py -n 2000

Migrates the database, queues N messages with Cyrillic subjects and bodies, delivers them once to `.eml`
files and once to a real SMTP relay (aiosmtpd on 127.0.0.1, ephemeral port), and prints messages/second.
The messages it creates carry the reference `BENCH-<run>` and are deleted at the end. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="messages per phase (default 2000)")
    args = parser.parse_args()

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from kzreg.notify import OutboxMessage, queue_email
    from kzreg.notify.delivery import deliver_due
    from kzreg.notify.transport import EmlFolder, SmtpRelay

    call_command("migrate", verbosity=0)
    run = f"BENCH-{int(time.time())}"

    def fill() -> float:
        started = time.perf_counter()
        for i in range(args.n):
            with transaction.atomic():
                queue_email(
                    to=[f"Тіркелуші {i} <user{i}@example.kz>", "noc@telecom.kz"],
                    subject=f"KZ-261122.{i}: өтінім қабылданды / заявка принята",
                    body="Сәлеметсіз бе!\nСіздің өтініміңіз қабылданды.\n" * 20,
                    reference=run,
                )
        return args.n / (time.perf_counter() - started)

    def drain(transport) -> float:
        started, sent = time.perf_counter(), 0
        while OutboxMessage.objects.filter(reference=run, state="queued").exists():
            sent += deliver_due(transport).get("sent", 0)
        return sent / (time.perf_counter() - started)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    class Ephemeral(Controller):
        def _trigger_server(self):
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    print(f"database: {connection.vendor}, messages per phase: {args.n}")
    print(f"queue (1 transaction per message): {fill():8.0f} msg/s")
    print(f"deliver to .eml files:             {drain(EmlFolder(settings.DATA_DIR / 'outbox' / run)):8.0f} msg/s")
    print(f"queue again:                       {fill():8.0f} msg/s")
    relay = Ephemeral(Sink(), hostname="127.0.0.1", port=0)
    relay.start()
    try:
        print(f"deliver to SMTP relay (aiosmtpd):  {drain(SmtpRelay('127.0.0.1', relay.port)):8.0f} msg/s")
    finally:
        relay.stop()
    OutboxMessage.objects.filter(reference=run).delete()


if __name__ == "__main__":
    main()
