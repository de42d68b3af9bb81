"""The registrars' poll queue (issue 10, RFC 5730 `<poll>`): messages written in the operation's own
transaction, read oldest first, acknowledged by id by their registrar only."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, PollMessage
from kzreg.registry.poll import acknowledge, next_message, notify_registrar

pytestmark = pytest.mark.django_db


class _Ctx:
    def __init__(self) -> None:
        self.now = clock.now()


def kinds(registrar) -> list[str]:
    return list(PollMessage.objects.filter(registrar=registrar).order_by("id").values_list("kind", flat=True))


def test_oldest_first_and_acknowledged_by_id(epp):
    losing = epp["losing"]
    assert next_message(losing.id) == (None, 0)
    first = notify_registrar(_Ctx(), losing.id, "domain_restored", object_type="domain", object_key="a.kz")
    second = notify_registrar(_Ctx(), losing.id, "domain_purged", object_type="domain", object_key="b.kz")
    assert next_message(losing.id) == (first, 2)
    assert acknowledge(losing.id, first.pk) == 1
    assert next_message(losing.id) == (second, 1)
    assert acknowledge(losing.id, str(second.pk)) == 0
    assert next_message(losing.id) == (None, 0)


@pytest.mark.parametrize("which", ["other", "unknown", "garbage", "twice"])
def test_acknowledging_what_is_not_yours_is_2303_and_changes_nothing(epp, which):
    message = notify_registrar(_Ctx(), epp["losing"].id, "domain_restored", object_key="a.kz")
    registrar_id, message_id = epp["losing"].id, message.pk
    if which == "other":
        registrar_id = epp["gaining"].id
    elif which == "unknown":
        message_id = message.pk + 1000
    elif which == "garbage":
        message_id = "abc"
    else:
        acknowledge(registrar_id, message_id)
    before = list(PollMessage.objects.values_list("id", "acked_at"))
    with pytest.raises(OperationFailed) as failure:
        acknowledge(registrar_id, message_id)
    assert failure.value.codes == {Code.NOT_FOUND} and failure.value.epp_code == 2303
    assert failure.value.problems[0].field == "msgID"
    assert "хабарлама" in failure.value.problems[0].render("kk")
    assert list(PollMessage.objects.values_list("id", "acked_at")) == before


def test_another_parts_kind_brings_its_three_texts(epp):
    texts = {"kk": "теңгерім аз", "ru": "мало средств", "en": "low balance"}
    message = notify_registrar(_Ctx(), epp["losing"].id, "low_balance", data={"balance": "10.00"}, texts=texts)
    assert message.text == "low balance" and message.texts == texts and message.data == {"balance": "10.00"}
    with pytest.raises(ValueError):
        notify_registrar(_Ctx(), epp["losing"].id, "low_balance")
    with pytest.raises(ValueError):
        notify_registrar(_Ctx(), epp["losing"].id, "low_balance", texts={"en": "low balance"})
    assert notify_registrar(_Ctx(), None, "domain_purged") is None  # the registry's own objects


def test_the_registry_holding_a_domain_tells_its_registrar_but_the_registrar_itself_is_not_told(epp):
    losing = epp["losing"]
    ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), epp["staff"])
    ops.lift_domain_status(c.SetDomainStatus("example.kz", "hold", "order lifted"), epp["staff"])
    ops.set_domain_status(c.SetDomainStatus("example.kz", "suspended", "data check"), epp["owner"])
    assert kinds(losing) == ["status_set", "status_lifted"]
    message, count = next_message(losing.id)
    assert count == 2 and message.data == {"status": "hold", "reason": "court order"}
    assert "court order" in message.texts["ru"] and "example.kz" in message.texts["kk"]


def test_expiry_and_purge_are_told(epp, frozen_clock):
    frozen_clock.advance(dt.timedelta(days=366))
    ops.expire_domains()
    frozen_clock.advance(dt.timedelta(days=31))
    ops.purge_domains()
    assert kinds(epp["losing"]) == ["domain_expired", "domain_purged"]


def test_a_delete_by_the_registry_is_told(epp):
    ops.delete_domain(c.DeleteDomain("example.kz", "false data (R16)"), epp["staff"])
    [message] = PollMessage.objects.filter(registrar=epp["losing"])
    assert message.kind == "domain_deleted" and "false data (R16)" in message.text


class RefusingGuard:
    """A guard that refuses after the write (as billing does without money): the operation rolls back."""

    def check(self, ctx, target):
        return []

    def after(self, ctx, result):
        raise OperationFailed([Problem("", Code.REFUSED, {"reason": "no money"})])


def test_a_message_is_written_only_if_the_operation_commits(epp, settings):
    """The status change and its message are one transaction: rolled back together."""
    settings.KZREG = {**settings.KZREG, "OPERATION_GUARDS": ["tests.registry.test_poll.RefusingGuard"]}
    with pytest.raises(OperationFailed):
        ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "court order"), epp["staff"])
    assert kinds(epp["losing"]) == [] and not Domain.objects.get(name="example.kz").hold
