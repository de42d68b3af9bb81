"""kzreg's kz-1.0 extension (SPEC E1): the server location (R12, 9a–9c) and purpose (1a) of a domain.

`<kz:street>` lines (1–3) are joined with ", " into the registry's one address line (9a is one line
in the seed's form too); `<kz:infData>` returns that line as one `<kz:street>`.
"""

from __future__ import annotations

from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import Location

KZ = namespaces.KZ
STREET_SEPARATOR = ", "


def parse_location(parent: Element | None, fields: Fields) -> Location | None:
    """The `<kz:location>` inside `parent` (`<kz:create>` or `<kz:update>`), or None when absent. Each
    part the registry may refuse is recorded with its element (an empty one when the client left it out)."""
    location = find(parent, KZ, "location")
    if location is None:
        return None
    streets = find_all(location, KZ, "street")
    fields.add("location", location)
    fields.add("location.address", streets[0] if streets else E(KZ, "street"))
    fields.add("location.city", find(location, KZ, "city") if find(location, KZ, "city") is not None else E(KZ, "city"))
    fields.add("location.region", find(location, KZ, "sp") if find(location, KZ, "sp") is not None else E(KZ, "sp"))
    address = STREET_SEPARATOR.join(line for line in (own_text(s) for s in streets) if line)
    return Location(address=address, city=text(location, KZ, "city") or "", region=text(location, KZ, "sp") or "")


def parse_purpose(parent: Element | None, fields: Fields) -> str | None:
    purpose = find(parent, KZ, "purpose")
    fields.add("purpose", purpose)
    return None if purpose is None else " ".join((purpose.text or "").split())


def info_data(address: str, city: str, region: str, purpose: str) -> Element:
    data = E(KZ, "infData")
    location = sub(data, KZ, "location")
    sub(location, KZ, "street", address)
    sub(location, KZ, "city", city)
    sub(location, KZ, "sp", region)
    if purpose:
        sub(data, KZ, "purpose", purpose)
    return data
