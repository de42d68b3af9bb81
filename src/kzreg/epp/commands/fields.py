"""Which request element each registry field path came from, so a refusal names the client's element.

The registry reports problems on channel-neutral paths (`location.city`, `nameservers[1].name`,
`registrant.handle`); a handler records, while parsing, the element each path was read from. A problem
is matched on its full path, then on shorter and shorter prefixes (`nameservers[1].addresses` →
`nameservers[1]` → `nameservers`), and last on the object's identifying element, so every `<extValue>`
names something the client sent.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence

from lxml import etree

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, find_all
from kzreg.epp.protocol import Response, Result

_LAST_PART = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")
PREFIXES = {
    namespaces.EPP: "epp", namespaces.DOMAIN: "domain", namespaces.CONTACT: "contact", namespaces.HOST: "host",
    namespaces.SECDNS: "secDNS", namespaces.RGP: "rgp", namespaces.FEE: "fee", namespaces.KZ: "kz",
}  # fmt: skip


def element_label(element: Element) -> str:
    """`kz:city`, `domain:hostObj`: how a reason names the element, in the RFCs' usual prefixes."""
    name = etree.QName(element)
    prefix = PREFIXES.get(name.namespace or "")
    return f"{prefix}:{name.localname}" if prefix else name.localname


class Fields:
    """Field path → the request element it was read from."""

    def __init__(self, fallback: Element | None = None):
        self.fallback = fallback
        self._elements: dict[str, Element] = {}

    def add(self, path: str, element: Element | None) -> None:
        if element is not None:
            self._elements.setdefault(path, element)

    def statuses(self, part: Element | None, namespace: str, path: str) -> tuple[str, ...]:
        """The `s` words of an `<add>`/`<rem>`'s `<status>` elements, each remembered under `path[i]`."""
        words = []
        for i, element in enumerate(find_all(part, namespace, "status")):
            self.add(f"{path}[{i}]", element)
            words.append(element.get("s") or "")
        return tuple(words)

    def element_of(self, path: str) -> Element | None:
        while path:
            found = self._elements.get(path)
            if found is not None:
                return found
            shorter = _LAST_PART.sub("", path)
            if shorter == path:
                break
            path = shorter
        return self.fallback

    def results(self, problems: Iterable[Problem]) -> list[Result]:
        """Problems grouped by EPP result code (first code first), each with the element it names."""
        grouped: dict[int, list[Problem]] = {}
        for problem in problems:
            grouped.setdefault(problem.epp_code, []).append(problem)
        results = []
        for code, group in grouped.items():
            values: list[Element] = []
            named: list[Problem] = []
            for problem in group:
                element = self.element_of(problem.field)
                if element is None:
                    named.append(problem)
                    continue
                values.append(copy.deepcopy(element))
                # The reason names the client's element, not the registry's field path.
                named.append(Problem(element_label(element), problem.code, problem.params))
            # `values` pairs with `problems` one to one, or is left empty when some problem names nothing.
            results.append(Result(code, problems=named, values=values if len(values) == len(group) else ()))
        return results

    def failed(self, error: OperationFailed | Sequence[Problem]) -> Response:
        problems = error.problems if isinstance(error, OperationFailed) else error
        return Response(self.results(problems))
