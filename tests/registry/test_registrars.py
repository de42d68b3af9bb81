"""Registrars as registry objects (issue 10): operations with every problem named, history, suspension,
the `kzreg registrar` commands and the back-office pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kzreg.cli import main
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, HistoryEntry, Registrar
from tests.conftest import LOCATION, org_contact, person

pytestmark = pytest.mark.django_db
NET_NS = (c.NameServer("ns1.hoster.net", ("195.210.46.10",)), c.NameServer("ns2.hoster.net", ("91.201.214.10",)))
DATA = c.RegistrarData(name="Hoster KZ LLP", email="Info@Hoster.kz", phone="+7 727 3001122", url="https://hoster.kz")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_modify_and_suspend_make_versions(staff, frozen_clock):
    registrar = ops.create_registrar(c.CreateRegistrar("hoster-kz", DATA), staff).object
    assert (registrar.handle, registrar.email, registrar.status, registrar.version) == (
        "HOSTER-KZ", "info@hoster.kz", "active", 1,
    )  # fmt: skip
    ops.modify_registrar(c.ModifyRegistrar("HOSTER-KZ", c.RegistrarData(whois_server="Whois.Hoster.kz.")), staff)
    ops.set_registrar_status(c.SetRegistrarStatus("HOSTER-KZ", "suspended", "unpaid invoice"), staff)
    entries = list(HistoryEntry.objects.filter(object_type="registrar", object_key="HOSTER-KZ").order_by("version"))
    assert [(e.version, e.operation) for e in entries] == [
        (1, "registrar_create"), (2, "registrar_modify"), (3, "registrar_status"),
    ]  # fmt: skip
    assert entries[1].snapshot["whois_server"] == "whois.hoster.kz" and entries[1].snapshot["status"] == "active"
    assert entries[2].snapshot["status"] == "suspended" and entries[2].reason == "unpaid invoice"
    assert entries[0].principal == "tester" and entries[0].channel == "cli"


def test_every_problem_is_named_in_three_languages(staff, registrar):
    bad = c.RegistrarData(name="", email="not-an-email", phone="call me", url="ftp://x", whois_server="nodots")
    with pytest.raises(OperationFailed) as failure:
        ops.create_registrar(c.CreateRegistrar("-x", bad), staff)
    found = {(p.field, p.code) for p in failure.value.problems}
    assert found == {
        ("handle", Code.REGISTRAR_HANDLE_INVALID), ("name", Code.REQUIRED), ("email", Code.INVALID_EMAIL),
        ("phone", Code.INVALID_PHONE), ("url", Code.INVALID_URL), ("whois_server", Code.INVALID_HOSTNAME),
    }  # fmt: skip
    assert failure.value.render("kk")[0].startswith("handle: тіркеуші белгісі дұрыс емес")
    assert "неверный идентификатор регистратора" in failure.value.render("ru")[0]
    with pytest.raises(OperationFailed) as failure:
        ops.create_registrar(c.CreateRegistrar("ps-kz", DATA), staff)
    assert [(p.field, p.code) for p in failure.value.problems] == [("handle", Code.REGISTRAR_EXISTS)]
    assert failure.value.epp_code == 2302
    with pytest.raises(OperationFailed) as failure:
        ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", ""), staff)
    assert [(p.field, p.code) for p in failure.value.problems] == [("reason", Code.REQUIRED)]
    with pytest.raises(OperationFailed) as failure:
        ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "closed", "x"), staff)
    assert failure.value.codes == {Code.INVALID_CHOICE}
    assert Registrar.objects.count() == 1 and not HistoryEntry.objects.filter(object_type="registrar").exists()


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.RESELLER, Role.REGISTRANT])
def test_only_registry_staff_manage_registrars(registrar, role):
    actor = Actor("someone", role, Channel.API, registrar_id=registrar.id)
    for call in (
        lambda: ops.create_registrar(c.CreateRegistrar("NEW-KZ", DATA), actor),
        lambda: ops.modify_registrar(c.ModifyRegistrar("PS-KZ", c.RegistrarData(name="Mine now")), actor),
        lambda: ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "x"), actor),
    ):
        with pytest.raises(OperationFailed) as failure:
            call()
        assert failure.value.codes == {Code.STAFF_ONLY}
    assert Registrar.objects.get().name == "Internet-company PS LLP" and Registrar.objects.count() == 1


def test_a_suspended_registrars_actors_are_refused_and_mail_still_works(registrar, registrar_actor, staff):
    command = c.CreateDomain("first.kz", 1, org_contact(), person(), NET_NS, LOCATION)
    ops.create_domain(command, registrar_actor)  # the registrar row is now in the cache
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "contract ended"), staff)
    before = (Domain.objects.count(), HistoryEntry.objects.count())
    for call in (
        lambda: ops.create_domain(c.CreateDomain("second.kz", 1, org_contact(2), person(2), NET_NS, LOCATION), registrar_actor),
        lambda: ops.renew_domain(c.RenewDomain("first.kz", 1), registrar_actor),
        lambda: ops.create_contact(c.CreateContact(person(3)), registrar_actor),
        lambda: ops.create_host(c.CreateHost("ns5.hoster.net", ("91.201.214.5",)), registrar_actor),
    ):  # fmt: skip
        with pytest.raises(OperationFailed) as failure:
            call()
        assert [(p.field, p.code) for p in failure.value.problems] == [("registrar", Code.REGISTRAR_SUSPENDED)]
        assert failure.value.render("ru") == ["registrar: регистратор PS-KZ приостановлен"]
    assert (Domain.objects.count(), HistoryEntry.objects.count()) == before
    with pytest.raises(OperationFailed) as failure:  # staff cannot give it new domains either
        ops.create_domain(
            c.CreateDomain("third.kz", 1, org_contact(3), person(3), NET_NS, LOCATION, registrar="PS-KZ"), staff
        )
    assert failure.value.codes == {Code.REGISTRAR_SUSPENDED}
    # The mail channel acts as the registrant: its registrar's status does not stop it.
    mail = Actor("holder@example.kz", Role.REGISTRANT, Channel.MAIL, registrar_id=registrar.id)
    ops.create_domain(c.CreateDomain("mailed.kz", 1, org_contact(4), person(4), NET_NS, LOCATION), mail)
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "active", "new contract"), staff)
    ops.renew_domain(c.RenewDomain("first.kz", 1), registrar_actor)


def test_the_mail_registrar_is_made_through_the_operation(settings):
    from kzreg.template_mail.processing import mail_registrar

    settings.HOSTMASTER = "hostmaster@nic.kz"
    first = mail_registrar()
    assert mail_registrar() == first and first.handle == "KAZNIC"
    entry = HistoryEntry.objects.get(object_type="registrar", object_id=first.pk)
    assert (entry.operation, entry.role, entry.channel) == ("registrar_create", "system", "mail")


def test_the_demo_registrar_is_made_through_the_operation(db):
    from kzreg.demo.parties import ensure_registrar

    registrar = ensure_registrar()
    assert ensure_registrar() == registrar and registrar.whois_server == "whois.ps.kz"
    assert HistoryEntry.objects.filter(object_type="registrar", object_key="PS-KZ").count() == 1


def test_cli_registrar_commands_end_to_end(capsys, db):
    code, out, err = run(capsys, "registrar", "create", "hoster-kz", "--name", "Hoster KZ LLP", "--email",
                         "info@hoster.kz", "--phone", "+7 727 3001122", "--url", "https://hoster.kz")  # fmt: skip
    assert (code, out.strip(), err) == (0, "created registrar HOSTER-KZ", "")
    code, out, err = run(capsys, "--lang", "ru", "registrar", "create", "X", "--name", "", "--email", "bad")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: handle: неверный идентификатор регистратора (3–32 латинские буквы, цифры или дефисы, например PS-KZ): X",
        "error: name: обязательное поле",
        "error: email: неверный адрес e-mail: bad",
    ]
    code, out, _ = run(capsys, "registrar", "modify", "HOSTER-KZ", "--whois", "whois.hoster.kz", "--status",
                       "suspended", "--reason", "unpaid")  # fmt: skip
    assert (code, out.strip()) == (0, "modified registrar HOSTER-KZ (suspended, version 3)")
    code, _, err = run(capsys, "registrar", "modify", "HOSTER-KZ", "--status", "gone")
    assert code == 1 and err.strip() == "error: status: is not valid: gone (allowed: active, suspended)"
    code, _, err = run(capsys, "registrar", "modify", "NOPE-KZ", "--name", "x")
    assert code == 1 and err.strip() == "error: handle: registrar not found: NOPE-KZ"
    code, out, _ = run(capsys, "registrar", "list")
    assert out.splitlines() == ["HOSTER-KZ\tsuspended\tHoster KZ LLP\tinfo@hoster.kz"]
    code, out, _ = run(capsys, "registrar", "info", "hoster-kz")
    assert "whois_server:  whois.hoster.kz" in out and "status:        suspended" in out and "domains:       0" in out
    code, out, _ = run(capsys, "history", "HOSTER-KZ")
    assert [line.split("\t")[2] for line in out.splitlines()] == [
        "registrar_create",
        "registrar_modify",
        "registrar_status",
    ]
    code, out, _ = run(capsys, "history", "HOSTER-KZ", "--type", "registrar", "--at", "2000-01-01")
    assert code == 1


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def test_back_office_creates_changes_and_suspends_through_the_operations(staff_client, registrar):
    form = {"handle": "hoster-kz", "name": "Hoster KZ LLP", "email": "info@hoster.kz", "phone": "", "address": "",
            "url": "", "whois_server": ""}  # fmt: skip
    assert staff_client.post("/admin/registry/registrar/add/", form).status_code == 302
    hoster = Registrar.objects.get(handle="HOSTER-KZ")
    page = staff_client.post(f"/admin/registry/registrar/{hoster.pk}/change/", {**form, "phone": "call me"})
    assert page.status_code == 200 and "телефон нөмірі дұрыс емес: call me" in page.content.decode()  # kk by default
    assert (
        staff_client.post(
            f"/admin/registry/registrar/{hoster.pk}/change/", {**form, "phone": "+7 727 3001122"}
        ).status_code
        == 302
    )
    action = {"action": "registrar_suspended", "_selected_action": [hoster.pk], "reason": "unpaid"}
    staff_client.post("/admin/registry/registrar/", action)
    hoster.refresh_from_db()
    assert (hoster.status, hoster.version, hoster.phone) == ("suspended", 3, "+7 727 3001122")
    entries = HistoryEntry.objects.filter(object_type="registrar", object_id=hoster.pk).order_by("version")
    assert [(e.operation, e.channel, e.principal) for e in entries] == [
        ("registrar_create", "admin", "kaznic-op"), ("registrar_modify", "admin", "kaznic-op"),
        ("registrar_status", "admin", "kaznic-op"),
    ]  # fmt: skip
    page = staff_client.get(f"/admin/registry/registrar/{hoster.pk}/change/").content.decode()
    assert "v3" in page and "registrar_status" in page
    assert staff_client.get("/admin/registry/registrar/").status_code == 200
    assert staff_client.post(f"/admin/registry/registrar/{hoster.pk}/delete/", {"post": "yes"}).status_code == 403


def test_back_office_shows_sponsors_and_never_a_contacts_code(staff_client, registrar, registrar_actor):
    contact = ops.create_contact(c.CreateContact(person(5)), registrar_actor).object
    listing = staff_client.get("/admin/registry/contact/").content.decode()
    assert "PS-KZ" in listing
    page = staff_client.get(f"/admin/registry/contact/{contact.pk}/change/").content.decode()
    assert contact.handle in page and contact.auth_code not in page


def test_cli_contacts_and_hosts_name_their_sponsor(capsys, registrar):
    code, out, _ = run(capsys, "contact", "create", "--registrar", "ps-kz", "--kind", "I", "--name", "Grozny, Ivan",
                       "--address", "Dostyk 5", "--city", "Astana", "--country-code", "KZ", "--phone",
                       "+7 717 2700001", "--email", "ivan@example.kz")  # fmt: skip
    handle = out.split()[-1]
    code, out, _ = run(capsys, "contact", "info", handle)
    assert "registrar:     PS-KZ" in out
    code, out, _ = run(capsys, "host", "create", "ns1.hoster.net", "--address", "91.201.214.1")
    code, out, _ = run(capsys, "host", "info", "ns1.hoster.net")
    assert "registrar:     -" in out
    code, _, err = run(capsys, "host", "create", "ns2.hoster.net", "--address", "91.201.214.2", "--registrar", "NOPE")
    assert code == 1 and err.strip() == "error: registrar: registrar not found: NOPE"
