"""Registrar staff manage resellers (S1, S8, PS-1.1, PS-8): create, contract data, suspend/reactivate,
wholesale price group; only the administration role, only its own registrar's resellers; each change an
append-only `ResellerEvent` with before/after; problems name the field in kk/ru/en; a suspended reseller
places no orders (the registrar wing refuses them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from kzreg.accounts.roles import RegistrarRole
from kzreg.billing.models import ResellerGroupMember
from kzreg.billing.price_lists import create_group
from kzreg.cli import main
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.actions import Seller
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.problems import RegistrarCode
from kzreg.resellers import management
from kzreg.resellers.models import Reseller, ResellerEvent
from tests.tenants import LOCATION, NS, REGISTRAR, make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
NEW = {"handle": "qazweb", "name": "QazWeb", "legal_name": "QazWeb LLP", "bin": "123456789012",
       "email": "info@qazweb.kz", "phone": "+7 727 2501234", "website": "https://qazweb.kz",
       "contract_number": "PS-R-20/2026", "contract_signed_at": "2026-03-01", "contract_ends_at": ""}  # fmt: skip


@pytest.fixture(name="admin")
def admin_actor(two_tenants):
    return management.staff_actor(two_tenants.registrar_staff)


def test_staff_create_a_reseller_and_the_event_says_who_and_what(admin, registrar):
    at = clock.now().replace(microsecond=0) + dt.timedelta(hours=1)
    with clock.frozen(at):
        reseller = management.create_reseller(admin, registrar.pk, NEW)
    assert reseller.handle == "QAZWEB" and reseller.active and reseller.contract_signed_at == dt.date(2026, 3, 1)
    (event,) = ResellerEvent.objects.filter(reseller=reseller)
    assert event.principal == "ps-staff" and event.action == "created" and event.at == at
    assert event.changes["bin"] == [None, "123456789012"] and "contract_ends_at" not in event.changes


def test_bad_values_are_named_by_field_in_three_languages(admin, registrar):
    bad = {**NEW, "handle": "ALTYN", "name": "", "bin": "12345", "email": "nope", "website": "ftp://x",
           "contract_signed_at": "2026-13-01"}  # fmt: skip
    with pytest.raises(OperationFailed) as refused:
        management.create_reseller(admin, registrar.pk, bad)
    fields = {p.field for p in refused.value.problems}
    assert fields == {"name", "bin", "email", "website", "contract_signed_at"}
    assert all(p.message(lang) for p in refused.value.problems for lang in ("kk", "ru", "en"))
    with pytest.raises(OperationFailed) as taken:
        management.create_reseller(admin, registrar.pk, {**NEW, "handle": "altyn"})
    assert taken.value.problems[0].field == "handle" and "ALTYN" in taken.value.problems[0].message("ru")
    backwards = {**NEW, "contract_ends_at": "2026-02-01"}
    with pytest.raises(OperationFailed) as dates:
        management.create_reseller(admin, registrar.pk, backwards)
    assert [p.field for p in dates.value.problems] == ["contract_ends_at"]
    assert not Reseller.objects.filter(handle="QAZWEB").exists() and not ResellerEvent.objects.exists()


def test_contract_change_records_before_and_after_of_the_changed_fields_only(admin, two_tenants):
    a = two_tenants.a.reseller
    changed = management.change_contract(admin, a, {"contract_number": "PS-R-1", "name": a.name,
                                                    "contract_ends_at": "2027-12-31"})  # fmt: skip
    assert changed.contract_number == "PS-R-1" and changed.contract_ends_at == dt.date(2027, 12, 31)
    (event,) = ResellerEvent.objects.filter(reseller=a)
    assert event.action == "contract"
    assert event.changes == {"contract_number": ["", "PS-R-1"], "contract_ends_at": [None, "2027-12-31"]}
    management.change_contract(admin, changed, {"contract_number": "PS-R-1"})  # nothing new: no event
    assert ResellerEvent.objects.filter(reseller=a).count() == 1
    with pytest.raises(OperationFailed) as refused:
        management.change_contract(admin, changed, {"contract_signed_at": "2028-01-01"})  # after the end
    assert refused.value.problems[0].field == "contract_ends_at"


def test_a_suspended_reseller_places_no_orders_until_reactivated(admin, two_tenants):
    a = two_tenants.a
    management.set_active(admin, a.reseller, False)
    with pytest.raises(OperationFailed) as twice:
        management.set_active(admin, a.reseller, False)
    assert twice.value.problems[0].field == "active"
    seller = Seller(REGISTRAR, Reseller.objects.get(pk=a.reseller.pk), a.admin.get_username())
    with pytest.raises(OperationFailed) as refused:
        actions.order_create(LocalConnection(REGISTRAR, "t"), seller, name="late-altyn.kz", years=1,
                             customer_id=a.customer.pk, nameservers=NS, location=LOCATION, key="late")  # fmt: skip
    assert refused.value.codes == {RegistrarCode.RESELLER_INACTIVE}
    management.set_active(admin, a.reseller, True)
    actions_seen = list(ResellerEvent.objects.filter(reseller=a.reseller).values_list("action", "changes"))
    assert actions_seen == [("reactivated", {"active": [False, True]}), ("suspended", {"active": [True, False]})]


def test_the_price_group_is_the_registrars_and_recorded(admin, two_tenants, registrar):
    a = two_tenants.a.reseller
    clock_at = clock.now()
    create_group(registrar, "partners", clock_at)
    with pytest.raises(OperationFailed) as unknown:
        management.set_price_group(admin, a, "friends")
    assert unknown.value.problems[0].field == "group"
    management.set_price_group(admin, a, "partners")
    assert ResellerGroupMember.objects.get(reseller_id=a.pk).group.name == "partners"
    management.set_price_group(admin, a, "")
    assert not ResellerGroupMember.objects.filter(reseller_id=a.pk).exists()
    changes = [e.changes for e in ResellerEvent.objects.filter(reseller=a).order_by("id")]
    assert changes == [{"group": ["", "partners"]}, {"group": ["partners", ""]}]


@pytest.mark.parametrize("who", ["support", "billing", "reseller_admin", "registrant"])
def test_only_the_administration_role_manages(two_tenants, registrar, who):
    users = {"reseller_admin": two_tenants.a.admin, "registrant": two_tenants.registrant}
    user = users.get(who) or make_user(f"ps-{who}", "registrar", registrar=registrar,
                                       roles=[RegistrarRole(who).value])  # fmt: skip
    with pytest.raises(PermissionDenied):
        management.staff_actor(user)
    assert not management.may_manage(user) and management.may_manage(two_tenants.registrar_staff)


def test_another_registrars_reseller_is_not_found(two_tenants, registrar):
    other = management.Actor("other-staff", registrar.pk + 1000)
    with pytest.raises(OperationFailed):
        management.find_reseller(other, two_tenants.a.reseller.handle)
    with pytest.raises(OperationFailed):
        management.set_active(other, two_tenants.a.reseller, False)
    with pytest.raises(PermissionDenied):
        management.create_reseller(other, registrar.pk, NEW)
    assert Reseller.objects.get(pk=two_tenants.a.reseller.pk).active


def test_events_are_append_only(admin, two_tenants):
    management.set_active(admin, two_tenants.a.reseller, False)
    event = ResellerEvent.objects.get()
    event.principal = "someone else"
    with pytest.raises(ValueError):
        event.save()


def test_the_cli_creates_modifies_lists_and_shows(two_tenants, capsys):
    assert main(["reseller", "create", "qazweb", "--registrar", REGISTRAR, "--name", "QazWeb", "--legal-name",
                 "QazWeb LLP", "--email", "info@qazweb.kz", "--contract-signed", "2026-03-01"]) == 0  # fmt: skip
    assert main(["reseller", "modify", "QAZWEB", "--contract-number", "PS-R-9", "--suspend"]) == 0
    reseller = Reseller.objects.get(handle="QAZWEB")
    assert reseller.contract_number == "PS-R-9" and not reseller.active
    assert main(["reseller", "list", "--registrar", REGISTRAR]) == 0
    assert "QAZWEB\tQazWeb\tsuspended\tPS-R-9" in capsys.readouterr().out
    assert main(["reseller", "show", "QAZWEB"]) == 0
    shown = capsys.readouterr().out
    assert "suspended" in shown and "contract_number: '' -> 'PS-R-9'" in shown and " cli" in shown
    assert main(["--lang", "ru", "reseller", "modify", "QAZWEB", "--bin", "12", "--group", "nope"]) == 1
    assert "bin: БИН" in capsys.readouterr().err
    assert Reseller.objects.get(handle="QAZWEB").bin == ""  # nothing of a failed modify stays
    assert main(["reseller", "show", "NOBODY"]) == 1
