"""A service keeps its name's U-label form (`Service.name_unicode`, issue 12: the name search finds part of
a Cyrillic name): what `idna` decodes, empty for an ASCII name, filled on every way a service is written
— an order's create (PostgreSQL's one statement and the locked way), a transfer in, the ORM's saves and
bulk inserts, the demo — and by migration 0009 for the rows that were there before it."""

from __future__ import annotations

import importlib
import random

import idna
import pytest
from django.db import connection, transaction

from kzreg.registrar import actions, order_rows
from kzreg.registrar.connection import ContactRequest, CreateRequest, Location
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Service, name_search, unicode_of
from tests.conftest import T0
from tests.registrar.conftest import LOCATION, NS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CYRILLIC = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә"


def a(name: str) -> str:
    return idna.encode(name, uts46=True).decode()


def by_idna(name: str) -> str:
    decoded = idna.decode(name)
    return "" if decoded == name else decoded


def test_the_unicode_name_is_what_idna_decodes_and_empty_for_ascii():
    rnd = random.Random(11)
    labels = [
        "".join(rnd.choice(CYRILLIC + "abc-0") for _ in range(rnd.randint(2, 20))).strip("-") for _ in range(3000)
    ]
    names = [a(f"{label}.{zone}") for label in labels if label and "--" not in label for zone in ("kz", "қаз")]
    names += ["shop.kz", "salem.xn--80ao21a", "xn--80aaa.kz", "a-b.kz"]
    assert [n for n in names if unicode_of(n) != by_idna(n)] == []
    assert unicode_of(a("сәлем.қаз")) == "сәлем.қаз" and unicode_of("salem.xn--80ao21a") == "salem.қаз"
    assert unicode_of("shop.kz") == "" and unicode_of("xn--zz.kz") == ""  # no name IDNA can read: none


def test_the_orm_fills_it_on_save_create_and_bulk_create():
    one = Service.objects.create(name=a("сәлем.қаз"), registrar_handle="PS-KZ", created_at=T0)
    Service.objects.bulk_create([Service(name=a("дүкен.kz"), registrar_handle="PS-KZ", created_at=T0),
                                 Service(name="shop.kz", registrar_handle="PS-KZ", created_at=T0)])  # fmt: skip
    stored = dict(Service.objects.values_list("name", "name_unicode"))
    assert stored == {a("сәлем.қаз"): "сәлем.қаз", a("дүкен.kz"): "дүкен.kz", "shop.kz": ""}
    assert one.name_unicode == "сәлем.қаз" and one.u_label == "сәлем.қаз"
    Service.objects.filter(pk=one.pk).update(name_unicode="")  # lost behind the model's back: a save mends it
    one.refresh_from_db()
    one.save()
    assert Service.objects.get(pk=one.pk).name_unicode == "сәлем.қаз"
    assert Service.objects.get(name="shop.kz").u_label == "shop.kz"


@pytest.mark.parametrize("one_statement", [True, False], ids=["as-it-runs", "locked-way"])
def test_an_idn_created_by_an_order_has_its_unicode_name(
    conn, alpha_seller, alpha_customer, alpha_account, monkeypatch, one_statement
):
    if not one_statement:  # PostgreSQL's one-statement create off: `order_kinds.record` writes the service
        monkeypatch.setattr(order_rows, "one_statement", lambda model: False)
    order = actions.order_create(conn, alpha_seller, name="Сәлем-Дүкен.KZ", years=1, customer_id=alpha_customer.pk,
                                 nameservers=NS, location=LOCATION, key="k1")  # fmt: skip
    assert order.state == "done", order.answer
    service = Service.objects.get(name=a("сәлем-дүкен.kz"))
    assert service.name_unicode == "сәлем-дүкен.kz"
    assert Service.objects.filter(name_search("ЛЕМ-дүк"), reseller=alpha_seller.reseller).get() == service


def test_an_idn_transferred_in_has_its_unicode_name(conn, alpha_seller, alpha_customer, alpha_account,
                                                    other_registrar):  # fmt: skip
    hoster = LocalConnection("HOSTER-KZ", "hoster")
    theirs = hoster.create_contact(ContactRequest("I", "Sidorov, Sidor", "", "Dostyk 5", "Astana", "Astana", "010000",
                                                  "KZ", "sidor@hoster.kz", "+7.7172700003"))  # fmt: skip
    name = a("келу.kz")
    hoster.create_domain(CreateRequest(name, 1, theirs, theirs, NS, Location(**LOCATION)))
    order = actions.order_transfer_in(conn, alpha_seller, "келу.kz", hoster.auth_code(name), alpha_customer.pk, "k1")
    assert order.state == "done", order.answer
    assert Service.objects.get(name=name).name_unicode == "келу.kz"


def test_the_migration_fills_the_rows_there_before_it(monkeypatch):
    names = [a(f"сәлем{n}.қаз") for n in range(5)] + [f"shop{n}.kz" for n in range(3)] + ["salem.xn--80ao21a"]
    Service.objects.bulk_create(Service(name=n, registrar_handle="PS-KZ", created_at=T0) for n in names)
    Service.objects.update(name_unicode="")  # as the column was when 0009 added it
    migration = importlib.import_module("kzreg.registrar.migrations.0009_service_name_unicode")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    with connection.schema_editor(atomic=True) as editor:
        migration.backfill(None, editor)
    assert dict(Service.objects.values_list("name", "name_unicode")) == {n: unicode_of(n) for n in names}
    assert Service.objects.exclude(name_unicode="").count() == 6


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_unicode_names_trigram_index_is_there_and_used():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'registrar_service_name_unicode_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition and "<> ''" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Service.objects.filter(name_search("сәлем")).query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registrar_service_name_unicode_trgm" in plan, plan
