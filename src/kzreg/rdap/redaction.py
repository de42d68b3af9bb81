"""RFC 9537 `redacted` entries for the personal fields `kzreg.registry.disclosure` withholds.

Paths are JSONPath (RFC 9535) into the response: `prePath` for removed properties, `postPath` for
emptied values. An entity is found by its handle, which stays public, so paths hold when one contact has
several roles and inside search results. Names use the IANA-registered redacted-name types where one exists (Registrant and Tech),
and a description otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kzreg.rdap.texts import REDACTION_REASON

EMPTY_VALUE = "emptyValue"
REMOVAL = "removal"

# disclosure field → (name suffix, method, JSONPath inside vcardArray[1])
FIELDS: dict[str, tuple[str, str, str]] = {
    "name": ("Name", EMPTY_VALUE, "[?(@[0]=='fn')][3]"),
    "address": ("Street", EMPTY_VALUE, "[?(@[0]=='adr')][3][2]"),
    "city": ("City", EMPTY_VALUE, "[?(@[0]=='adr')][3][3]"),
    "postal_code": ("Postal Code", EMPTY_VALUE, "[?(@[0]=='adr')][3][5]"),
    "phones": ("Phone", REMOVAL, "[?(@[1].type=='voice')]"),
    "faxes": ("Fax", REMOVAL, "[?(@[1].type=='fax')]"),
    "emails": ("Email", REMOVAL, "[?(@[0]=='email')]"),
}

ROLE_PREFIX = {"registrant": "Registrant", "technical": "Tech", "administrative": "Admin", "billing": "Billing"}
REGISTERED_NAMES = frozenset(
    {
        "Registrant Name",
        "Registrant Street",
        "Registrant City",
        "Registrant Postal Code",
        "Registrant Phone",
        "Registrant Fax",
        "Registrant Email",
        "Tech Name",
        "Tech Phone",
        "Tech Email",
    }
)


def entity_path(within: str, handle: str) -> str:
    """JSONPath of the entity with this handle among the `entities` of the object at `within`."""
    return f"{within}.entities[?(@.handle=='{handle}')]"


def redactions(hidden: Iterable[str], roles: Iterable[str], path: str) -> list[dict[str, Any]]:
    """One entry per withheld field and role of the entity at JSONPath `path`."""
    base = path + ".vcardArray[1]"
    prefixes = [ROLE_PREFIX.get(role, role.capitalize()) for role in roles] or ["Contact"]
    entries: list[dict[str, Any]] = []
    for field in hidden:
        label, method, path = FIELDS.get(field, (field.replace("_", " ").title(), REMOVAL, ""))
        for prefix in prefixes:
            full = f"{prefix} {label}"
            entry: dict[str, Any] = {
                "name": {"type": full} if full in REGISTERED_NAMES else {"description": full},
                "method": method,
                "reason": {"description": REDACTION_REASON},
            }
            if path:
                entry["postPath" if method == EMPTY_VALUE else "prePath"] = base + path
                entry["pathLang"] = "jsonpath"
            entries.append(entry)
    return entries
