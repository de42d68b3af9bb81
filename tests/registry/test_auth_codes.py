"""Domain authorization codes (issue 10, SPEC E2): random at create unless the sponsor chooses one,
checked, readable by the sponsor and staff only, never in history, WHOIS or RDAP."""

from __future__ import annotations

import pytest

from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.rdap import cache as answer_cache
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, HistoryEntry
from kzreg.registry.reads.connection import django_database
from kzreg.whois.lookup import Lookup
from tests.rdap.conftest import Ticking
from tests.registry.epp_world import everything, new_domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_rdap():
    """RDAP's answer cache, fresh for this test (another test's example.kz may be cached)."""
    answer_cache.install(answer_cache.AnswerCache(size=1000, seconds=1.0, monotonic=Ticking()))
    yield
    answer_cache.install(None)


def test_a_new_domain_gets_a_random_code_unless_one_is_given(epp):
    owner = epp["owner"]
    first = ops.create_domain(new_domain("first.kz"), owner).object
    second = ops.create_domain(new_domain("second.kz"), owner).object
    assert len(first.auth_code) == 16 and first.auth_code != second.auth_code
    assert Domain.objects.get(name="example.kz").auth_code == "domain-code-1"


@pytest.mark.parametrize("code", ["short", "has space 123", "x" * 65, "tab\tcode12"])
def test_a_bad_code_is_refused_by_field_and_nothing_changes(epp, code):
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        ops.create_domain(new_domain("bad.kz", auth_code=code), epp["owner"])
    assert [(p.field, p.code) for p in failure.value.problems] == [("auth_code", Code.AUTH_CODE_FORMAT)]
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("example.kz", auth_code=code), epp["owner"])
    assert failure.value.codes == {Code.AUTH_CODE_FORMAT}
    assert "авторизация коды" in failure.value.problems[0].render("kk")
    assert everything() == before


def test_the_sponsor_changes_the_code_by_modify_and_no_one_else(epp):
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("example.kz", auth_code="stolen-code-9"), epp["gainer"])
    assert failure.value.codes == {Code.NOT_SPONSOR} and everything() == before
    ops.modify_domain(c.ModifyDomain("example.kz", auth_code="new-code-2345"), epp["owner"])
    assert Domain.objects.get(name="example.kz").auth_code == "new-code-2345"


def test_only_the_sponsor_and_staff_read_the_code(epp):
    domain = Domain.objects.get(name="example.kz")
    assert ops.domain_auth_code(epp["owner"], domain) == "domain-code-1"
    assert ops.domain_auth_code(epp["staff"], domain) == "domain-code-1"
    with pytest.raises(OperationFailed) as failure:
        ops.domain_auth_code(epp["gainer"], domain)
    assert failure.value.codes == {Code.NOT_SPONSOR} and failure.value.epp_code == 2201


def test_the_code_never_enters_history_whois_or_rdap(epp, client, fresh_rdap):
    ops.modify_domain(c.ModifyDomain("example.kz", auth_code="secret-code-77"), epp["owner"])
    for entry in HistoryEntry.objects.filter(object_type="domain"):
        assert "domain-code-1" not in str(entry.snapshot) and "secret-code-77" not in str(entry.snapshot)
        assert "auth_code" not in entry.snapshot
    whois = Lookup(django_database(), languages=("en",)).answer("example.kz").text
    assert "example.kz" in whois.lower() and "secret-code-77" not in whois
    rdap = client.get("/rdap/domain/example.kz")
    assert rdap.status_code == 200 and b"secret-code-77" not in rdap.content


def test_migration_gives_existing_domains_a_code(epp):
    """0009's data step (run here on a row without one) gives each domain its own random code."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kzreg.registry.migrations.0009_epp_objects")
    Domain.objects.filter(name="example.kz").update(auth_code="")
    migration._auth_codes(apps, None)
    assert len(Domain.objects.get(name="example.kz").auth_code) == 16
