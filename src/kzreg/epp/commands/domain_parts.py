"""Request parts that several domain commands share: the period, the name-server list, contacts.

Each parser records the element of every registry field path it fills (`Fields`) and returns the
problems only the EPP mapping can find (a period in months that is not whole years); the registry checks
the rest, among them that a hostObj names a host object (`hosts_must_exist`, 2303).
"""

from __future__ import annotations

from kzreg.core.errors import Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.elements import Element, find, find_all, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.registry.commands import NameServer
from kzreg.registry.policy import ZonePolicy, zone_of_name
from kzreg.registry.zones import zone_policies

DOMAIN = namespaces.DOMAIN
ROLES = ("admin", "tech", "billing")
DEFAULT_YEARS = 1


def parse_period(parent: Element | None, domain_name: str, fields: Fields, path: str) -> tuple[int, list[Problem]]:
    """Years from `<domain:period unit="y|m">` (absent: one year). Months count only in whole years
    (2004 otherwise); the zone's range is the registry's (R4), reported here as a range error (2004)."""
    period = find(parent, DOMAIN, "period")
    if period is None:
        return DEFAULT_YEARS, []
    fields.add(path, period)
    raw, unit = own_text(period), period.get("unit") or "y"
    if not raw.isdigit() or unit not in ("y", "m"):
        return 0, [Problem(path, EppCommandCode.VALUE_SYNTAX, {"value": f"{raw} {unit}", "expected": "1-99 y|m"})]
    value = int(raw)
    if unit == "m" and value % 12:
        return 0, [Problem(path, EppCommandCode.PERIOD_UNIT, {"value": value})]
    years = value // 12 if unit == "m" else value
    zone: ZonePolicy | None = zone_of_name(domain_name, zone_policies())
    low, high = (zone.min_period, zone.max_period) if zone else (1, 10)
    if not low <= years <= high:
        return 0, [Problem(path, EppCommandCode.PERIOD_RANGE, {"min": low, "max": high, "value": years})]
    return years, []


def parse_nameservers(ns: Element | None, fields: Fields, offset: int = 0) -> list[NameServer]:
    """`<domain:ns>`: hostObj names (host objects: the command says `hosts_must_exist`, so the registry
    refuses one that is not, 2303) and hostAttr names with their addresses (created with the registration
    when new, R11). `offset` numbers them after servers the domain keeps (update)."""
    out: list[NameServer] = []
    items = [el for el in (ns if ns is not None else []) if el.tag in (f"{{{DOMAIN}}}hostObj", f"{{{DOMAIN}}}hostAttr")]
    for i, element in enumerate(items, start=offset):
        if element.tag.endswith("}hostObj"):
            fields.add(f"nameservers[{i}]", element)
            out.append(NameServer(own_text(element)))
        else:
            name_element = find(element, DOMAIN, "hostName")
            fields.add(f"nameservers[{i}]", element)
            fields.add(f"nameservers[{i}].name", name_element)
            addresses = find_all(element, DOMAIN, "hostAddr")
            if addresses:
                fields.add(f"nameservers[{i}].addresses", addresses[0])
            out.append(NameServer(own_text(name_element), tuple(own_text(a) for a in addresses)))
    return out


def contact_roles(parent: Element | None, fields: Fields, prefix: str = "") -> dict[str, str]:
    """`<domain:contact type=…>` ids by role (the last one of a role wins; R9 fills tech and billing)."""
    roles: dict[str, str] = {}
    for element in find_all(parent, DOMAIN, "contact"):
        role = element.get("type") or ""
        if role in ROLES:
            roles[role] = own_text(element)
            fields.add(f"{prefix}{role}", element)
    return roles


def auth_code(parent: Element | None, fields: Fields) -> str | None:
    """`<domain:authInfo><domain:pw>` (None when absent)."""
    auth = find(parent, DOMAIN, "authInfo")
    if auth is None:
        return None
    fields.add("auth_code", auth)
    return own_text(find(auth, DOMAIN, "pw"))
