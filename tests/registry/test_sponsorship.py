"""Sponsorship on every object (issue 10, SPEC E2): every registry operation tried as the wrong registrar is
refused with nothing changed, and passes for the sponsor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Contact, Domain, DomainNameServer, HistoryEntry, Host, Registrar
from tests.conftest import LOCATION, org_contact, person

pytestmark = pytest.mark.django_db

# Name servers outside the registry's zones: no glue or superordinate domain involved.
NET_NS = (
    c.NameServer("ns1.ps-hosting.net", ("195.210.46.10",)),
    c.NameServer("ns2.ps-hosting.net", ("91.201.214.10",)),
)


def registrar_actor(registrar: Registrar, role: Role = Role.REGISTRAR) -> Actor:
    return Actor(principal=f"{registrar.handle.lower()}-op", role=role, channel=Channel.EPP, registrar_id=registrar.id)


def new_domain(name: str, **overrides) -> c.CreateDomain:
    values = dict(
        name=name, period=1, registrant=org_contact(), admin=person(), nameservers=NET_NS, location=LOCATION,
    )  # fmt: skip
    values.update(overrides)
    return c.CreateDomain(**values)


@pytest.fixture
def world(registrar, other_registrar, staff):
    """PS-KZ's domain, contacts and hosts, all made by PS-KZ itself; HOSTER-KZ is the intruder."""
    owner, intruder = registrar_actor(registrar), registrar_actor(other_registrar)
    domain = ops.create_domain(new_domain("example.kz"), owner).object
    ops.create_host(c.CreateHost("ns3.ps-hosting.net", ("195.210.46.30",)), owner)
    own_contact = ops.create_contact(c.CreateContact(person(7), auth_code="s3cret-code"), intruder).object
    return {
        "owner": owner,
        "staff": staff,
        "intruder": intruder,
        "domain": domain,
        "registrant": domain.registrant.handle,
        "admin": domain.admin_contact.handle,
        "intruder_contact": own_contact.handle,
    }


def everything() -> list[tuple]:
    """Every registry row an operation could change, as values: equal before and after = nothing changed."""
    return [
        list(Domain.objects.order_by("id").values_list()),
        list(Contact.objects.order_by("id").values_list()),
        list(Host.objects.order_by("id").values_list()),
        list(DomainNameServer.objects.order_by("id").values_list()),
        list(Registrar.objects.order_by("id").values_list()),
        HistoryEntry.objects.count(),
    ]


# Each: (what, call(world, actor)) on PS-KZ's objects; the sponsor may do it, the intruder may not.
OPERATIONS: list[tuple[str, Callable[[dict, Actor], object]]] = [
    ("modify_domain", lambda w, a: ops.modify_domain(c.ModifyDomain("example.kz", purpose="shop"), a)),
    ("modify_domain_ns", lambda w, a: ops.modify_domain(c.ModifyDomain("example.kz", nameservers=NET_NS[::-1]), a)),
    ("renew_domain", lambda w, a: ops.renew_domain(c.RenewDomain("example.kz", 1), a)),
    ("delete_domain", lambda w, a: ops.delete_domain(c.DeleteDomain("example.kz", "gone"), a)),
    ("set_domain_status", lambda w, a: ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "x"), a)),
    ("transfer_domain", lambda w, a: ops.transfer_domain(c.TransferDomain("example.kz", org_contact(5)), a)),
    ("change_registrar", lambda w, a: ops.change_registrar(c.ChangeRegistrar("example.kz", "HOSTER-KZ"), a)),
    ("modify_contact", lambda w, a: ops.modify_contact(c.ModifyContact(w["admin"], {"city": "Karaganda"}), a)),
    ("contact_auth_code", lambda w, a: ops.contact_auth_code(a, Contact.objects.get(handle=w["admin"]))),
    ("modify_host", lambda w, a: ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", addresses=("195.210.46.31",)), a)),
    ("delete_host", lambda w, a: ops.delete_host(c.DeleteHost("ns3.ps-hosting.net"), a)),
]


@pytest.mark.parametrize("what, call", OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_the_wrong_registrar_is_refused_and_the_sponsor_passes(world, what, call):
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call(world, world["intruder"])
    assert failure.value.codes == {Code.NOT_SPONSOR}
    assert failure.value.epp_code == 2201 and failure.value.http_status == 403
    assert everything() == before
    # The sponsor may; moving a domain to another registrar is the registry's (or the gaining registrar's
    # transfer with the domain's code), never the losing registrar's alone.
    call(world, world["staff" if what == "change_registrar" else "owner"])
    if what != "contact_auth_code":
        assert everything() != before


def test_a_registrar_does_not_hand_its_domain_to_another(world):
    with pytest.raises(OperationFailed) as failure:
        ops.change_registrar(c.ChangeRegistrar("example.kz", "HOSTER-KZ"), world["owner"])
    assert failure.value.codes == {Code.FOR_OTHER_REGISTRAR}


def test_lifting_a_status_is_the_sponsors_too(world, staff):
    ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), staff)
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        ops.lift_domain_status(c.SetDomainStatus("example.kz", "hold", "x"), world["intruder"])
    assert failure.value.codes == {Code.NOT_SPONSOR} and everything() == before
    ops.lift_domain_status(c.SetDomainStatus("example.kz", "hold", "order lifted"), world["owner"])


@pytest.mark.parametrize(
    "call",
    [
        lambda: ops.create_domain(new_domain("mine.kz", registrar="PS-KZ"), registrar_actor(Registrar.objects.get(handle="HOSTER-KZ"))),
        lambda: ops.create_contact(c.CreateContact(person(3), registrar="PS-KZ"), registrar_actor(Registrar.objects.get(handle="HOSTER-KZ"))),
        lambda: ops.create_host(c.CreateHost("ns9.hoster.net", ("91.201.214.9",), "PS-KZ"), registrar_actor(Registrar.objects.get(handle="HOSTER-KZ"))),
    ],
    ids=["create_domain", "create_contact", "create_host"],
)  # fmt: skip
def test_a_registrar_cannot_create_in_another_registrars_name(world, call):
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call()
    assert [(p.field, p.code) for p in failure.value.problems] == [("registrar", Code.FOR_OTHER_REGISTRAR)]
    assert failure.value.epp_code == 2201
    assert everything() == before


def test_objects_a_registrar_creates_are_its_own(world, registrar, other_registrar):
    domain = ops.create_domain(new_domain("mine.kz", registrar="HOSTER-KZ", registrant=org_contact(8),
                                          admin=world["intruder_contact"]), world["intruder"]).object  # fmt: skip
    assert domain.registrar == other_registrar and domain.registrant.registrar == other_registrar
    contact = Contact.objects.get(handle=world["admin"])
    assert contact.registrar == registrar and len(contact.auth_code) == 16
    assert {h.registrar_id for h in Host.objects.all()} == {registrar.id}  # the intruder reused PS-KZ's hosts
    assert ops.contact_auth_code(world["owner"], contact) == contact.auth_code
    assert "auth_code" not in HistoryEntry.objects.filter(object_key=contact.handle).get().snapshot


@pytest.mark.parametrize("codes", [{}, {"ADMIN": "wrong-code-123"}, {"ADMIN": ""}], ids=["none", "wrong", "empty"])
def test_another_registrars_contact_only_with_its_authorization_code(world, codes):
    admin = world["admin"]
    codes = {admin if k == "ADMIN" else k: v for k, v in codes.items()}
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        ops.create_domain(new_domain("mine.kz", admin=admin, auth_codes=codes), world["intruder"])
    assert [(p.field, p.code) for p in failure.value.problems] == [("admin.auth_code", Code.AUTH_CODE_INVALID)]
    assert failure.value.epp_code == 2202
    assert everything() == before
    right = {admin: Contact.objects.get(handle=admin).auth_code}
    domain = ops.create_domain(new_domain("mine.kz", admin=admin, auth_codes=right), world["intruder"]).object
    assert domain.admin_contact.handle == admin and domain.admin_contact.registrar.handle == "PS-KZ"


def test_modify_and_transfer_name_another_registrars_contact_only_with_its_code(world):
    owner, theirs = world["owner"], world["intruder_contact"]
    for command in (
        c.ModifyDomain("example.kz", tech=theirs),
        c.TransferDomain("example.kz", registrant=theirs),
    ):
        before = everything()
        op = ops.modify_domain if isinstance(command, c.ModifyDomain) else ops.transfer_domain
        with pytest.raises(OperationFailed) as failure:
            op(command, owner)
        assert failure.value.codes == {Code.AUTH_CODE_INVALID} and everything() == before
    ops.modify_domain(c.ModifyDomain("example.kz", tech=theirs, auth_codes={theirs: "s3cret-code"}), owner)
    assert Domain.objects.get(name="example.kz").tech_contact.handle == theirs


def test_a_registrars_data_never_matches_another_registrars_contact(world, other_registrar):
    """R7 matching is the mail channel's rule: the same data from another registrar makes its own contact."""
    domain = ops.create_domain(new_domain("mine.kz"), world["intruder"]).object
    assert domain.admin_contact.handle != world["admin"]
    assert domain.admin_contact.registrar == other_registrar
    again = ops.create_domain(new_domain("more.kz"), world["owner"]).object  # PS-KZ's own data still matches
    assert again.admin_contact.handle == world["admin"]


def test_a_resellers_actor_is_bound_to_its_registrar(world, other_registrar):
    reseller_actor = Actor("alpha", Role.RESELLER, Channel.API, registrar_id=other_registrar.id)
    with pytest.raises(OperationFailed) as failure:
        ops.modify_contact(c.ModifyContact(world["admin"], {"city": "Karaganda"}), reseller_actor)
    assert failure.value.codes == {Code.NOT_SPONSOR}


def test_staff_act_on_everything_and_what_they_create_is_the_domains_registrars(world, staff, other_registrar):
    ops.modify_contact(c.ModifyContact(world["admin"], {"city": "Karaganda"}), staff)
    ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", addresses=("195.210.46.31",)), staff)
    domain = ops.create_domain(
        new_domain("staff.kz", registrar="HOSTER-KZ", registrant=org_contact(9),
                   nameservers=(c.NameServer("ns1.hoster.net", ("91.201.214.1",)), NET_NS[0])), staff,
    ).object  # fmt: skip
    assert domain.registrant.registrar == other_registrar
    assert Host.objects.get(name="ns1.hoster.net").registrar == other_registrar
    assert ops.create_contact(c.CreateContact(person(4)), staff).object.registrar is None  # the registry's own
    chosen = ops.create_host(c.CreateHost("ns2.hoster.net", ("91.201.214.2",), "hoster-kz"), staff).object
    assert chosen.registrar == other_registrar


def test_an_authorization_code_is_checked_and_changed_only_by_the_sponsor(world):
    with pytest.raises(OperationFailed) as failure:
        ops.create_contact(c.CreateContact(person(3), auth_code="short"), world["owner"])
    assert [(p.field, p.code) for p in failure.value.problems] == [("auth_code", Code.AUTH_CODE_FORMAT)]
    assert "8" in failure.value.problems[0].message("kk") and "64" in failure.value.problems[0].message("ru")
    admin = world["admin"]
    with pytest.raises(OperationFailed):
        ops.modify_contact(c.ModifyContact(admin, auth_code="new-code-42"), world["intruder"])
    ops.modify_contact(c.ModifyContact(admin, auth_code="new-code-42"), world["owner"])
    assert Contact.objects.get(handle=admin).auth_code == "new-code-42"
    registrant = Actor("holder@example.kz", Role.REGISTRANT, Channel.MAIL)
    with pytest.raises(OperationFailed):
        ops.contact_auth_code(registrant, Contact.objects.get(handle=admin))


def test_the_migration_gives_existing_contacts_and_hosts_the_one_registrar_that_uses_them(world, staff):
    """0007: a contact or host without a sponsor that live domains of exactly one registrar use gets it; one
    shared by two registrars, or used by none, stays the registry's own."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kzreg.registry.migrations.0007_registrar_history_and_sponsors")
    shared = ops.create_contact(c.CreateContact(person(11)), staff).object.handle
    unused = ops.create_contact(c.CreateContact(person(12)), staff).object.handle
    ops.create_domain(new_domain("theirs.kz", registrar="HOSTER-KZ", registrant=org_contact(21), admin=person(21), tech=shared,
                                 nameservers=(c.NameServer("ns1.hoster.net", ("91.201.214.1",)), NET_NS[0])), staff)  # fmt: skip
    ops.modify_domain(c.ModifyDomain("example.kz", billing=shared), staff)
    Contact.objects.update(registrar=None)  # as before sponsorship
    Host.objects.update(registrar=None)
    migration._sponsors(apps, None)
    sponsor = dict(Contact.objects.values_list("handle", "registrar__handle"))
    assert sponsor[world["admin"]] == "PS-KZ" and sponsor[world["intruder_contact"]] is None  # used by no domain
    assert sponsor[shared] is None and sponsor[unused] is None
    hosts = dict(Host.objects.exclude(name__endswith=".ps.kz").values_list("name", "registrar__handle"))
    assert hosts == {"ns1.ps-hosting.net": None, "ns2.ps-hosting.net": "PS-KZ", "ns3.ps-hosting.net": None,
                     "ns1.hoster.net": "HOSTER-KZ"}  # fmt: skip


def test_the_checks_add_no_statement_to_a_registration(world, staff):
    """The registrar's row comes from the short cache and the rules read what the registration reads anyway:
    a registrar's registration sends as many statements as registry staff's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(name: str, actor: Actor, n: int, **extra) -> int:
        command = new_domain(name, registrant=org_contact(n), admin=person(n), **extra)
        with CaptureQueriesContext(connection) as captured:
            ops.create_domain(command, actor)
        return len(captured.captured_queries)

    statements("warm-up.kz", world["owner"], 30)
    as_registrar = statements("by-registrar.kz", world["owner"], 31)
    as_staff = statements("by-staff.kz", staff, 32, registrar="PS-KZ")
    assert as_registrar == as_staff
    with_code = statements("with-code.kz", world["intruder"], 33, tech=world["admin"],
                           auth_codes={world["admin"]: Contact.objects.get(handle=world["admin"]).auth_code})  # fmt: skip
    assert with_code == as_registrar
