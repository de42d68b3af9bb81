"""The demo's domains, made through the operations: registrations, then a lived-in history of changes.

The hosting companies' own domains come first (`ps.kz`, `hoster.kz`, delegated to their own servers), so
that every server the other domains name lies in a registered domain (issue 10); then hand-picked names
(companies, shops, a few people, both zones and scripts), then generated ones. Afterwards a few domains are put on hold or suspended, renewed, modified and transferred, so
WHOIS, RDAP, the zone and the history pages all have something to show.
"""

from __future__ import annotations

import random

from kzreg.core.actor import Actor
from kzreg.demo import names, people
from kzreg.registry import commands as c
from kzreg.registry.operations import (
    create_domain,
    modify_domain,
    renew_domain,
    set_domain_status,
    transfer_domain,
)

CURATED = [
    "kaspi-solutions.kz", "steppe-digital.kz", "nomadcloud.kz", "tengri-soft.kz", "silkroad-trade.kz",
    "alatau-media.kz", "orda-systems.kz", "zhetysu-agro.kz", "altyndala.kz", "shanyrak-stroy.kz",
    "almaty-taxi.kz", "astana-hub.kz", "caspian-energy.kz", "tulpar-auto.kz",
    "алматы-такси.kz", "стройинвест.kz", "медиаплюс.kz", "цветы-астана.kz", "бақыт.kz", "ремонт-окон.kz",
    "қазақтелеком.қаз", "шаңырақ.қаз", "нұр-құрылыс.қаз", "айгерім.қаз", "атамекен.қаз", "білім.қаз",
    "алтындала.қаз", "тұлпар.қаз", "сәулет.қаз", "жұлдыз-медиа.қаз",
]  # fmt: skip
OWN_NAMESERVERS = {"kaspi-solutions.kz", "nomadcloud.kz", "шаңырақ.қаз"}  # in-zone servers with glue
PROVIDERS = {  # hosting company → its name servers and where its equipment stands (R12)
    "ps": ((("ns1.ps.kz", ("195.210.46.10", "2a00:5da0:1::10")), ("ns2.ps.kz", ("91.201.214.10",)),
            ("ns3.ps.kz", ("185.22.64.10", "2a00:5da0:1:2::10"))),
           c.Location("ул. Зенкова, 59", "Алматы", "г. Алматы")),
    "hoster": ((("ns1.hoster.kz", ("89.218.5.2",)), ("ns2.hoster.kz", ("92.46.53.2", "2a00:5da0:2::2"))),
               c.Location("Мәңгілік Ел даңғылы, 55/22", "Астана", "Астана қаласы")),
    "pscloud": ((("ns1.ps.cloud", ("46.101.12.5",)), ("ns2.ps.cloud", ("178.62.20.7",))),
                c.Location("Al-Farabi Ave 77/8", "Almaty", "Almaty")),
}  # fmt: skip
PROVIDER_DOMAINS = {  # a hosting company's own domain → its key in PROVIDERS and its legal name
    "ps.kz": ("ps", "ТОО «Интернет-компания PS»"),
    "hoster.kz": ("hoster", "ТОО «Хостер Казахстан»"),
}
HOLD_REASON = "Тіркелуші деректері расталмады / Данные администратора не подтверждены (PS-3.10)"
SUSPEND_REASON = "Уәкілетті органның нұсқамасы / Предписание уполномоченного органа (PS-3.10)"


def _names(rnd: random.Random, count: int) -> list[str]:
    zones = {"kz": names.LATIN_ZONE, names.IDN_ZONE_UNICODE: names.IDN_ZONE}
    source = names.NameSource(
        rnd,
        taken=[f"{names.to_alabel(n.split('.')[0])}.{zones[n.split('.')[1]]}" for n in (*PROVIDER_DOMAINS, *CURATED)],
    )
    out = [*PROVIDER_DOMAINS, *CURATED]
    while len(out) < count:
        out.append(source.next()[1])
    return out


def _script_of(name: str) -> str:
    return "en" if name.isascii() else ("kk" if any(ch in "әғқңөұүһі" for ch in name) else "ru")


class DemoBuilder:
    def __init__(self, rnd: random.Random, runner, actors: list[Actor], staff: Actor, resellers: dict[str, str]):
        self.rnd, self.runner, self.actors, self.staff = rnd, runner, actors, staff
        # principal → the reseller name its registrar gives the registry (a reseller's staff acts as its registrar)
        self.resellers = resellers
        self.registrants: list[str] = []  # handles, for holders of several domains
        self.admins: list[str] = []
        self.nocs: dict[str, str] = {}  # provider → handle of its technical contact

    def _nameservers(self, name: str) -> tuple[str, tuple[c.NameServer, ...], c.Location]:
        rnd = self.rnd
        if name in PROVIDER_DOMAINS:  # all of the company's servers, inside its own domain
            provider = PROVIDER_DOMAINS[name][0]
            hosts, location = PROVIDERS[provider]
            return provider, tuple(c.NameServer(h, a) for h, a in hosts), location
        if name in OWN_NAMESERVERS:
            servers = tuple(c.NameServer(f"ns{i}.{name}", tuple(names.host_addresses(rnd, 0.5))) for i in (1, 2))
            return "own", servers, c.Location("Сәтпаев көшесі, 30А", "Алматы", "Алматы қаласы")
        provider = rnd.choices(list(PROVIDERS), weights=(55, 30, 15))[0]
        hosts, location = PROVIDERS[provider]
        chosen = hosts if rnd.random() < 0.3 else hosts[:2]
        return provider, tuple(c.NameServer(h, a) for h, a in chosen), location

    def _contacts(self, script: str, provider: str, name: str) -> dict:
        rnd = self.rnd
        if name in PROVIDER_DOMAINS:  # the company itself holds it; its NOC is the technical contact
            org = PROVIDER_DOMAINS[name][1]
            noc = people.role(rnd, script="ru", org=org)
            return {"registrant": people.role(rnd, script="ru", org=org), "admin": people.individual(rnd), "tech": noc}
        if self.registrants and rnd.random() < 0.15:
            registrant: c.ContactRef = rnd.choice(self.registrants)
        else:
            person = people.role(rnd, script=script) if rnd.random() < 0.55 else people.individual(rnd, script=script)
            registrant = person
        admin: c.ContactRef = rnd.choice(self.admins) if self.admins and rnd.random() < 0.3 else people.individual(rnd)
        tech: c.ContactRef | None = None
        if provider != "own" and rnd.random() < 0.35:
            tech = self.nocs.get(provider) or people.role(rnd, script="ru", org=f"ТОО «{provider.upper()} Хостинг»")  # fmt: skip
        return {"registrant": registrant, "admin": admin, "tech": tech}

    def register(self, name: str, days_ago: float) -> tuple[str, Actor, int]:
        rnd = self.rnd
        provider, servers, location = self._nameservers(name)
        actor = rnd.choices(self.actors, weights=[50] + [25] * (len(self.actors) - 1))[0]
        if name in PROVIDER_DOMAINS:
            actor = self.actors[0]  # the registrar itself sponsors the hosting companies' domains
        ds = (f"{rnd.randint(1, 65535)} 13 2 {rnd.getrandbits(256):064X}",) if rnd.random() < 0.05 else ()
        command = c.CreateDomain(
            name=name, period=rnd.choices((1, 2, 3, 5, 10), weights=(55, 20, 10, 10, 5))[0],
            nameservers=servers, location=location, ds_records=ds,
            purpose=rnd.choice(("", "", "Корпоративный сайт", "Интернет-дүкен", "Company website")),
            reseller=self.resellers.get(actor.principal, ""),
            **self._contacts(_script_of(name), provider, name),
        )  # fmt: skip
        domain = self.runner.at(days_ago, create_domain, command, actor)
        self.registrants.append(domain.registrant.handle)
        self.admins.append(domain.admin_contact.handle)
        if command.tech is not None and provider not in self.nocs:
            self.nocs[provider] = domain.tech_contact.handle
        return domain.name, actor, command.period or 1


def register_all(
    rnd: random.Random, runner, actors: list[Actor], staff: Actor, count: int, resellers: dict[str, str] | None = None
) -> int:
    """Registers `count` domains over the past ten months, then changes some of them; `resellers` names the
    reseller each actor (by principal) serves its domains for."""
    builder = DemoBuilder(rnd, runner, actors, staff, resellers or {})
    ages = sorted((rnd.uniform(2, 300) for _ in range(count)), reverse=True)
    made = [(*builder.register(name, age), age) for name, age in zip(_names(rnd, count), ages, strict=True)]
    # renewals stay within ten years ahead; the hosting companies' own domains stay as they are
    candidates = [m for m in made[:-5] if m[2] <= 5 and m[0] not in PROVIDER_DOMAINS]
    picks = rnd.sample(candidates, 16)  # each changed domain gets one kind of change, later than its creation
    for i, (name, actor, _period, age) in enumerate(picks):
        when = age * rnd.uniform(0.1, 0.8)
        if i < 4:
            runner.at(when, set_domain_status, c.SetDomainStatus(name, "hold", HOLD_REASON), staff)
        elif i < 6:
            runner.at(when, set_domain_status, c.SetDomainStatus(name, "suspended", SUSPEND_REASON), staff)
            if i == 5:
                runner.at(when / 2, set_domain_status, c.SetDomainStatus(name, "hold", HOLD_REASON), staff)
        elif i < 9:
            runner.at(when, renew_domain, c.RenewDomain(name, years=rnd.choice((1, 2))), actor)
        elif i < 13:
            servers = tuple(c.NameServer(h, a) for h, a in PROVIDERS["hoster"][0])
            runner.at(when, modify_domain, c.ModifyDomain(name, nameservers=servers, location=PROVIDERS["hoster"][1]), actor)  # fmt: skip
        else:
            new_holder = people.role(rnd, script=rnd.choice(("kk", "ru", "en")))
            command = c.TransferDomain(name, registrant=new_holder, authorization="forwarded-delete")
            runner.at(when, transfer_domain, command, actor)
    return len(made)
