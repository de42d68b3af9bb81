"""RFC 5733 contact elements ↔ the registry's contact data (R5, R6, R8).

Decisions (docs/epp.md, "Commands"):
- The id is the registrar's choice in R5's NIC handle syntax; an id ending in `-ORG` is a role (kind
  `R`, R5's role handles), any other an individual (`I`).
- One postal address is kept: `loc` when both forms are given (the local script, as the seed's forms
  are written), else `int`. Street lines are joined with ", " into the one address line; `<contact:infData>`
  returns it as `int` when it is ASCII, `loc` otherwise.
- `<contact:voice>` and `<contact:fax>` are the first phone and fax; `<contact:email>` the first e-mail.
- `<contact:disclose flag="1">` publishes the contact's personal data (R18); `flag="0"` withdraws it.
"""

from __future__ import annotations

from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.registry.commands import ContactData

CONTACT = namespaces.CONTACT
ROLE_SUFFIX = "-ORG"
STREET_SEPARATOR = ", "


def kind_of(contact_id: str) -> str:
    return "R" if contact_id.strip().upper().endswith(ROLE_SUFFIX) else "I"


def postal_info(parent: Element | None) -> Element | None:
    infos = find_all(parent, CONTACT, "postalInfo")
    local = [info for info in infos if info.get("type") == "loc"]
    return (local or infos or [None])[0]


def postal_changes(info: Element, fields: Fields) -> dict[str, object]:
    """The registry fields one `<contact:postalInfo>` gives, each recorded with its element."""
    addr = find(info, CONTACT, "addr")
    streets = find_all(addr, CONTACT, "street")
    changes: dict[str, object] = {}
    for path, parent, tag in (
        ("name", info, "name"), ("organisation", info, "org"), ("city", addr, "city"),
        ("region", addr, "sp"), ("postal_code", addr, "pc"), ("country_code", addr, "cc"),
    ):  # fmt: skip
        element = find(parent, CONTACT, tag)
        fields.add(path, element if element is not None else (addr if addr is not None else info))
        value = text(parent, CONTACT, tag)
        if value is not None or path in ("organisation", "region", "postal_code"):
            changes[path] = value or ""
    if addr is not None:
        fields.add("address", streets[0] if streets else addr)
        changes["address"] = STREET_SEPARATOR.join(line for line in (own_text(s) for s in streets) if line)
    return changes


def disclose_flag(parent: Element | None, fields: Fields) -> bool | None:
    disclose = find(parent, CONTACT, "disclose")
    if disclose is None:
        return None
    fields.add("disclose", disclose)
    return disclose.get("flag") in ("1", "true")


def contact_data(contact_id: str, create: Element, fields: Fields) -> ContactData:
    info = postal_info(create)
    values = postal_changes(info, fields) if info is not None else {}
    for path, tag in (("phones", "voice"), ("faxes", "fax"), ("emails", "email")):
        element = find(create, CONTACT, tag)
        fields.add(path, element)
        if element is not None:
            values[path] = (own_text(element),) if own_text(element) else ()
    fields.add("kind", find(create, CONTACT, "id"))
    return ContactData(kind=kind_of(contact_id), disclose=bool(disclose_flag(create, fields)), **values)  # type: ignore[arg-type]


def postal_type(contact: object) -> str:
    """`int` for ASCII data, `loc` otherwise (RFC 5733 §2.3.2)."""
    parts = ("name", "organisation", "address", "city", "region")
    return "int" if all(str(getattr(contact, f)).isascii() for f in parts) else "loc"
