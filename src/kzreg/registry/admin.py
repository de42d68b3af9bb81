"""The registry back-office: reads everything; changes registry objects only through the operations.

Domains, contacts, hosts and history are read-only here. Domain actions (hold, suspend, renew, delete)
call the same operations as every other channel, as the logged-in staff member, channel `admin`.
Registrars are created, changed and suspended through their operations too. Zones and reserved names
are configuration and are edited directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from kzreg.core.actor import Actor, Channel
from kzreg.core.backoffice import ReadOnlyAdmin
from kzreg.core.errors import OperationFailed
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import (
    Contact,
    ContactTransfer,
    Domain,
    DomainStatus,
    DomainTransfer,
    HistoryEntry,
    Host,
    PollMessage,
    Registrar,
    ReservedName,
    Zone,
)


class ReasonActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason", max_length=500)


def _run_for_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, call: Callable[[Domain, Actor, str], object]
) -> None:
    actor = Actor.registry_staff(request.user.get_username(), Channel.ADMIN)
    lang = getattr(request, "LANGUAGE_CODE", "en")
    reason = request.POST.get("reason", "").strip()
    done = 0
    for domain in queryset:
        try:
            call(domain, actor, reason)
            done += 1
        except OperationFailed as exc:
            modeladmin.message_user(request, f"{domain}: " + "; ".join(exc.render(lang)), messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} domain(s) changed", messages.SUCCESS)


def _status_action(flag: str, setting: bool, label: str) -> Callable[..., None]:
    op = ops.set_domain_status if setting else ops.lift_domain_status

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        _run_for_each(modeladmin, request, queryset, lambda d, a, r: op(c.SetDomainStatus(d.name, flag, r), a))

    action.__name__ = f"{'set' if setting else 'lift'}_{flag}"
    return admin.action(description=label)(action)


@admin.action(description="Renew for one year")
def renew_one_year(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _run_for_each(modeladmin, request, queryset, lambda d, a, r: ops.renew_domain(c.RenewDomain(d.name, 1), a))


@admin.action(description="Delete the registration (reason required)")
def delete_registration(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    if not request.POST.get("reason", "").strip():
        modeladmin.message_user(request, "A reason is required to delete a registration", messages.ERROR)
        return
    _run_for_each(modeladmin, request, queryset, lambda d, a, r: ops.delete_domain(c.DeleteDomain(d.name, r), a))


class StatusInline(admin.TabularInline):
    model = DomainStatus
    extra = 0
    can_delete = False
    fields = ("flag", "reason", "set_at", "set_by", "set_channel", "lifted_at", "lifted_by", "lift_reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Domain)
class DomainAdmin(ReadOnlyAdmin):
    list_display = ("unicode_name", "name", "status_words", "registrar", "reseller_name", "registrant", "expires_at")
    list_filter = ("zone", "hold", "suspended", "pending_delete", "client_hold", "rgp_status", "registrar")
    search_fields = ("name", "unicode_name", "registrant__handle", "registrant__organisation", "reseller_name")
    list_select_related = ("registrar", "registrant")
    readonly_fields = ("nameservers", "history")
    exclude = ("auth_code",)  # a secret: only through `operations.domain_auth_code`
    inlines = [StatusInline]
    action_form = ReasonActionForm
    actions = [
        _status_action("hold", True, "Put on hold (reason required)"),
        _status_action("hold", False, "Lift hold"),
        _status_action("suspended", True, "Suspend delegation (reason required)"),
        _status_action("suspended", False, "Lift suspension"),
        renew_one_year,
        delete_registration,
    ]
    show_full_result_count = False

    @admin.display(description="status")
    def status_words(self, obj: Domain) -> str:
        from kzreg.core import clock

        return ", ".join(obj.statuses(clock.now()))

    @admin.display(description="name servers")
    def nameservers(self, obj: Domain) -> str:
        links = obj.nameserver_links.select_related("host").order_by("position")
        return format_html_join(", ", "{} ({})", ((ln.host.name, ", ".join(ln.host.addresses)) for ln in links))

    @admin.display(description="history")
    def history(self, obj: Domain) -> str:
        entries = HistoryEntry.objects.filter(object_type="domain", object_id=obj.pk).order_by("version")
        rows = ((e.version, f"{e.at:%Y-%m-%d %H:%M}", e.operation, e.principal, e.channel, e.reason) for e in entries)
        return format_html_join("\n", "<div>v{} {} {} by {} via {} {}</div>", rows)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = (
        "handle", "kind", "name", "organisation", "country_code", "registrar", "security_scheme", "updated_at",
    )  # fmt: skip
    search_fields = ("handle", "name", "organisation")
    list_filter = ("kind", "security_scheme", "country_code", "registrar")
    list_select_related = ("registrar",)
    exclude = ("crypt_hash", "match_key", "auth_code")  # secrets: the code only through `contact_auth_code`


@admin.register(Host)
class HostAdmin(ReadOnlyAdmin):
    list_display = ("name", "unicode_name", "addresses", "registrar", "updated_at")
    list_select_related = ("registrar",)
    search_fields = ("name", "unicode_name")


@admin.register(DomainTransfer)
class DomainTransferAdmin(ReadOnlyAdmin):
    """Registrar transfers (R15): decided by the registrars or the worker; staff move a domain with
    `change_registrar` or decide with `kzreg domain transfer-decide`."""

    list_display = ("domain", "status", "gaining", "losing", "requested_at", "act_by", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("domain__name", "gaining__handle", "losing__handle")
    list_select_related = ("domain", "gaining", "losing")


@admin.register(ContactTransfer)
class ContactTransferAdmin(ReadOnlyAdmin):
    list_display = ("contact", "status", "gaining", "losing", "requested_at", "act_by", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("contact__handle", "gaining__handle", "losing__handle")
    list_select_related = ("contact", "gaining", "losing")


@admin.register(PollMessage)
class PollMessageAdmin(ReadOnlyAdmin):
    """What each registrar's poll queue holds; only the registrar acknowledges (EPP `<poll op="ack">`)."""

    list_display = ("id", "registrar", "created_at", "kind", "object_key", "text", "acked_at")
    list_filter = ("kind", "registrar")
    search_fields = ("object_key", "text")
    list_select_related = ("registrar",)
    show_full_result_count = False


@admin.register(HistoryEntry)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ("object_type", "object_key", "version", "operation", "at", "principal", "channel", "request_id")
    list_filter = ("object_type", "operation", "channel")
    search_fields = ("object_key", "request_id", "principal")
    date_hierarchy = "at"
    show_full_result_count = False


class ReservedInline(admin.TabularInline):
    model = ReservedName
    extra = 1


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("unicode_name", "name", "max_name_length", "allow_latin", "allow_cyrillic", "grace_days")
    inlines = [ReservedInline]


REGISTRAR_DATA = ("name", "email", "phone", "address", "url", "whois_server")


class RegistrarForm(forms.ModelForm):
    """Checked and saved by the registrar operations, not by the model form: `clean()` runs the operation
    (inside the admin's transaction) and shows its problems on their fields."""

    class Meta:
        model = Registrar
        fields = ("handle", *REGISTRAR_DATA)

    actor: Actor
    lang = "en"
    result: Registrar | None = None

    def _post_clean(self) -> None:  # the operation validates, not the model
        pass

    def clean(self) -> dict:
        data = self.cleaned_data
        if self.errors:  # a field the form itself refused: the operation would only repeat it
            return data
        values = c.RegistrarData(**{f: data.get(f) or "" for f in REGISTRAR_DATA})
        try:
            if self.instance.pk is None:
                self.result = ops.create_registrar(
                    c.CreateRegistrar(data.get("handle") or "", values), self.actor
                ).object
            else:
                self.result = ops.modify_registrar(c.ModifyRegistrar(self.instance.handle, values), self.actor).object
        except OperationFailed as exc:
            for problem in exc.problems:
                name = problem.field if problem.field in self.fields else None
                self.add_error(name, problem.message(self.lang))
        return data


def _registrar_status_action(status: str, label: str) -> Callable[..., None]:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        actor = Actor.registry_staff(request.user.get_username(), Channel.ADMIN)
        reason, lang = request.POST.get("reason", "").strip(), getattr(request, "LANGUAGE_CODE", "en")
        for registrar in queryset:
            try:
                ops.set_registrar_status(c.SetRegistrarStatus(registrar.handle, status, reason), actor)
                modeladmin.message_user(request, f"{registrar.handle}: {status}", messages.SUCCESS)
            except OperationFailed as exc:
                modeladmin.message_user(request, f"{registrar.handle}: " + "; ".join(exc.render(lang)), messages.ERROR)

    action.__name__ = f"registrar_{status}"
    return admin.action(description=label)(action)


@admin.register(Registrar)
class RegistrarAdmin(admin.ModelAdmin):
    """Registrars are registry objects: created, changed, suspended and reactivated through the operations,
    each change a version in history; never deleted (their domains keep them)."""

    form = RegistrarForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("handle", "name", "email", "status", "version", "updated_at")
    list_filter = ("status",)
    search_fields = ("handle", "name", "email")
    readonly_fields = ("status", "version", "created_at", "updated_at", "history")
    action_form = ReasonActionForm
    actions = [
        _registrar_status_action("suspended", "Suspend (reason required): its registrar sessions are refused"),
        _registrar_status_action("active", "Reactivate"),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Registrar | None = None) -> tuple[str, ...]:
        return (*self.readonly_fields, "handle") if obj is not None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Registrar | None = None, change: bool = False, **kwargs: object):
        form = cast(type[RegistrarForm], super().get_form(request, obj, change=change, **kwargs))
        form.actor = Actor.registry_staff(request.user.get_username(), Channel.ADMIN)
        form.lang = getattr(request, "LANGUAGE_CODE", "en")
        return form

    def save_form(self, request: HttpRequest, form: RegistrarForm, change: bool) -> Registrar:
        assert form.result is not None
        return form.result

    def save_model(self, request: HttpRequest, obj: Registrar, form: forms.Form, change: bool) -> None:
        """Already written by the operation in `RegistrarForm.clean`."""

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        """A registrar has no related rows edited here."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="history")
    def history(self, obj: Registrar) -> str:
        entries = HistoryEntry.objects.filter(object_type="registrar", object_id=obj.pk).order_by("version")
        rows = ((e.version, f"{e.at:%Y-%m-%d %H:%M}", e.operation, e.principal, e.channel, e.reason) for e in entries)
        return format_html_join("\n", "<div>v{} {} {} by {} via {} {}</div>", rows)
