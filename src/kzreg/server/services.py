from __future__ import annotations

from django.conf import settings

from kzreg.plugins import Service


def services() -> list[Service]:
    return [Service("web", ["web", "--port", str(settings.WEB_PORT)])]
