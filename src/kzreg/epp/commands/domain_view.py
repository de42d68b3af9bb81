"""`<domain:infData>` from the registry's typed info view (`registry.reads.objects.DomainInfo`): the
registry decides the status words and who sees the authorization code; this only writes the XML."""

from __future__ import annotations

from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, epp_date
from kzreg.epp.xml import E, sub
from kzreg.registry.reads.objects import DomainInfo

DOMAIN = namespaces.DOMAIN
HOSTS_CHOICES = ("all", "del", "sub", "none")


def info_data(info: DomainInfo, roid: str, hosts: str) -> Element:
    """`hosts` is the request's attribute: delegated name servers (`del`), subordinate hosts (`sub`)."""
    data = E(DOMAIN, "infData")
    sub(data, DOMAIN, "name", info.name)
    sub(data, DOMAIN, "roid", roid)
    for word in info.statuses:
        sub(data, DOMAIN, "status", s=word)
    sub(data, DOMAIN, "registrant", info.registrant)
    for role, handle in info.contacts.items():
        sub(data, DOMAIN, "contact", handle, type=role)
    if hosts in ("all", "del") and info.nameservers:
        ns = sub(data, DOMAIN, "ns")
        for name in info.nameservers:
            sub(ns, DOMAIN, "hostObj", name)
    if hosts in ("all", "sub"):
        for name in info.hosts:
            sub(data, DOMAIN, "host", name)
    sub(data, DOMAIN, "clID", info.registrar)
    if info.creating_registrar:
        sub(data, DOMAIN, "crID", info.creating_registrar)
    sub(data, DOMAIN, "crDate", epp_date(info.created_at))
    if info.updated_at != info.created_at:
        if info.updating_registrar:
            sub(data, DOMAIN, "upID", info.updating_registrar)
        sub(data, DOMAIN, "upDate", epp_date(info.updated_at))
    sub(data, DOMAIN, "exDate", epp_date(info.expires_at))
    if info.transferred_at is not None:
        sub(data, DOMAIN, "trDate", epp_date(info.transferred_at))
    if info.auth_code:
        sub(sub(data, DOMAIN, "authInfo"), DOMAIN, "pw", info.auth_code)
    return data
