"""Password reset by e-mail through the outbox (`kzreg.notify`): the mail is an outbox row written in the
same transaction as the request, in the user's language, with a link that works once.

The link carries Django's password-reset token: an HMAC over the user's id, password hash, last login and
the time, so it stops working the moment the password is set (or the user logs in), and after
`PASSWORD_RESET_TIMEOUT` (3 days). Asking for a reset answers the same whether or not the account
exists, so the form tells nobody which names or addresses have accounts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from kzreg.accounts.models import PeopleEvent
from kzreg.core import clock
from kzreg.notify import queue_email

SUBJECT = {
    "kk": "Құпиясөзді қалпына келтіру",
    "ru": "Восстановление пароля",
    "en": "Resetting your password",
}
WELCOME_SUBJECT = {
    "kk": "Сізге тіркелгі ашылды",
    "ru": "Для вас создана учётная запись",
    "en": "An account was made for you",
}
BODY = {
    "kk": "Сәлеметсіз бе!\n\n{username} тіркелгісінің құпиясөзін қалпына келтіру сұралды. Жаңа құпиясөзді "
    "мына сілтеме арқылы орнатыңыз (бір рет жұмыс істейді, {days} күн жарамды):\n\n{link}\n\n"
    "Егер сіз сұрамаған болсаңыз, бұл хатты елемеңіз: құпиясөз өзгермейді.\n",
    "ru": "Здравствуйте!\n\nДля учётной записи {username} запрошено восстановление пароля. Задайте новый "
    "пароль по ссылке (она работает один раз и действует {days} дн.):\n\n{link}\n\n"
    "Если вы этого не запрашивали, просто не обращайте внимания на письмо: пароль не изменится.\n",
    "en": "Hello,\n\nsomeone asked to reset the password of the account {username}. Set a new password with "
    "this link (it works once, for {days} days):\n\n{link}\n\n"
    "If that was not you, ignore this message: the password stays as it is.\n",
}
WELCOME_BODY = {
    "kk": "Сәлеметсіз бе!\n\nСізге {username} тіркелгісі ашылды. Құпиясөзді мына сілтеме арқылы орнатыңыз "
    "(бір рет жұмыс істейді, {days} күн жарамды):\n\n{link}\n",
    "ru": "Здравствуйте!\n\nДля вас создана учётная запись {username}. Задайте пароль по ссылке "
    "(она работает один раз и действует {days} дн.):\n\n{link}\n",
    "en": "Hello,\n\nan account {username} was made for you. Set its password with this link (it works once, "
    "for {days} days):\n\n{link}\n",
}


def language_of(user: Any) -> str:
    profile = getattr(user, "staff_profile", None)
    language = getattr(profile, "language", "")
    return language if language in ("kk", "ru", "en") else "kk"


def reset_path(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/account/password-reset/{uid}/{default_token_generator.make_token(user)}/"


def send_reset(user: Any, welcome: bool = False) -> None:
    """Queues the reset (or welcome) mail to the user's address, in its language."""
    lang = language_of(user)
    link = settings.PUBLIC_URL.rstrip("/") + reset_path(user)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    subject, body = (WELCOME_SUBJECT, WELCOME_BODY) if welcome else (SUBJECT, BODY)
    with transaction.atomic():
        queue_email(to=[user.email], subject=subject[lang], language=lang, reference=f"account:{user.pk}",
                    body=body[lang].format(username=user.get_username(), link=link, days=days))  # fmt: skip
        PeopleEvent.objects.create(at=clock.now(), principal=user.get_username(), target=user.get_username(),
                                   action="welcome_sent" if welcome else "password_reset_sent")  # fmt: skip


RESETS_PER_HOUR = 3  # mails per account: asking again and again does not flood its mailbox


def _recently_sent(user: Any) -> int:
    since = clock.now() - dt.timedelta(hours=1)
    return PeopleEvent.objects.filter(target=user.get_username(), action="password_reset_sent", at__gte=since).count()


def request_reset(name_or_email: str) -> int:
    """Mails every active account with this username or address a link, at most `RESETS_PER_HOUR` an
    hour each; how many were sent (not to be shown: the page answers the same either way)."""
    key = (name_or_email or "").strip()
    if not key:
        return 0
    users = get_user_model().objects.filter(Q(username__iexact=key) | Q(email__iexact=key), is_active=True)
    sent = 0
    for user in users.exclude(email=""):
        if _recently_sent(user) >= RESETS_PER_HOUR:
            continue
        send_reset(user)
        sent += 1
    return sent


def user_for_link(uidb64: str, token: str) -> Any | None:
    """The user the link is for, if its token is still good (not used, not expired)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
