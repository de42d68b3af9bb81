"""`kzreg zone ...`: export to a file or stdout, check, publish, apex addresses; clear errors (P2)."""

from __future__ import annotations

import pytest

from kzreg.cli import main
from kzreg.zone.models import ApexAddress
from tests.zone.conftest import needs_checker

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@needs_checker
def test_export_to_a_file_then_check_it_P2(capsys, frozen_clock, make_domain, tmp_path):
    make_domain("сәлем.kz")
    assert run(capsys, "zone", "apex-address", "kz", "ns.nic.kz", "192.0.2.53", "2001:db8::53")[0] == 0
    code, out, err = run(capsys, "zone", "apex-address", "kz", "ns2.nic.kz", "192.0.2.54")
    assert (code, out) == (0, "kz: ns2.nic.kz 192.0.2.54\n")
    target = tmp_path / "kz.zone"
    code, out, err = run(capsys, "zone", "export", "KZ", "--output", str(target))
    assert code == 0 and out == ""
    assert err.endswith(", 1 delegations, 2 NS, 0 DS, 2 glue hosts\n")  # ns1/ns2.ps.kz: named by the delegation
    assert "xn--e1aler47e.kz.\tNS\tns1.ps.kz." in target.read_text()
    code, out, _ = run(capsys, "zone", "check", str(target), "kz")
    assert code == 0 and out.rstrip().endswith("OK")


@needs_checker
def test_check_fails_on_a_broken_zone_file_P2(capsys, db, tmp_path):
    broken = tmp_path / "bad.zone"
    broken.write_text("kz. 3600 IN SOA ns.nic.kz. hostmaster.nic.kz. 1 2 3 4 5\nexample.kz. IN NS\n")
    code, out, _ = run(capsys, "zone", "check", str(broken), "kz")
    assert code == 1 and "not loaded due to errors" in out


def test_export_to_stdout_warns_about_missing_apex_addresses_P2(capsys, db):
    code, out, err = run(capsys, "--lang", "ru", "zone", "export", "kz", "-o", "-")
    assert code == 0 and out.startswith("$ORIGIN kz.\n$TTL 86400\nkz.\tSOA\tns.nic.kz. hostmaster.nic.kz. ")
    assert "warning: у апексного сервера внутри зоны kz нет адреса: ns.nic.kz, ns2.nic.kz" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("zone", "export", "com"), "error: com: no such zone (zones: kz, қаз (xn--80ao21a))"),
        (("zone", "check", "/nonexistent.zone", "kz"), "error: /nonexistent.zone: cannot read the file (not a file)"),
        (("zone", "apex-address", "kz", "ns1.ps.kz", "192.0.2.1"), "error: ns1.ps.kz: not one of the apex"),
        (("zone", "apex-address", "қаз", "ns.nic.kz", "192.0.2.1"), "error: ns.nic.kz: not one of the apex"),
        (("zone", "apex-address", "kz", "ns.nic.kz", "300.1.1.1"), "error: 300.1.1.1: not a valid IP address"),
        (("zone", "export", "kz", "-o", "/nonexistent/dir/kz.zone"), "error: /nonexistent/dir/kz.zone: cannot write"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing_P2(capsys, db, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and err.startswith(message)
    assert not ApexAddress.objects.exists()


def test_publish_and_status_P2(capsys, frozen_clock, make_domain, tmp_path, monkeypatch):
    monkeypatch.setenv("KZREG_ZONE_DIR", str(tmp_path))
    monkeypatch.setenv("KZREG_ZONE_CHECK", "0")
    make_domain("example.kz")
    code, out, _ = run(capsys, "zone", "publish")
    assert code == 0 and out.startswith("kz: published serial ")
    assert run(capsys, "zone", "publish")[1] == "kz: unchanged\nxn--80ao21a: unchanged\n"
    code, out, _ = run(capsys, "zone", "status")
    assert f"→ {tmp_path}/kz.zone" in out and "kz: serial " in out
