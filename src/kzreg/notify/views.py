"""Staff pages: `/staff/outbox/` (what was sent, filterable) and `/staff/outbox/<id>/` (one message as sent).
Registry staff only (C4): every page goes through `kzreg.accounts.access`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.accounts.access import access_outbox_message_by_id, registry_staff_page
from kzreg.core.errors import Problem
from kzreg.core.messages import Code
from kzreg.notify.labels import current_language, labels
from kzreg.notify.mime import as_bytes, build_message
from kzreg.notify.models import OutboxMessage

PAGE_SIZE = 50
STATES = [s.value for s in OutboxMessage.State]


@registry_staff_page
def outbox_list(request: HttpRequest) -> HttpResponse:
    lang = current_language()
    words = labels(lang)
    state = request.GET.get("state", "").strip()
    reference = request.GET.get("reference", "").strip()
    problems = []
    rows = OutboxMessage.objects.all()
    if state in STATES:
        rows = rows.filter(state=state)
    elif state:
        problems.append(Problem("state", Code.INVALID_CHOICE, {"value": state, "choices": ", ".join(STATES)}))
    if reference:
        rows = rows.filter(reference=reference)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("state", state if state in STATES else ""), ("reference", reference)) if v}
    context = {
        "w": words,
        "lang": lang,
        "page": page,
        "messages_": [(row, words[row.state]) for row in page],
        "states": [(s, words[s]) for s in STATES],
        "state": state,
        "reference": reference,
        "problems": [p.render(lang) for p in problems],
        "query": urlencode(query),
    }
    return render(request, "notify/outbox_list.html", context, status=400 if problems else 200)


@registry_staff_page
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = access_outbox_message_by_id(request.user, pk)
    lang = current_language()
    words = labels(lang)
    mail = build_message(row)
    context = {
        "w": words,
        "lang": lang,
        "m": row,
        "state": words[row.state],
        "headers": [(name, str(value)) for name, value in mail.items() if not name.lower().startswith("content-")],
        "content_headers": [(name, str(value)) for name, value in mail.items() if name.lower().startswith("content-")],
    }
    return render(request, "notify/outbox_detail.html", context)


@registry_staff_page
def outbox_eml(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as it goes on the wire, for a mail client or `formail`."""
    row = access_outbox_message_by_id(request.user, pk)
    response = HttpResponse(as_bytes(row), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="outbox-{row.pk}.eml"'
    return response
