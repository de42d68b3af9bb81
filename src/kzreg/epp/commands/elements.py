"""Reading a command's XML: the few lxml look-ups every handler repeats, safe on absent parents.

Values keep the client's own text (stripped) so a problem can quote it; answers are built with
`kzreg.epp.xml.E`/`sub`.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

from lxml import etree

from kzreg.epp.xml import E, qname

Element: TypeAlias = etree._Element


def find(parent: Element | None, ns: str, tag: str) -> Element | None:
    return None if parent is None else parent.find(qname(ns, tag))


def find_all(parent: Element | None, ns: str, tag: str) -> list[Element]:
    return [] if parent is None else list(parent.iterfind(qname(ns, tag)))


def text(parent: Element | None, ns: str, tag: str) -> str | None:
    """The stripped text of the first `ns:tag` child; None when the child is absent."""
    found = find(parent, ns, tag)
    return None if found is None else own_text(found)


def own_text(element: Element | None) -> str:
    return "" if element is None else (element.text or "").strip()


def epp_date(moment: dt.datetime) -> str:
    """RFC 3339 UTC with milliseconds, as EPP servers write dates (`2026-03-01T09:00:00.000Z`)."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def roid(prefix: str, pk: int) -> str:
    """RFC 5730's repository object id: `D12-KZ` (domain), `C7-KZ` (contact), `H3-KZ` (host)."""
    return f"{prefix}{pk}-KZ"


def element_or(element: Element | None, ns: str, tag: str, **attrs: str) -> Element:
    """`element`, or an empty `<ns:tag>` standing for the one the client left out (a refusal's value)."""
    return element if element is not None else E(ns, tag, **attrs)
