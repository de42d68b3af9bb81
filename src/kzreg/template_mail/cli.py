"""`kzreg template blank|check|submit|smtpd`: blank forms, dry-run validation, a message file as if
mailed, and the SMTP intake server."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from django.conf import settings

from kzreg.template_mail.blank import LANGS, TEMPLATES, blank_form


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("template", help="the KazNIC registration forms by e-mail")
    tsub = parser.add_subparsers(dest="template_command", metavar="ACTION", required=True)

    blank = tsub.add_parser("blank", help="print a blank form")
    blank.add_argument("template", choices=TEMPLATES)
    blank.add_argument("--lang", dest="form_lang", choices=LANGS, default="kk")
    blank.set_defaults(func=cmd_blank)

    check = tsub.add_parser("check", help="validate a form or a whole message; changes nothing")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_check)

    submit = tsub.add_parser("submit", help="process a message file as if it had arrived by mail")
    submit.add_argument("file", type=Path)
    submit.set_defaults(func=cmd_submit)

    smtpd = tsub.add_parser("smtpd", help="run the SMTP intake for the hostmaster address")
    smtpd.add_argument("--port", type=int, default=settings.SMTP_PORT)
    smtpd.add_argument("--bind", default=None, help="address to listen on (default $KZREG_SMTP_BIND or 127.0.0.1)")
    smtpd.set_defaults(func=cmd_smtpd)


def cmd_blank(args: argparse.Namespace) -> int:
    sys.stdout.write(blank_form(args.template, args.form_lang))
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"error: {path}: {exc.strerror}", file=sys.stderr)
        return None


def looks_like_message(raw: bytes) -> bool:
    head = raw[:2000].lstrip().lower()
    return any(head.startswith(h) for h in (b"from:", b"subject:", b"to:", b"received:", b"return-path:",
                                               b"mime-version:", b"message-id:", b"date:", b"from "))  # fmt: skip


def cmd_check(args: argparse.Namespace) -> int:
    from kzreg.template_mail.checking import check_bytes

    raw = _read(args.file)
    if raw is None:
        return 2
    lines, ok = check_bytes(raw, looks_like_message(raw), getattr(args, "lang", "en"))
    print("\n".join(lines))
    return 0 if ok else 1


def cmd_submit(args: argparse.Namespace) -> int:
    from kzreg.template_mail.intake import store_message
    from kzreg.template_mail.mime import parse_mail
    from kzreg.template_mail.models import InboundMessage, InboundState
    from kzreg.template_mail.processing import process_stored

    raw = _read(args.file)
    if raw is None:
        return 2
    sender = parse_mail(raw).sender
    message_id = store_message(raw, sender, [settings.HOSTMASTER], source="cli")
    request = process_stored(message_id)
    if request is None:
        error = InboundMessage.objects.get(pk=message_id).error
        print(f"error: message #{message_id} could not be processed: {error}", file=sys.stderr)
        return 1
    print(f"{request.tracking}: {request.state}")
    print(request.outcome)
    stored = InboundMessage.objects.get(pk=message_id)
    return 0 if stored.state == InboundState.DONE and request.state != "rejected" else 1


def cmd_smtpd(args: argparse.Namespace) -> int:
    from kzreg.template_mail.conf import smtp_bind
    from kzreg.template_mail.intake import IntakeController

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = IntakeController(args.bind or smtp_bind(), args.port)
    controller.start()
    print(f"kzreg smtpd: accepting mail for {settings.HOSTMASTER} on {controller.hostname}:{controller.port}")
    try:
        stop.wait()
    finally:
        controller.stop()
    return 0
