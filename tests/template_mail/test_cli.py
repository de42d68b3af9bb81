"""`kzreg template blank|check|submit` (T1, T5)."""

from __future__ import annotations

import pytest

from kzreg.cli import main
from kzreg.registry.models import Domain
from tests.template_mail.conftest import GOLDEN


def test_blank_prints_the_form(capsys):
    assert main(["template", "blank", "contact", "--lang", "ru"]) == 0
    assert capsys.readouterr().out.startswith("Contact Version Number: 1.0")


@pytest.mark.django_db
def test_check_lists_problems_by_field_and_changes_nothing_T5(capsys):
    assert main(["template", "check", str(GOLDEN / "new-en-invalid.eml")]) == 1
    out = capsys.readouterr().out
    assert "3l: e-mail address is not valid: noc@@telecom" in out
    assert main(["template", "check", str(GOLDEN / "new-en-crlf.eml")]) == 0
    assert not Domain.objects.exists()


@pytest.mark.django_db
def test_check_reads_a_bare_form_file(tmp_path, capsys):
    form = tmp_path / "form.txt"
    form.write_text((GOLDEN / "modify-en-pgp.txt").read_text())
    assert main(["template", "check", str(form)]) == 1  # example.kz is not registered
    assert "2: domain not found" in capsys.readouterr().out.lower().replace("домен", "domain")


@pytest.mark.django_db
def test_submit_processes_a_message_file(capsys):
    assert main(["template", "submit", str(GOLDEN / "new-kk.eml")]) == 0
    assert Domain.objects.filter(name="jana.kz").exists()
    assert "completed" in capsys.readouterr().out
