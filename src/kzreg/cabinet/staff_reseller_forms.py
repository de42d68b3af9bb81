"""The registrar staff's reseller forms (S1, S8, PS-1.1, PS-8): create a reseller, edit its contract
data, suspend/reactivate it (a confirmation first), put it in a wholesale price group.

Staff with the administration role only (`resellers.management.staff_actor`: anyone else gets 403, a
reseller's user already at `staff_only`); the reseller is read through `registrar.access`, so another
registrar's is a 404; every change goes through `resellers.management`, which writes the reseller's
history. A refused form comes back as typed with each problem beside its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.order_forms import Typed, read
from kzreg.cabinet.staff_pages import render_reseller
from kzreg.cabinet.staff_period import staff_only
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar.access import access_reseller_by_id
from kzreg.resellers import management
from kzreg.resellers.models import Reseller

FIELDS = (
    ("handle", "resellers.handle", "text", "resellers.handle_hint"),
    ("name", "resellers.name", "text", ""),
    ("legal_name", "resellers.legal_name", "text", ""),
    ("bin", "resellers.bin", "text", "resellers.bin_hint"),
    ("email", "resellers.email", "email", ""),
    ("phone", "resellers.phone", "tel", ""),
    ("website", "resellers.website", "url", ""),
    ("contract_number", "resellers.contract_number", "text", ""),
    ("contract_signed_at", "resellers.signed", "date", ""),
    ("contract_ends_at", "resellers.ends", "date", "resellers.ends_hint"),
)


def _managed(request: HttpRequest) -> tuple[management.Actor, Reseller]:
    """The actor (administration role, else 403) and the reseller of `?reseller=` (not its registrar's: 404)."""
    staff_only(request.user)
    actor = management.staff_actor(request.user)
    return actor, access_reseller_by_id(request.user, as_id(request.GET.get("reseller", "")))


def _page_of(reseller: Reseller) -> HttpResponse:
    return redirect(f"{reverse('cabinet:staff_reseller')}?reseller={reseller.pk}")


def _form(request: HttpRequest, form: Typed, reseller: Reseller | None, status: int = 200) -> HttpResponse:
    fields = [f for f in FIELDS if reseller is None or f[0] != "handle"]
    context = {"filters": form, "reseller": reseller, "fields": fields}
    return render(request, "cabinet/pages/staff_reseller_form.html", context, status=status)


@cabinet_page
def reseller_new(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    actor = management.staff_actor(request.user)
    if request.method != "POST":
        return _form(request, Typed({name: "" for name in management.CREATE_FIELDS}), None)
    form = read(request, management.CREATE_FIELDS)
    try:
        reseller = management.create_reseller(actor, actor.registrar_id or 0, form.values)
    except OperationFailed as failure:
        form.take(failure, management.CREATE_FIELDS)
        return _form(request, form, None, status=400)
    messages.success(request, text("resellers.created", handle=reseller.handle))
    return _page_of(reseller)


@cabinet_page
def reseller_contract(request: HttpRequest) -> HttpResponse:
    actor, reseller = _managed(request)
    if request.method != "POST":
        values = {name: getattr(reseller, name) for name in management.CONTRACT_FIELDS}
        typed = {
            name: (value.isoformat() if hasattr(value, "isoformat") else value or "") for name, value in values.items()
        }
        return _form(request, Typed(typed), reseller)
    form = read(request, management.CONTRACT_FIELDS)
    try:
        management.change_contract(actor, reseller, form.values)
    except OperationFailed as failure:
        form.take(failure, management.CONTRACT_FIELDS)
        return _form(request, form, reseller, status=400)
    messages.success(request, text("resellers.saved", handle=reseller.handle))
    return _page_of(reseller)


@cabinet_page
@require_POST
def reseller_status(request: HttpRequest) -> HttpResponse:
    """Suspends (`active=0`) or reactivates (`active=1`); the form asks for a confirmation first."""
    actor, reseller = _managed(request)
    active = request.POST.get("active") == "1"
    try:
        management.set_active(actor, reseller, active)
    except OperationFailed as failure:
        messages.error(request, "; ".join(failure.render(current_language())))
        return _page_of(reseller)
    messages.success(
        request, text("resellers.reactivated" if active else "resellers.suspended", handle=reseller.handle)
    )
    return _page_of(reseller)


@cabinet_page
@require_POST
def reseller_group(request: HttpRequest) -> HttpResponse:
    actor, reseller = _managed(request)
    form = read(request, ("group",))
    try:
        management.set_price_group(actor, reseller, form.values["group"])
    except OperationFailed as failure:
        form.take(failure, ("group",))
        return render_reseller(request, reseller, group_form=form, status=400)
    messages.success(request, text("resellers.group_set", handle=reseller.handle))
    return _page_of(reseller)
