"""Adding and editing a registrant (a customer of the seller) through `registrar.customers`: a new one
needs the registrant's consent to the processing of its data (R18), recorded with the time it was given;
an edit changes the registry contact first (`update_customer`: refused there, nothing changes here).
Opening the edit form is a view of personal data and is logged like the registrant's page (PS-8)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import Permission, require
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.order_forms import Typed, read
from kzreg.cabinet.texts import LANGUAGES, current_language, text
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar.access import access_customer_by_id, seller_of
from kzreg.registrar.connection import RegistryError, open_connection
from kzreg.registrar.customers import EDITABLE, CustomerData, create_customer, update_customer
from kzreg.registrar.models import Customer

FIELDS = (*EDITABLE, "consent")
VIA = "page:cabinet:registrant_edit"


def _data(typed: Typed, consent_at: object) -> CustomerData:
    values = {name: typed.values[name] for name in EDITABLE}
    return CustomerData(**values, consent_at=consent_at)  # type: ignore[arg-type]


def _take(typed: Typed, failure: OperationFailed) -> None:
    lang = current_language()
    for problem in failure.problems:
        name = "consent" if problem.field == "consent_at" else problem.field
        typed.add(name if name in FIELDS else "", problem.message(lang))


def _form(request: HttpRequest, typed: Typed, customer: Customer | None, status: int = 200) -> HttpResponse:
    context = {"filters": typed, "customer": customer, "languages": LANGUAGES}
    return render(request, "cabinet/pages/ops_registrant_form.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def registrant_new_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ORDER)
    seller = seller_of(request.user)
    typed = read(request, FIELDS)
    if request.method != "POST":
        typed.values.update(kind=typed.values["kind"] or "I", country_code="KZ", language=current_language())
        return _form(request, typed, None)
    consent_at = clock.now() if typed.values["consent"] == "on" else None
    try:
        customer = create_customer(_data(typed, consent_at), seller.registrar_handle, seller.reseller)
    except OperationFailed as failure:
        _take(typed, failure)
        return _form(request, typed, None, status=400)
    messages.success(request, text("ops.registrant_added", name=customer.organisation or customer.name))
    return redirect("cabinet:registrant", customer_id=customer.pk)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def registrant_edit_page(request: HttpRequest, customer_id: str) -> HttpResponse:
    customer = access_customer_by_id(request.user, as_id(customer_id), Permission.ORDER, via=VIA)
    typed = read(request, FIELDS)
    if request.method != "POST":
        typed.values.update({name: str(getattr(customer, name)) for name in EDITABLE})
        return _form(request, typed, customer)
    try:
        conn = open_connection(f"cabinet:{request.user.get_username()}")
    except RegistryError:
        typed.add("", text("search.unavailable"))
        return _form(request, typed, customer, status=400)
    try:
        update_customer(conn, customer, _data(typed, customer.consent_at))
    except OperationFailed as failure:
        _take(typed, failure)
        return _form(request, typed, customer, status=400)
    finally:
        conn.close()
    messages.success(request, text("ops.registrant_saved", name=customer.organisation or customer.name))
    return redirect("cabinet:registrant", customer_id=customer.pk)
