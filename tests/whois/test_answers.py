"""Pre-rendered answers (issue 4): the same text as live rendering (P1, R13, R18), and never stale.

The server notes when it saw a change; a row is used only when it was rendered after that, or when
the job's `fresh_as_of` has passed it. Times are moved by ageing the rows, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.registry import commands as c
from kzreg.registry.models import Domain
from kzreg.registry.operations import decide_transfer, modify_contact, request_transfer, set_domain_status
from kzreg.registry.reads.changes import ChangeWatcher
from kzreg.registry.reads.connection import django_database
from kzreg.whois import answers
from kzreg.whois.answers import StoredAnswers, build_all, refresh
from kzreg.whois.lookup import Lookup
from kzreg.whois.store import Compressor, Reader, Writer, decompress

pytestmark = pytest.mark.django_db
STAFF = Actor.registry_staff("tester", Channel.CLI)


def age(seconds: float) -> None:
    """As if the rows and the state had been written `seconds` ago."""
    writer = Writer()
    writer.conn.execute("UPDATE answer SET rendered_at = rendered_at - ?", (seconds,))
    writer.conn.execute("UPDATE state SET fresh_as_of = fresh_as_of - ?", (seconds,))
    writer.close()


def stored_text(name: str) -> str:
    """The WHOIS text the store holds for `name`."""
    reader = Reader()
    state = reader.state()
    assert state is not None
    [(_, data, _, _)] = reader.get_many([name], "whois")
    return decompress(data, state.whois_dictionary).decode()


def server_side() -> tuple[Lookup, StoredAnswers, ChangeWatcher]:
    db = django_database()
    stored = StoredAnswers()
    stored.reload_state()
    return Lookup(db, stored=stored), stored, ChangeWatcher(db)


def poll(lookup: Lookup, watcher: ChangeWatcher, seen_at: float) -> None:
    changes = watcher.poll()
    lookup.forget(changes.domains, everything=changes.everything)
    assert lookup.stored is not None
    lookup.stored.note(changes, seen_at)


def test_p1_r18_stored_answers_equal_live_rendering(published):
    assert build_all() == 3
    live = Lookup(django_database())
    lookup, stored, _ = server_side()
    assert stored.usable
    for name in ("example.kz", "held.kz", "xn--80awbu3c.xn--80ao21a"):
        assert lookup.answer(name).text == live.answer(name).text
    assert stored.reads == 3
    assert "Domain status : hold" in lookup.answer("held.kz").text  # R13
    assert not lookup.answer("free.kz").found  # no row: looked up live


def test_r13_changed_domain_is_rendered_live_until_the_job_renders_it_again(published):
    build_all()
    age(10)
    lookup, stored, watcher = server_side()
    set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), STAFF)
    poll(lookup, watcher, seen_at=time.time() - 5)  # the server saw it after the rows were made
    assert "Domain status : hold" in lookup.answer("example.kz").text
    assert stored.reads == 0  # the stale row was not used
    assert refresh() == 1
    stored.reload_state()
    assert "Domain status : hold" in lookup.answer("example.kz").text
    assert stored.reads == 1
    assert "Domain status : hold" in stored_text("example.kz")


def test_r18_contact_change_blocks_every_row_until_the_job_has_caught_up(published):
    build_all()
    age(10)
    lookup, stored, watcher = server_side()
    handle = published["idn"].admin_contact.handle
    modify_contact(c.ModifyContact(handle=handle, changes={"emails": "new-address@example.kz"}), STAFF)
    poll(lookup, watcher, seen_at=time.time() - 5)
    assert "new-address@example.kz" in lookup.answer("мысал.қаз").text
    assert lookup.answer("held.kz").found and stored.reads == 0  # unrelated rows wait too
    assert refresh() == 1  # only the domain that shows the contact
    stored.reload_state()
    assert "new-address@example.kz" in lookup.answer("мысал.қаз").text
    assert lookup.answer("held.kz").found and stored.reads == 2


def test_change_seen_after_the_job_ran_keeps_the_row_unused():
    """A change seen at about the time the row was made (within MARGIN) is not trusted to be in it."""
    until = dt.datetime(2099, 1, 1, tzinfo=dt.UTC).timestamp()
    stored = StoredAnswers(reader=FakeReader([("example.kz", Compressor(b"")(b"text"), until, 100.2)]))
    stored.usable, stored.fresh_as_of = True, 100.0
    stored.dirty = {"example.kz": 99.5}
    assert stored.get("example.kz", clock.now()) is None
    stored.reader = FakeReader([("example.kz", Compressor(b"")(b"text"), until, 100.6)])
    assert stored.get("example.kz", clock.now()) == (b"text", dt.datetime(2099, 1, 1, tzinfo=dt.UTC))


class FakeReader(Reader):
    def __init__(self, rows):  # type: ignore[no-untyped-def]
        super().__init__()
        self.rows = rows

    def get_many(self, names, column):  # type: ignore[no-untyped-def]
        return self.rows


def test_r13_stored_answer_not_used_once_the_domain_expired(published):
    build_all()
    lookup, stored, _ = server_side()
    clock.advance(dt.timedelta(days=366))
    assert "Domain status : expired" in lookup.answer("example.kz").text
    assert stored.reads == 0


def test_r13_the_job_renders_expired_domains_again_and_their_rows_then_serve(published):
    build_all()
    clock.advance(dt.timedelta(days=366))
    lookup, stored, _ = server_side()
    assert "Domain status : expired" in lookup.answer("example.kz").text and stored.reads == 0
    assert refresh() == 3  # every domain expired since the last run
    stored.reload_state()
    assert "Domain status : expired" in lookup.answer("example.kz").text
    assert stored.reads == 1
    assert refresh() == 0  # done once


def test_r18_rows_made_with_other_redaction_settings_are_not_used(published, settings):
    build_all()
    settings.KZREG = {**settings.KZREG, "REDACT_INDIVIDUALS": False}
    lookup, stored, _ = server_side()
    assert not stored.usable
    assert "REDACTED FOR PRIVACY" not in lookup.answer("held.kz").text
    assert refresh() == 0  # the job does not mix settings either: a new build is needed
    build_all()
    stored.reload_state()
    assert stored.usable and "REDACTED FOR PRIVACY" not in lookup.answer("held.kz").text


def test_never_built_means_live_answers(published):
    lookup, stored, _ = server_side()
    assert not stored.usable and refresh() == 0
    assert "Domain Name............: example.kz" in lookup.answer("example.kz").text


def test_server_start_marks_changes_the_job_has_not_taken_in(published):
    """A server that starts after a change but before the job ran must not serve the old row."""
    build_all()
    age(10)
    set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), STAFF)
    db = django_database()
    stored = StoredAnswers(db)
    stored.reload_state()
    watcher = ChangeWatcher(db, last_id=stored.history_id)
    lookup = Lookup(db, stored=stored)
    poll(lookup, watcher, seen_at=time.time())
    assert "Domain status : hold" in lookup.answer("example.kz").text


def test_batches_cover_every_domain(published, monkeypatch):
    monkeypatch.setattr(answers, "BATCH", 1)
    assert build_all() == 3
    assert len(Reader().get_many(["example.kz", "held.kz", "xn--80awbu3c.xn--80ao21a"], "whois")) == 3


def test_p1_a_batch_of_queries_is_answered_in_order_with_one_select_for_the_stored(published):
    """The server answers what one turn of its event loop read together (answer_many)."""
    build_all()
    lookup, stored, _ = server_side()
    lookup.cache_size = 100
    texts = ["example.kz", "\x00bad", "HELD.KZ", "free.kz", "", "IVG1", "мысал.қаз", "example.kz"]
    statements = []
    get_many = stored.reader.get_many
    stored.reader.get_many = lambda names, column: (statements.append(names), get_many(names, column))[1]  # type: ignore[method-assign]
    replies = lookup.answer_many(texts)
    live = Lookup(django_database())
    assert [r.text for r in replies] == [live.answer(t).text for t in texts]
    assert [r.kind for r in replies] == ["domain", "invalid", "domain", "", "invalid", "contact", "domain", "domain"]
    assert len(statements) == 1 and stored.reads == 3  # example.kz once, held.kz, мысал.қаз
    assert lookup.answer_many(["example.kz"])[0] is replies[0] and lookup.hits == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_build_in_several_processes_makes_the_same_answers(published):
    """`build-answers --processes N`: forked processes render name ranges into the same store."""
    names = ["example.kz", "held.kz", "xn--80awbu3c.xn--80ao21a"]
    assert build_all(processes=2) == 3
    lookup, stored, _ = server_side()
    live = Lookup(django_database())
    assert [lookup.answer(n).text for n in names] == [live.answer(n).text for n in names]
    assert stored.reads == 3


def test_missing_store_means_live_answers_and_the_job_makes_none(published, answer_store):
    assert refresh() == 0 and not answer_store.exists()
    lookup, stored, _ = server_side()
    assert not stored.usable
    assert "Domain status : hold" in lookup.answer("held.kz").text
    build_all()
    stored.reload_state()
    assert stored.usable
    answer_store.unlink()  # deleted under a running server: derived data, always safe to remove
    stored.reload_state()
    assert not stored.usable and "Domain status : hold" in lookup.answer("held.kz").text


def test_every_reader_thread_follows_a_store_made_again(published, answer_store):
    """The store deleted and built again under a running server: the thread that polls sees the new file,
    and the other threads (gunicorn's) switch to it too instead of reading the deleted one."""
    build_all()
    reader = Reader()
    other = ThreadPoolExecutor(1)  # a second thread with its own connection
    first = reader.state()
    assert first is not None
    assert other.submit(reader.get_many, ["example.kz"], "whois").result()
    answer_store.unlink()
    build_all()
    second = reader.state()  # the polling thread
    assert second is not None and second.build != first.build
    [(_, data, _, _)] = other.submit(reader.get_many, ["example.kz"], "whois").result()
    assert "Domain Name............: example.kz" in decompress(data, second.whois_dictionary).decode()
    other.shutdown()


def test_r15_a_pending_transfer_and_its_end_reach_the_stored_answer(published, other_registrar):
    """A transfer request and its decision write the domain's history, so the job renders it again."""
    build_all()
    age(10)
    lookup, stored, watcher = server_side()
    gainer = Actor("hoster-epp", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)
    request_transfer(c.RequestTransfer("example.kz", Domain.objects.get(name="example.kz").auth_code), gainer)
    poll(lookup, watcher, seen_at=time.time() - 5)
    assert "Domain status : pending_transfer - " in lookup.answer("example.kz").text  # live meanwhile
    assert stored.reads == 0
    assert refresh() == 1
    stored.reload_state()
    assert "Domain status : pending_transfer - " in stored_text("example.kz")
    assert "Domain status : pending_transfer - " in lookup.answer("example.kz").text and stored.reads == 1
    decide_transfer(c.DecideTransfer("example.kz", "cancel"), gainer)
    poll(lookup, watcher, seen_at=time.time())
    assert "pending_transfer" not in lookup.answer("example.kz").text and stored.reads == 1
    assert refresh() == 1
    assert "Domain status : active - " in stored_text("example.kz")
