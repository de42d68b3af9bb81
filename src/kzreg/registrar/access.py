"""The one place tenant-scoped reads of the registrar wing are decided (Zulip's `access_<object>_by_<key>`).

Every page and endpoint of the registrar wing reads services, customers, orders, resellers, users,
invoices and balances through these functions, never through `Model.objects` (PS-8, C4):

- a missing permission (`accounts.roles`) raises `PermissionDenied` before any row is read;
- a row of another tenant, or one that does not exist, raises `Http404`: the same answer either way, so
  ids of other tenants reveal nothing;
- registrar staff see their registrar's rows (what their roles allow), a reseller's users their
  reseller's, a registrant (a user linked to customers: `accounts.RegistrantLink`) the services and
  customers it is, with view, and on its own services the domain actions its registrar allows
  (`access_service_for_action`); anyone else (registry staff, users without a profile) is refused.

A customer read with `via` (the page or endpoint) by staff or a reseller's user is logged as a view of
personal data (`accounts.personal_data`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from kzreg.accounts.models import PersonalDataView
from kzreg.accounts.personal_data import PERSONAL_FIELDS, log_view
from kzreg.accounts.roles import DomainAction, Permission, PermissionMissing, profile_of, require, require_action
from kzreg.billing.books import prepaid_account, reseller_deposit
from kzreg.billing.models import Account, Invoice, OwnerKind
from kzreg.registrar.actions import Seller, a_label
from kzreg.registrar.charging import registrar_of
from kzreg.registrar.models import Customer, Order, Service
from kzreg.resellers.models import Reseller


def _profile(user) -> Any:
    """The profile of a user of the registrar wing, or PermissionDenied."""
    profile = profile_of(user)
    if profile is None or profile.organisation not in ("registrar", "reseller", "registrant"):
        raise PermissionMissing(Permission.VIEW)
    if profile.organisation == "registrar" and profile.registrar_id is None:
        raise PermissionMissing(Permission.VIEW)
    if profile.organisation == "reseller" and profile.reseller_id is None:
        raise PermissionMissing(Permission.VIEW)
    return profile


def _registrar_handle(profile) -> str:
    return profile.registrar.handle if profile.organisation == "registrar" else profile.reseller.registrar.handle


def seller_of(user) -> Seller:
    """Who the user sells as: registrar staff its registrar, a reseller's user its reseller."""
    profile = _profile(user)
    if profile.organisation == "registrar":
        return Seller(profile.registrar.handle, None, user.get_username())
    if profile.organisation == "reseller":
        return Seller(profile.reseller.registrar.handle, profile.reseller, user.get_username())
    raise PermissionMissing(Permission.ORDER)


def _scoped(user, model: type[Service] | type[Customer] | type[Order], permission: Permission) -> QuerySet[Any]:
    require(user, permission)
    profile = _profile(user)
    rows: QuerySet[Any] = model.objects.all()
    if profile.organisation == "registrar":
        return rows.filter(registrar_handle=profile.registrar.handle)
    if profile.organisation == "reseller":
        if model is Order:
            return rows.filter(payer=f"reseller:{profile.reseller_id}")
        return rows.filter(reseller_id=profile.reseller_id)
    if model is Customer:
        return rows.filter(registrant_links__user=user)
    if model is Service:
        return rows.filter(customer__registrant_links__user=user)
    return rows.filter(service__customer__registrant_links__user=user)


def services_visible_to(user, permission: Permission = Permission.VIEW) -> QuerySet[Service]:
    return _scoped(user, Service, permission)


def customers_visible_to(user, permission: Permission = Permission.VIEW) -> QuerySet[Customer]:
    return _scoped(user, Customer, permission)


def orders_visible_to(user, permission: Permission = Permission.VIEW) -> QuerySet[Order]:
    return _scoped(user, Order, permission)


def access_service_by_name(user, name: str, permission: Permission = Permission.VIEW) -> Service:
    """`name` as A-label or U-label."""
    rows = services_visible_to(user, permission)
    service = rows.filter(name=a_label(name)).first()
    if service is None:
        raise Http404(name)
    return service


def access_service_for_action(user, name: str, action: DomainAction) -> tuple[Service, Seller]:
    """The service `user` may do `action` to, and the seller the order is placed as (`registrar.actions`).

    Staff and resellers' users: the order permission, their tenant's service, and `seller_of`. A registrant:
    the action allowed by its registrar (`accounts.roles.registrant_actions`), one of the services it is
    the customer of, placed as that service's own seller (its reseller, or the registrar for its own
    customers) with the registrant named as principal — so a renewal is paid exactly as when the reseller
    orders it (the reseller's deposit; a registrar's own customer's account), and nothing else can be
    reached. 403 before any row is read; another's service (or none) 404."""
    require_action(user, action)
    profile = _profile(user)
    if profile.organisation != "registrant":
        return access_service_by_name(user, name, Permission.ORDER), seller_of(user)
    service = access_service_by_name(user, name)
    return service, Seller(service.registrar_handle, service.reseller, f"registrant:{user.get_username()}")


def access_customer_by_id(
    user, customer_id: int, permission: Permission = Permission.VIEW, via: str = "",
    fields: Sequence[str] = PERSONAL_FIELDS,
) -> Customer:  # fmt: skip
    """The customer; with `via`, a view of its personal data (`fields`) by staff or a reseller is logged."""
    rows = customers_visible_to(user, permission)
    customer = rows.filter(pk=_int(customer_id)).first()
    if customer is None:
        raise Http404(str(customer_id))
    if via:
        log_view(user, via, customer=customer, fields=fields)
    return customer


def access_order_by_id(user, order_id: int) -> Order:
    order = orders_visible_to(user).filter(pk=_int(order_id)).first()
    if order is None:
        raise Http404(str(order_id))
    return order


def access_reseller_by_id(user, reseller_id: int) -> Reseller:
    """Registrar staff: any reseller of its registrar; a reseller's user: its own."""
    require(user, Permission.VIEW)
    profile = _profile(user)
    if profile.organisation == "registrar":
        rows = Reseller.objects.filter(registrar_id=profile.registrar_id)
    elif profile.organisation == "reseller":
        rows = Reseller.objects.filter(pk=profile.reseller_id)
    else:
        raise PermissionMissing(Permission.USERS)
    reseller = rows.filter(pk=_int(reseller_id)).first()
    if reseller is None:
        raise Http404(str(reseller_id))
    return reseller


def resellers_visible_to(user) -> QuerySet[Reseller]:
    """Registrar staff: its registrar's resellers; a reseller's user: its own (needs view)."""
    require(user, Permission.VIEW)
    profile = _profile(user)
    if profile.organisation == "registrar":
        return Reseller.objects.filter(registrar_id=profile.registrar_id)
    if profile.organisation == "reseller":
        return Reseller.objects.filter(pk=profile.reseller_id)
    raise PermissionMissing(Permission.USERS)


def personal_data_views_visible_to(user) -> QuerySet[PersonalDataView]:
    """The log of views of personal data (PS-8, C4) of the customers of the staff member's registrar;
    registrar staff only (compliance reads it: view)."""
    require(user, Permission.VIEW)
    profile = _profile(user)
    if profile.organisation != "registrar":
        raise PermissionMissing(Permission.USERS)
    return PersonalDataView.objects.filter(customer__registrar_handle=profile.registrar.handle)


def users_visible_to(user) -> QuerySet:
    """The users of the same tenant (the registrar's staff, or the reseller's users); needs USERS."""
    require(user, Permission.USERS)
    profile = _profile(user)
    rows = get_user_model().objects.select_related("staff_profile")
    if profile.organisation == "registrar":
        return rows.filter(staff_profile__organisation="registrar", staff_profile__registrar_id=profile.registrar_id)
    return rows.filter(staff_profile__organisation="reseller", staff_profile__reseller_id=profile.reseller_id)


def access_user_by_id(user, user_id: int) -> Any:
    found = users_visible_to(user).filter(pk=_int(user_id)).first()
    if found is None:
        raise Http404(str(user_id))
    return found


def invoices_visible_to(user) -> QuerySet[Invoice]:
    """Registrar staff (pay): its registrar's book. A reseller's user (pay): its own book, and the
    invoices its registrar issued to it. A registrant: invoices to the customers it is."""
    profile = _profile(user)
    if profile.organisation == "registrant":
        require(user, Permission.VIEW)
        scope = Q(pk__in=[])
        for customer in Customer.objects.filter(registrant_links__user=user).select_related("reseller"):
            if customer.reseller is not None:
                book = Q(book__owner_kind=OwnerKind.RESELLER, book__owner_key=str(customer.reseller_id))
            else:
                registrar_id = registrar_of(customer.registrar_handle).pk
                book = Q(book__owner_kind=OwnerKind.REGISTRAR, book__owner_key=str(registrar_id))
            scope |= book & Q(buyer_key__in=[f"customer:{customer.pk}", f"registrant:{customer.pk}"])
        return Invoice.objects.filter(scope)
    require(user, Permission.PAY)
    if profile.organisation == "registrar":
        return Invoice.objects.filter(book__owner_kind=OwnerKind.REGISTRAR, book__owner_key=str(profile.registrar_id))
    reseller = profile.reseller
    own = Q(book__owner_kind=OwnerKind.RESELLER, book__owner_key=str(reseller.pk))
    bought = Q(book__owner_kind=OwnerKind.REGISTRAR, book__owner_key=str(reseller.registrar_id),
               buyer_key=str(reseller.pk))  # fmt: skip
    return Invoice.objects.filter(own | bought)


def access_invoice_by_number(user, number: str) -> Invoice:
    """An invoice or credit note by its number; the invoices addressed to the tenant come first when its
    own book has one with the same number."""
    rows = invoices_visible_to(user).filter(number=(number or "").strip().upper()).select_related("book")
    found = sorted(rows, key=lambda i: (i.book.owner_kind != OwnerKind.REGISTRAR, i.pk))
    if not found:
        raise Http404(number)
    return found[0]


def account_of(user) -> Account:
    """The seller's prepaid account: a reseller's deposit in its registrar's book, the registrar's deposit
    at the registry for registrar staff. Needs pay; Http404 while none is open."""
    require(user, Permission.PAY)
    profile = _profile(user)
    if profile.organisation == "registrar":
        account = prepaid_account(profile.registrar_id)
    elif profile.organisation == "reseller":
        account = reseller_deposit(profile.reseller)
    else:
        raise PermissionMissing(Permission.PAY)
    if account is None:
        raise Http404("account")
    return account


def _int(value: object) -> int:
    """An id from a URL or a JSON body; anything that is not one is simply not found."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise Http404(str(value)) from None
    if not 0 < number < 2**63:
        raise Http404(str(value))
    return number
