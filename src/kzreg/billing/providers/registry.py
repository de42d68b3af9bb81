"""The configured providers, by name (`KZREG["PAYMENT_PROVIDERS"]`); an unknown name is "not found"."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from kzreg.billing.problems import PaymentCode
from kzreg.billing.providers.base import Provider
from kzreg.core.errors import OperationFailed, Problem

DEFAULT_CLASS = "kzreg.billing.providers.base.SignedJsonProvider"


def provider(name: str) -> Provider:
    config = cast(dict, settings.KZREG).get("PAYMENT_PROVIDERS", {}).get(name)
    if not config:
        raise OperationFailed([Problem("provider", PaymentCode.PROVIDER_UNKNOWN, {"value": name[:40]})])
    cls = import_string(config.get("class", DEFAULT_CLASS))
    return cast(Provider, cls(name, config.get("secret", ""), int(config.get("window", 300))))
