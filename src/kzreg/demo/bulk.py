"""`kzreg bulkload`: fill a database with N realistic domains, fast, for benchmarks and migrations.

It writes exactly the rows `create_domain` (and `set_domain_status` for the few held domains) would
write, but in large transactions with `executemany`/`COPY` instead of one operation per domain: see
docs/adr/0002-bulk-loader.md for why this is the one place that writes registry rows without the
operations. It adds to a database that already has data: names, handles and host names continue after
the existing ones, and primary keys come from blocks reserved in the sequences.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from kzreg.core import clock
from kzreg.demo import people
from kzreg.demo.bulk_rows import Batch, RowFactory
from kzreg.demo.handles import HandleAllocator
from kzreg.demo.hosting import HostPool, build_host_pool
from kzreg.demo.names import NameSource
from kzreg.demo.parties import ensure_registrar
from kzreg.demo.pipeline import ChildStats, produce_in_child
from kzreg.demo.sinks import Sink, Table
from kzreg.registry.models import (
    Contact,
    Domain,
    DomainNameServer,
    DomainStatus,
    HistoryEntry,
    Host,
    StatusFlag,
    Zone,
)
from kzreg.resellers.models import Reseller

PERIODS, PERIOD_WEIGHTS = (1, 2, 3, 5, 10), (55, 20, 10, 10, 5)
PURPOSES = ("Корпоративный сайт", "Интернет-дүкен", "Company website", "Блог", "Онлайн-школа", "Portfolio")
YEAR = dt.timedelta(days=365)
PARALLEL_FROM = 20_000  # domains; below this a child process costs more than it saves
STAT_OF = {
    Contact: "contacts", Host: "hosts", Domain: "domains", DomainNameServer: "links", DomainStatus: "statuses",
    HistoryEntry: "history",
}  # fmt: skip


@dataclass
class BulkStats:
    """Rows written, and where the wall time went (the benchmark prints the phases)."""

    domains: int = 0
    contacts: int = 0
    hosts: int = 0
    links: int = 0
    statuses: int = 0
    history: int = 0
    seconds: float = 0.0
    setup_seconds: float = 0.0  # reading what is taken, pools, plan, dropping indexes
    waiting_seconds: float = 0.0  # the writer waiting for rows: building is the bottleneck while > 0
    building_seconds: float = 0.0  # CPU of building rows (all builder processes, or this one)
    writing_seconds: float = 0.0  # wall time in the database's writes and commits
    index_seconds: float = 0.0  # building the dropped indexes again
    finish_seconds: float = 0.0  # handle sequences, durability, planner statistics
    builders: int = 0  # processes that built rows (0: this process)
    provider_domains: int = 0  # hosting companies' own domains registered first (part of `domains`)

    @property
    def rate(self) -> float:
        return self.domains / self.seconds if self.seconds else 0.0

    @property
    def rows(self) -> int:
        return self.domains + self.contacts + self.hosts + self.links + self.statuses + self.history


class BulkLoader:
    def __init__(
        self, count: int, seed: int = 1, batch: int = 50_000, out: Callable[[str], None] = print,
        parallel: bool | None = None, rebuild_indexes: bool | None = None,
    ):  # fmt: skip
        if count < 1 or batch < 1:
            raise ValueError("--domains and --batch must be at least 1")
        self.count, self.batch_size, self.out = count, batch, out
        self.parallel = count >= PARALLEL_FROM if parallel is None else parallel
        self.rebuild_indexes = rebuild_indexes
        self.rnd = random.Random(seed)
        self.now = clock.now()
        self.sink = Sink()
        self.tables: dict[type[Model], Table] = {
            model: Table(model, with_id=model in (Contact, Host, Domain))
            for model in (Contact, Host, Domain, DomainNameServer, DomainStatus, HistoryEntry)
        }
        self.stats = BulkStats()

    def run(self) -> BulkStats:
        # The rows of a batch hold no reference cycles: reference counting frees them, and the cyclic
        # collector would only walk millions of live objects again and again (a third of the CPU).
        collecting = gc.isenabled()
        gc.collect()
        gc.freeze()
        gc.disable()
        try:
            return self._run()
        finally:
            gc.unfreeze()
            if collecting:
                gc.enable()

    def _run(self) -> BulkStats:
        started = time.perf_counter()
        stats = self.stats
        self.sink.prepare()
        registrar = ensure_registrar()
        zones = dict(Zone.objects.filter(name__in=("kz", "xn--80ao21a")).values_list("name", "id"))
        if len(zones) != 2:
            raise RuntimeError("zones kz and xn--80ao21a (қаз) are missing: run `kzreg migrate` first")
        self.zones = zones
        self.resellers = list(Reseller.objects.filter(registrar=registrar, active=True).values_list("name", flat=True))
        self.names = NameSource(self.rnd, self._taken_names())
        self.factory = RowFactory(self.rnd, registrar.id, HandleAllocator(Contact.objects.values_list("handle", flat=True)))  # fmt: skip
        tables = list(self.tables.values())
        with transaction.atomic():
            deferred = self._defer_indexes(tables)
            self.pool = self._setup_pools()
            plans = self._plan()
        stats.setup_seconds = time.perf_counter() - started
        handles_given = self.factory.handles.last
        try:
            for rows, given in self._batches(plans):
                began = time.perf_counter()
                with transaction.atomic():
                    self._write_rows(rows)
                handles_given = given
                stats.writing_seconds += time.perf_counter() - began
                elapsed = time.perf_counter() - started
                self.out(f"bulkload: {stats.domains:,}/{self.count:,} domains, {elapsed:,.0f} s, {stats.domains / elapsed:,.0f} domains/s")  # fmt: skip
        finally:  # also after a failure: the indexes come back whatever happened to the load
            began = time.perf_counter()
            self.sink.create_indexes(deferred)
            stats.index_seconds = time.perf_counter() - began
        began = time.perf_counter()
        with transaction.atomic():
            self.sink.advance_handle_sequences(handles_given)
        self.sink.finish(tables)
        stats.finish_seconds = time.perf_counter() - began
        stats.seconds = time.perf_counter() - started
        return stats

    def _defer_indexes(self, tables: list[Table]) -> list[tuple[str, str]]:
        """Drops the plain indexes for a big load and returns them, to be built again after it.

        Big: at least as many new domains as there are already, so that building an index over the whole
        table costs less than keeping it up to date row by row. Indexes a killed load left missing are
        built too (at the end of a big load, now for a small one).
        """
        indexes = self.sink.plain_indexes(tables)
        existing = self.sink.existing_indexes(tables)
        rebuild = self.rebuild_indexes
        if rebuild is None:
            rebuild = self.count >= PARALLEL_FROM and self.count >= Domain.objects.count()
        if not rebuild:
            self.sink.create_indexes([(name, sql) for name, sql in indexes if name not in existing])
            return []
        self.sink.drop_indexes([(name, sql) for name, sql in indexes if name in existing])
        return indexes

    def _plan(self) -> list[tuple[list[int], int, int]]:
        """Per transaction: how many domains each new holder registers, and the first contact and domain keys.

        Keys are reserved here, in this process, so that building the rows needs no database at all.
        """
        groups, planned, wanted = [], 0, self.count - self.stats.provider_domains  # the companies' own count too
        while planned < wanted:  # one holder registers one to five domains
            groups.append(min(self.rnd.choices((1, 2, 3, 5), weights=(60, 20, 12, 8))[0], wanted - planned))
            planned += groups[-1]
        batches: list[list[int]] = [[]]
        size = 0
        for group in groups:  # a holder's domains may straddle two transactions: one contact per part
            while group:
                part = min(group, self.batch_size - size)
                batches[-1].append(part)
                size, group = size + part, group - part
                if size == self.batch_size:
                    batches.append([])
                    size = 0
        batches = [b for b in batches if b]
        if not batches:  # a load smaller than the hosting companies' own domains
            return []
        contact = self.sink.reserve_ids(Contact, sum(len(b) for b in batches))
        domain = self.sink.reserve_ids(Domain, planned)
        plans = []
        for parts in batches:
            plans.append((parts, contact, domain))
            contact, domain = contact + len(parts), domain + sum(parts)
        return plans

    def _batches(self, plans: list) -> Iterator[tuple[dict, dict[str, int]]]:
        """Rows per transaction, with the highest handle number per stem so far (a child's allocator is
        not this process's): built here, or in a forked child while this process writes (big loads)."""
        stats = self.stats

        def build(plan: tuple[list[int], int, int]) -> tuple[dict, dict[str, int]]:
            return self._rows(self._domains(*plan)), dict(self.factory.handles.last)

        if not self.parallel or len(plans) < 2:
            for plan in plans:
                began = time.process_time()
                built = build(plan)
                stats.building_seconds += time.process_time() - began
                yield built
            return
        child = ChildStats()
        yield from produce_in_child(lambda: (build(plan) for plan in plans), len(plans), child)
        stats.builders, stats.building_seconds, stats.waiting_seconds = 1, child.cpu_seconds, child.waiting_seconds

    def _taken_names(self) -> set[str]:
        taken = set(Domain.objects.filter(deleted_at__isnull=True).values_list("name", flat=True))
        for zone in Zone.objects.prefetch_related("reserved_names"):
            taken.update(f"{r.label}.{zone.name}" for r in zone.reserved_names.all())
        return taken

    def _setup_pools(self) -> HostPool:
        """Hosts of the hosting companies, their NOC contacts and the shared administrative contacts."""
        batch, rnd, factory = Batch(), self.rnd, self.factory
        # Contacts from eleven years ago, then the hosting companies' domains, then their servers (a month
        # before the oldest customer domain, ten years ago).
        pool = build_host_pool(rnd, self.count, self.sink, factory, batch, self.now - 10 * YEAR - dt.timedelta(days=31))
        admins = max(5, min(40_000, self.count // 25))
        nocs = max(3, min(200, self.count // 5_000))
        first = self.sink.reserve_ids(Contact, admins + nocs)
        since = self.now - 11 * YEAR
        for i in range(admins + nocs):
            person = people.individual(rnd, serial=first + i) if i < admins else people.role(rnd, serial=first + i)
            at = since + dt.timedelta(days=rnd.randint(0, 200))
            contact = factory.contact(batch, person, first + i, at, factory.request_id(), "contact_create")
            (pool.admins if i < admins else pool.nocs).append(contact)
        self._provider_domains(batch, pool)
        self._write(batch)
        return pool

    def _provider_domains(self, batch: Batch, pool: HostPool) -> None:
        """Registers, first, every hosting company's own domain inside our zones that is not registered yet,
        delegated to its own servers: a name server inside a zone lies in a registered domain (issue 10).
        Registered before its servers were made, renewed since; its NOC contact is the holder."""
        inside = [p for p in pool.providers if p.domain.rsplit(".", 1)[-1] in self.zones]
        live = Domain.objects.filter(name__in=[p.domain for p in inside], deleted_at__isnull=True)
        registered = set(live.values_list("name", flat=True))
        new = [p for p in inside if p.domain not in registered]
        self.names.taken.update(p.domain for p in inside)  # never given to a customer
        pk = self.sink.reserve_ids(Domain, len(new)) if new else 0
        for i, provider in enumerate(new):
            rnd, created = self.rnd, self.now - 10 * YEAR - dt.timedelta(days=60 - i % 20)
            noc = pool.nocs[i % len(pool.nocs)]
            contacts = {"registrant": noc, "admin": rnd.choice(pool.admins), "tech": noc, "billing": noc}
            names = (provider.domain, provider.unicode_domain or provider.domain, self.zones[provider.domain.rsplit(".", 1)[-1]])  # fmt: skip
            domain = self.factory.domain(batch, pk + i, names, created, 10, contacts, provider.hosts, provider.location, self.factory.request_id())  # fmt: skip
            self.factory.renew(batch, domain, 10, created + 9 * YEAR, contacts, provider.hosts)
        self.stats.provider_domains = len(new)

    def _domains(self, groups: list[int], first_contact: int, pk: int) -> Batch:
        batch, rnd, factory, pool = Batch(), self.rnd, self.factory, self.pool
        for g, group_size in enumerate(groups):
            serial = first_contact + g
            holder = people.role(rnd, serial) if rnd.random() < 0.55 else people.individual(rnd, serial)
            admin = rnd.choice(pool.admins)
            ages = sorted(self._when() for _ in range(group_size))
            registrant = None
            for created, period in ages:
                request_id = factory.request_id()
                if registrant is None:
                    registrant = factory.contact(batch, holder, serial, created, request_id, "domain_create")
                self._domain(batch, pk, created, period, registrant, admin, request_id)
                pk += 1
        return batch

    def _when(self) -> tuple[dt.datetime, int]:
        """(registered at, period): still registered today, except ~2% that expired a few days ago."""
        rnd = self.rnd
        period = rnd.choices(PERIODS, PERIOD_WEIGHTS)[0]
        if rnd.random() < 0.02:
            return self.now - period * YEAR - dt.timedelta(days=rnd.randint(1, 25)), period
        return self.now - rnd.random() * period * YEAR, period

    def _domain(self, batch: Batch, pk: int, created: dt.datetime, period: int, registrant, admin, request_id: str) -> None:  # fmt: skip
        rnd, pool = self.rnd, self.pool
        name, unicode_name, zone = self.names.next()
        provider = pool.pick_provider(rnd)
        hosts = pool.nameservers(rnd, provider)
        tech = admin if rnd.random() < 0.6 else rnd.choice(pool.nocs)
        contacts = {"registrant": registrant, "admin": admin, "tech": tech, "billing": admin if rnd.random() < 0.8 else registrant}  # fmt: skip
        ds = [f"{rnd.randint(1, 65535)} 13 2 {rnd.getrandbits(256):064X}"] if rnd.random() < 0.03 else []
        domain = self.factory.domain(
            batch, pk, (name, unicode_name, self.zones[zone]), created, period, contacts, hosts,
            provider.location, request_id, reseller_name=rnd.choice(self.resellers) if self.resellers and rnd.random() < 0.35 else "",
            purpose=rnd.choice(PURPOSES) if rnd.random() < 0.1 else "", ds_records=ds,
        )  # fmt: skip
        roll = rnd.random()
        if roll < 0.013 and domain.expires_at > self.now:
            flag = StatusFlag.HOLD if roll < 0.01 else StatusFlag.SUSPENDED
            at = min(self.now, created + dt.timedelta(days=rnd.randint(1, 300)))
            self.factory.set_flag(batch, domain, flag, at, contacts, hosts)

    def _rows(self, batch: Batch) -> dict:
        t = self.tables
        return {
            Contact: t[Contact].payload(batch.contacts),
            Host: t[Host].payload(batch.hosts),
            Domain: t[Domain].payload(batch.domains),
            DomainNameServer: t[DomainNameServer].payload(batch.links),
            DomainStatus: t[DomainStatus].payload(batch.statuses),
            HistoryEntry: t[HistoryEntry].payload(batch.history),
        }

    def _write_rows(self, rows: dict) -> None:
        stats = self.stats
        for model, attribute in STAT_OF.items():
            setattr(stats, attribute, getattr(stats, attribute) + self.sink.write(self.tables[model], rows[model]))

    def _write(self, batch: Batch) -> None:
        self._write_rows(self._rows(batch))


def bulkload(
    count: int, seed: int = 1, batch: int = 50_000, out: Callable[[str], None] = print,
    parallel: bool | None = None, rebuild_indexes: bool | None = None,
) -> BulkStats:  # fmt: skip
    """Adds `count` domains; `parallel` builds rows in a child process and `rebuild_indexes` drops the
    plain indexes for the load (both by default for 20,000 domains and more)."""
    return BulkLoader(count, seed, batch, out, parallel, rebuild_indexes).run()
