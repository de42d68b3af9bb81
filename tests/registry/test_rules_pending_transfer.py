"""A pending registrar transfer (R15) is shown by every reader through the one R13 rule (`registry.status`,
issue 10): WHOIS (`Domain status : pending_transfer`), RDAP (`pending transfer`, lookups and searches),
EPP info (`pendingTransfer`), the staff lists; the zone keeps the domain delegated. A decision ends it."""

from __future__ import annotations

import io
import re

import pytest

from kzreg.core import clock
from kzreg.rdap import cache as answer_cache
from kzreg.rdap.objects import domain_status
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainTransfer, TransferStatus
from kzreg.registry.queries import domain_list
from kzreg.registry.reads import joined, lookup, objects, records
from kzreg.registry.reads.connection import django_database
from kzreg.registry.status import PENDING_TRANSFER_SQL, TRANSFER_PENDING, domain_statuses, is_delegated
from kzreg.whois.lookup import Lookup
from kzreg.zone.export import export_zone, find_zone
from tests.rdap.conftest import Ticking

pytestmark = pytest.mark.django_db
NAME = "example.kz"


@pytest.fixture(autouse=True)
def _fresh_rdap_cache():
    """Each test's RDAP answers start from an empty per-process cache (as in tests/rdap)."""
    answer_cache.install(answer_cache.AnswerCache(size=100, seconds=1.0, monotonic=Ticking()))
    yield
    answer_cache.install(None)


def whois_status_lines(name: str) -> list[str]:
    text = Lookup(django_database(), languages=("en",)).answer(name).text
    return [line for line in text.splitlines() if line.startswith("Domain status : ")]


def delegated_names() -> set[str]:
    zone = io.BytesIO()
    export_zone(find_zone("kz"), zone)
    return set(re.findall(r"^(\S+)\.kz\.\s+(?:\S+\s+)*NS\s", zone.getvalue().decode(), re.M))


def readers(name: str) -> dict[str, list[str]]:
    """The status words each reader shows for the live domain `name` now."""
    now = clock.now()
    record = records.fetch_domain(django_database(), name)
    view = joined.live_domain(name)
    [found] = [d for d in lookup.search_domains("name", name[:4], "", 10) if d.name == name]
    assert record is not None and view is not None
    return {
        "whois record": record.statuses(now),
        "rdap view": domain_status(view, now),
        "rdap search": domain_status(found, now),
        "view": domain_statuses(view, now),
        "staff list": [w for w in ("active", "pending_transfer") if name in {d.name for d in domain_list(status=w)}],
    }


def request(epp: dict) -> None:
    ops.request_transfer(c.RequestTransfer(NAME, "domain-code-1"), epp["gainer"])


def test_r15_pending_transfer_shown_by_whois_rdap_epp_and_staff_lists_and_still_delegated(epp, client):
    assert readers(NAME)["whois record"] == ["active"]
    request(epp)
    shown = readers(NAME)
    assert shown == {
        "whois record": ["pending_transfer"],
        "rdap view": ["pending transfer"],
        "rdap search": ["pending transfer"],
        "view": ["pending_transfer"],
        "staff list": ["pending_transfer"],
    }
    assert whois_status_lines(NAME) == [
        "Domain status : pending_transfer - Another registrar asked for the domain: a transfer awaits its decision."
    ]
    assert client.get(f"/rdap/domain/{NAME}").json()["status"] == ["pending transfer"]
    search = client.get("/rdap/domains", {"name": "exam*.kz"}).json()["domainSearchResults"]
    assert [d["status"] for d in search if d["ldhName"] == NAME] == [["pending transfer"]]
    assert "pendingTransfer" in objects.domain_info(NAME, epp["owner"]).statuses  # EPP info agrees
    assert "example" in delegated_names()
    assert is_delegated(joined.live_domain(NAME), clock.now())


@pytest.mark.parametrize("decision", ["reject", "cancel"])
def test_r15_a_decided_transfer_is_no_longer_shown(epp, client, decision):
    request(epp)
    actor = epp["owner"] if decision == "reject" else epp["gainer"]
    ops.decide_transfer(c.DecideTransfer(NAME, decision), actor)
    assert set(map(tuple, readers(NAME).values())) == {("active",)}
    assert client.get(f"/rdap/domain/{NAME}").json()["status"] == ["active"]


def test_r13_pending_transfer_combines_with_the_sponsors_hold_which_stops_the_delegation(epp, client):
    ops.modify_domain(c.ModifyDomain(NAME, add_statuses=("clientHold",)), epp["owner"])
    request(epp)  # the sponsor's hold does not stop a transfer (clientTransferProhibited would)
    shown = readers(NAME)
    assert shown["whois record"] == shown["view"] == ["client_hold", "pending_transfer"]
    assert shown["rdap view"] == shown["rdap search"] == ["client hold", "pending transfer"]
    assert len(whois_status_lines(NAME)) == 1  # the second word is on an indented line of its own
    assert "example" not in delegated_names()
    assert not is_delegated(joined.live_domain(NAME), clock.now())


def test_a_model_instance_shows_it_too(epp):
    """`Domain.statuses` (CLI, back-office) asks the transfer table when its query did not say."""
    request(epp)
    assert Domain.objects.get(name=NAME).statuses(clock.now()) == ["pending_transfer"]
    ops.decide_transfer(c.DecideTransfer(NAME, "approve"), epp["owner"])
    assert Domain.objects.get(name=NAME).statuses(clock.now()) == ["active"]


def test_the_status_rule_names_the_transfer_table_and_word_the_models_have():
    """`registry.status` cannot import the models (they import it): its SQL and word are checked here."""
    assert DomainTransfer._meta.db_table in PENDING_TRANSFER_SQL
    assert TRANSFER_PENDING == TransferStatus.PENDING
