"""`POST /billing/providers/<name>/callback`: a provider tells us it took a payment.

No session and no CSRF token (the provider is a server, not a browser): the HMAC signature over the
timestamp and body is the proof. 401 for a missing or wrong signature or a stale time, 400 for a body
that is not a payment (or one the ledger refuses), 404 for an unknown provider or account, 200 with
`"duplicate": true` for a callback already booked — providers retry until they see a 2xx.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kzreg.billing.providers.booking import book
from kzreg.billing.providers.registry import provider
from kzreg.core import clock
from kzreg.core.errors import OperationFailed

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


@csrf_exempt
@require_POST
def callback(request: HttpRequest, name: str) -> JsonResponse:
    try:
        if len(request.body) > MAX_BODY:
            return JsonResponse({"errors": [f"body: larger than {MAX_BODY} bytes"]}, status=400)
        notification = provider(name).verify(request)
        booked = book(notification, clock.now())
    except OperationFailed as refused:
        status = refused.http_status
        status = status if status in (401, 404, 409) else 400
        log.info("payment callback from %s refused (%s): %s", name[:40], status, "; ".join(refused.render()))
        return JsonResponse({"errors": refused.render()}, status=status)
    payment = booked.payment
    return JsonResponse(
        {
            "payment_id": payment.payment_id,
            "transaction": payment.transaction_id,
            "duplicate": booked.duplicate,
        }
    )
