"""The personal-data view log (PS-8, C4): every view of a registrant's personal data by registrar staff
or a reseller's user is a `PersonalDataView` row; a registrant's data-access report lists them.

A registrant looking at its own data is not logged (it is no disclosure), nor are registry staff in the
registry's back-office (the registry's own audit covers them). `registrar.access.access_customer_by_id`
calls `log_view` when its caller names the page or endpoint (`via`); an endpoint that shows a registry
contact's data without a customer row calls it with the contact's handle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kzreg.accounts.models import PersonalDataView
from kzreg.core import clock

# What a customer row shows of a person: every field that is personal data (R18).
PERSONAL_FIELDS = (
    "name", "organisation", "address", "city", "region", "postal_code", "country_code", "email", "phone",
)  # fmt: skip


def logged(user) -> bool:
    """Whether this user's views are logged: registrar staff and resellers' users."""
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    return profile is not None and profile.organisation in ("registrar", "reseller")


def organisation_of(user) -> str:
    profile = user.staff_profile
    if profile.organisation == "reseller" and profile.reseller is not None:
        return f"reseller {profile.reseller.handle} ({profile.reseller.name})"
    registrar = profile.registrar.handle if profile.registrar is not None else ""
    return f"registrar {registrar}".strip()


def log_view(
    user, via: str, *, customer=None, contact_handle: str = "", fields: Sequence[str] = PERSONAL_FIELDS,
) -> PersonalDataView | None:  # fmt: skip
    """Writes one view row (None when this user's views are not logged, or nothing names the subject)."""
    if not logged(user) or not via or (customer is None and not contact_handle):
        return None
    return PersonalDataView.objects.create(
        user=user, username=user.get_username(), organisation=organisation_of(user)[:200], at=clock.now(),
        customer=customer, customer_key=customer.pk if customer is not None else None,
        contact_handle=contact_handle or (customer.contact_handle if customer is not None else ""),
        fields=",".join(fields)[:300], via=via[:200],
    )  # fmt: skip


@dataclass(frozen=True)
class ViewLine:
    at: dt.datetime
    username: str
    organisation: str
    fields: str
    via: str


def data_access_report(customer) -> list[ViewLine]:
    """Who saw this customer's data (by its id, or the registry contact it maps to), newest first."""
    rows = PersonalDataView.objects.filter(customer_key=customer.pk)
    if customer.contact_handle:
        rows = rows | PersonalDataView.objects.filter(contact_handle=customer.contact_handle)
    return [ViewLine(r.at, r.username, r.organisation, r.fields, r.via) for r in rows.order_by("-at", "-id")]
