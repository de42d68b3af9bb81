"""Objects the ops tests and the tenant sweep share: a bulk job of a tenant (not run)."""

from __future__ import annotations

from kzreg.registrar import bulk
from kzreg.registrar.models import BulkJob


def bulk_job_of(tenant) -> BulkJob:
    """A name-server change of the tenant's domain, started by its administrator (the same job each time)."""
    name = tenant.service.name
    line = bulk.Line(1, name, name=name, nameservers=["ns1.ps.kz", "ns2.ps.kz"])
    return bulk.start(tenant.admin, bulk.NAMESERVERS, [line], f"sweep-{name}")
