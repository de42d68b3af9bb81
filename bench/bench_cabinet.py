"""The cabinet's pages for the big reseller (issue 13 §Speed): the domain list and search, the dashboard,
and the public availability check, each rendered whole by Django in this process (middleware, access
functions, queries, template) — the server's time of a request, without the network.

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_regbench_1m KZREG_DATA_DIR=/tmp/regbench-data \\
        .venv/bin/python bench/bench_cabinet.py --repeat 40

The database is `bench/registrar_data.py`'s (1,000,000 domains, 100 resellers, `RB-BIG` with 100,000).
Each shape runs once to warm up, then `--repeat` times; printed as p50/p95/p99 wall milliseconds and
CPU per run of this process and of its PostgreSQL backend (read from /proc: the server on this machine);
`--only TEXT` runs the shapes whose title contains it. Targets:
lists and search < 150 ms at p95, the dashboard < 200 ms, the availability check < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return f"p50 {at(0.50):7.1f}  p95 {at(0.95):7.1f}  p99 {at(0.99):7.1f} ms"


def backend_cpu(pid: int | None) -> float:
    """CPU seconds the database server process `pid` has used (PostgreSQL on this machine: /proc), or 0."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed(request: Callable[[], object], repeat: int, db_pid: int | None) -> tuple[list[float], float, float]:
    """Wall milliseconds of each run, and CPU milliseconds per run of this process (Django) and of the
    database's backend serving it: on a shared machine the CPU moves far less than the wall."""
    request()
    samples = []
    cpu_start, db_start = time.process_time(), backend_cpu(db_pid)
    for _ in range(repeat):
        start = time.perf_counter()
        request()
        samples.append((time.perf_counter() - start) * 1000)
    runs = max(1, repeat)
    return samples, (time.process_time() - cpu_start) * 1000 / runs, (backend_cpu(db_pid) - db_start) * 1000 / runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reseller", default="RB-BIG")
    parser.add_argument("--only", default="", help="run only the shapes whose title contains this text")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    os.environ["KZREG_WHOIS_RATE"] = "0"  # the public search's per-network limit off: one client asks it all
    import django

    django.setup()
    from bench.registrar_lists import reseller_user
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from kzreg.registrar.access import services_visible_to
    from kzreg.resellers.models import Reseller

    reseller = Reseller.objects.get(handle=args.reseller)
    user = reseller_user(reseller)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    count = services_visible_to(user).count()
    db_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as db:
            db.execute("SELECT pg_backend_pid()")
            db_pid = db.fetchone()[0]
    print(f"{connection.vendor}: reseller {reseller.handle} with {count} services; {args.repeat} runs per shape")

    def get(url: str, **headers: str) -> Callable[[], object]:
        def run() -> object:
            answer = client.get(url, **headers)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer

        return run

    def cold(run: Callable[[], object]) -> Callable[[], object]:
        def again() -> object:
            cache.clear()
            return run()

        return again

    first = client.get("/cabinet/domains/").content.decode()
    cursor = re.search(r'rel="next" href="\?after=([^"&]+)', first)
    assert cursor is not None, "no second page"
    sample = re.findall(r'<td><a href="/cabinet/domains/([^/"]+)/">', first)[7]
    label = sample.split(".")[0]
    shapes: list[tuple[str, Callable[[], object]]] = [
        ("domains: first page by name", get("/cabinet/domains/")),
        ("domains: next page (keyset)", get(f"/cabinet/domains/?after={cursor.group(1)}")),
        ("domains: by expiry, descending", get("/cabinet/domains/?sort=-expires")),
        ("domains: expiring in 30 days", get("/cabinet/domains/?expires_to=2027-01-10&sort=expires")),
        ("domains: search, 4 letters (htmx)", get(f"/cabinet/domains/?q={label[:4]}", HTTP_HX_REQUEST="true")),
        ("domains: search, whole name", get(f"/cabinet/domains/?q={sample}")),
        ("domains: status filter", get("/cabinet/domains/?status=client_hold")),
        ("dashboard (chart counts kept)", get("/cabinet/")),
        ("dashboard (chart counted anew)", cold(get("/cabinet/"))),
    ]
    public = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="kk")
    rng = random.Random(7)

    def availability() -> object:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(9))
        answer = public.get("/", {"q": word}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and ".kz" in answer.content.decode()
        return answer

    shapes.append(("public availability check (htmx)", availability))
    for title, run in shapes:
        if args.only not in title:
            continue
        samples, cpu, db_cpu = timed(run, args.repeat, db_pid)
        print(f"{title:36} {percentiles(samples)}  cpu {cpu:5.1f} + db {db_cpu:5.1f} ms/run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
