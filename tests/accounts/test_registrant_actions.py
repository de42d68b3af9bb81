"""What a registrant may do to its own domains is the registrar's setting (`KZREG_REGISTRANT_ACTIONS`,
issue 13), decided by `accounts.roles` and `registrar.access.access_service_for_action`: the setting read
(unknown names stop kzreg), each kind of user's actions, the refusal named in kk/ru/en before any row is
read, the registrant's own service only, and the seller the order is placed as (who pays)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kzreg.accounts.models import RegistrantLink
from kzreg.accounts.roles import (
    ActionNotAllowed,
    DomainAction,
    PermissionMissing,
    actions_of,
    registrant_actions,
    require_action,
)
from kzreg.core import clock
from kzreg.registrar import access
from tests.tenants import make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def allow(settings, actions: str) -> None:
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": actions}


def test_the_default_is_renew_name_servers_and_the_code():
    assert registrant_actions() == {DomainAction.RENEW, DomainAction.NAMESERVERS, DomainAction.AUTH_CODE}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", set()),
        ("view", set()),
        (" View , DELETE,ds_records ", {DomainAction.DELETE, DomainAction.DS_RECORDS}),
        ("renew,nameservers,ds_records,location,auth_code,delete", set(DomainAction)),
    ],
)
def test_the_setting_is_read_as_written(settings, raw, expected):
    allow(settings, raw)
    assert registrant_actions() == expected


def test_an_unknown_action_stops_rather_than_guessing(settings):
    allow(settings, "renew,transfer")
    with pytest.raises(ImproperlyConfigured, match="unknown transfer"):
        registrant_actions()


def test_each_kind_of_user_and_its_actions(two_tenants, settings):
    allow(settings, "renew")
    assert actions_of(two_tenants.a.admin) == set(DomainAction)  # the order permission
    assert actions_of(two_tenants.registrar_staff) == set(DomainAction)
    assert actions_of(two_tenants.a.viewer) == set()
    assert actions_of(two_tenants.registrant) == {DomainAction.RENEW}
    with pytest.raises(PermissionMissing) as viewer:
        require_action(two_tenants.a.viewer, DomainAction.RENEW)
    assert not isinstance(viewer.value, ActionNotAllowed)  # a reseller's user lacks a permission, not leave


def test_a_refused_registrant_is_told_why_in_three_languages(two_tenants, settings):
    allow(settings, "")
    with pytest.raises(ActionNotAllowed) as refused:
        require_action(two_tenants.registrant, DomainAction.DELETE)
    assert isinstance(refused.value, PermissionDenied) and refused.value.action == DomainAction.DELETE
    assert refused.value.messages == {
        "kk": "Регистратор домен иелеріне мұны өздері істеуге рұқсат бермейді: доменді жою. Реселлеріңізге хабарласыңыз.",
        "ru": "Регистратор не разрешает регистрантам делать это самим: удаление домена. Обратитесь к своему реселлеру.",
        "en": "Your registrar does not let registrants do this themselves: delete the domain. Ask your reseller.",
    }
    with translation.override("ru"):
        assert "удаление домена" in str(refused.value)


def test_a_registrant_acts_on_its_own_service_as_that_services_seller(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    service, seller = access.access_service_for_action(two_tenants.registrant, a.service.name, DomainAction.RENEW)
    assert service == a.service and seller.reseller == a.reseller and seller.registrar_handle == "PS-KZ"
    assert seller.payer(service.customer_id) == f"reseller:{a.reseller.pk}"  # the reseller's deposit pays
    assert seller.principal == "registrant:registrant"
    _, other = access.access_service_for_action(two_tenants.registrant, b.service.name, DomainAction.AUTH_CODE)
    assert other.reseller == b.reseller  # a customer of both resellers: each domain's own seller
    own, staff = access.access_service_for_action(a.admin, a.service.name, DomainAction.DELETE)
    assert own == a.service and staff == access.seller_of(a.admin)  # everyone else: as before


def test_another_registrants_service_is_404_and_a_refusal_reads_no_row(two_tenants, settings):
    a, b = two_tenants.a, two_tenants.b
    stranger = make_user("registrant-b", "registrant")
    RegistrantLink.objects.create(user=stranger, customer=b.customer, created_at=clock.now())
    with pytest.raises(Http404):
        access.access_service_for_action(stranger, a.service.name, DomainAction.RENEW)
    with pytest.raises(Http404):
        access.access_service_for_action(stranger, "no-such-domain.kz", DomainAction.RENEW)
    allow(settings, "")
    stranger = type(stranger).objects.select_related("staff_profile").get(pk=stranger.pk)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ActionNotAllowed):
        access.access_service_for_action(stranger, b.service.name, DomainAction.RENEW)
    assert not [q for q in queries.captured_queries if "registrar_service" in q["sql"]]
