"""The start-up check of `KZREG_REGISTRANT_ACTIONS` (accounts.E001): a typo is named before anyone signs in."""

from __future__ import annotations

from django.core import checks

from kzreg.accounts.checks import registrant_actions_known


def test_known_actions_pass(settings):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": "view, renew,nameservers"}
    assert registrant_actions_known() == []


def test_unknown_action_is_an_error_naming_it(settings):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": "renew,delet"}
    [error] = registrant_actions_known()
    assert error.id == "accounts.E001" and error.level == checks.ERROR
    assert "delet" in error.msg


def test_registered_with_django_checks(settings):
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "REGISTRANT_ACTIONS": "transfer-away"}
    assert any(message.id == "accounts.E001" for message in checks.run_checks())
