"""WHOIS text in the layout the .kz WHOIS (whois.nic.kz) has used for years (see docs/whois.md).

Dotted leaders to column 23, dates as `YYYY-MM-DD HH:MM:SS (GMT+0:00)`, the classic misspelling
`Registar` kept because parsers match it. Additions that old parsers ignore: `Domain expires:`, the
`A-label` line of IDN names, and `% ` notices at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kzreg.registry.disclosure import redacted_fields
from kzreg.registry.reads.records import ContactRecord, DomainRecord, HostRecord, RegistrarRecord
from kzreg.whois.texts import LANGUAGE_ORDER, Notice, notice_lines

HEADER = (
    "Whois Server for the KZ top level domain name.\n"
    "This server is maintained by KazNIC Organization, a ccTLD manager for Kazakhstan Republic.\n"
)
NOTHING_FOUND = "*** Nothing found for this query."
REDACTED = "REDACTED FOR PRIVACY"
LEADER_WIDTH = 23
STATUS_INDENT = " " * len("Domain status : ")

STATUS_TEXT = {
    "active": "Normal state.",
    "hold": "On hold: visible in WHOIS, not delegated.",
    "suspended": "Suspended: delegation removed by the registrar or the registry.",
    "pending_delete": "Pending delete: deleted after the grace period unless renewed.",
    "expired": "Registration period is over; not delegated.",
    "client_hold": "Held by the sponsoring registrar: not delegated.",
    "pending_transfer": "Another registrar asked for the domain: a transfer awaits its decision.",
}


def field(label: str, value: str) -> str:
    """`Name...................: value`, the leader filled with dots to the colon column."""
    return f"{label.ljust(LEADER_WIDTH, '.')}: {value}"


def when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") + " (GMT+0:00)"


class _Contact:
    """A contact's fields with the disclosure rule applied (registry.disclosure: one rule for all)."""

    def __init__(self, contact: ContactRecord):
        self.contact = contact
        self.hidden = set(redacted_fields(contact))  # type: ignore[arg-type]  # duck-typed: kind, disclose

    def get(self, name: str) -> str:
        if name in self.hidden:
            return REDACTED
        value = getattr(self.contact, name)
        return ", ".join(value) if isinstance(value, tuple) else value


def _notices(redacted: bool, languages: tuple[str, ...]) -> list[str]:
    return ["", *notice_lines(Notice.REDACTED, languages)] if redacted else []


def render_domain(
    domain: DomainRecord, at: dt.datetime, languages: tuple[str, ...] = LANGUAGE_ORDER
) -> tuple[str, bool]:
    """The domain's WHOIS text as of `at`; also whether any personal data was withheld."""
    holder, admin = _Contact(domain.registrant), _Contact(domain.admin)
    lines = [HEADER, field("Domain Name", domain.unicode_name)]
    if domain.unicode_name != domain.name:
        lines.append(field("A-label", domain.name))
    lines += [
        "",
        "Organization Using Domain Name",
        field("Name", holder.get("name")),
        field("Organization Name", holder.get("organisation")),
        field("Street Address", holder.get("address")),
        field("City", holder.get("city")),
        field("State", holder.get("region")),
        field("Postal Code", holder.get("postal_code")),
        field("Country", holder.get("country_code")),
        "",
        "Administrative Contact/Agent",
        field("NIC Handle", domain.admin.handle),
        field("Name", admin.get("name")),
        field("Phone Number", admin.get("phones")),
        field("Fax Number", admin.get("faxes")),
        field("Email Address", admin.get("emails")),
        "",
        "Nameserver in listed order",
    ]
    for position, host in enumerate(domain.nameservers):
        kind = "Primary" if position == 0 else "Secondary"
        lines += ["", field(f"{kind} server", host.name), field(f"{kind} ip address", ", ".join(host.addresses))]
    lines += [
        "",
        "",
        f"Domain created: {when(domain.created_at)}",
        f"Last modified : {when(domain.updated_at)}",
        f"Domain expires: {when(domain.expires_at)}",
        *_status_lines(domain.statuses(at)),
        STATUS_INDENT,
        f"Registar created: {domain.creating_registrar}",
        f"Current Registar: {domain.registrar}",
    ]
    if domain.reseller_name:  # ICANN RDDS: after the registrar lines, omitted when there is none
        lines.append(f"Reseller: {domain.reseller_name}")
    redacted = bool(holder.hidden or admin.hidden)
    return _join([*lines, *_notices(redacted, languages)]), redacted


def _status_lines(words: Iterable[str]) -> list[str]:
    lines = []
    for i, word in enumerate(words):
        prefix = "Domain status : " if i == 0 else STATUS_INDENT
        lines.append(f"{prefix}{word} - {STATUS_TEXT.get(word, '')}".rstrip())
    return lines


def render_contact(contact: ContactRecord, languages: tuple[str, ...] = LANGUAGE_ORDER) -> str:
    shown = _Contact(contact)
    lines = [
        HEADER,
        field("NIC Handle", contact.handle),
        field("Contact Type", "role" if contact.kind == "R" else "individual"),
        field("Name", shown.get("name")),
        field("Organization Name", shown.get("organisation")),
        field("Street Address", shown.get("address")),
        field("City", shown.get("city")),
        field("State", shown.get("region")),
        field("Postal Code", shown.get("postal_code")),
        field("Country", shown.get("country_code")),
        field("Phone Number", shown.get("phones")),
        field("Fax Number", shown.get("faxes")),
        field("Email Address", shown.get("emails")),
        "",
        f"Contact created: {when(contact.created_at)}",
        f"Last modified  : {when(contact.updated_at)}",
    ]
    return _join([*lines, *_notices(bool(shown.hidden), languages)])


def render_host(host: HostRecord) -> str:
    lines = [HEADER, field("Host Name", host.unicode_name)]
    if host.unicode_name != host.name:
        lines.append(field("A-label", host.name))
    lines += [
        field("IP Address", ", ".join(host.addresses)),
        "",
        f"Host created  : {when(host.created_at)}",
        f"Last modified : {when(host.updated_at)}",
        f"Current Registar: {host.registrar}",
    ]
    return _join(lines)


def render_registrar(registrar: RegistrarRecord) -> str:
    lines = [
        HEADER,
        field("Registrar Handle", registrar.handle),
        field("Registrar Name", registrar.name),
        field("Email Address", registrar.email),
        field("Phone Number", registrar.phone),
        field("Referral URL", registrar.url),
        field("Registrar WHOIS", registrar.whois_server),
        "",
        f"Registrar created: {when(registrar.created_at)}",
    ]
    return _join(lines)


def render_not_found() -> str:
    return _join([HEADER, NOTHING_FOUND])


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
