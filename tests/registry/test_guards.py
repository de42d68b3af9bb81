"""Guards: where billing, tenant access and compliance plug into every operation (issue 2)."""

from __future__ import annotations

import pytest

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.guards import _load
from kzreg.registry.models import Contact, Domain, HistoryEntry
from kzreg.registry.operations import create_domain
from tests.conftest import domain_command

pytestmark = pytest.mark.django_db


class ForbidHold:
    def check(self, ctx, target):
        if ctx.operation == "domain_create" and ctx.command.name.startswith("forbidden"):
            yield Problem("name", Code.REFUSED, {"reason": "compliance restriction"})

    def after(self, ctx, result):
        if ctx.operation == "domain_create" and result.name.startswith("unpaid"):
            raise OperationFailed([Problem("", Code.REFUSED, {"reason": "insufficient balance"})])


@pytest.fixture
def guard(settings):
    settings.KZREG = {**settings.KZREG, "OPERATION_GUARDS": [f"{__name__}.ForbidHold"]}
    _load.cache_clear()
    yield
    _load.cache_clear()


def test_a_guard_can_forbid_an_operation(guard, registrar, staff):
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command("forbidden.kz"), staff)
    assert failure.value.codes == {Code.REFUSED}
    assert not Domain.objects.exists()


def test_a_failing_after_hook_rolls_the_whole_operation_back(guard, registrar, staff):
    with pytest.raises(OperationFailed):
        create_domain(domain_command("unpaid.kz"), staff)
    assert (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count()) == (0, 0, 0)
    assert create_domain(domain_command("paid.kz"), staff).object.name == "paid.kz"
