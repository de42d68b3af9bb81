"""The demo registry `kzreg up` starts with: the whole chain registry ← registrar ← resellers ← registrants.

Parties (users, the registrar, the resellers) are configuration and are written directly; every domain,
contact and host is made through the registry operations, so each has its history, exactly as if staff
had typed them in. Registrations are spread over the past ten months (the clock is moved back for each
and forward again), so history and WHOIS dates look lived-in. The same seed gives the same registry.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kzreg.accounts.models import StaffProfile
from kzreg.billing.demo import open_demo_account
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.demo import demo_domains
from kzreg.demo.parties import ensure_registrar
from kzreg.demo.users import create_demo_people
from kzreg.registrar.demo import load_demo_records
from kzreg.registry.models import Domain, Registrar, Zone
from kzreg.resellers.models import Reseller
from kzreg.zone.models import ApexAddress

DEMO_PASSWORD = "kzreg-demo"
DOMAIN_COUNT = 300
RESELLERS = [  # handle, trading name, legal name, BIN, e-mail, phone, site, contract, signed, staff user
    ("ALTYN", "Алтын Хостинг", "«Алтын Хостинг» ЖШС", "180940012345", "support@altynhost.kz", "+7 727 311 22 33",
     "https://altynhost.kz", "PS-R-2022/014", dt.date(2022, 3, 1), "altyn-admin"),
    ("SIBHOST", "Сибирь Хостинг", "ТОО «Сибирь Хостинг»", "150540067890", "info@sibhost.kz", "+7 7182 55 44 33",
     "https://sibhost.kz", "PS-R-2023/027", dt.date(2023, 6, 15), "sibhost-admin"),
]  # fmt: skip


@dataclass
class DemoSummary:
    users: list[str]
    domains: int
    warnings: int


def _demo_password_hash() -> str:
    """Hashed once per hasher setting: a password hash is slow on purpose, and every demo user has the same
    one (tests change the hashers, so the setting is part of the key)."""
    return _hash_with(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_with(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def _user(username: str, email: str, superuser: bool = False):
    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users(username=username, email=email, is_staff=True, is_superuser=superuser)
        user.password = _demo_password_hash()
        user.save()
    return user


def _staff(username: str, email: str, organisation: str, registrar=None, reseller=None, superuser=False) -> None:
    user = _user(username, email, superuser)
    StaffProfile.objects.get_or_create(
        user=user,
        defaults={"organisation": organisation, "registrar": registrar, "reseller": reseller, "language": "kk"},
    )


def create_parties() -> tuple[Registrar, list[Reseller]]:
    """The registry operator, the registrar PS with its staff, and two resellers with theirs."""
    _staff("registry", "hostmaster@nic.kz", StaffProfile.Organisation.REGISTRY, superuser=True)
    registrar = ensure_registrar()
    _staff("ps-admin", "admin@ps.kz", StaffProfile.Organisation.REGISTRAR, registrar=registrar)
    resellers = []
    for handle, name, legal, bin_, email, phone, site, contract, signed, username in RESELLERS:
        reseller, _ = Reseller.objects.get_or_create(
            handle=handle,
            defaults=dict(
                registrar=registrar, name=name, legal_name=legal, bin=bin_, email=email, phone=phone,
                website=site, contract_number=contract, contract_signed_at=signed, created_at=clock.now(),
            ),
        )  # fmt: skip
        _staff(username, email, StaffProfile.Organisation.RESELLER, registrar=registrar, reseller=reseller)
        resellers.append(reseller)
    return registrar, resellers


class Runner:
    """Runs operations at chosen moments in the past; counts warnings, turns failures into loud errors."""

    def __init__(self, out: Callable[[str], None]):
        self.out = out
        self.warnings = 0

    def at(self, days_ago: float, operation: Callable, command, actor: Actor):
        delta = dt.timedelta(days=days_ago)
        clock.advance(-delta)
        try:
            result = operation(command, actor)
        except OperationFailed as exc:
            lines = "; ".join(exc.render("en"))
            raise RuntimeError(
                f"demo data: {operation.__name__} {getattr(command, 'name', '')} failed: {lines}"
            ) from exc
        finally:
            clock.advance(delta)
        self.warnings += len(result.warnings)
        return result.object


# Demo addresses (documentation ranges) for the registry's own servers inside `kz`, so the demo zone
# publishes; a real registry sets its own with `kzreg zone apex-address`.
DEMO_APEX = {"ns.nic.kz": ["192.0.2.53", "2001:db8::53"], "ns2.nic.kz": ["198.51.100.53"]}


def set_apex_addresses() -> None:
    kz = Zone.objects.get(name="kz")
    for host, addresses in DEMO_APEX.items():
        if host in (kz.apex_nameservers or []):
            for address in addresses:
                ApexAddress.objects.get_or_create(zone=kz, host=host, address=address)


def load_demo(seed: int = 2026, force: bool = False, out: Callable[[str], None] = print) -> DemoSummary | None:
    """Loads the demo registry in one transaction: all of it, or (on a failure) nothing."""
    if not force and Domain.objects.exists():
        out("demo: the database already has domains; nothing loaded")
        return None
    rnd = random.Random(seed)
    runner = Runner(out)
    with transaction.atomic():
        registrar, resellers = create_parties()
        open_demo_account(registrar.id, registrar.handle)  # its registrations are charged (docs/billing.md)
        set_apex_addresses()
        # A reseller's staff reaches the registry as its registrar (the registry knows registrars, not
        # resellers); the registrar names the reseller that serves each domain it registers for one.
        actors = [Actor("ps-admin", Role.REGISTRAR, Channel.SYSTEM, registrar_id=registrar.id)] + [
            Actor(RESELLERS[i][-1], Role.REGISTRAR, Channel.SYSTEM, registrar_id=registrar.id)
            for i in range(len(resellers))
        ]
        names = {RESELLERS[i][-1]: r.name for i, r in enumerate(resellers)}
        staff = Actor("registry", Role.REGISTRY, Channel.SYSTEM)
        count = demo_domains.register_all(rnd, runner, actors, staff, DOMAIN_COUNT, names)
        load_demo_records(registrar.handle, resellers)  # the registrar's customers and services (docs/registrar.md)
        people = create_demo_people(registrar, resellers, _demo_password_hash())  # docs/accounts.md
    users = ["registry", "ps-admin", *(r[-1] for r in RESELLERS), *people]
    out(f"demo: {count} domains loaded ({runner.warnings} warnings, as registrations report them)")
    out(f"demo: users {', '.join(users)} — password {DEMO_PASSWORD!r} (change it outside a demo)")
    return DemoSummary(users=users, domains=count, warnings=runner.warnings)


def load_demo_if_empty() -> bool:
    """`kzreg up` on first start: "empty" means no domain rows."""
    if Domain.objects.exists():
        return False
    return load_demo(out=lambda line: print(line, file=sys.stdout, flush=True)) is not None
