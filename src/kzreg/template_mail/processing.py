"""A stored message → a request with a tracking number → registry operations and replies, all in ONE
transaction (T2, T3, T5): a crash rolls everything back and the stored message is simply processed
again; a rejected form changes nothing; every reply is queued with the change it reports."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.registry.models import Registrar
from kzreg.template_mail import mapping
from kzreg.template_mail.actions_domain import domain_delete, domain_modify, domain_new, transfer
from kzreg.template_mail.actions_other import contact_form, host_form
from kzreg.template_mail.automatic import automatic_reason
from kzreg.template_mail.conf import mail_registrar_handle
from kzreg.template_mail.confirm import apply_confirmation
from kzreg.template_mail.mime import Mail, parse_mail
from kzreg.template_mail.models import InboundMessage, InboundState, MailRequest, RequestState, TrackingCounter
from kzreg.template_mail.outgoing import send
from kzreg.template_mail.parser import MAX_FORMS, parse_form, split_forms
from kzreg.template_mail.problems import FormProblem
from kzreg.template_mail.redact import holds_secret, redact_secrets
from kzreg.template_mail.replies import Outcome, overall_state, render_outcomes, text
from kzreg.template_mail.run import Run, Submission

log = logging.getLogger("kzreg.template_mail")
TRACKING_RE = re.compile(r"\bKZ-(\d{6})\.(\d{1,6})\b", re.I)
TRANSFER_RE = re.compile(r"transfer\s+domain\s+(\S+)", re.I)
MAX_ATTEMPTS = 3
# While a batch runs (`inbox.process_batch`): day → the last tracking number given out, written back
# once when the batch ends, instead of one counter update per message.
batch_tracking: ContextVar[dict | None] = ContextVar("tracking_numbers", default=None)
# While a batch runs: its new requests, written together when it ends (`inbox._process_each`).
batch_requests: ContextVar[list[MailRequest] | None] = ContextVar("new_requests", default=None)
# The mail registrar's id while a batch runs (`inbox.process_batch`), so it is looked up once per batch.
batch_registrar: ContextVar[int | None] = ContextVar("mail_registrar_id", default=None)


def allocate_tracking(now) -> tuple:
    """`KZ-YYMMDD.N`: N is the day's sequence, taken under the counter row's lock (race-free): one
    `UPDATE … RETURNING` statement (SQLite ≥ 3.35, PostgreSQL); the day's first number creates the row.
    Inside a batch the row is locked and read once and the numbers counted here (`batch_tracking`)."""
    day = timezone.localtime(now).date()
    numbers = batch_tracking.get()
    if numbers is not None:
        if day not in numbers:
            numbers[day] = _locked_counter(day)
        numbers[day] += 1
        seq = numbers[day]
    else:
        seq = _next_in_counter(day)
        if seq is None:
            try:
                with transaction.atomic():
                    TrackingCounter.objects.create(day=day, last=1)
                seq = 1
            except IntegrityError:  # another worker created the day's row first
                seq = _next_in_counter(day)
    return day, seq, f"KZ-{day:%y%m%d}.{seq}"


def _locked_counter(day) -> int:
    """The day's last number, its row locked until the batch commits (created when missing)."""
    query = TrackingCounter.objects.select_for_update().filter(day=day).values_list("last", flat=True)
    last = query.first()
    if last is None:
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(day=day, last=0)
        except IntegrityError:  # another worker created the day's row first
            pass
        last = query.first()
    return last


def write_tracking(numbers: dict) -> None:
    """The batch's counters written back (the rows are still locked by the batch's transaction)."""
    for day, last in numbers.items():
        TrackingCounter.objects.filter(day=day).update(last=last)


def _next_in_counter(day) -> int | None:
    table, quote = TrackingCounter._meta.db_table, connection.ops.quote_name
    value = TrackingCounter._meta.get_field("day").get_db_prep_value(day, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote('last')} = {quote('last')} + 1 WHERE {quote('day')} = %s "
            f"RETURNING {quote('last')}",
            [value],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def mail_registrar() -> Registrar:
    """The sponsoring registrar of domains registered directly by mail (`KZREG_MAIL_REGISTRAR`), created
    on first use through the registrar operation (a version in history, like any registrar)."""
    from django.conf import settings

    from kzreg.registry.commands import RegistrarData
    from kzreg.registry.operations import ensure_registrar

    data = RegistrarData(name="KazNIC (registrations by e-mail)", email=settings.HOSTMASTER)
    return ensure_registrar(mail_registrar_handle(), data, Actor.system("mail-registrar", Channel.MAIL))


def collect(mail: Mail) -> list[Submission]:
    subs = []
    for part in mail.parts:
        for form_text in split_forms(part.text):
            subs.append(Submission(parse_form(form_text), part))
            if len(subs) > MAX_FORMS * 10:  # enough to say "too many"; stop reading
                return subs
    return subs


def handle_forms(run: Run, subs: list[Submission]) -> list[Outcome]:
    transfer_match = TRANSFER_RE.search(run.mail.subject)
    if transfer_match:
        return [_transfer(run, transfer_match.group(1).rstrip(".,;"), subs)]
    return [dispatch(run, sub) for sub in subs]


def dispatch(run: Run, sub: Submission) -> Outcome:
    form = sub.form
    if any(p.key in ("version_missing", "version_altered") for p in form.problems):
        return Outcome(form.template, "?", form.get("2") or form.get("1"), "rejected", form.problems)
    action = mapping.action_of(form)
    if action is None:
        return Outcome(form.template, "?", form.get("2") or form.get("1"), "rejected", form.problems)
    if form.template == "contact":
        return contact_form(run, sub, action)
    if form.template == "host":
        return host_form(run, sub, action)
    return {"N": domain_new, "M": domain_modify, "D": domain_delete}[action](run, sub)


def _transfer(run: Run, name: str, subs: list[Submission]) -> Outcome:
    def pick(action: str) -> Submission | None:
        for sub in subs:
            same_name = sub.form.get("2").strip().lower().rstrip(".") == name.lower()
            if sub.form.template == "domain" and mapping.action_code(sub.form.get("0a")) == action and same_name:
                return sub
        return None

    return transfer(run, name, pick("D"), pick("N"))


def process_message(message: InboundMessage) -> MailRequest:
    """Everything for one stored message, inside the caller's transaction. A new request is written
    once, at the end with its outcome (in a batch: with the batch's other new requests), unless an
    action needs its row sooner (`Run.saved_request`)."""
    now = clock.now()
    mail = parse_mail(bytes(message.raw))
    sender = mail.sender or message.envelope_from.lower()
    message.sender, message.subject = sender[:320], mail.subject[:500]
    subs = collect(mail)
    lang = subs[0].form.language if subs else mail.language_hint
    quoted = TRACKING_RE.search(mail.subject)
    request = MailRequest.objects.filter(tracking__iexact=quoted.group(0)).first() if quoted else None
    silent = _automatic(message, sender)
    if request is None:
        day, seq, tracking = allocate_tracking(now)
        request = MailRequest(
            tracking=tracking, day=day, seq=seq, created_at=now, updated_at=now, sender=sender[:320],
            subject=mail.subject[:500], language=lang,
        )  # fmt: skip
        if quoted is not None:  # a reply quoting an unknown number: confirmations are looked up by row
            request.save(force_insert=True)
        if not silent:
            send(request, [sender], text("ack_subject", lang), text("ack_body", lang, tracking=tracking), lang,
                 mail.message_id, mail.references)  # fmt: skip
    else:
        lang = request.language
    registrar_id = batch_registrar.get() or mail_registrar().id
    actor = Actor(sender or "unknown", Role.REGISTRANT, Channel.MAIL, request.tracking, registrar_id)
    run = Run(request, mail, sender, lang, actor, authentication=message.authentication or {})
    outcomes = _outcomes(run, subs, quoted is not None, silent)
    if outcomes:
        _finish(run, outcomes, silent)
    if any(holds_secret(s.form) for s in subs):
        message.raw = redact_secrets(bytes(message.raw), [s.form for s in subs])
        run.saved_request()  # this message is saved at once, with its request
    if request.pk is None:
        pending = batch_requests.get()
        if pending is None:
            request.save(force_insert=True)
        else:
            pending.append(request)
    message.request = request
    return request


def _outcomes(run: Run, subs: list[Submission], is_reply: bool, silent: str = "") -> list[Outcome]:
    """The outcomes to report; none for a reply that only asks how its request stands (told at once,
    unless `silent`), or for automatic mail quoting a request: it is kept with the request, but an
    auto-reply or a bounce quoting a `CONFIRM` token or a form never acts on it (it is no one's consent)."""
    if is_reply and silent:
        return []
    if len(subs) > MAX_FORMS:
        problem = FormProblem("", "too_many_forms", {"count": len(subs), "limit": MAX_FORMS})
        return [Outcome("message", "?", "", "rejected", [problem])]
    if is_reply:
        confirmed = apply_confirmation(run)
        if confirmed is not None:
            return [confirmed, *handle_forms(run, subs)] if subs else [confirmed]
        if not subs:
            send(run.request, [run.sender], text("state_received", run.lang),
                 text("attached_body", run.lang, tracking=run.request.tracking), run.lang)  # fmt: skip
            return []
    if not subs:
        problems = [*run.mail.problems, FormProblem("", "no_form")]
        return [Outcome("message", "?", "", "rejected", problems)]
    return handle_forms(run, subs)


def _finish(run: Run, outcomes: list[Outcome], silent: str) -> None:
    request = run.request
    state = overall_state(outcomes)
    body = render_outcomes(outcomes, run.lang, request.tracking)
    request.state = RequestState(state)
    request.summary = "; ".join(o.what("en") for o in outcomes)[:500]
    request.outcome = (request.outcome + "\n\n" + body).strip()[-20000:]
    request.updated_at = clock.now()
    if request.pk is not None:  # a new request is written at the end (`process_message`)
        request.save()
    if not silent:
        send(request, [run.sender], text(f"state_{state}", run.lang), body, run.lang,
             run.mail.message_id, run.mail.references)  # fmt: skip


def _automatic(message: InboundMessage, sender: str) -> str:
    """Why a message gets no answer at all ("" when it is answered): no address to answer, or automatic
    mail (`automatic.py`: bounces, auto-replies, lists), so two robots never mail each other forever."""
    if "@" not in sender:
        reason = "no sender address"
    else:
        reason = automatic_reason(bytes(message.raw), message.envelope_from, sender)
    if reason:
        log.info("inbound message %s: not answered: %s", message.pk, reason)
    return reason


def process_stored(message_id: int) -> MailRequest | None:
    """One stored message in one transaction; a bug is recorded, not lost."""
    try:
        with transaction.atomic():
            query = InboundMessage.objects.filter(pk=message_id, state=InboundState.NEW)
            message = query.select_for_update(skip_locked=True).first()
            if message is None:
                return None
            return _process_and_mark(message)
    except Exception as exc:
        log.exception("inbound message %s could not be processed", message_id)
        with transaction.atomic():
            _record_failure(message_id, exc)
        return None


def _process_and_mark(message: InboundMessage, done: list[InboundMessage] | None = None) -> MailRequest:
    """Processes a message and marks it done; with `done`, a message whose stored text is unchanged is
    only added to it, for the caller to mark with its batch (`inbox.mark_done`)."""
    raw = message.raw
    request = process_message(message)
    message.state, message.processed_at, message.attempts = InboundState.DONE, clock.now(), message.attempts + 1
    if message.raw is raw and done is not None:
        done.append(message)
        return request
    changed = ["state", "processed_at", "attempts", "request", "sender", "subject"]
    message.save(update_fields=[*changed, "raw"] if message.raw is not raw else changed)
    return request


def _record_failure(message_id: int, exc: Exception) -> None:
    message = InboundMessage.objects.select_for_update().get(pk=message_id)
    message.attempts += 1
    message.error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = InboundState.FAILED
    message.save(update_fields=["attempts", "error", "state"])


def pending_ids(limit: int = 100) -> list[int]:
    return list(
        InboundMessage.objects.filter(state=InboundState.NEW).order_by("id").values_list("id", flat=True)[:limit]
    )
