"""The cabinet's pages for the big reseller (issue 13 §Speed): the domain list and search, the dashboard,
and the public availability check, each rendered whole by Django in this process (middleware, access
functions, queries, template) — the server's time of a request, without the network.

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_regbench_1m KZREG_DATA_DIR=/tmp/regbench-data \\
        .venv/bin/python bench/bench_cabinet.py --repeat 40

The database is `bench/registrar_data.py`'s (1,000,000 domains, 100 resellers, `RB-BIG` with 100,000).
Each shape runs once to warm up, then `--repeat` times; printed as p50/p95/p99 milliseconds. Targets:
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


def timed(request: Callable[[], object], repeat: int) -> list[float]:
    request()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        request()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


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
        print(f"{title:36} {percentiles(timed(run, args.repeat))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
