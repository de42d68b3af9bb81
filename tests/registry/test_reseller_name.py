"""The registry knows registrars, not resellers (issue 10): a domain carries the name of the reseller that
serves it, as its registrar supplies it, shown in WHOIS (`Reseller:`) and RDAP (role `reseller`); the
registry holds no link into the registrar's reseller table, and decides no reseller rights."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, HistoryEntry
from kzreg.registry.reads import records
from kzreg.registry.reads.connection import django_database
from kzreg.whois.render import render_domain
from tests.conftest import domain_command

pytestmark = pytest.mark.django_db


def whois_text(name: str, at) -> str:  # type: ignore[no-untyped-def]
    record = records.fetch_domain(django_database(), name)
    assert record is not None
    return render_domain(record, at)[0]


def test_create_keeps_the_name_cleaned(make_domain):
    domain = make_domain("shop.kz", reseller="  Altyn\tHosting  ")
    assert Domain.objects.get(pk=domain.pk).reseller_name == "Altyn Hosting"
    entry = HistoryEntry.objects.get(object_type="domain", object_id=domain.pk, version=1)
    assert entry.snapshot["reseller_name"] == "Altyn Hosting"
    assert make_domain("plain.kz").reseller_name == ""


@pytest.mark.parametrize(
    ("value", "code"),
    [("x" * 201, Code.TOO_LONG), ("Altyn\x00Hosting", Code.INVALID), ("Altyn\u202eHosting", Code.INVALID)],
)
def test_bad_names_are_refused_naming_the_field_and_change_nothing(make_domain, staff, value, code):
    with pytest.raises(OperationFailed) as failure:
        ops.create_domain(domain_command("shop.kz", reseller=value), staff)
    assert [(p.field, p.code) for p in failure.value.problems] == [("reseller", code)]
    assert not Domain.objects.filter(name="shop.kz").exists()
    make_domain("kept.kz", reseller="Altyn")
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("kept.kz", reseller=value), staff)
    assert [(p.field, p.code) for p in failure.value.problems] == [("reseller", code)]
    assert Domain.objects.get(name="kept.kz").reseller_name == "Altyn"
    for lang in ("kk", "ru", "en"):
        assert failure.value.render(lang) and all(line.strip() for line in failure.value.render(lang))


def test_modify_changes_or_clears_it_and_leaves_it_when_not_given(make_domain, staff):
    make_domain("shop.kz", reseller="Altyn")
    ops.modify_domain(c.ModifyDomain("shop.kz", purpose="Online shop"), staff)
    assert Domain.objects.get(name="shop.kz").reseller_name == "Altyn"
    ops.modify_domain(c.ModifyDomain("shop.kz", reseller="Sibhost"), staff)
    assert Domain.objects.get(name="shop.kz").reseller_name == "Sibhost"
    domain = ops.modify_domain(c.ModifyDomain("shop.kz", reseller=""), staff).object
    assert Domain.objects.get(name="shop.kz").reseller_name == ""
    entry = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert entry.snapshot["reseller_name"] == ""


def test_a_new_registrar_drops_the_old_registrars_reseller_unless_it_names_its_own(make_domain, staff, other_registrar):
    make_domain("shop.kz", reseller="Altyn")
    ops.change_registrar(c.ChangeRegistrar("shop.kz", "HOSTER-KZ"), staff)
    assert Domain.objects.get(name="shop.kz").reseller_name == ""
    ops.change_registrar(c.ChangeRegistrar("shop.kz", "PS-KZ", reseller="Sibhost"), staff)
    assert Domain.objects.get(name="shop.kz").reseller_name == "Sibhost"


def test_whois_shows_the_reseller_after_the_registrar_lines_and_omits_it_when_empty(make_domain, frozen_clock):
    make_domain("shop.kz", reseller="Altyn Hosting")
    make_domain("plain.kz")
    lines = whois_text("shop.kz", frozen_clock.now()).splitlines()
    registrar_line = next(i for i, line in enumerate(lines) if line.startswith("Current Registar:"))
    assert lines[registrar_line + 1] == "Reseller: Altyn Hosting"
    assert "Reseller" not in whois_text("plain.kz", frozen_clock.now())


def test_the_registry_decides_no_reseller_rights_only_the_registrars(make_domain, staff, registrar, other_registrar):
    """A reseller's request reaches the registry as its registrar's: any domain that registrar sponsors,
    whichever reseller serves it; never another registrar's."""
    make_domain("served-by-beta.kz", reseller="Beta")
    alpha = Actor("alpha-admin", Role.RESELLER, Channel.API, registrar_id=registrar.id)
    ops.modify_domain(c.ModifyDomain("served-by-beta.kz", purpose="changed"), alpha)
    assert Domain.objects.get(name="served-by-beta.kz").purpose == "changed"
    outsider = Actor("gamma-admin", Role.RESELLER, Channel.API, registrar_id=other_registrar.id)
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("served-by-beta.kz", reseller="Gamma"), outsider)
    assert failure.value.codes == {Code.NOT_SPONSOR}
    assert Domain.objects.get(name="served-by-beta.kz").reseller_name == "Beta"


# serialized_rollback: the zones and content types come back after the flush, for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_copies_each_resellers_trading_name(registrar):
    """0008: a domain linked to a reseller keeps that reseller's trading name; the link goes."""
    before, after = [("registry", "0007_registrar_history_and_sponsors")], [("registry", "0008_domain_reseller_name")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Reseller = old.get_model("resellers", "Reseller")
    OldDomain = old.get_model("registry", "Domain")
    Contact = old.get_model("registry", "Contact")
    now = registrar.created_at
    alpha = Reseller.objects.create(registrar_id=registrar.id, handle="ALPHA", name="Alpha Hosting",
                                    legal_name="Alpha LLP", email="a@alpha.kz", created_at=now)  # fmt: skip
    holder = Contact.objects.create(handle="AH1", kind="R", name="Alpha", organisation="Alpha LLP", address="1",
                                    city="Almaty", country_code="KZ", created_at=now, updated_at=now)  # fmt: skip
    common = {"zone_id": 1, "registrar_id": registrar.id, "registrant_id": holder.id, "admin_contact_id": holder.id,
              "tech_contact_id": holder.id, "billing_contact_id": holder.id, "created_at": now,
              "updated_at": now, "expires_at": now}  # fmt: skip
    OldDomain.objects.create(name="served.kz", unicode_name="served.kz", reseller_id=alpha.id, **common)
    OldDomain.objects.create(name="direct.kz", unicode_name="direct.kz", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("registry", "Domain")
    assert dict(new.objects.values_list("name", "reseller_name")) == {"served.kz": "Alpha Hosting", "direct.kz": ""}
    assert "reseller" not in {f.name for f in new._meta.get_fields()}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_cli_sets_shows_filters_and_clears_the_name(make_domain, capsys):
    from kzreg.cli import main

    make_domain("shop.kz")
    make_domain("plain.kz")
    assert main(["domain", "modify", "shop.kz", "--reseller", "Altyn  Hosting"]) == 0
    capsys.readouterr()
    main(["domain", "list", "--reseller", "altyn hosting"])
    out = capsys.readouterr().out
    assert "shop.kz" in out and "plain.kz" not in out
    main(["domain", "info", "shop.kz"])
    assert "Altyn Hosting" in capsys.readouterr().out
    assert main(["domain", "modify", "shop.kz", "--reseller", "x" * 201]) != 0
    assert "reseller" in capsys.readouterr().err
    assert main(["domain", "modify", "shop.kz", "--reseller", ""]) == 0
    assert Domain.objects.get(name="shop.kz").reseller_name == ""
