"""Settings' keys to kzreg from other systems: API tokens (`kzreg.api.tokens`, the same functions as the
`kzreg token` command) and webhook URLs (`registrar.webhooks`). A token's or a webhook's secret is shown
in the answer to the post that made it and never again (only a hash of a token is kept).

A token is the signed-in user's own (it acts with that user's permissions at each call) and needs the
tokens permission; webhooks are the seller's (view to list them, order to add or remove one, as in the
API). Another user's token id and another tenant's webhook id are 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kzreg.accounts.roles import Permission, require
from kzreg.api.tokens import MAX_EXPIRES_DAYS, create_token, revoke, tokens_of
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.settings_page import Forms, render_settings
from kzreg.cabinet.texts import text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import webhooks
from kzreg.registrar.access import seller_of


@cabinet_page
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.TOKENS)
    forms = Forms(token=Typed({name: request.POST.get(name, "").strip()[:200] for name in ("name", "expires_days")}))
    raw_days = forms.token.values["expires_days"]
    days = int(raw_days) if raw_days.isascii() and raw_days.isdigit() and len(raw_days) < 6 else None
    if raw_days and (days is None or not 1 <= days <= MAX_EXPIRES_DAYS):
        forms.token.add("expires_days", text("tokens.bad_days", max=MAX_EXPIRES_DAYS))
        return render_settings(request, forms, status=400)
    try:
        _token, secret = create_token(
            request.user, forms.token.values["name"], days, created_by=f"cabinet:{request.user.get_username()}"
        )
    except OperationFailed as failure:
        forms.token.take(failure, ("name", "expires_days"))
        return render_settings(request, forms, status=400)
    messages.success(request, text("tokens.made"))
    return render_settings(request, Forms(token_secret=secret))


@cabinet_page
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.TOKENS)
    token = tokens_of(request.user).filter(pk=as_id(request.POST.get("token", ""))).first()
    if token is None:
        raise Http404("token")
    revoke(token)
    messages.success(request, text("tokens.revoked_done", prefix=token.prefix))
    return redirect("cabinet:settings")


@cabinet_page
@require_POST
def webhook_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ORDER)
    seller = seller_of(request.user)
    forms = Forms(hook=Typed({"url": request.POST.get("url", "").strip()[:600]}))
    try:
        _webhook, secret = webhooks.register(seller, forms.hook.values["url"], seller.principal)
    except OperationFailed as failure:
        forms.hook.take(failure, ("url",))
        return render_settings(request, forms, status=400)
    messages.success(request, text("hooks.made"))
    return render_settings(request, Forms(hook_secret=secret))


@cabinet_page
@require_POST
def webhook_remove(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ORDER)
    seller = seller_of(request.user)
    webhook = webhooks.list_for(seller).filter(pk=as_id(request.POST.get("webhook", ""))).first()
    if webhook is None:
        raise Http404("webhook")
    webhooks.remove(seller, webhook.pk)
    messages.success(request, text("hooks.removed", url=webhook.url))
    return redirect("cabinet:settings")
