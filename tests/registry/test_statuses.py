"""R13 once (`registry.status`): the model, WHOIS, RDAP, the zone export and the staff lists agree on
every combination of hold, suspended, pending delete, expired and deleted."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest

from kzreg.core import clock
from kzreg.registry import commands as c
from kzreg.registry.models import Domain
from kzreg.registry.queries import domain_list
from kzreg.registry.reads.connection import django_database
from kzreg.registry.status import FLAGS, WORDS, domain_statuses, is_delegated
from kzreg.whois.lookup import Lookup
from kzreg.zone.export import export_zone, find_zone
from tests.conftest import T0

pytestmark = pytest.mark.django_db

PS = (c.NameServer("ns1.ps.kz", ("195.210.46.10",)), c.NameServer("ns2.ps.kz", ("91.201.214.10",)))
# Every combination of the three flags and expiry, live; and deleted ones (with and without flags).
CASES = [(*flags, expired, False) for *flags, expired in itertools.product((False, True), repeat=4)]
CASES += [(True, False, True, True, True), (False, False, False, False, True)]
RDAP_WORDS = {"hold": "server hold", "suspended": "inactive", "expired": "inactive", "pending_delete": "pending delete"}


def case_name(case: tuple[bool, ...]) -> str:
    return "s-" + "".join("1" if on else "0" for on in case) + ".kz"


def expected(case: tuple[bool, ...]) -> list[str]:
    """R13 written out by hand, independently of the function under test."""
    hold, suspended, pending, expired, deleted = case
    if deleted:
        return ["deleted"]
    words = [flag for flag, on in zip(FLAGS, (hold, suspended, pending), strict=True) if on]
    return words + ["expired"] * expired or ["active"]


@pytest.fixture
def domains(frozen_clock, make_domain):
    clock.freeze(T0)
    for case in CASES:
        make_domain(case_name(case), nameservers=PS)
        hold, suspended, pending, expired, deleted = case
        Domain.objects.filter(name=case_name(case)).update(
            hold=hold,
            suspended=suspended,
            pending_delete=pending,
            purge_at=T0 + dt.timedelta(days=30) if pending else None,
            expires_at=T0 - dt.timedelta(days=1) if expired else T0 + dt.timedelta(days=100),
            deleted_at=T0 - dt.timedelta(hours=1) if deleted else None,
        )
    return {case: Domain.objects.get(name=case_name(case)) for case in CASES}


def whois_statuses(lookup: Lookup, name: str) -> list[str] | None:
    text = lookup.answer(name).text
    if "Domain status" not in text:
        return None
    block = text.split("Domain status : ", 1)[1].split("Registar created", 1)[0]
    return [line.strip().split(" - ")[0] for line in block.splitlines() if line.strip()]


def test_r13_every_reader_shows_the_one_rule(domains, client):
    now = clock.now()
    lookup = Lookup(django_database(), languages=("en",))
    zone = io.BytesIO()
    export_zone(find_zone("kz"), zone)
    delegated = set(re.findall(r"^(s-\d+)\.kz\.\s+(?:\S+\s+)*NS\s", zone.getvalue().decode(), re.M))
    for case, domain in domains.items():
        words = expected(case)
        assert domain_statuses(domain, now) == words == domain.statuses(now), case
        live = not case[4]
        assert whois_statuses(lookup, domain.name) == (words if live else None), case
        response = client.get(f"/rdap/domain/{domain.name}")
        if live:
            shown = {RDAP_WORDS.get(word, word) for word in words}
            assert sorted(response.json()["status"]) == sorted(shown), case
        else:
            assert response.status_code == 404, case
        assert (domain.name[:-3] in delegated) is (words == ["active"]) is is_delegated(domain, now), case
    assert len(delegated) == 1  # s-00000: no flag, not expired, live


def test_r13_staff_lists_by_status_follow_the_one_rule(domains):
    now = clock.now()
    for word in WORDS:
        listed = {d.name for d in domain_list(status=word, at=now) if d.name.startswith("s-")}
        assert listed == {d.name for case, d in domains.items() if word in expected(case)}, word
