"""Settings are read once per process: these tests start Python with a chosen environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# The variables that decide demo or production; every run starts without them and sets its own.
DEPLOYMENT_VARIABLES = ("KZREG_SECRET_KEY", "KZREG_BIND", "KZREG_DEBUG", "KZREG_PUBLIC_URL", "KZREG_ALLOWED_HOSTS")


def environment(data_dir: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES and not k.startswith("KZREG_CSP_")}
    env.update(KZREG_DATA_DIR=str(data_dir), KZREG_DATABASE_URL="", DJANGO_SETTINGS_MODULE="kzreg.config.settings")
    env.update(variables)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout)


def production(data_dir: Path, **variables: str) -> dict[str, str]:
    """A production environment: public bind, a strong key, HTTPS public URL, debug off."""
    defaults = {
        "KZREG_BIND": "0.0.0.0", "KZREG_SECRET_KEY": secrets.token_urlsafe(50), "KZREG_PUBLIC_URL": "https://rdap.nic.kz",
    }  # fmt: skip
    return environment(data_dir, **{**defaults, **variables})


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path
