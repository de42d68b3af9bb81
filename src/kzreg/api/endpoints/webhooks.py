"""Webhooks: URLs that receive the caller's domains' events, signed with HMAC-SHA256 (docs/api.md says how
a receiver checks the signature). The secret is shown once, in the answer to the registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import Body, acting, responses
from kzreg.registrar import webhooks

router = Router(tags=["webhooks"])


class WebhookIn(Body):
    url: str = Field(..., max_length=500)


class WebhookOut(Schema):
    id: int
    url: str
    created_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(..., description="Shown this once: keep it to check the X-Kzreg-Signature header")


@router.get("", response=responses({200: list[WebhookOut]}), operation_id="webhooks_list")
def webhooks_list(request: HttpRequest) -> Any:
    return list(webhooks.list_for(acting(request, Permission.VIEW).seller))


@router.post("", response=responses({201: WebhookCreated}), operation_id="webhooks_create")
def webhooks_create(request: HttpRequest, payload: WebhookIn) -> Any:
    now = acting(request, Permission.ORDER)
    webhook, secret = webhooks.register(now.seller, payload.url, now.who.principal)
    return Status(201, {"id": webhook.pk, "url": webhook.url, "created_at": webhook.created_at, "secret": secret})


@router.delete("/{webhook_id}", response=responses({204: None}), operation_id="webhooks_delete")
def webhooks_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhooks.remove(acting(request, Permission.ORDER).seller, webhook_id)
    return HttpResponse(status=204)
