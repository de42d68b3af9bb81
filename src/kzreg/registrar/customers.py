"""Customers: the registrants a registrar or its resellers serve (R18: no customer without consent).

A customer becomes a registry contact the first time an order needs one (`contact_for`), through the
registry connection; the handle is kept on the customer and reused by every later order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registrar import order_rows
from kzreg.registrar.connection import (
    AnswerLost,
    ContactRequest,
    RegistryConnection,
    RegistryRefused,
    RegistryUnreachable,
)
from kzreg.registrar.models import Customer
from kzreg.registrar.problems import RegistrarCode
from kzreg.resellers.models import Reseller


@dataclass(frozen=True)
class CustomerData:
    kind: str  # "I" individual, "R" organisation
    name: str
    address: str
    city: str
    country_code: str
    email: str
    phone: str
    organisation: str = ""
    region: str = ""
    postal_code: str = ""
    language: str = "kk"
    consent_at: dt.datetime | None = None  # when the registrant consented (R18); required


REQUIRED = ("name", "address", "city", "country_code", "email", "phone")


def check(data: CustomerData) -> list[Problem]:
    problems = [Problem(name, Code.REQUIRED) for name in REQUIRED if not str(getattr(data, name)).strip()]
    if data.kind not in ("I", "R"):
        problems.append(Problem("kind", Code.INVALID_CHOICE, {"value": data.kind, "choices": "I, R"}))
    if data.kind == "R" and not data.organisation.strip():
        problems.append(Problem("organisation", Code.REQUIRED))
    if data.email.strip():
        try:
            validate_email(data.email.strip())
        except ValidationError:
            problems.append(Problem("email", Code.INVALID_EMAIL, {"value": data.email}))
    country = data.country_code.strip()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):  # the registry checks the list
        problems.append(Problem("country_code", Code.INVALID_COUNTRY, {"value": data.country_code}))
    if data.language not in ("kk", "ru", "en"):
        problems.append(Problem("language", Code.INVALID_CHOICE, {"value": data.language, "choices": "kk, ru, en"}))
    if data.consent_at is None:
        problems.append(Problem("consent_at", RegistrarCode.CONSENT_MISSING))
    return problems


def create_customer(data: CustomerData, registrar_handle: str, reseller: Reseller | None) -> Customer:
    """A new customer of the registrar (reseller None) or of a reseller; every problem at once."""
    problems = check(data)
    if problems or data.consent_at is None:
        raise OperationFailed(problems)
    return Customer.objects.create(
        registrar_handle=registrar_handle, reseller=reseller, kind=data.kind, name=data.name.strip(),
        organisation=data.organisation.strip(), address=data.address.strip(), city=data.city.strip(),
        region=data.region.strip(), postal_code=data.postal_code.strip(),
        country_code=data.country_code.strip().upper(), email=data.email.strip(), phone=data.phone.strip(),
        language=data.language, consent_at=data.consent_at, created_at=clock.now(),
    )  # fmt: skip


def customer_of(customer_id: int, registrar_handle: str, reseller: Reseller | None) -> Customer:
    """The customer, if it is this reseller's (or, for the registrar, any of its own registrar's)."""
    return checked(order_rows.customer_in(customer_id, registrar_handle), customer_id, reseller)


def checked(customer: Customer | None, customer_id: object, reseller: Reseller | None) -> Customer:
    """`customer_of`'s tenant check of a customer read as `order_rows.customer_in` reads it."""
    if customer is None or (reseller is not None and customer.reseller_id != reseller.pk):
        raise OperationFailed([Problem("customer", RegistrarCode.CUSTOMER_UNKNOWN, {"key": customer_id})])
    return customer


def contact_for(conn: RegistryConnection, customer: Customer) -> str:
    """The customer's registry contact handle, made now if it has none yet."""
    if customer.contact_handle:
        return customer.contact_handle
    role = customer.kind == "R"
    hint = f"R{customer.pk}-ORG" if role else f"RC{customer.pk}"
    request = contact_request(customer, hint)
    try:
        handle = conn.create_contact(request)
    except RegistryRefused as refused:
        if refused.code != 2302:
            raise
        # Our own id for this customer exists: an earlier try whose answer was lost made it.
        handle = hint
    Customer.objects.filter(pk=customer.pk).update(contact_handle=handle)
    customer.contact_handle = handle
    return handle


def contact_request(customer: Customer, hint: str = "") -> ContactRequest:
    """The registry contact's data, from the customer's."""
    return ContactRequest(
        kind=customer.kind,
        name=customer.name,
        organisation=customer.organisation,
        address=customer.address,
        city=customer.city,
        region=customer.region,
        postal_code=customer.postal_code,
        country_code=customer.country_code,
        email=customer.email,
        phone=customer.phone,
        language="en" if customer.language == "en" else "ru",
        handle_hint=hint,
    )


EDITABLE = ("kind", "name", "organisation", "address", "city", "region", "postal_code", "country_code", "email",
            "phone", "language")  # fmt: skip


def update_customer(conn: RegistryConnection, customer: Customer, data: CustomerData) -> Customer:
    """New contact data for a customer (the caller has checked it is the seller's, `customer_of`). Its
    registry contact is changed first: refused there, nothing changes here (every problem at once)."""
    problems = check(data)
    if problems or data.consent_at is None:
        raise OperationFailed(problems)
    values = {name: getattr(data, name).strip() if isinstance(getattr(data, name), str) else getattr(data, name)
              for name in EDITABLE}  # fmt: skip
    values["country_code"] = str(values["country_code"]).upper()
    changed = Customer(**{**{f: getattr(customer, f) for f in ("pk", "registrar_handle", "reseller_id")}, **values})
    if customer.contact_handle:
        try:
            conn.update_contact(customer.contact_handle, contact_request(changed))
        except (RegistryRefused, RegistryUnreachable, AnswerLost) as error:
            if isinstance(error, RegistryRefused):
                raise OperationFailed(list(error.problems)) from None
            problem = Problem("", RegistrarCode.REGISTRY_UNREACHABLE, {"reason": str(error)})
            raise OperationFailed([problem]) from None
    for name, value in values.items():
        setattr(customer, name, value)
    customer.consent_at = data.consent_at
    customer.save(update_fields=[*EDITABLE, "consent_at"])
    return customer
