"""The reads EPP commands need that the registry's typed read API (`registry.reads.objects`) does not
offer: the current state an add/rem update is applied to and the database id behind an object's roid
(whether a hostObj names a host object is the registry's rule: `hosts_must_exist`). Each is one query through the registry's models (the import contract allows
them); writes never happen here. Candidates for `registry.reads.objects` (an `id` on its info views)."""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Contact, Domain, Host
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies


def live_domain(raw: str) -> Domain:
    """The registered (not deleted) domain, with its contacts and registrar; 2303 when there is none."""
    parsed, problems = parse_domain_name(raw, zone_policies(), "name")
    if parsed is None:
        raise OperationFailed(problems)
    query = Domain.objects.select_related(
        "registrant", "admin_contact", "tech_contact", "billing_contact", "registrar", "zone"
    )
    domain = query.filter(name=parsed.name, deleted_at__isnull=True).first()
    if domain is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": parsed.unicode_name})])
    return domain


def host_by_name(name: str) -> Host | None:
    return Host.objects.filter(name=name).first()


def roid(kind: str, key: str) -> str:
    """RFC 5730's repository object id of a live domain (`D12-KZ`), a contact (`C7-KZ`) or a host
    (`H3-KZ`), from its database id."""
    if kind == "D":
        pk = Domain.objects.filter(name=key, deleted_at__isnull=True).values_list("pk", flat=True).first()
    elif kind == "C":
        pk = Contact.objects.filter(handle=key).values_list("pk", flat=True).first()
    else:
        pk = Host.objects.filter(name=key).values_list("pk", flat=True).first()
    return f"{kind}{pk}-KZ"
