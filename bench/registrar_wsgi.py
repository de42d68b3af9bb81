"""kzreg's WSGI application with the server's own time per request in a response header, for
`bench/registrar_http.py` only (never deployed): `X-Bench-Server-Ms` is the wall time from the request's
arrival in the worker to the response's start (Django has rendered it by then), `X-Bench-Cpu-Ms` the
worker thread's CPU time in the same span."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from kzreg.config.wsgi import application as kzreg_application


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    started, cpu = time.perf_counter(), time.thread_time()

    def timed(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        headers.append(("X-Bench-Server-Ms", f"{(time.perf_counter() - started) * 1000:.3f}"))
        headers.append(("X-Bench-Cpu-Ms", f"{(time.thread_time() - cpu) * 1000:.3f}"))
        return start_response(status, headers, exc_info)

    return kzreg_application(environ, timed)
