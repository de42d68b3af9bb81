"""Hosting companies and their name servers: the shared host pool most .kz domains point to (R11).

A few big providers (ps.kz, hoster.kz) serve most domains, a long tail of small ones the rest, as in a
real registry. Most name servers lie inside the registry's zones (so the zone publishes glue), some are
under `.қаз`, some outside (`.com`, `.net`, `.ru`), about a fifth have an IPv6 address too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field

from kzreg.demo import names, people
from kzreg.registry.models import Host

KNOWN = [  # (provider domain, name servers, share of domains)
    ("ps.kz", 4, 25.0), ("hoster.kz", 3, 12.0), ("ps.cloud", 2, 4.0), ("srv.kz", 2, 3.0),
    ("kazteleport.kz", 2, 2.0), ("zhosting.kz", 2, 2.0), ("pskz.cloud", 2, 1.5),
]  # fmt: skip
TAIL_TLDS = (("kz", 60), ("қаз", 10), ("com", 12), ("net", 10), ("ru", 8))


@dataclass
class Provider:
    domain: str  # A-label
    hosts: list  # Host rows of earlier loads, or new ones (namespaces)
    location: tuple[str, str, str]  # where its equipment stands (R12: 9a-9c)
    unicode_domain: str = ""


@dataclass
class HostPool:
    providers: list[Provider]
    cumulative: list[float]
    admins: list = field(default_factory=list)
    nocs: list = field(default_factory=list)

    def pick_provider(self, rnd: random.Random) -> Provider:
        return self.providers[bisect.bisect(self.cumulative, rnd.random() * self.cumulative[-1])]

    def nameservers(self, rnd: random.Random, provider: Provider) -> list:
        """Two servers mostly; sometimes all of the provider's; sometimes two providers for redundancy."""
        roll = rnd.random()
        if roll < 0.05:
            other = self.pick_provider(rnd)
            if other is not provider:
                return [provider.hosts[0], other.hosts[0]]
        if roll < 0.25:
            return list(provider.hosts)
        return provider.hosts[:2]


def _location(rnd: random.Random) -> tuple[str, str, str]:
    line, city, region, _ = people.address(rnd, rnd.choice(("kk", "ru", "en")))
    return line, city, region


def build_host_pool(rnd: random.Random, count: int, sink, factory, batch, since: dt.datetime) -> HostPool:
    """Providers with their hosts: existing hosts of the known providers are reused, the rest created."""
    wanted = max(12, min(4000, count // 250))
    plan: list[tuple[str, str, int, float]] = [(d, d, n, w) for d, n, w in KNOWN]
    tlds, weights = zip(*TAIL_TLDS, strict=True)
    taken = set(Host.objects.values_list("name", flat=True))
    serial, planned = 0, sum(n for _, _, n, _ in plan)
    while planned < wanted:
        serial += 1
        tld = rnd.choices(tlds, weights)[0]
        word = rnd.choice(names.KAZAKH_WORDS if tld == "қаз" else names.LATIN_WORDS)
        unicode_domain = f"{word}host{serial}.{tld}" if word.isascii() else f"{word}{serial}.{tld}"
        adomain = ".".join(names.to_alabel(label) for label in unicode_domain.split("."))
        n = rnd.choice((2, 2, 3))
        if any(f"ns{i}.{adomain}" in taken for i in range(1, n + 1)):
            continue  # a provider of an earlier load: this load brings its own
        plan.append((adomain, unicode_domain, n, 20.0 / (serial + 10)))
        planned += n
    all_names = [f"ns{i}.{adomain}" for adomain, _, n, _ in plan for i in range(1, n + 1)]
    existing = {h.name: h for h in Host.objects.filter(name__in=[n for n in all_names if n in taken])}
    fresh = [name for name in all_names if name not in existing]
    pk = sink.reserve_ids(Host, len(fresh))
    providers, cumulative, total = [], [], 0.0
    for adomain, unicode_domain, n, weight in plan:
        hosts = []
        for i in range(1, n + 1):
            name = f"ns{i}.{adomain}"
            if name in existing:  # the big providers' servers are shared by every load
                hosts.append(existing[name])
                continue
            at = since + dt.timedelta(days=rnd.randint(0, 30))
            hosts.append(factory.host(batch, name, f"ns{i}.{unicode_domain}", names.host_addresses(rnd), pk, at))
            pk += 1
        total += weight
        providers.append(Provider(adomain, hosts, _location(rnd), unicode_domain))
        cumulative.append(total)
    return HostPool(providers, cumulative)
