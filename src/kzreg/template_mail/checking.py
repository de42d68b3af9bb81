"""`kzreg template check`: every problem of a form or message, found by a dry run that changes nothing
(the operations run inside a transaction that is always rolled back, as Nomulus does for dry runs)."""

from __future__ import annotations

from django.db import transaction

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.template_mail.mime import Mail, TextPart, parse_mail
from kzreg.template_mail.models import MailRequest
from kzreg.template_mail.processing import _outcomes, mail_registrar
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import Run, Submission


class _DryRun(Exception):
    pass


def check_bytes(raw: bytes, is_message: bool, lang: str = "en") -> tuple[list[str], bool]:
    """Lines to print and whether everything is valid."""
    from kzreg.template_mail.mime import decode_bytes
    from kzreg.template_mail.parser import parse_form, split_forms

    mail = parse_mail(raw) if is_message else Mail(parts=[TextPart(decode_bytes(raw, None) or "")])
    subs = [Submission(parse_form(ft), part) for part in mail.parts for ft in split_forms(part.text)]
    lang = subs[0].form.language if subs else lang
    outcomes: list[Outcome] = []
    try:
        with transaction.atomic():
            request = MailRequest(tracking="KZ-CHECK", created_at=clock.now(), language=lang)
            actor = Actor(mail.sender or "check", Role.REGISTRANT, Channel.CLI, "check", mail_registrar().id)
            run = Run(request, mail, mail.sender, lang, actor, dry_run=True)
            outcomes = _outcomes(run, subs, False)
            raise _DryRun
    except _DryRun:
        pass
    lines = []
    for n, outcome in enumerate(outcomes, start=1):
        head = text("form_head", lang, n=n, what=outcome.what(lang))
        status = "OK" if outcome.status == "completed" else text(f"state_{outcome.status}", lang)
        lines.append(f"{head}: {status}")
        lines.extend(f"  {p.render(lang)}" for p in outcome.problems)
        lines.extend(f"  {w.render(lang)}" for w in outcome.warnings)
    return lines, all(o.status == "completed" for o in outcomes)
