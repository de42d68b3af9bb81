"""`kzreg template check`: what the mail gateway would answer to a form or message, changing nothing.

The check is the mail path itself (T5): the forms go through the very function the worker runs
(`processing._outcomes`), each applied as it would be, so that a later form sees what an earlier one
created (a host, a contact), all inside ONE transaction that is always rolled back (as Nomulus does for
dry runs). Its problem lines are therefore the mailed reply's. A dry run per form judged each form
against the registry as it was before the message, and could list a problem the mailed reply would
not (issue 9 §7). What the check cannot know is said by the outcome: a change the contact on record
must confirm is "awaiting confirmation", as it would be by mail; a reply's confirmation token is not
applied.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.template_mail.mime import Mail, TextPart, decode_bytes, parse_mail
from kzreg.template_mail.models import MailRequest
from kzreg.template_mail.processing import _outcomes, collect, mail_registrar
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import Run

CHECK_TRACKING = "KZ-CHECK"  # the request a check runs under; seq 0 is never a real request's number


class _RollBack(Exception):
    pass


def check_outcomes(mail: Mail, lang: str = "en") -> tuple[list[Outcome], str]:
    """Every form's outcome as the mail gateway would decide it, and the language of the reply."""
    subs = collect(mail)
    lang = subs[0].form.language if subs else lang
    outcomes: list[Outcome] = []
    try:
        with transaction.atomic():
            now = clock.now()
            day: dt.date = timezone.localtime(now).date()
            request = MailRequest(tracking=CHECK_TRACKING, day=day, seq=0, created_at=now, updated_at=now,
                                  sender=mail.sender[:320], subject=mail.subject[:500], language=lang)  # fmt: skip
            actor = Actor(mail.sender or "unknown", Role.REGISTRANT, Channel.MAIL, CHECK_TRACKING, mail_registrar().id)
            outcomes = _outcomes(Run(request, mail, mail.sender, lang, actor), subs, False)
            raise _RollBack
    except _RollBack:
        pass
    return outcomes, lang


def check_bytes(raw: bytes, is_message: bool, lang: str = "en") -> tuple[list[str], bool]:
    """Lines to print (each form's state, then its problems and warnings as the reply words them) and
    whether no form would be rejected."""
    mail = parse_mail(raw) if is_message else Mail(parts=[TextPart(decode_bytes(raw, None) or "")])
    outcomes, lang = check_outcomes(mail, lang)
    lines = []
    for n, outcome in enumerate(outcomes, start=1):
        head = text("form_head", lang, n=n, what=outcome.what(lang))
        status = "OK" if outcome.status == "completed" else text(f"state_{outcome.status}", lang)
        lines.append(f"{head}: {status}")
        lines.extend(f"  {p.render(lang)}" for p in outcome.problems)
        lines.extend(f"  {w.render(lang)}" for w in outcome.warnings)
    return lines, all(o.status != "rejected" for o in outcomes)
