"""`kzreg whois query` and the service `kzreg up` starts."""

from __future__ import annotations

import pytest
from django.conf import settings

from kzreg.cli import main
from kzreg.plugins import all_services

pytestmark = pytest.mark.django_db


def test_query_prints_the_answer(published, capsys):
    assert main(["whois", "query", "example.kz"]) == 0
    assert "Domain Name............: example.kz" in capsys.readouterr().out


def test_query_not_found_exit_status(db, capsys):
    assert main(["whois", "query", "free.kz"]) == 1
    assert "*** Nothing found for this query." in capsys.readouterr().out


def test_up_starts_the_whois_server_on_the_configured_port():
    whois = [s for s in all_services() if s.name == "whois"]
    assert whois and whois[0].argv == ["whois", "serve", "--port", str(settings.WHOIS_PORT)]


def test_build_answers_command_and_the_worker_job(published, capsys):
    from kzreg.plugins import all_jobs
    from kzreg.whois.store import Reader

    assert main(["whois", "build-answers"]) == 0
    assert "3 answers rendered" in capsys.readouterr().out
    names = ["example.kz", "held.kz", "xn--80awbu3c.xn--80ao21a"]
    reader = Reader()
    assert reader.state() is not None
    assert sorted(row[0] for row in reader.get_many(names, "whois")) == names
    job = [j for j in all_jobs() if j.name == "whois-answers"]
    assert job and job[0].run() == 0  # nothing changed since the build
