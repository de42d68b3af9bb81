"""Adding people, granting permissions (never more than the granter has), deactivating, registrants, the
audit, and `kzreg user …` / `kzreg customer access-report` (issue 12 §People and permissions, PS-8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from kzreg.accounts import people
from kzreg.accounts.models import LoginSession, PeopleEvent, RegistrantLink
from kzreg.accounts.problems import AccountsCode
from kzreg.accounts.roles import Permission, PermissionMissing, permissions_of, require
from kzreg.cli import main
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.notify.models import OutboxMessage
from kzreg.registrar import access
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_an_administrator_adds_a_user_with_some_permissions_and_it_is_mailed_a_link(two_tenants, settings):
    settings.PUBLIC_URL = "https://registrar.example.kz"
    a = two_tenants.a
    clerk = people.add_user(a.admin, username="altyn-clerk", email="clerk@altyn.kz", language="ru",
                            permissions=["view", "order"])  # fmt: skip
    assert permissions_of(clerk) == {Permission.VIEW, Permission.ORDER}
    assert access.access_user_by_id(a.admin, clerk.pk) == clerk
    assert access.seller_of(clerk).reseller == a.reseller
    assert not clerk.has_usable_password() and not clerk.is_staff
    mail = OutboxMessage.objects.get(to=["clerk@altyn.kz"])
    assert mail.subject == "Для вас создана учётная запись" and "https://registrar.example.kz/account/" in mail.body
    event = PeopleEvent.objects.get(action="user_added", target="altyn-clerk")
    assert event.principal == "altyn-admin" and event.detail["permissions"] == ["view", "order"]


def test_nobody_grants_more_than_it_has(two_tenants):
    a = two_tenants.a
    manager = people.add_user(a.admin, username="altyn-manager", email="m@altyn.kz", permissions=["view", "users"],
                              send_mail=False)  # fmt: skip
    with pytest.raises(OperationFailed) as refused:
        people.add_user(manager, username="altyn-payer", email="p@altyn.kz", permissions=["view", "pay"])
    assert [(p.field, p.code, p.params) for p in refused.value.problems] == [
        ("permissions", AccountsCode.PERMISSION_EXCEEDS, {"value": "pay"})
    ]
    with pytest.raises(OperationFailed) as refused:
        people.add_user(manager, username="altyn-boss", email="b@altyn.kz", administrator=True)
    assert AccountsCode.ADMINISTRATOR_ONLY in refused.value.codes
    with pytest.raises(OperationFailed) as refused:
        people.set_permissions(manager, a.viewer.pk, ["view", "tokens"])
    assert refused.value.codes == {AccountsCode.PERMISSION_EXCEEDS}
    with pytest.raises(OperationFailed) as refused:
        people.set_permissions(manager, a.admin.pk, ["view"])
    assert AccountsCode.ADMINISTRATOR_ONLY in refused.value.codes
    people.set_permissions(manager, a.viewer.pk, ["view", "users"])
    assert permissions_of(fresh(a.viewer)) == {Permission.VIEW, Permission.USERS}
    assert not PeopleEvent.objects.filter(target__in=["altyn-payer", "altyn-boss"]).exists(), "nothing half done"


def test_bad_input_names_every_field_in_every_language(two_tenants):
    with pytest.raises(OperationFailed) as refused:
        people.add_user(two_tenants.a.admin, username="x", email="not-mail", language="de", permissions=["fly"])
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("username", AccountsCode.USERNAME_INVALID), ("email", Code.INVALID_EMAIL), ("language", Code.INVALID_CHOICE),
        ("permissions", AccountsCode.PERMISSION_UNKNOWN),
    }  # fmt: skip
    assert "нет такого права: fly" in " ".join(refused.value.render("ru"))
    with pytest.raises(OperationFailed) as refused:
        people.add_user(two_tenants.a.admin, username="sibhost-admin", email="a@b.kz")
    assert refused.value.codes == {AccountsCode.USERNAME_TAKEN}


def test_another_tenants_user_is_not_found_and_a_viewer_may_not_manage_users(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    for change in (
        lambda: people.set_permissions(a.admin, b.viewer.pk, ["view"]),
        lambda: people.deactivate(a.admin, b.viewer.pk),
        lambda: people.set_roles(a.admin, two_tenants.registrar_staff.pk, ["support"]),
    ):
        with pytest.raises(Http404):
            change()
    with pytest.raises(PermissionMissing) as denied:
        people.add_user(a.viewer, username="sneaky", email="s@altyn.kz")
    assert denied.value.messages["kk"].startswith("Бұл әрекетке «пайдаланушыларды басқару» рұқсаты")
    assert "manage users" in denied.value.messages["en"] and "управление пользователями" in denied.value.messages["ru"]
    with pytest.raises(PermissionDenied):
        people.add_registrant(two_tenants.registrant, a.customer.pk, username="r2")


def test_registrar_staff_add_staff_with_roles_within_their_own(two_tenants):
    staff = two_tenants.registrar_staff
    clerk = people.add_user(staff, username="ps-support", email="support@ps.kz", roles=["support"], send_mail=False)
    assert permissions_of(clerk) == {Permission.VIEW, Permission.ORDER} and clerk.is_staff
    people.set_roles(staff, clerk.pk, ["compliance"])
    assert permissions_of(fresh(clerk)) == {Permission.VIEW}
    with pytest.raises(OperationFailed) as refused:
        people.set_roles(staff, clerk.pk, ["janitor"])
    assert refused.value.codes == {AccountsCode.ROLE_UNKNOWN}


def test_a_clerk_without_the_users_permission_is_refused_before_anything(two_tenants):
    clerk = people.add_user(two_tenants.registrar_staff, username="ps-support", email="s@ps.kz", roles=["support"],
                            send_mail=False)  # fmt: skip
    with pytest.raises(PermissionDenied):
        people.add_user(clerk, username="ps-x", email="x@ps.kz", roles=["support"])
    with pytest.raises(PermissionDenied):
        require(clerk, Permission.PAY)


def test_deactivating_signs_the_user_out_everywhere(two_tenants):
    a = two_tenants.a
    a.viewer.set_password("a long secret 1234")
    a.viewer.save()
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.post("/account/login/", {"username": "altyn-viewer", "password": "a long secret 1234"})
    assert browser.get("/account/").status_code == 200
    with pytest.raises(OperationFailed) as refused:
        people.deactivate(a.admin, a.admin.pk)
    assert refused.value.codes == {AccountsCode.NOT_YOURSELF}
    people.deactivate(a.admin, a.viewer.pk)
    assert browser.get("/account/").status_code == 302
    assert not LoginSession.objects.filter(user=a.viewer, ended_at=None).exists()
    a.viewer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        access.services_visible_to(a.viewer)


def test_a_reseller_gives_its_customer_a_login(two_tenants):
    a = two_tenants.a
    user = people.add_registrant(a.admin, a.customer.pk, username="customer-a", send_mail=False)
    assert list(access.services_visible_to(user)) == [a.service]
    assert user.email == a.customer.email and user.staff_profile.language == a.customer.language
    with pytest.raises(Http404):
        people.add_registrant(a.admin, two_tenants.b.customer.pk, username="customer-b")


def test_cli_adds_people_and_links_a_registrant(two_tenants, capsys):
    b = two_tenants.b
    assert main(["user", "add", "sib-clerk", "--email", "c@sib.kz", "--reseller", "SIBHOST", "--permission",
                 "view", "--permission", "pay"]) == 0  # fmt: skip
    assert main(["user", "add", "ps-billing", "--email", "b@ps.kz", "--registrar", "PS-KZ", "--role", "billing"]) == 0
    assert main(["user", "add", "holder", "--email", "h@mail.kz", "--customer", str(b.customer.pk)]) == 0
    assert main(["user", "link", "holder", str(two_tenants.a.customer.pk)]) == 0
    assert main(["user", "roles", "ps-billing", "billing", "support"]) == 0
    assert main(["user", "permissions", "sib-clerk", "view"]) == 0
    assert main(["user", "show", "holder"]) == 0
    out = capsys.readouterr().out
    assert "organisation: registrant" in out and f"customer: {b.customer.pk}" in out
    assert RegistrantLink.objects.filter(user__username="holder").count() == 2
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert permissions_of(users.get(username="sib-clerk")) == {Permission.VIEW}
    assert permissions_of(users.get(username="ps-billing")) == {Permission.VIEW, Permission.PAY, Permission.ORDER}
    assert OutboxMessage.objects.filter(to=["h@mail.kz"]).count() == 1
    assert main(["user", "add", "x", "--email", "x@x.kz", "--reseller", "NOPE"]) == 1
    assert "reseller" in capsys.readouterr().err
    assert main(["user", "deactivate", "sib-clerk"]) == 0
    assert not users.get(username="sib-clerk").is_active


def test_cli_access_report_lists_the_views(two_tenants, capsys):
    t = two_tenants
    access.access_customer_by_id(t.b.admin, t.b.customer.pk, via="GET /api/v1/customers/2", fields=("email",))
    assert main(["customer", "access-report", str(t.b.customer.pk)]) == 0
    out = capsys.readouterr().out
    assert (
        "1 view(s)" in out
        and "sibhost-admin (reseller SIBHOST (Sibir Hosting))  email  via GET /api/v1/customers/2" in out
    )
    assert main(["customer", "access-report", "999999"]) == 1
