"""Staff pages (T13, issue 3): every request with its messages, state and outcome; recording a written
(fax, letterhead) authorization for a transfer. Registry staff only: every page and the recording itself
go through `kzreg.accounts.access` (issue 9 §2: a reseller's staff account recorded authorizations for any
domain and read every request's raw mail)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kzreg.accounts.access import access_mail_request_by_tracking, registry_staff_page, require_registry_staff
from kzreg.core import clock
from kzreg.notify.models import OutboxMessage
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies
from kzreg.template_mail.models import MailRequest, WrittenAuthorization


@registry_staff_page
def request_list(request: HttpRequest) -> HttpResponse:
    query = MailRequest.objects.all()
    state = request.GET.get("state", "")
    if state:
        query = query.filter(state=state)
    search = request.GET.get("q", "").strip()
    if search:
        query = (
            query.filter(tracking__icontains=search)
            | query.filter(sender__icontains=search)
            | query.filter(summary__icontains=search)
        )
    page = Paginator(query, 50).get_page(request.GET.get("page"))
    return render(request, "template_mail/request_list.html", {"page": page, "state": state, "q": search})


@registry_staff_page
def request_detail(request: HttpRequest, tracking: str) -> HttpResponse:
    mail_request = access_mail_request_by_tracking(request.user, tracking)
    inbound = [
        {"message": m, "text": bytes(m.raw).decode("utf-8", "replace")[:50000]} for m in mail_request.messages.all()
    ]
    outbound = OutboxMessage.objects.filter(reference=tracking).order_by("id")
    context = {
        "req": mail_request,
        "inbound": inbound,
        "outbound": outbound,
        "confirmations": mail_request.confirmations.all(),
    }
    return render(request, "template_mail/request_detail.html", context)


class WrittenAuthorizationForm(forms.Form):
    domain = forms.CharField(label="Домен / Домен / Domain", max_length=255)
    kind = forms.ChoiceField(label="Түрі / Вид / Kind", choices=[("fax", "fax"), ("letterhead", "letterhead")])
    reference = forms.CharField(label="Факс, хат нөмірі, қол қоюшы / Факс, номер письма, подписант / Reference",
                                max_length=200)  # fmt: skip
    valid_days = forms.IntegerField(label="Күн / Дней / Days valid", min_value=1, max_value=90, initial=30)

    def clean_domain(self) -> str:
        parsed, problems = parse_domain_name(self.cleaned_data["domain"], zone_policies(), "domain")
        if parsed is None:
            raise forms.ValidationError([p.message("en") for p in problems])
        return parsed.name


@registry_staff_page
def record_authorization(request: HttpRequest) -> HttpResponse:
    form = WrittenAuthorizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        require_registry_staff(request.user)
        now = clock.now()
        WrittenAuthorization.objects.create(
            domain=form.cleaned_data["domain"], kind=form.cleaned_data["kind"],
            reference=form.cleaned_data["reference"], recorded_by=request.user.get_username(), recorded_at=now,
            valid_until=now + dt.timedelta(days=form.cleaned_data["valid_days"]),
        )  # fmt: skip
        return redirect("template_mail:authorizations")
    recent = WrittenAuthorization.objects.all()[:50]
    return render(request, "template_mail/authorizations.html", {"form": form, "recent": recent})
