"""Mail gateway throughput: forms parsed and validated per second, and New registrations processed end
to end (stored message → committed registry change + queued replies) per second.

    KZREG_DATA_DIR=/tmp/kzreg-bench-mail .venv/bin/python bench/bench_template_mail.py [N]
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench_mail ... (the database must exist)

Uses the data folder's database: point it at a scratch one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
os.environ.setdefault("KZREG_DATA_DIR", "/tmp/kzreg-bench-mail")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kzreg.template_mail import mapping  # noqa: E402
from kzreg.template_mail.intake import store_message  # noqa: E402
from kzreg.template_mail.jobs import process_inbox  # noqa: E402
from kzreg.template_mail.parser import parse_text  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "mail"


def form_text() -> str:
    raw = (GOLDEN / "new-en-crlf.eml").read_bytes().decode()
    return raw.split("\r\n\r\n", 1)[1]


def bench_parse(n: int) -> float:
    text = form_text()
    start = time.perf_counter()
    for _ in range(n):
        (form,) = parse_text(text)
        mapping.action_of(form)
        mapping.create_command(form)
        assert not form.problems
    return n / (time.perf_counter() - start)


def bench_end_to_end(n: int) -> float:
    raw = (GOLDEN / "new-en-crlf.eml").read_bytes()
    tag = f"{int(time.time()) % 100000}"
    for i in range(n):
        store_message(raw.replace(b"fresh.kz", f"b{tag}-{i}.kz".encode()), "ivan1@example.kz", ["hostmaster@nic.kz"])
    start = time.perf_counter()
    done = 0
    while True:
        count = process_inbox(limit=500)
        if not count:
            break
        done += count
    elapsed = time.perf_counter() - start
    print(f"  processed {done} messages in {elapsed:.2f}s")
    return done / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {connection.vendor}")
    print(f"parse + validate: {bench_parse(20 * n):,.0f} forms/s")
    print(f"New end to end:   {bench_end_to_end(n):,.0f} registrations/s")


if __name__ == "__main__":
    main()
