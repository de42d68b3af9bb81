"""jCard (RFC 7095) `vcardArray` values for contacts, registrars and resellers.

Withheld personal fields (see `redaction`) are emptied (`fn`, address parts) or left out (`tel`,
`email`) here; `redaction` describes the same choices as RFC 9537 `redacted` entries, so both must agree
on the property layout below: phones are `tel` with `type: "voice"`, faxes `tel` with `type: "fax"`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kzreg.registry.models import Contact, ContactKind, Registrar
from kzreg.registry.reads.views import ContactView, RegistrarView

Property = list[Any]


def vcard(properties: list[Property]) -> list[Any]:
    return ["vcard", [["version", {}, "text", "4.0"], *properties]]


def contact_vcard(contact: Contact | ContactView, hidden: Collection[str] = ()) -> list[Any]:
    """The contact's jCard; fields named in `hidden` are emptied or removed (R18)."""

    def shown(field: str, value: str) -> str:
        return "" if field in hidden else value

    props: list[Property] = [
        ["fn", {}, "text", shown("name", contact.name)],
        ["kind", {}, "text", "individual" if contact.kind == ContactKind.INDIVIDUAL else "org"],
    ]
    if contact.organisation:
        props.append(["org", {}, "text", contact.organisation])
    street = shown("address", contact.address)
    city = shown("city", contact.city)
    postal = shown("postal_code", contact.postal_code)
    country = contact.country_code.upper()
    props.append(["adr", {"cc": country}, "text", ["", "", street, city, contact.region, postal, country]])
    if "phones" not in hidden:
        props.extend(["tel", {"type": "voice"}, "text", phone] for phone in contact.phones)
    if "faxes" not in hidden:
        props.extend(["tel", {"type": "fax"}, "text", fax] for fax in contact.faxes)
    if "emails" not in hidden:
        props.extend(["email", {}, "text", email] for email in contact.emails)
    if contact.language:
        props.append(["lang", {"pref": "1"}, "language-tag", contact.language])
    return vcard(props)


def organisation_vcard(name: str, legal_name: str, email: str, phone: str, url: str) -> list[Any]:
    """An organisation's jCard (a registrar, a domain's reseller by name): always public (S4)."""
    props: list[Property] = [["fn", {}, "text", name], ["kind", {}, "text", "org"]]
    if legal_name and legal_name != name:
        props.append(["org", {}, "text", legal_name])
    if email:
        props.append(["email", {}, "text", email])
    if phone:
        props.append(["tel", {"type": "voice"}, "text", phone])
    if url:
        props.append(["url", {}, "uri", url])
    return vcard(props)


def registrar_vcard(registrar: Registrar | RegistrarView) -> list[Any]:
    return organisation_vcard(registrar.name, "", registrar.email, registrar.phone, registrar.url)
