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


@pytest.fixture
def whois_env(monkeypatch):
    """KZREG_WHOIS_* variables for one test; the settings read from them are forgotten around it."""
    from kzreg.whois import config

    config.forget()
    yield monkeypatch
    monkeypatch.undo()
    config.forget()


def test_serve_takes_its_limits_from_the_environment_and_hands_them_to_its_helpers(whois_env):
    from kzreg.whois import runner

    whois_env.setenv("KZREG_WHOIS_IPV4_PREFIX", "32")
    whois_env.setenv("KZREG_WHOIS_MAX_PER_ADDRESS", "7")  # the name before networks, still read
    seen: dict = {}
    whois_env.setattr(runner, "run", lambda tail, workers, serve_one: seen.update(tail=tail, workers=workers) or 0)
    assert main(["whois", "serve", "--idle-timeout", "1.5", "--workers", "2"]) == 0
    options = dict(zip(seen["tail"][::2], seen["tail"][1::2], strict=True))
    assert options["--ipv4-prefix"] == "32" and options["--max-per-network"] == "7"
    assert options["--idle-timeout"] == "1.5" and options["--ipv6-prefix"] == "64" and seen["workers"] == 2


def test_the_web_page_reads_the_same_settings_as_port_43(whois_env, settings):
    from kzreg.whois import config

    whois_env.setenv("KZREG_WHOIS_RATE", "5")
    assert config.limits().rate == 5.0 and config.limits().ipv4_prefix == 24
    settings.KZREG_WHOIS = {"RATE": 2, "IPV4_PREFIX": 16}  # tests override the environment
    assert config.limits().rate == 2.0 and config.limits().ipv4_prefix == 16
    settings.KZREG_WHOIS = {"BURST": "many"}
    with pytest.raises(ValueError, match="KZREG_WHOIS_BURST: expected a int, got 'many'"):
        config.limits()
    settings.KZREG_WHOIS = {"TRUSTED_PROXIES": "10.0.0.0/8, not-a-network"}
    with pytest.raises(ValueError, match="KZREG_WHOIS_TRUSTED_PROXIES"):
        config.trusted_proxies()
