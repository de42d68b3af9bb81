"""The mail channel's side of issue 10's rules, through a real SMTP conversation and the worker's job:

- a Modify form whose section 3 names another registrant gets the registry's refusal (R14, T7), on
  field 3, with the same message EPP and the registrar wing get (tests/epp/test_rules_channels.py);
  section 3 repeating the current registrant is no change and does not stop the rest;
- a registrant change by the KZ-Transfer forms (T13) puts a message in the sponsoring registrar's poll
  queue, written with the change."""

from __future__ import annotations

import re

import pytest

from kzreg.registry.models import Domain, HistoryEntry, PollMessage
from kzreg.registry.operations.codes import DomainRuleCode
from tests.mail.conftest import mail_world, mail_world_session  # noqa: F401  (fixtures)
from tests.template_mail.conftest import (  # noqa: F401  (fixtures; the autouse ones apply here too)
    _dns_world,
    _isp_hosts,
    golden,
    intake,
    registered,
    set_scheme,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def modify_naming_registrant(handle: str) -> bytes:
    """The golden Modify (new name servers, by the admin contact's Mail-From) with 3a filled in."""
    raw, count = re.subn(
        rb"(?m)^(3a\. NIC Handle \(if known\)\.+:)[^\r\n]*", rb"\1 " + handle.encode(), golden("modify-en-mailfrom.eml")
    )
    assert count == 1
    return raw


def hosts(domain: Domain) -> list[str]:
    return [link.host.name for link in domain.nameserver_links.order_by("position")]


def test_r14_a_modify_naming_another_registrant_is_the_registrys_refusal_on_field_3(intake, registered):  # noqa: F811
    other = Domain.objects.get(name="ps.kz").registrant.handle
    delivery = intake.deliver(modify_naming_registrant(other))
    body = delivery.result().body
    assert delivery.request.state == "rejected", body
    assert f"3: {DomainRuleCode.REGISTRANT_CHANGE.template('en')}" in body
    domain = Domain.objects.get(pk=registered.pk)
    assert domain.registrant_id == registered.registrant_id and hosts(domain) == ["ns1.ps.kz", "ns2.ps.kz"]


def test_r14_a_modify_repeating_the_current_registrant_changes_the_other_sections(intake, registered):  # noqa: F811
    delivery = intake.deliver(modify_naming_registrant(registered.registrant.handle.lower()))
    assert delivery.request.state == "completed", delivery.result().body
    domain = Domain.objects.get(pk=registered.pk)
    assert domain.registrant_id == registered.registrant_id and hosts(domain) == ["ns1.hoster.kz", "ns2.hoster.kz"]


def test_a_registrant_change_by_mail_is_polled_to_the_sponsoring_registrar_T13(intake, registered, staff):  # noqa: F811
    set_scheme(registered.admin_contact, "C", staff, crypt_password="s3cret-pass")
    assert not PollMessage.objects.exists()
    assert intake.deliver(golden("transfer-crypt.eml")).request.state == "completed"
    domain = Domain.objects.get(pk=registered.pk)
    assert domain.registrant_id != registered.registrant_id
    [message] = PollMessage.objects.filter(kind="registrant_changed")
    assert (message.registrar_id, message.object_key) == (domain.registrar_id, "example.kz")
    assert message.text == f"the registrant of example.kz was changed to {domain.registrant.handle} (mail)"
    assert set(message.texts) == {"kk", "ru", "en"}
    change = HistoryEntry.objects.get(object_key="example.kz", operation="domain_transfer")
    assert message.created_at == change.at  # one operation, one transaction, one time
