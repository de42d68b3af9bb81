"""RDAP domain answers from the answer store (issue 4): the same bytes as building them (P1, R13, R18,
RFC 9537), with the request's base URL and port43 host, and never stale: a change seen by the cache's
history poll keeps the row unused until the worker job has rendered it again; a store made with another
redaction setting, or no store at all, means building the answer live."""

from __future__ import annotations

import json
import time

import pytest

from kzreg.rdap import cache, views
from kzreg.rdap.stored import StoredDomains
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain
from kzreg.registry.operations import modify_contact, set_domain_status
from kzreg.registry.reads import lookup
from kzreg.whois import answers
from kzreg.whois.answers import StoredAnswers, build_all, refresh
from kzreg.whois.store import Writer
from tests.conftest import person
from tests.rdap.conftest import entity_with_role, get, vcard_props

pytestmark = pytest.mark.django_db


class Manual:
    """A monotonic clock the test moves: the cache polls the history when it has moved 1 s."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def tick(self) -> None:
        self.now += 1.0


@pytest.fixture(autouse=True)
def answer_store(settings, tmp_path):
    settings.KZREG_ANSWER_STORE = str(tmp_path / "answers.sqlite3")
    return tmp_path / "answers.sqlite3"


@pytest.fixture
def domains(make_domain, frozen_clock, staff):
    make_domain("example.kz")
    make_domain("held.kz", admin=person(2, disclose=True))
    set_domain_status(c.SetDomainStatus("held.kz", "hold", "court order"), staff)
    make_domain("мысал.қаз")


@pytest.fixture
def moved():
    """A cache that reads the store, on a clock the test moves."""
    manual = Manual()
    cache.install(cache.AnswerCache(size=100, seconds=1.0, monotonic=manual, stored=StoredDomains(), wall=seen_earlier))
    return manual


def seen_earlier() -> float:
    """The wall clock the cache notes changes with, 5 s back: the job's next run (now) is then clearly
    later than the change was seen, as it would be after waiting (the store's MARGIN is 1 s)."""
    return time.time() - 5


def no_building(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lookup, "domain_with_hosts", lambda name: pytest.fail("built instead of read from the store"))


def age(seconds: float) -> None:
    """As if the rows and the state had been written `seconds` ago (instead of sleeping)."""
    writer = Writer()
    writer.conn.execute("UPDATE answer SET rendered_at = rendered_at - ?", (seconds,))
    writer.conn.execute("UPDATE state SET fresh_as_of = fresh_as_of - ?", (seconds,))
    writer.close()


def live_body(client, url: str, **headers) -> bytes:  # type: ignore[no-untyped-def]
    cache.install(cache.AnswerCache(size=0, seconds=1.0))  # no cache, no store: built from the registry
    try:
        return client.get(url, **headers).content
    finally:
        cache.install(None)


def stored_reads() -> int:
    stored = cache.answers().stored
    assert stored is not None
    return stored.answers.reads


@pytest.mark.parametrize("name", ["example.kz", "held.kz", "xn--80awbu3c.xn--80ao21a"])
def test_p1_r18_stored_answer_is_the_built_answer(client, domains, moved, monkeypatch, settings, name):
    build_all()
    settings.PUBLIC_URL = "https://rdap.example.net"  # after the build: the store keeps stand-ins for it
    expected = live_body(client, f"/rdap/domain/{name}")
    cache.install(cache.AnswerCache(size=100, seconds=1.0, monotonic=moved, stored=StoredDomains(), wall=seen_earlier))
    no_building(monkeypatch)
    response = client.get(f"/rdap/domain/{name}")
    assert response.content == expected  # links and port43 from the configuration, redactions included
    assert stored_reads() == 1
    body = get(client, f"/rdap/domain/{name}", "domain")  # schema-valid
    assert body["port43"] == "rdap.example.net"
    assert body["links"][0]["href"].startswith("https://rdap.example.net/rdap/")


def test_r13_r18_held_domain_and_redactions_come_from_the_store(client, domains, moved, monkeypatch):
    build_all()
    no_building(monkeypatch)
    body = get(client, "/rdap/domain/held.kz", "domain")
    assert body["status"] == ["server hold"]  # R13: visible while on hold
    registrant = entity_with_role(body, "registrant")  # a role contact: public
    assert vcard_props(registrant, "email")
    admin = entity_with_role(body, "administrative")  # an individual who consented
    assert vcard_props(admin, "fn")[0][3] == "Grozny, Ivan V., III"
    withheld = get(client, "/rdap/domain/example.kz", "domain")
    assert vcard_props(entity_with_role(withheld, "administrative"), "email") == []
    assert withheld["redacted"] and any(n["title"] == "Redacted Data" for n in withheld["notices"])


def test_changed_domain_is_built_live_until_the_job_renders_it_again(client, domains, moved, staff):
    build_all()
    age(10)
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["active"]
    set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), staff)
    moved.tick()  # the next request polls the history and sees the change
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["server hold"]
    assert stored_reads() == 1  # only the first request read the (then current) row
    assert refresh() == 1
    moved.tick()
    cache.answers().answers.clear()  # as if evicted: the next request reads the store again
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["server hold"]
    assert stored_reads() == 2  # the re-rendered row


def test_contact_change_blocks_every_row_until_the_job_caught_up(client, domains, moved, staff):
    build_all()
    age(10)
    handle = Domain.objects.get(name="example.kz").tech_contact.handle
    moved.tick()
    get(client, "/rdap/domain/example.kz", "domain")  # the cache starts polling from the store's position
    modify_contact(c.ModifyContact(handle=handle, changes={"emails": "new-tech@example.kz"}), staff)
    moved.tick()
    body = get(client, "/rdap/domain/example.kz", "domain")
    shown = json.dumps(body)
    assert "new-tech@example.kz" in shown or any(r["name"].get("type") == "Tech Email" for r in body["redacted"])
    reads = stored_reads()
    get(client, "/rdap/domain/xn--80awbu3c.xn--80ao21a", "domain")
    assert stored_reads() == reads  # an unrelated row waits too
    assert refresh() >= 1  # the domains that show the contact (tech contacts count for RDAP)
    moved.tick()
    cache.answers().answers.clear()
    get(client, "/rdap/domain/xn--80awbu3c.xn--80ao21a", "domain")
    assert stored_reads() == reads + 1


def test_s4_reseller_change_is_rendered_again(client, domains, moved, staff):
    ops.modify_domain(c.ModifyDomain("example.kz", reseller="Alpha Hosting"), staff)
    build_all()
    age(10)
    moved.tick()
    get(client, "/rdap/domain/example.kz", "domain")
    ops.modify_domain(c.ModifyDomain("example.kz", reseller="Beta Hosting"), staff)  # a domain change
    moved.tick()
    body = get(client, "/rdap/domain/example.kz", "domain")
    assert vcard_props(entity_with_role(body, "reseller"), "fn")[0][3] == "Beta Hosting"
    assert refresh() == 1
    moved.tick()
    cache.answers().answers.clear()
    reads = stored_reads()
    body = get(client, "/rdap/domain/example.kz", "domain")
    assert vcard_props(entity_with_role(body, "reseller"), "fn")[0][3] == "Beta Hosting"
    assert stored_reads() == reads + 1


def test_r18_store_made_with_other_redaction_setting_is_not_used(client, domains, moved, settings):
    build_all()  # individuals redacted
    settings.KZREG = {**settings.KZREG, "REDACT_INDIVIDUALS": False}
    body = get(client, "/rdap/domain/example.kz", "domain")
    assert vcard_props(entity_with_role(body, "administrative"), "email")  # published, built live
    assert "redacted" not in body and stored_reads() == 0


def test_missing_store_means_building_live(client, domains, moved, answer_store):
    assert not answer_store.exists()
    assert refresh() == 0 and not answer_store.exists()  # the job does not make a store by itself
    assert get(client, "/rdap/domain/example.kz", "domain")["ldhName"] == "example.kz"
    assert stored_reads() == 0
    build_all()
    answer_store.unlink()  # deleted while serving: derived data, always safe
    moved.tick()
    assert get(client, "/rdap/domain/held.kz", "domain")["status"] == ["server hold"]
    assert stored_reads() == 0


def test_rows_of_another_build_are_never_served(client, domains, moved, monkeypatch):
    """A rebuild replaces the rows under a running server: until it reloads the state, the new rows
    do not decode with its dictionary (and carry other marks), so it builds live instead."""
    build_all()
    moved.tick()
    get(client, "/rdap/domain/example.kz", "domain")
    reads = stored_reads()
    stale = StoredAnswers("rdap")
    stale.reload_state()
    build_all()  # a new build with a new dictionary
    stored = cache.answers().stored
    assert stored is not None
    stored.answers.current = stale.current  # as if this process had not polled since
    assert get(client, "/rdap/domain/held.kz", "domain")["status"] == ["server hold"]
    assert stored_reads() == reads


def test_stale_job_cannot_write_into_a_new_build(domains):
    build_all()
    writer = Writer()
    old = writer.state()
    assert old is not None
    build_all()
    assert not writer.put([], ["example.kz"], expected_build=old.build)  # nothing written
    writer.close()
    assert answers.refresh() == 0


def test_stored_name_in_any_case_skips_the_idna_checks_but_bad_names_still_get_400(client, domains, moved, monkeypatch):
    build_all()
    expected = client.get("/rdap/domain/xn--80awbu3c.xn--80ao21a").content
    monkeypatch.setattr(views, "ldh_name", lambda name: pytest.fail(f"normalised {name!r}"))
    assert client.get("/rdap/domain/XN--80AWBU3C.XN--80AO21A.").content == expected
    monkeypatch.undo()
    assert client.get("/rdap/domain/мысал.қаз").content == expected  # U-labels: normalised, then the store
    get(client, "/rdap/domain/bad_name!.kz", "error", status=400)
    get(client, "/rdap/domain/free.kz", "error", status=404)
