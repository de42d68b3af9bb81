"""The PostgreSQL backend overrides psycopg's private transaction hooks, so it trusts one psycopg release:
the lock file's. Any other version gets a warning and Django's plain backend (ADR 0003)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from kzreg.registry.postgresql.base import PSYCOPG_PIN

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: the check happens once, when the backend module is imported.
PROBE = r"""
import json, logging, os, sys
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
import psycopg
if sys.argv[1] != "as-installed":
    psycopg.__version__ = sys.argv[1]
import django
django.setup()
from kzreg.registry.postgresql import base
out = {"fast_path": base.FAST_PATH}
if os.environ.get("PROBE_DB_NAME"):
    from django.db import connections
    settings = dict(connections["default"].settings_dict, NAME=os.environ["PROBE_DB_NAME"])
    wrapper = base.DatabaseWrapper(settings)
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    out["connection_class"] = type(raw).__module__ + "." + type(raw).__name__
    with raw.pipeline():  # a transaction begun in pipeline mode commits whichever class this is
        raw.execute("SELECT 1")
    raw.commit()
    out["committed"] = raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    raw.close()
print(json.dumps(out))
"""


def probe(version: str) -> tuple[dict, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kzreg.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "PROBE_DB_NAME": connection.settings_dict["NAME"] if connection.vendor == "postgresql" else "",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, version], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_the_pin_is_the_lock_files_and_the_installed_version():
    lock = (ROOT / "requirements.lock").read_text()
    assert re.search(r"^psycopg==(\S+)$", lock, re.M)[1] == PSYCOPG_PIN  # type: ignore[index]
    assert psycopg.__version__ == PSYCOPG_PIN


@pytest.mark.django_db
def test_another_psycopg_version_warns_and_falls_back_to_djangos_backend():
    found, log = probe("3.2.1")
    assert found["fast_path"] is False
    assert "psycopg 3.2.1 is installed" in log and PSYCOPG_PIN in log
    if connection.vendor == "postgresql":
        assert found["connection_class"] == "psycopg.Connection"  # not kzreg's subclass
        assert found["committed"] is True


@pytest.mark.django_db
def test_the_pinned_version_takes_the_fast_path():
    found, log = probe("as-installed")
    assert found["fast_path"] is True
    assert "is installed, but" not in log
    if connection.vendor == "postgresql":
        assert found["connection_class"] == "kzreg.registry.postgresql.base.Connection"
        assert found["committed"] is True
