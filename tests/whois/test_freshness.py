"""The answer cache stays true to the registry: changes seen through history (R1) drop stale answers."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.registry import commands as c
from kzreg.registry.operations import modify_contact, set_domain_status
from kzreg.registry.reads.changes import GAP_PATIENCE, ChangeWatcher
from kzreg.registry.reads.connection import django_database
from kzreg.whois.lookup import Lookup

pytestmark = pytest.mark.django_db
STAFF = Actor.registry_staff("tester", Channel.CLI)


def test_p1_r13_cached_answer_refreshed_after_hold(published):
    lookup = Lookup(django_database(), cache_size=100)
    watcher = ChangeWatcher(lookup.db)
    assert "active" in lookup.answer("example.kz").text
    set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), STAFF)
    assert "Domain status : active" in lookup.answer("example.kz").text  # still the cached answer
    changes = watcher.poll()
    assert changes.domains == {"example.kz"} and not changes.everything
    lookup.forget(changes.domains)
    assert "Domain status : hold" in lookup.answer("example.kz").text
    assert lookup.hits == 1 and lookup.misses == 2


def test_t14_cached_not_found_dropped_when_the_name_is_registered(published, make_domain):
    lookup = Lookup(django_database(), cache_size=100)
    watcher = ChangeWatcher(lookup.db)
    assert not lookup.answer("new-name.kz").found
    make_domain("new-name.kz")
    lookup.forget(watcher.poll().domains)
    assert lookup.answer("new-name.kz").found


def test_r18_contact_change_drops_every_cached_answer(published):
    lookup = Lookup(django_database(), cache_size=100)
    watcher = ChangeWatcher(lookup.db)
    lookup.answer("мысал.қаз")
    handle = published["idn"].admin_contact.handle
    modify_contact(c.ModifyContact(handle=handle, changes={"emails": "new-address@example.kz"}), STAFF)
    changes = watcher.poll()
    assert changes.everything
    lookup.forget(changes.domains, everything=changes.everything)
    assert "new-address@example.kz" in lookup.answer("мысал.қаз").text


def test_r13_cached_answer_expires_with_the_domain(published):
    lookup = Lookup(django_database(), cache_size=100)
    assert "Domain status : active" in lookup.answer("example.kz").text
    clock.advance(dt.timedelta(days=366))
    assert "Domain status : expired" in lookup.answer("example.kz").text


def test_history_gaps_are_looked_for_again_then_given_up(published):
    """An id skipped (committed later, on PostgreSQL) is picked up on a later poll; old gaps are dropped."""
    now = [0.0]
    watcher = ChangeWatcher(django_database(), monotonic=lambda: now[0])
    watcher.last_id -= 3  # pretend the last three entries were not seen and the one before last was skipped
    skipped = watcher.last_id + 2
    watcher.gaps = {}
    rows = watcher.db.execute("SELECT id FROM registry_historyentry ORDER BY id")
    assert rows[-1][0] == watcher.last_id + 3
    watcher.poll()
    assert watcher.gaps == {}
    watcher.gaps = {skipped: now[0]}
    changes = watcher.poll()
    assert skipped not in watcher.gaps  # the gap's entry was read again ...
    assert changes.domains or changes.everything  # ... and reported
    watcher.gaps = {10**9: now[0]}
    now[0] += GAP_PATIENCE + 1
    watcher.poll()
    assert watcher.gaps == {}


def test_lru_cache_is_bounded(published):
    lookup = Lookup(django_database(), cache_size=2)
    for name in ("example.kz", "held.kz", "мысал.қаз", "example.kz"):
        lookup.answer(name)
    assert len(lookup._cache) == 2 and lookup.misses == 4
