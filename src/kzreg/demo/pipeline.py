"""Build rows in a forked child while the parent writes them: the bulk loader's two halves on two cores.

Building a million realistic domains (names, people, snapshots, JSON) costs about as much CPU as the
database spends storing them, so overlapping the two nearly halves the wall time. The child never touches
the database: every key it uses was reserved before the fork, and it leaves with `os._exit` so that it
does not close (and so break) the connection it inherited from the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queues
import resource
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_POLL_SECONDS = 5.0


def _child(make: Callable[[], Iterable[Any]], out: Any) -> None:
    code = 0
    try:
        for item in make():
            out.put(("rows", item))
    except BaseException:  # anything: the parent must hear of it rather than wait forever
        out.put(("error", traceback.format_exc()))
        code = 1
    finally:
        out.close()
        out.join_thread()
        os._exit(code)


@dataclass
class ChildStats:
    cpu_seconds: float = 0.0  # the child's user + system time, known once it has exited
    waiting_seconds: float = 0.0  # the parent blocked on the next item: the child is the slower half


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def produce_in_child(
    make: Callable[[], Iterable[Any]], expected: int, stats: ChildStats | None = None
) -> Iterator[Any]:
    """Yields the `expected` items that `make()` produces in a forked child, at most two batches ahead."""
    stats = stats or ChildStats()
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=2)
    child = context.Process(target=_child, args=(make, channel), daemon=True)
    cpu_before = _children_cpu()
    child.start()
    try:
        for _ in range(expected):
            began = time.perf_counter()
            while True:
                try:
                    kind, item = channel.get(timeout=_POLL_SECONDS)
                    break
                except queues.Empty:
                    if not child.is_alive():
                        raise RuntimeError(
                            f"bulk loader: the row builder stopped (exit code {child.exitcode})"
                        ) from None
            if kind == "error":
                raise RuntimeError(f"bulk loader: building rows failed:\n{item}")
            stats.waiting_seconds += time.perf_counter() - began
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        stats.cpu_seconds = _children_cpu() - cpu_before
