"""How the parts of kzreg plug into the shared entry points without editing them.

A package `kzreg.<part>` may provide any of these modules:

- `kzreg.<part>.cli` with `register(subparsers)`: adds its `kzreg` subcommands (argparse); each parser
  sets `func=callable(args) -> int`.
- `kzreg.<part>.services` with `services() -> list[Service]`: the long-running processes `kzreg up`
  starts and supervises (web, WHOIS, SMTP intake, worker).
- `kzreg.<part>.jobs` with `JOBS: list[Job]`: what the worker runs every `every` seconds.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

import kzreg


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]  # arguments to `python -m kzreg`


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]  # returns something printable (counts) for the log
    every: float = 60.0  # seconds between runs


def part_modules(module: str) -> Iterator[ModuleType]:
    """`kzreg.<part>.<module>` for every part that has one, in name order."""
    for info in sorted(pkgutil.iter_modules(kzreg.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"kzreg.{info.name}.{module}"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


def all_services() -> list[Service]:
    return [service for mod in part_modules("services") for service in mod.services()]


def all_jobs() -> list[Job]:
    return [job for mod in part_modules("jobs") for job in mod.JOBS]
