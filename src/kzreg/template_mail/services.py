"""`kzreg up` starts the SMTP intake on KZREG_SMTP_PORT."""

from __future__ import annotations

from django.conf import settings

from kzreg.plugins import Service


def services() -> list[Service]:
    return [Service("smtp", ["template", "smtpd", "--port", str(settings.SMTP_PORT)])]
