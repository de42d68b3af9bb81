from __future__ import annotations

from django.conf import settings

from kzreg.plugins import Service


def services() -> list[Service]:
    return [Service("whois", ["whois", "serve", "--port", str(settings.WHOIS_PORT)])]
