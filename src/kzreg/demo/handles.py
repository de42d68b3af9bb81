"""NIC handles for bulk-created contacts, in the registry's own style (R5), without a query per contact.

`kzreg.registry.handles` decides the prefix exactly as the operations do; this allocator only keeps the
taken handles in memory and counts up per prefix, so a million contacts take seconds and a second load
continues after the first instead of colliding. `last` keeps the highest number given per stem, which
the loader writes into `HandleSequence` as the operations would have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kzreg.registry import handles

_NUMBERED = re.compile(r"^([A-Z]+)(\d+)$")


class HandleAllocator:
    def __init__(self, taken: Iterable[str]):
        self.taken = set(taken)
        self.next_number: dict[str, int] = {}
        self.last: dict[str, int] = {}  # stem (`IVG`, `KT-ORG`) → the highest number this allocator gave
        for handle in self.taken:
            match = _NUMBERED.match(handle)
            if match:
                prefix, number = match.group(1), int(match.group(2))
                self.next_number[prefix] = max(self.next_number.get(prefix, 1), number + 1)

    def individual(self, name: str) -> str:
        prefix = handles.individual_prefix(name)
        n = self.next_number.get(prefix, 1)
        while f"{prefix}{n}" in self.taken:
            n += 1
        handle = f"{prefix}{n}"
        if len(handle) > handles.MAX_HANDLE:
            raise ValueError(f"no free handle left for prefix {prefix}")
        self.next_number[prefix] = n + 1
        self.last[prefix] = max(self.last.get(prefix, 0), n)
        self.taken.add(handle)
        return handle

    def role(self, organisation: str) -> str:
        prefix = handles.role_prefix(organisation)
        key = base = f"{prefix}{handles.ROLE_SUFFIX}"
        number = 0
        if base in self.taken:
            n = self.next_number.get(key, 1)
            while True:
                digits = str(n)
                stem = prefix[: handles.MAX_HANDLE - len(handles.ROLE_SUFFIX) - len(digits)]
                base = f"{stem}{digits}{handles.ROLE_SUFFIX}"
                number, n = n, n + 1
                if base not in self.taken:
                    break
            self.next_number[key] = n
        self.last[key] = max(self.last.get(key, 0), number)
        self.taken.add(base)
        return base
