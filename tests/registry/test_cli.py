"""The `kzreg` command for registry staff: clear errors, non-zero exit codes (issue 2)."""

from __future__ import annotations

import pytest

from kzreg.cli import main
from kzreg.registry.models import Domain

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_contacts_domain_and_list(capsys, registrar):
    code, out, _ = run(
        capsys, "contact", "create", "--kind", "R", "--name", "Ivanov, Ivan",
        "--organisation", "Kaspi Solutions Limited Liability Partnership", "--address", "Al-Farabi 77",
        "--city", "Almaty", "--country-code", "KZ", "--phone", "+7 727 3001122", "--email", "info@kaspi.kz",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "created contact KSLLP-ORG")
    code, out, _ = run(
        capsys, "contact", "create", "--kind", "I", "--name", "Серікбаев, Әлихан Нұрұлы", "--address", "Абай 1",
        "--city", "Алматы", "--country-code", "kz", "--phone", "+7 701 1234567", "--email", "alikhan@mail.kz",
    )  # fmt: skip
    assert out.strip() == "created contact ANS1"
    code, out, err = run(
        capsys, "domain", "create", "жаңа.kz", "--registrant", "KSLLP-ORG", "--admin", "ANS1", "--period", "2",
        "--ns", "ns1.ps.net=195.210.46.10", "--ns", "ns2.ps.net=195.210.46.11", "--registrar", "PS-KZ",
        "--location-address", "Абай 1", "--location-city", "Алматы", "--location-region", "Алматы",
    )  # fmt: skip
    assert code == 0 and out.startswith("created жаңа.kz")
    assert "warning: nameservers: all name servers are in one network (195.210.46.0/24)" in err
    run(capsys, "domain", "hold", "жаңа.kz", "--reason", "court order")
    code, out, _ = run(capsys, "domain", "list", "--status", "hold")
    assert out.split("\t")[:2] == ["жаңа.kz", "hold"] and out.count("\n") == 1
    code, out, _ = run(capsys, "domain", "list", "--registrant", "ksllp-org", "--zone", "kz")
    assert out.startswith("жаңа.kz")
    code, out, _ = run(capsys, "domain", "info", "xn--80aaq15b.kz")
    assert "registrant:    KSLLP-ORG" in out and "ns1.ps.net (195.210.46.10)" in out
    code, out, _ = run(capsys, "history", "жаңа.kz")
    assert [line.split("\t")[2] for line in out.splitlines()] == ["domain_create", "domain_status_set"]


def test_bad_input_prints_every_problem_in_the_users_language(capsys, registrar):
    code, out, err = run(
        capsys, "--lang", "ru", "domain", "create", "bad_name.kz", "--registrant", "X", "--admin", "NOPE"
    )
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert "error: name: недопустимый символ «_»: только буквы, цифры и дефис" in lines
    assert "error: registrant.handle: контакт не найден: X" in lines
    assert "error: location: обязательное поле" in lines
    assert not Domain.objects.exists()


def test_unknown_objects_and_usage_errors(capsys, registrar):
    assert run(capsys, "--lang", "kk", "domain", "info", "nope.kz")[2] == "error: name: домен табылмады: nope.kz\n"
    assert run(capsys, "history", "NOPE1")[0] == 1
    assert run(capsys, "domain", "list", "--zone", "com")[0] == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["domain", "frobnicate"])
    assert exit_info.value.code == 2


def test_history_as_of_a_time(capsys, make_domain):
    make_domain("example.kz")
    code, out, err = run(capsys, "history", "example.kz", "--at", "2001-01-01")
    assert code == 1 and "did not exist" in err
    code, out, _ = run(capsys, "history", "example.kz", "--at", "2100-01-01T00:00:00+05:00", "--json")
    assert code == 0 and '"name": "example.kz"' in out
    assert run(capsys, "history", "example.kz", "--at", "yesterday")[0] == 1


def test_an_unexpected_failure_is_one_line_not_a_traceback(capsys, monkeypatch):
    from django.db import OperationalError

    from kzreg.registry import queries

    def broken(*args, **kwargs):
        raise OperationalError("no such table: registry_domain")

    monkeypatch.setattr(queries, "find_domain", broken)
    code, _out, err = run(capsys, "domain", "info", "example.kz")
    assert code == 1 and "Traceback" not in err
    assert err.strip() == (
        "error: OperationalError: no such table: registry_domain (is the database migrated? run: kzreg migrate)"
    )
