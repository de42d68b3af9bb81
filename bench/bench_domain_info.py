"""`registry.reads.objects.domain_info` (EPP `<domain:info>`, the registrar wing's create read-back, the
CLI) on an existing database: wall and CPU time per call over random live domains (seeded).

    PYTHONPATH=<tree>/src KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_regbench_1m \\
        KZREG_DATA_DIR=/tmp/regbench-data .venv/bin/python bench/bench_domain_info.py [--calls 350]

Reads only. Prints one line, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=350)
    parser.add_argument("--warm", type=int, default=50, help="calls before the measured ones")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from kzreg.core.actor import Actor, Channel
    from kzreg.registry.models import Domain
    from kzreg.registry.reads import objects

    random.seed(7)
    highest = Domain.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = random.sample(range(1, highest + 1), min(highest, 2 * (args.calls + args.warm)))
    live = Domain.objects.filter(id__in=ids, deleted_at__isnull=True).values_list("name", flat=True)
    names = list(live)[: args.calls + args.warm]
    staff = Actor.registry_staff("bench", Channel.CLI)
    for name in names[: args.warm]:
        objects.domain_info(name, staff)
    names = names[args.warm :]
    wall, cpu = time.perf_counter(), time.process_time()
    for name in names:
        objects.domain_info(name, staff)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{objects.__file__}: domain_info ×{len(names)}: {wall / len(names) * 1e3:.2f} ms wall, "
          f"{cpu / len(names) * 1e3:.2f} ms CPU per call")  # fmt: skip


if __name__ == "__main__":
    main()
