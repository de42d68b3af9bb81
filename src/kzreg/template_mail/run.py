"""One message being processed: who sent it, in which language, under which request, and the shared
steps every action takes: run an operation in a savepoint, ask for confirmation, tell the parties."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kzreg.core import clock
from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registry.authority import AuthorityCode, NotAuthorized, Verdict
from kzreg.registry.models import Contact
from kzreg.template_mail.conf import accept_unproven
from kzreg.template_mail.mapping import map_problems
from kzreg.template_mail.mime import Mail, TextPart
from kzreg.template_mail.models import Confirmation, MailRequest
from kzreg.template_mail.outgoing import by_language, send
from kzreg.template_mail.parser import ParsedForm
from kzreg.template_mail.problems import FormProblem
from kzreg.template_mail.proving import Material, mark_used, prove
from kzreg.template_mail.replies import Outcome, text

CONFIRM_DAYS = int(os.environ.get("KZREG_MAIL_CONFIRM_DAYS") or 7)
SECRET_FIELDS = ("0c", "3b")  # Crypt-PW passwords: never stored in clear, never echoed


@dataclass
class Submission:
    """A form and the part of the message it came in (its signature, the forwarder's From)."""

    form: ParsedForm
    part: TextPart = field(default_factory=lambda: TextPart(""))


@dataclass
class Run:
    request: MailRequest
    mail: Mail
    sender: str
    lang: str
    actor: Actor
    notified: set[str] = field(default_factory=set)
    authentication: dict = field(default_factory=dict)  # the intake's SPF/DKIM/DMARC (`InboundMessage`)

    @property
    def proven(self) -> bool:
        """The sender is the header From address and the intake proved it (DMARC passed)."""
        auth = self.authentication
        return bool(auth.get("proven")) and bool(self.sender) and self.sender == auth.get("from")

    def saved_request(self) -> MailRequest:
        """The request with its row written: a new request is otherwise written once, at the end."""
        if self.request.pk is None:
            self.request.save(force_insert=True)
        return self.request

    def material(self, sub: Submission, confirmed_by: str = "", written: str = "") -> Material:
        """What the form offers as proof of who sent it, proven (`proving`): the registry decides on it."""
        forwarded: dict = {}
        originals = self.authentication.get("forwarded") or []
        if 0 <= sub.part.forwarded_index < len(originals):
            forwarded = originals[sub.part.forwarded_index]
        return prove(
            self.sender, proven=self.proven, legacy=accept_unproven(),
            dmarc=(self.authentication.get("dmarc") or {}).get("result", ""), password=sub.form.get("0c"),
            signature=sub.part.signature, forwarded_from=sub.part.forwarded_from, forwarded=forwarded,
            confirmed_by=confirmed_by, written=written,
        )  # fmt: skip

    def acting(self, material: Material) -> Actor:
        """The request's actor carrying the form's proof (`Actor.proof`), for the registry's authority rule."""
        return dataclasses.replace(self.actor, proof=material.proof)

    def mark_used(self, material: Material) -> None:
        """After a change was applied: its signatures are good once only."""
        if material.signatures:
            mark_used(material, self.saved_request())


class _Rollback(Exception):
    pass


@dataclass
class Attempt:
    """A registry operation's answer: its result, or its problems, or the registry's authority verdict
    when the request itself was fine but its sender may not make it as it stands (`refusal`)."""

    result: Any = None
    problems: list[FormProblem] = field(default_factory=list)
    warnings: list[FormProblem] = field(default_factory=list)
    refusal: Verdict | None = None


def attempt(operation: Callable[[], Any], template: str, rollback: bool = False) -> Attempt:
    """Runs a registry operation; `rollback` makes it a dry run, in a savepoint rolled back. Otherwise no
    savepoint of our own: every operation already runs in its own (`registry.operations.base.execute`),
    so a failed one has changed nothing — a second savepoint around it would only cost two more
    statements (round trips on PostgreSQL)."""
    try:
        if not rollback:
            result = operation()
        else:
            with transaction.atomic():
                operation()
                raise _Rollback
    except _Rollback:
        return Attempt()
    except NotAuthorized as exc:
        return Attempt(refusal=exc.verdict)
    except OperationFailed as exc:
        return Attempt(problems=map_problems(exc.problems, template))
    return Attempt(result, warnings=map_problems(result.warnings, template))


def until_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def kept_fields(form: ParsedForm) -> dict:
    """A form as kept while it waits: no clear password; a contact's new Crypt-PW as its hash."""
    secret = SECRET_FIELDS if form.template == "contact" else ("0c",)  # a Domain form's 3b is I/R
    fields = {k: v for k, v in form.fields.items() if k not in secret}
    if form.get("3b") and form.template == "contact":
        from kzreg.registry.passwords import hash_password, is_known_hash

        value = form.get("3b")
        fields["3b#hash"] = value if is_known_hash(value) else hash_password(value)
    if form.pgp_key:
        fields["pgp_key"] = form.pgp_key
    return fields


def ask_confirmation(
    run: Run, sub: Submission, action: str, key: str, contacts: Sequence[Contact | None], what: Callable[[str], str]
) -> Outcome:
    """T10: the request waits for the contact on record, who confirms by replying with the token."""
    until = wait_for(run, sub.form.template, action, key, kept_fields(sub.form), contacts, what)
    return Outcome(sub.form.template, action, key, "awaiting", detail=until)


def wait_for(
    run: Run,
    template: str,
    action: str,
    key: str,
    fields: dict,
    contacts: Sequence[Contact | None],
    what: Callable[[str], str],
) -> str:
    """A confirmation row and the mail with its token to `contacts` at their addresses on record, each
    in its own language (`what(lang)` names the request); the deadline as told."""
    now = clock.now()
    token = secrets.token_hex(10)
    groups = by_language(contacts)
    confirmation = Confirmation.objects.create(
        request=run.saved_request(), token=token, template=template, action=action, object_key=key,
        fields=fields, sent_to=sorted({a for emails in groups.values() for a in emails}), created_at=now,
        expires_at=now + dt.timedelta(days=CONFIRM_DAYS),
    )  # fmt: skip
    until = until_text(confirmation.expires_at)
    for lang, emails in groups.items():
        send(
            run.request, emails, text("confirm_subject", lang, what=what(lang), token=token),
            text("confirm_body", lang, sender=run.sender, what=what(lang), tracking=run.request.tracking, token=token,
                 until=until),
            lang,
        )  # fmt: skip
    return until


def notify(
    run: Run, action: str, name: str, result_key: str, groups: Iterable[tuple[str, Sequence[Contact | None]]]
) -> None:
    """T11: each party told once, in its own language; the requester gets the result instead."""
    for role, contacts in groups:
        for lang, emails in by_language(contacts, exclude={run.sender, *run.notified}).items():
            run.notified.update(emails)
            what = f"{text('action_' + action, lang)} {name}"
            send(
                run.request, emails, text("notice_subject", lang, what=what),
                text("notice_body", lang, sender=run.sender, tracking=run.request.tracking, what=what,
                     result=text(result_key, lang), role=text(role, lang)),
                lang,
            )  # fmt: skip


def not_authorized(verdict: Verdict, field_name: str = "0b") -> FormProblem:
    """The registry's refusal with every reason, each told in the reply's language."""
    reasons = verdict.reasons or (Problem("", AuthorityCode.NO_CONTACT),)
    return FormProblem(field_name, "not_authorized", {"reason": tuple(FormProblem("", problem=p) for p in reasons)})
