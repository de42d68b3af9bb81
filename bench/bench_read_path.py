"""CPU per uncached WHOIS and RDAP domain answer through the registry's read API, in one process.

No sockets, no caches, no answer store: `records.fetch_domain` + `render.render_domain` for WHOIS, then
`lookup.domain_with_hosts` + `domain_object` + `encode` for RDAP, over the first `--names` live domains.
CPU time (`time.process_time`), so a busy machine disturbs it less than q/s; for exact comparisons run it
under `valgrind --tool=callgrind` with two sizes and subtract (the set-up cancels out).

    KZREG_DATA_DIR=/tmp/reads-bench .venv/bin/python bench/bench_read_path.py --names 4000

Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=4000, help="live domains to answer for, by id")
    parser.add_argument("--warm", type=int, default=50, help="answers rendered first, not measured")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from kzreg.core import clock
    from kzreg.rdap.http import encode
    from kzreg.rdap.objects import Context, domain_object, envelope
    from kzreg.registry.reads import changes, lookup, records
    from kzreg.registry.reads.connection import open_raw_database
    from kzreg.whois import render

    db = open_raw_database()
    names = changes.live_names(db, limit=args.names)
    now = clock.now()
    ctx = Context(base="http://127.0.0.1/rdap", port43="whois.example", now=now)

    def whois(name: str) -> None:
        found = records.fetch_domain(db, name)
        assert found is not None
        render.render_domain(found, now)

    def rdap(name: str) -> None:
        found = lookup.domain_with_hosts(name)
        assert found is not None
        obj, redacted = domain_object(found[0], found[1], ctx)  # type: ignore[arg-type]  # rows read as models
        encode(envelope(obj, ctx, redacted))

    for name in names[: args.warm]:
        whois(name)
        rdap(name)
    figures = []
    for label, answer in (("whois", whois), ("rdap", rdap)):
        started = time.process_time()
        for name in names:
            answer(name)
        figures.append(f"{label} {(time.process_time() - started) / len(names) * 1e6:.0f} µs CPU/answer")
    print(f"{len(names)} names, {db.vendor}: " + ", ".join(figures))


if __name__ == "__main__":
    main()
