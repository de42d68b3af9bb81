"""`kzreg billing invoice show|pdf|list|cancel|credit` (registry staff, the registry's book)."""

from __future__ import annotations

import io

import pypdf
import pytest

from kzreg.billing.models import Invoice, InvoiceStatus
from kzreg.cli import main
from tests.billing.invoice_helpers import FOREIGN, issue

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_in_its_own_language_or_another(frozen_clock, capsys):
    issue(language="ru")
    code, out, _ = run(capsys, "billing", "invoice", "show", "2026-000001")
    assert code == 0
    assert out.splitlines()[0] == "Счёт на оплату № 2026-000001  (Состояние: выставлен)"
    assert "Итого: Сумма без НДС 30.00 USD, НДС 4.80 USD, Сумма с НДС 34.80 USD" in out
    code, out, _ = run(capsys, "billing", "invoice", "show", "2026-000001", "--language", "kk")
    assert out.startswith("Төлемге арналған шот № 2026-000001")
    code, _, err = run(capsys, "--lang", "ru", "billing", "invoice", "show", "2026-000404")
    assert (code, err.strip()) == (1, "error: number: счёт не найден: 2026-000404")


def test_pdf_to_a_file(frozen_clock, capsys, tmp_path):
    issue(language="en")
    target = tmp_path / "inv.pdf"
    code, out, _ = run(capsys, "billing", "invoice", "pdf", "2026-000001", "-o", str(target))
    assert code == 0 and out.startswith(f"wrote {target}")
    text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Invoice No. 2026-000001" in text
    code, _, err = run(capsys, "billing", "invoice", "pdf", "2026-000001", "-o", str(tmp_path / "no" / "x.pdf"))
    assert code == 1 and err.splitlines()[-1].startswith("error: output:")


def test_list_cancel_and_credit(frozen_clock, capsys):
    issue()
    issue(buyer=FOREIGN)
    code, out, _ = run(capsys, "billing", "invoice", "list")
    rows = out.splitlines()
    assert code == 0 and [r.split("\t")[0] for r in rows] == ["2026-000002", "2026-000001"]
    assert rows[1].endswith("34.80 USD\towed 34.80 USD")
    code, out, _ = run(capsys, "billing", "invoice", "credit", "2026-000001", "4.80", "USD", "--reason", "discount")
    assert (code, out.strip()) == (0, "CN-2026-000001: -4.80 USD on 2026-000001")
    code, out, _ = run(capsys, "billing", "invoice", "list", "--buyer", "123456789012")
    assert [r.split("\t")[0] for r in out.splitlines()] == ["CN-2026-000001", "2026-000001"]
    assert "owed 30.00 USD" in out
    code, out, _ = run(capsys, "billing", "invoice", "cancel", "2026-000002", "--reason", "wrong buyer")
    assert code == 0 and out.startswith("2026-000002 cancelled")
    assert Invoice.objects.get(number="2026-000002").status == InvoiceStatus.CANCELLED
    code, out, _ = run(capsys, "billing", "invoice", "list", "--status", "cancelled")
    assert [r.split("\t")[0] for r in out.splitlines()] == ["2026-000002"]
    code, _, err = run(capsys, "billing", "invoice", "credit", "2026-000001", "4.801", "USD", "--reason", "x")
    assert code == 1 and "error: amount: not a valid amount: 4.801" in err
    code, _, err = run(capsys, "billing", "invoice", "credit", "2026-000001", "100", "USD", "--reason", "x")
    assert code == 1 and "100.00 USD > 30.00 USD" in err
    assert Invoice.objects.count() == 3
