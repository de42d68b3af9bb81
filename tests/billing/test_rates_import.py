"""`kzreg billing rates import|list`: the National Bank's daily rates (both XML layouts) and a CSV,
all or nothing per file, idempotent, `--replace` keeping the old rate in an append-only history
(issue 11: "an exchange rate table with dates, entered by staff or imported")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from kzreg.billing.exchange import rate_on
from kzreg.billing.models import ExchangeRate, ExchangeRateChange
from kzreg.billing.rates_import import plain
from kzreg.cli import main
from kzreg.core import clock

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "rates"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rates() -> dict[tuple[str, str, str], str]:
    return {(str(r.day), r.source, r.target): plain(r.rate) for r in ExchangeRate.objects.all()}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_national_banks_file_imports_the_kept_currencies_and_twice_writes_nothing(capsys, frozen_clock):
    code, out, err = run(capsys, "billing", "rates", "import", str(DATA / "nbk_2026-03-02.xml"))
    assert code == 0, err
    assert "item[2] (USD): 2026-03-02 1 USD = 512.34 KZT: new" in out
    assert out.strip().endswith("rates nbk_2026-03-02.xml (nbk): 1 new, 0 replaced, 0 unchanged, 2 skipped (AUD JPY)")
    assert rates() == {("2026-03-02", "USD", "KZT"): "512.34"}
    assert "(import nbk_2026-03-02.xml)" in ExchangeRate.objects.get().entered_by
    assert rate_on("USD", "KZT", dt.date(2026, 3, 5)) == Decimal("512.34")
    code, out, _ = run(capsys, "billing", "rates", "import", str(DATA / "nbk_2026-03-02.xml"))
    assert code == 0 and "0 new, 0 replaced, 1 unchanged" in out
    assert ExchangeRate.objects.count() == 1 and not ExchangeRateChange.objects.exists()


def test_the_rss_layout_divides_by_quant_and_a_day_after_tomorrow_is_refused(capsys, frozen_clock):
    # 09:00 UTC on 1 March: Almaty's today is 1 March, tomorrow 2 March; the file is of 3 March.
    code, _, err = run(capsys, "billing", "rates", "import", str(DATA / "nbk_rss.xml"))
    assert code == 1
    assert "error: item[2] (USD): the day 2026-03-03 is after tomorrow (2026-03-02)" in err
    assert not ExchangeRate.objects.exists()
    clock.freeze(dt.datetime(2026, 3, 1, 19, 30, tzinfo=dt.UTC))  # 00:30 on 2 March in Almaty
    code, out, err = run(capsys, "billing", "rates", "import", str(DATA / "nbk_rss.xml"))
    assert code == 0, err
    assert rates() == {("2026-03-03", "USD", "KZT"): "512.345"}  # 51234.50 tenge for 100 dollars
    assert "1 skipped (EUR)" in out


def test_broken_xml_names_its_line_and_bad_items_name_their_element_in_every_language(capsys, frozen_clock):
    code, _, err = run(capsys, "billing", "rates", "import", str(DATA / "nbk_broken.xml"))
    assert code == 1 and err.startswith("error: line 7: broken XML: mismatched tag")
    code, _, err = run(capsys, "--lang", "ru", "billing", "rates", "import", str(DATA / "nbk_bad_items.xml"))
    assert code == 1
    assert err.strip().splitlines() == [
        "error: item[1].title: неизвестная валюта: US$ (допустимы: KZT, USD)",
        "error: item[2].description: неверный курс: -512.34 (число больше нуля, не более 8 знаков после запятой, меньше 1 000 000 000)",
        "error: item[3].quant: неверное значение: 0",
    ]
    code, _, err = run(capsys, "--lang", "kk", "billing", "rates", "import", str(DATA / "nbk_bad_items.xml"))
    assert "item[2].description: бағам дұрыс емес: -512.34" in err
    assert not ExchangeRate.objects.exists()


def test_entities_are_not_read(capsys, tmp_path, frozen_clock):
    text = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "512.34">]><rates><date>01.03.2026</date><item><title>USD</title><description>&x;</description></item></rates>'
    code, _, err = run(capsys, "billing", "rates", "import", write(tmp_path, "evil.xml", text))
    assert code == 1 and "error: file: broken XML: <!DOCTYPE>/<!ENTITY> not accepted" in err
    assert not ExchangeRate.objects.exists()


def test_csv_imports_and_its_bad_lines_are_each_named_with_nothing_imported(capsys, frozen_clock):
    code, _, err = run(capsys, "billing", "rates", "import", str(DATA / "rates_bad.csv"))
    assert code == 1
    assert err.strip().splitlines() == [
        "error: line 3.rate: not a valid rate: 0 (a number above zero, at most 8 decimals, under 1 000 000 000)",
        "error: line 4.source: unknown currency: EUR (allowed: KZT, USD)",
        "error: line 5.target: the new value is the same as the current one: USD",
    ]
    assert not ExchangeRate.objects.exists()
    code, out, err = run(capsys, "billing", "rates", "import", str(DATA / "rates.csv"))
    assert code == 0, err
    assert rates() == {("2026-02-27", "USD", "KZT"): "510", ("2026-03-01", "USD", "KZT"): "511.5"}
    assert "rates rates.csv (csv): 2 new, 0 replaced, 0 unchanged" in out


def test_unknown_format_and_a_wrong_header(capsys, tmp_path):
    code, _, err = run(capsys, "billing", "rates", "import", write(tmp_path, "x.txt", "hello\n"))
    assert code == 1 and "error: line 1: not a rates file: hello" in err
    code, _, err = run(
        capsys, "billing", "rates", "import", "--format", "csv", write(tmp_path, "y.csv", "day,from,to,rate\n")
    )
    assert code == 1 and "error: line 1: not a rates file: day,from,to,rate" in err


def test_another_rate_for_a_stored_day_is_refused_unless_replace_which_keeps_history(capsys, tmp_path, frozen_clock):
    assert run(capsys, "billing", "rates", "import", str(DATA / "rates.csv"))[0] == 0
    changed = write(
        tmp_path, "changed.csv", "day,source,target,rate\n2026-02-27,USD,KZT,510\n2026-03-01,USD,KZT,512.1\n"
    )
    code, _, err = run(capsys, "billing", "rates", "import", changed)
    assert code == 1
    assert err.strip() == (
        "error: line 3: the USD/KZT rate of 2026-03-01 is stored as 511.5, the file says 512.1: "
        "give --replace to replace it (the old one stays in the history)"
    )
    assert rates()[("2026-03-01", "USD", "KZT")] == "511.5"
    code, out, err = run(capsys, "billing", "rates", "import", changed, "--replace")
    assert code == 0, err
    assert "line 3: 2026-03-01 1 USD = 512.1 KZT: replaced (was 511.5)" in out
    assert "1 replaced, 1 unchanged" in out
    change = ExchangeRateChange.objects.get()
    assert (plain(change.old_rate), plain(change.new_rate)) == ("511.5", "512.1")
    assert change.reason == "import changed.csv"
    code, out, _ = run(capsys, "billing", "rates", "list", "--pair", "usd/kzt", "--from", "2026-03-01")
    lines = out.strip().splitlines()
    assert lines[0].startswith("2026-03-01\t1 USD = 512.1 KZT\t") and "replaced 511.5 → 512.1" in lines[1]
    assert len(lines) == 2
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_exchangeratechange SET old_rate = 1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_exchangeratechange")
    assert ExchangeRateChange.objects.count() == 1


def test_the_staff_command_keeps_a_replaced_rate_too(capsys, frozen_clock):
    assert run(capsys, "billing", "rate", "USD", "KZT", "500", "--day", "2026-03-01")[0] == 0
    code, out, _ = run(capsys, "billing", "rate", "USD", "KZT", "501", "--day", "2026-03-01")
    assert code == 0 and "(was 500.00000000; kept in the history)" in out
    assert ExchangeRateChange.objects.get().reason == "kzreg billing rate"


def test_a_jump_beyond_double_or_half_and_a_day_repeated_with_another_rate_are_refused(capsys, tmp_path, frozen_clock):
    assert run(capsys, "billing", "rates", "import", str(DATA / "rates.csv"))[0] == 0
    text = "day,source,target,rate\n2026-03-02,USD,KZT,5115\n2026-02-28,USD,KZT,511\n2026-02-28,USD,KZT,511.2\n"
    code, _, err = run(capsys, "billing", "rates", "import", write(tmp_path, "typo.csv", text))
    assert code == 1
    assert err.strip().splitlines() == [
        "error: line 4: the USD/KZT rate of 2026-02-28 appears again in the file with another value: 511.2 (first 511)",
        "error: line 2: the USD/KZT rate 5115 is more than twice or under half the rate of 2026-03-01 (511.5): refused as a likely typo",
    ]
    assert len(rates()) == 2
