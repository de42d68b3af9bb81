"""The issue-10 world (`epp`): PS-KZ's domain over EPP, the registrar that wants it, a stranger, staff."""

from __future__ import annotations

import pytest

from kzreg.registry import operations as ops
from kzreg.registry.models import Registrar
from tests.conftest import T0
from tests.registry.epp_world import epp_actor, new_domain


@pytest.fixture
def epp(registrar, other_registrar, staff, frozen_clock):
    """PS-KZ (the sponsor, `owner`) has example.kz; HOSTER-KZ (`gainer`) wants it; a third registrar
    (`stranger`) is in neither side."""
    third = Registrar.objects.create(handle="THIRD-KZ", name="Third LLP", email="t@third.kz", created_at=T0)
    owner, gainer = epp_actor(registrar), epp_actor(other_registrar)
    domain = ops.create_domain(new_domain("example.kz", auth_code="domain-code-1"), owner).object
    return {"owner": owner, "gainer": gainer, "stranger": epp_actor(third), "staff": staff, "domain": domain,
            "losing": registrar, "gaining": other_registrar}  # fmt: skip
