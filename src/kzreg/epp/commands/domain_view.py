"""What `<domain:info>` shows of a domain: RFC 5731 statuses from the registry's flags, and infData.

Status words (RFC 5731 §2.3): the registry's `hold` and `suspended` (set by registry staff, R13) are
`serverHold`; the sponsor's hold is `clientHold`; the other client statuses are kept as EPP words;
`pendingDelete` while deleted in its redemption period or expired in its grace period; `inactive`
without name servers; `ok` when nothing else applies.
"""

from __future__ import annotations

from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, epp_date, roid
from kzreg.epp.xml import E, sub
from kzreg.registry.models import Domain, DomainNameServer, Host

DOMAIN = namespaces.DOMAIN
HOSTS_CHOICES = ("all", "del", "sub", "none")


def domain_status_words(domain: Domain, has_nameservers: bool) -> list[str]:
    words: list[str] = []
    if domain.hold or domain.suspended:
        words.append("serverHold")
    if domain.client_hold:
        words.append("clientHold")
    words.extend(s for s in domain.client_statuses if s not in words)
    if domain.pending_delete:
        words.append("pendingDelete")
    if not has_nameservers:
        words.append("inactive")
    return words or ["ok"]


def nameserver_names(domain: Domain) -> list[str]:
    links = DomainNameServer.objects.filter(domain=domain).select_related("host").order_by("position")
    return [link.host.name for link in links]


def subordinate_names(domain: Domain) -> list[str]:
    return list(Host.objects.filter(name__endswith=f".{domain.name}").order_by("name").values_list("name", flat=True))


def info_data(domain: Domain, hosts: str, show_auth: bool) -> Element:
    """`<domain:infData>`: `hosts` is the request's `hosts` attribute; the authorization code only for
    the sponsor or a client that proved it knows the code (`show_auth`)."""
    nameservers = nameserver_names(domain)
    data = E(DOMAIN, "infData")
    sub(data, DOMAIN, "name", domain.name)
    sub(data, DOMAIN, "roid", roid("D", domain.pk))
    for word in domain_status_words(domain, bool(nameservers)):
        sub(data, DOMAIN, "status", s=word)
    sub(data, DOMAIN, "registrant", domain.registrant.handle)
    for role, contact in (
        ("admin", domain.admin_contact),
        ("tech", domain.tech_contact),
        ("billing", domain.billing_contact),
    ):
        sub(data, DOMAIN, "contact", contact.handle, type=role)
    if hosts in ("all", "del") and nameservers:
        ns = sub(data, DOMAIN, "ns")
        for name in nameservers:
            sub(ns, DOMAIN, "hostObj", name)
    if hosts in ("all", "sub"):
        for name in subordinate_names(domain):
            sub(data, DOMAIN, "host", name)
    sub(data, DOMAIN, "clID", domain.registrar.handle)
    sub(data, DOMAIN, "crDate", epp_date(domain.created_at))
    if domain.updated_at != domain.created_at:
        sub(data, DOMAIN, "upDate", epp_date(domain.updated_at))
    sub(data, DOMAIN, "exDate", epp_date(domain.expires_at))
    if show_auth and domain.auth_code:
        auth = sub(data, DOMAIN, "authInfo")
        sub(auth, DOMAIN, "pw", domain.auth_code)
    return data
