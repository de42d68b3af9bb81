"""NIC handles for bulk-created contacts, in the registry's own style (R5), without a query per contact.

`kzreg.registry.handles` decides the prefix exactly as the operations do; this allocator only keeps the
taken handles in memory and counts up per prefix, so a million contacts take seconds and a second load
continues after the first instead of colliding.
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
        self.taken.add(handle)
        return handle

    def role(self, organisation: str) -> str:
        prefix = handles.role_prefix(organisation)
        base = f"{prefix}{handles.ROLE_SUFFIX}"
        if base in self.taken:
            key = f"{prefix}{handles.ROLE_SUFFIX}"
            n = self.next_number.get(key, 1)
            while True:
                digits = str(n)
                stem = prefix[: handles.MAX_HANDLE - len(handles.ROLE_SUFFIX) - len(digits)]
                base = f"{stem}{digits}{handles.ROLE_SUFFIX}"
                n += 1
                if base not in self.taken:
                    break
            self.next_number[key] = n
        self.taken.add(base)
        return base
