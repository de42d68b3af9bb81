"""Which handler answers a command: a registry of (verb, object namespace) → handler.

Handlers live in `kzreg.epp.commands` (one module per object) and register themselves with
`@handles("check", namespaces.DOMAIN)`; `<poll>` has no object element and registers under
`handles("poll", namespaces.EPP)`. The transport calls `dispatch(request)` for every command after
login; this module is imported by the session layer, and imports the handlers lazily (on first
dispatch) so the handler modules may import this one.

Result codes chosen (RFC 5730 §3):
- a verb/namespace pair the server knows but no handler implements → 2101 "Unimplemented command";
- an object namespace the server does not offer at all (not in the greeting's objURIs) → 2307
  "Unimplemented object service";
- an offered object namespace the client did not name in its login `<svcs>` → 2002 "Command use
  error" (the session did not ask for that service).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

from kzreg.epp import namespaces
from kzreg.epp.protocol import Request, Response, Result

Handler = Callable[[Request], Response]

_HANDLERS: dict[tuple[str, str], Handler] = {}
_loaded = False
_load_lock = threading.Lock()

VERBS = ("check", "info", "create", "update", "delete", "renew", "transfer", "poll")


def handles(verb: str, namespace: str) -> Callable[[Handler], Handler]:
    """Registers the decorated function as the handler of `<verb>` on objects of `namespace`."""
    if verb not in VERBS:
        raise ValueError(f"unknown EPP verb {verb!r}")

    def register(handler: Handler) -> Handler:
        key = (verb, namespace)
        previous = _HANDLERS.get(key)
        if previous is not None and previous is not handler:
            raise RuntimeError(f"two handlers for {verb} in {namespace}: {previous!r} and {handler!r}")
        _HANDLERS[key] = handler
        return handler

    return register


def _load_handlers() -> None:
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            try:
                importlib.import_module("kzreg.epp.commands")
            except ModuleNotFoundError as missing:  # no handlers written yet: everything is 2101
                if missing.name != "kzreg.epp.commands":
                    raise
            _loaded = True


def handler_for(verb: str, namespace: str) -> Handler | None:
    _load_handlers()
    return _HANDLERS.get((verb, namespace))


def _namespace_of(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def dispatch(request: Request, services: frozenset[str] | None = None) -> Response:
    """The handler's response, or the RFC's refusal when nothing may handle it. `services` are the
    object URIs the client named at login (None: every offered one)."""
    namespace = _namespace_of(request.object.tag) if request.object is not None else namespaces.EPP
    if namespace != namespaces.EPP:
        if namespace not in namespaces.OBJECTS:
            return Response([Result(2307)])
        if services is not None and namespace not in services:
            return Response([Result(2002)])
    handler = handler_for(request.verb, namespace)
    if handler is None:
        return Response([Result(2101)])
    return handler(request)
