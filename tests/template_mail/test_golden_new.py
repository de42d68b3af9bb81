"""Golden e-mails for New (T2, T3, T5, T6, T14): every language, charset, transfer encoding and MIME
shape, sent through a real SMTP conversation to the running intake, replies checked."""

from __future__ import annotations

import re

import pytest

from kzreg.registry.models import Domain
from tests.template_mail.conftest import golden

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CASES = [
    ("new-kk.eml", "jana.kz", "kk", "Орындалды"),
    ("new-ru-cp1251-qp.eml", "novyi.kz", "ru", "Выполнено"),
    ("new-ru-koi8r-base64.eml", "koi.kz", "ru", "Выполнено"),
    ("new-en-crlf.eml", "fresh.kz", "en", "Completed"),
    ("new-en-attachment.eml", "attached.kz", "en", "Completed"),
    ("new-en-html.eml", "htmlonly.kz", "en", "Completed"),
    ("new-en-dots.eml", "dots.kz", "en", "Completed"),
]


@pytest.mark.parametrize(("file", "name", "lang", "title"), CASES)
def test_new_registers_and_replies_in_the_form_language_T6(intake, file, name, lang, title):
    delivery = intake.deliver(golden(file))
    tracking = delivery.request.tracking
    assert re.fullmatch(r"KZ-\d{6}\.\d{1,5}", tracking)
    ack, result = delivery.replies[0], delivery.result()
    assert ack.subject.startswith(f"[{tracking}]") and ack.language == lang  # T3: acknowledged at once
    assert result.subject == f"[{tracking}] {title}", result.body
    assert ack.in_reply_to and ack.to == ["ivan1@example.kz"]
    domain = Domain.objects.get(name=name, deleted_at__isnull=True)
    assert domain.admin_contact.emails == ["ivan1@example.kz"]
    assert domain.registrar.handle == "KAZNIC"  # the registry's own mail channel
    assert delivery.request.state == "completed" and delivery.request.language == lang


@pytest.mark.parametrize(
    ("file", "name", "address"),
    [("new-ru-cp1251-qp.eml", "novyi.kz", "пр. Абая 10"), ("new-ru-koi8r-base64.eml", "koi.kz", "ул. Достык 5")],
)
def test_cyrillic_values_survive_windows_1251_and_koi8_r_T2(intake, file, name, address):
    intake.deliver(golden(file))
    assert Domain.objects.get(name=name).registrant.address == address


def test_every_problem_is_listed_by_field_and_nothing_changes_T5(intake):
    delivery = intake.deliver(golden("new-en-invalid.eml"))
    body = delivery.result().body
    assert delivery.result().subject.endswith("Rejected")
    for line in ("1b: must be a number: 'twelve'", "3l: e-mail address is not valid: noc@@telecom",
                 "8b: IP address is not valid: 999.1.1.1", "9b: is required", "2: name must not begin or end"):  # fmt: skip
        assert line in body, body
    assert not Domain.objects.exists()
    assert "Traceback" not in body


def test_a_name_already_registered_is_returned_T14(intake, make_domain):
    make_domain("jana.kz")
    delivery = intake.deliver(golden("new-kk.eml"))
    assert "2: jana.kz домендік атауы тіркелген" in delivery.result().body
    assert delivery.request.state == "rejected"


def test_tracking_numbers_count_up_within_the_day_T3(intake):
    first = intake.deliver(golden("bad-empty.eml")).request
    second = intake.deliver(golden("bad-empty.eml")).request
    assert first.day == second.day and second.seq == first.seq + 1
    assert second.tracking.endswith(f".{first.seq + 1}")


def test_a_reply_quoting_the_number_is_attached_to_the_same_request_T3(intake):
    first = intake.deliver(golden("new-en-invalid.eml")).request
    corrected = golden("new-en-crlf.eml").replace(b"Subject: New domain", f"Subject: Re: [{first.tracking}]".encode())
    again = intake.deliver(corrected)
    assert again.request.pk == first.pk
    assert Domain.objects.filter(name="fresh.kz").exists()
    assert first.messages.count() == 2
