"""What the public read side (WHOIS, RDAP, web lookup) may show of a contact (R18, C4).

One rule for every channel: a role contact's data (an organisation's) is public; an individual's
personal data is shown only with the individual's consent to publication, unless the operator turned
redaction off (`KZREG_REDACT_INDIVIDUALS=0`).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from kzreg.registry.models import ContactKind

# Fields that identify or locate a person; an individual's are withheld without consent.
PERSONAL_FIELDS = ("name", "address", "city", "postal_code", "phones", "faxes", "emails")


class Publishable(Protocol):
    """What the rule reads of a contact: a `Contact`, a read view or a probe."""

    @property
    def kind(self) -> str: ...
    @property
    def disclose(self) -> bool: ...


def may_publish_personal_data(contact: Publishable) -> bool:
    if contact.kind == ContactKind.ROLE:
        return True
    if contact.disclose:
        return True
    return not settings.KZREG.get("REDACT_INDIVIDUALS", True)


def redacted_fields(contact: Publishable) -> tuple[str, ...]:
    """The fields to withhold (and mark as redacted) for this contact; empty when all may be shown."""
    return () if may_publish_personal_data(contact) else PERSONAL_FIELDS
