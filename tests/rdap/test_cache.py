"""The per-process answer cache (`kzreg.rdap.cache`): P1 answers stay correct — a change (R1 history) is
visible once the freshness bound `CACHE_SECONDS` has passed on the cache's own monotonic clock, expiry
(R13) turns the status at once, and a poll during a build keeps a possibly stale answer out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kzreg.core import clock
from kzreg.rdap import cache
from kzreg.registry import commands as c
from kzreg.registry.models import Registrar
from kzreg.registry.operations import modify_contact, set_domain_status
from kzreg.registry.reads import lookup
from tests.rdap.conftest import entity_with_role, get, vcard_props

pytestmark = pytest.mark.django_db
BOUND = 1.0


class Manual:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def moved():
    manual = Manual()
    cache.install(cache.AnswerCache(size=100, seconds=BOUND, monotonic=manual))
    return manual


def event(body: dict, action: str) -> str:
    return next(e["eventDate"] for e in body["events"] if e["eventAction"] == action)


def test_hit_serves_stored_answer_with_current_update_time(client, make_domain, frozen_clock, moved, monkeypatch):
    make_domain("example.kz")
    first = get(client, "/rdap/domain/example.kz", "domain")
    monkeypatch.setattr(lookup, "domain_with_hosts", lambda name: pytest.fail("not served from the cache"))
    clock.advance(dt.timedelta(minutes=5))
    second = get(client, "/rdap/domain/example.kz", "domain")
    assert event(second, "last update of RDAP database") == "2026-03-01T09:05:00Z"
    first["events"][-1]["eventDate"] = second["events"][-1]["eventDate"]
    assert first == second
    head = client.head("/rdap/domain/example.kz")
    assert head.content == b"" and head["Content-Length"] == str(len(client.get("/rdap/domain/example.kz").content))


def test_domain_change_visible_within_the_bound(client, make_domain, staff, frozen_clock, moved):
    """R1 history drives freshness: until the bound passes the stored answer may lag, never longer."""
    make_domain("example.kz")
    make_domain("other.kz")
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["active"]
    other = client.get("/rdap/domain/other.kz").content
    set_domain_status(c.SetDomainStatus("example.kz", "hold", "test"), staff)
    moved.now += BOUND / 2
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["active"]  # within the bound
    moved.now += BOUND / 2
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["server hold"]
    assert any(key[3] == "other.kz" for key in cache.answers().answers)  # only the changed domain dropped
    assert client.get("/rdap/domain/other.kz").content == other


def test_contact_change_drops_every_answer(client, make_domain, staff, moved):
    make_domain("example.kz")
    body = get(client, "/rdap/domain/example.kz", "domain")
    handle = entity_with_role(body, "registrant")["handle"]
    modify_contact(c.ModifyContact(handle, {"city": "Shymkent"}), staff)
    moved.now += BOUND
    registrant = entity_with_role(get(client, "/rdap/domain/example.kz", "domain"), "registrant")
    assert vcard_props(registrant, "adr")[0][3][3] == "Shymkent"


def test_registrar_change_drops_every_answer(client, make_domain, registrar, moved):
    make_domain("example.kz")
    assert entity_with_role(get(client, "/rdap/domain/example.kz", "domain"), "registrar")["status"] == ["active"]
    Registrar.objects.filter(id=registrar.id).update(status="suspended")  # a direct write: no version to see
    moved.now += BOUND
    body = get(client, "/rdap/domain/example.kz", "domain")
    assert entity_with_role(body, "registrar")["status"] == ["inactive"]


def test_expiry_turns_status_without_a_poll(client, make_domain, frozen_clock, moved):
    """R13: an expired domain is inactive from its expiry moment, whatever the cache holds."""
    domain = make_domain("example.kz")
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["active"]
    clock.freeze(domain.expires_at)
    assert get(client, "/rdap/domain/example.kz", "domain")["status"] == ["inactive"]


def test_answer_read_before_a_poll_is_not_stored(db):
    answers = cache.AnswerCache(size=10, seconds=BOUND, monotonic=Manual())
    answers.refresh()
    generation = answers.generation
    event = {"eventAction": "last update of RDAP database", "eventDate": "X" * 20}
    body = json.dumps({"events": [event]}, separators=(",", ":")).encode()
    now, later = dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    answers.monotonic.now += BOUND
    answers.refresh()  # a poll between the read and the store
    answers.put(("b", "p", True, "a.kz"), body, later, now, generation)
    assert answers.get(("b", "p", True, "a.kz"), now) is None
    answers.put(("b", "p", True, "a.kz"), body, later, now, answers.generation)
    assert answers.get(("b", "p", True, "a.kz"), now) == body.replace(b"X" * 20, b"2026-03-01T00:00:00Z")


def test_size_bound_drops_oldest(db):
    answers = cache.AnswerCache(size=2, seconds=BOUND, monotonic=Manual())
    body = b'{"eventAction":"last update of RDAP database","eventDate":"2026-03-01T00:00:00Z"}'
    now, later = dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    for name in ("a.kz", "b.kz", "c.kz"):
        answers.put(("b", "p", True, name), body, later, now, answers.generation)
    assert [key[3] for key in answers.answers] == ["b.kz", "c.kz"]


def test_cache_off_still_answers(client, make_domain):
    cache.install(cache.AnswerCache(size=0, seconds=BOUND))
    make_domain("example.kz")
    get(client, "/rdap/domain/example.kz", "domain")
    get(client, "/rdap/domain/absent.kz", "error", status=404)
    assert cache.answers().answers == {}
