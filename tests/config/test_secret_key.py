"""Issue 9 §6: no public constant as SECRET_KEY. Outside the demo (KZREG_DEBUG unset, non-loopback bind)
any settings import without KZREG_SECRET_KEY stops with one line; the demo gets a random key kept in the
data folder (mode 0600), the same across restarts."""

from __future__ import annotations

import stat
import threading

import pytest

from kzreg.config import deployment, secret_key
from tests.config.conftest import environment, run

PRINT_KEY = ["-c", "from django.conf import settings; print(settings.SECRET_KEY)"]


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "192.0.2.10", "kzreg.example"])
def test_public_bind_without_a_key_refuses_with_one_line(data_dir, bind):
    result = run(PRINT_KEY, environment(data_dir, KZREG_BIND=bind))
    assert result.returncode == secret_key.EXIT_REFUSED
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kzreg: KZREG_SECRET_KEY is not set") and bind in lines[0]
    assert not (data_dir / "secret_key").exists()


def test_django_admin_commands_refuse_too(data_dir):
    result = run(["-m", "django", "check"], environment(data_dir, KZREG_BIND="0.0.0.0"))
    assert result.returncode == secret_key.EXIT_REFUSED
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]


def test_given_key_is_used_and_nothing_written(data_dir):
    result = run(PRINT_KEY, environment(data_dir, KZREG_BIND="0.0.0.0", KZREG_SECRET_KEY="k" * 60))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60 and not (data_dir / "secret_key").exists()


@pytest.mark.parametrize("variables", [{}, {"KZREG_BIND": "::1"}, {"KZREG_BIND": "0.0.0.0", "KZREG_DEBUG": "1"}])
def test_demo_key_is_generated_private_and_kept_across_restarts(data_dir, variables):
    first = run(PRINT_KEY, environment(data_dir, **variables))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    path = data_dir / "secret_key"
    assert path.read_text().strip() == key and len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "kzreg-development-key" not in key
    again = run(PRINT_KEY, environment(data_dir, **variables))
    assert again.stdout.strip() == key  # sessions survive a restart
    other = run(PRINT_KEY, environment(data_dir / "elsewhere", **variables))
    assert other.stdout.strip() != key  # random per data folder, not a constant


def test_processes_starting_together_agree_on_one_key(tmp_path):
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(secret_key.demo_key(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and keys[0] == (tmp_path / "secret_key").read_text().strip()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


def test_empty_key_file_is_an_error_naming_it(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(secret_key.MissingSecretKey, match="secret_key is empty"):
        secret_key.demo_key(tmp_path)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("10.0.0.1", False), ("nic.kz", False)],
)  # fmt: skip
def test_loopback_addresses(address, loopback):
    assert deployment.is_loopback(address) is loopback
