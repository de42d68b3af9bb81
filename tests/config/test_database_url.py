"""`KZREG_DATABASE_URL` → DATABASES, and the test database names that keep parallel runs apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzreg.config.settings import database_from_url


def test_sqlite_in_the_data_folder_and_its_test_name_carries_the_suffix(tmp_path: Path) -> None:
    plain = database_from_url("", tmp_path, suffix="")
    assert plain["NAME"] == str(tmp_path / "kzreg.sqlite3")
    assert plain["TEST"]["NAME"] == str(tmp_path / "test-kzreg.sqlite3")
    assert database_from_url("", tmp_path, suffix="ci")["TEST"]["NAME"] == str(tmp_path / "test-kzreg-ci.sqlite3")


def test_postgresql_url_parts_and_test_name_with_suffix(tmp_path: Path) -> None:
    db = database_from_url("postgresql://kz%40user:p%2Fw@127.0.0.1:5433/reg", tmp_path, suffix="ci")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "reg", "kz@user", "p/w", "127.0.0.1", "5433",
    )  # fmt: skip
    assert db["TEST"]["NAME"] == "test_kzreg_reg_ci"
    assert database_from_url("postgresql://127.0.0.1/reg", tmp_path, suffix="")["TEST"]["NAME"] == "test_kzreg_reg"


def test_other_schemes_are_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://127.0.0.1/reg", tmp_path)
