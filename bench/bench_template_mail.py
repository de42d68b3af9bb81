"""Mail gateway throughput: forms parsed and validated per second, and New registrations processed end
to end (stored message → committed registry change + queued replies) per second.

    KZREG_DATA_DIR=/tmp/kzreg-bench-mail .venv/bin/python bench/bench_template_mail.py [N]
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench_mail ... (the database must exist)

Uses the data folder's database: point it at a scratch one. Prints throughput, CPU per operation of this
process (and, on PostgreSQL, of the server process serving it), p50/p99 per message, and the load
average, since the machine may be shared. The end-to-end CPU is split into the time inside the
registry's `create_domain` and the gateway's own share. Asserts nothing.

The mail is proven as the intake would prove it (issue 9): a DNS server of its own on loopback
(`tests/dnsserver.py`) publishes SPF and DMARC for example.kz, and the messages are stored as received
from 127.0.0.1. Storing (with its lookups) is not part of the timed processing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.dnsserver
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
os.environ.setdefault("KZREG_DATA_DIR", "/tmp/kzreg-bench-mail")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from tests.dnsserver import DnsServer  # noqa: E402

from kzreg.template_mail import actions_domain, inbox, mapping  # noqa: E402
from kzreg.template_mail.intake import store_message  # noqa: E402
from kzreg.template_mail.jobs import process_inbox  # noqa: E402
from kzreg.template_mail.models import InboundMessage  # noqa: E402
from kzreg.template_mail.parser import parse_text  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "mail"


def form_text() -> str:
    raw = (GOLDEN / "new-en-crlf.eml").read_bytes().decode()
    return raw.split("\r\n\r\n", 1)[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_parse(n: int) -> None:
    text = form_text()
    for _ in range(200):  # warm: the parser learns the form's field heads once
        parse_text(text)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        (form,) = parse_text(text)
        mapping.action_of(form)
        mapping.create_command(form)
        assert not form.problems
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"parse + validate: {n / wall:,.0f} forms/s ({n / cpu:,.0f} per CPU second; {cpu / n * 1e6:.0f} µs CPU/form)")


def server_cpu() -> float | None:
    """CPU seconds of the PostgreSQL backend serving this connection (utime + stime)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def dns_world() -> DnsServer:
    """example.kz allows 127.0.0.1 by SPF and publishes a DMARC policy: its mail is proven."""
    server = DnsServer()
    server.records.txt("example.kz", "v=spf1 ip4:127.0.0.1 -all")
    server.records.txt("_dmarc.example.kz", "v=DMARC1; p=reject")
    os.environ["KZREG_DNS_RESOLVER"] = server.address
    return server.start()


def store(raw: bytes) -> int:
    return store_message(raw, "ivan1@example.kz", ["hostmaster@nic.kz"], peer="127.0.0.1")


def bench_end_to_end(n: int) -> None:
    raw = (GOLDEN / "new-en-crlf.eml").read_bytes()
    tag = f"{int(time.time()) % 100000}"
    store(raw.replace(b"fresh.kz", f"w{tag}.kz".encode()))
    process_inbox()  # warm: the mail registrar, the contacts and hosts exist from here on
    start = time.perf_counter()
    first = min(store(raw.replace(b"fresh.kz", f"b{tag}-{i}.kz".encode())) for i in range(n))
    stored = time.perf_counter() - start
    if hasattr(InboundMessage, "proven"):
        proven = InboundMessage.objects.filter(pk__gte=first, proven=True).count()
        print(f"stored {n} in {stored:.2f}s with SPF/DKIM/DMARC ({stored / n * 1e3:.2f} ms each); {proven} proven")

    inside, latencies = [0.0], []
    create_domain, process_and_mark = actions_domain.create_domain, inbox._process_and_mark

    def timed_create(*args, **kwargs):
        start = time.process_time()
        try:
            return create_domain(*args, **kwargs)
        finally:
            inside[0] += time.process_time() - start

    def timed_message(*args, **kwargs):
        start = time.perf_counter()
        try:
            return process_and_mark(*args, **kwargs)
        finally:
            latencies.append(time.perf_counter() - start)

    actions_domain.create_domain, inbox._process_and_mark = timed_create, timed_message
    server = server_cpu()
    cpu, wall, done = time.process_time(), time.perf_counter(), 0
    while count := process_inbox(limit=500):
        done += count
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = (server_cpu() - server) if server is not None else None
    actions_domain.create_domain, inbox._process_and_mark = create_domain, process_and_mark
    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"New end to end:   {done / wall:,.0f} registrations/s ({done} in {wall:.2f}s)")
    print(
        f"  CPU per message: {cpu / done * 1e3:.2f} ms = create_domain {inside[0] / done * 1e3:.2f} ms"
        f" + gateway {(cpu - inside[0]) / done * 1e3:.2f} ms"
        + (f"; PostgreSQL server {server / done * 1e3:.2f} ms" if server is not None else "")
    )
    print(f"  per message (wall, in its batch): p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {connection.vendor}; {load()}")
    bench_parse(20 * n)
    server = dns_world()
    try:
        bench_end_to_end(n)
    finally:
        server.stop()
    print(f"done; {load()}")


if __name__ == "__main__":
    main()
