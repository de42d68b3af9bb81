"""`kzreg billing …` for the registrar's and resellers' books: a reseller's handle names its deposit in
its registrar's book; wholesale and retail prices; groups; the payable mirror; reports with CSV."""

from __future__ import annotations

import pytest

from kzreg.billing.models import Account, ListPrice, OwnerKind, ResellerGroupMember
from tests.billing.test_cli import run

pytestmark = pytest.mark.django_db


def test_a_resellers_handle_opens_and_pays_its_deposit_in_its_registrars_book(capsys, registrar, reseller):
    code, out, _ = run(capsys, "billing", "open", "alpha", "KZT", "--credit-limit", "10000")
    assert code == 0 and "prepaid ALPHA" in out and "PS-KZ (registrar)" in out
    deposit = Account.objects.get(kind="prepaid", holder_key=str(reseller.id))
    assert deposit.book.owner_kind == OwnerKind.REGISTRAR and deposit.book.owner_key == str(registrar.id)
    code, out, _ = run(capsys, "billing", "payment", "ALPHA", "50000", "KZT", "--reference", "PP 7")
    assert code == 0 and "50 000.00 KZT" in out
    code, out, _ = run(capsys, "billing", "balance", "ALPHA")
    assert code == 0 and "available 60 000.00 KZT" in out
    code, _, err = run(capsys, "billing", "payment", "ALPHA", "5", "USD")
    assert code == 1 and "currency" in err
    code, _, err = run(capsys, "billing", "balance", "NOBODY")
    assert code == 1 and err.strip() == "error: handle: registrar not found: NOBODY"
    code, out, _ = run(capsys, "billing", "open", "PS-KZ", "USD")  # a registrar's handle: the registry deposit
    assert (
        code == 0 and Account.objects.filter(book__owner_kind=OwnerKind.REGISTRY, holder_key=str(registrar.id)).exists()
    )


def test_wholesale_and_retail_prices_and_groups(capsys, registrar, reseller):
    code, out, _ = run(capsys, "billing", "group", "PS-KZ", "partners", "--add", "ALPHA")
    assert (code, out.strip()) == (0, "PS-KZ group partners: ALPHA")
    assert ResellerGroupMember.objects.get().reseller_id == reseller.id
    code, out, _ = run(
        capsys, "billing", "price", "kz", "create", "1", "35", "USD", "--wholesale", "PS-KZ", "--group", "partners"
    )
    assert code == 0 and out.startswith("wholesale PS-KZ → group partners: create kz 1y 35.00 USD")
    code, out, _ = run(capsys, "billing", "price", "kz", "create", "1", "20000", "KZT", "--retail", "ALPHA")
    assert code == 0 and out.startswith("retail ALPHA: create kz 1y 20 000.00 KZT")
    assert ListPrice.objects.count() == 2
    code, _, err = run(
        capsys, "billing", "price", "kz", "create", "1", "35", "USD", "--wholesale", "PS-KZ", "--group", "gold"
    )
    assert code == 1 and err.startswith("error: group:")
    code, _, err = run(capsys, "billing", "price", "kz", "create", "1", "35", "USD", "--reseller", "ALPHA")
    assert code == 1 and err.startswith("error: wholesale:")
    code, _, err = run(capsys, "billing", "price", "com", "create", "1", "-5", "USD", "--retail", "ALPHA")
    assert code == 1 and "zone:" in err and "amount:" in err
    assert ListPrice.objects.count() == 2


def test_mirror_and_reports(capsys, registrar, prepaid, make_domain, frozen_clock, tmp_path):
    make_domain("reported.kz", period=2)
    code, out, _ = run(capsys, "billing", "mirror")
    assert (code, out.strip()) == (0, "PS-KZ: 2 transactions mirrored")
    code, out, _ = run(
        capsys, "billing", "report", "revenue", "--by", "registrar", "--from", "2026-01-01", "--to", "2026-04-01"
    )
    assert code == 0 and out.splitlines()[1:] == ["2026-03\tPS-KZ\t60.00 USD"]
    target = tmp_path / "revenue.csv"
    code, out, _ = run(
        capsys,
        "billing",
        "report",
        "revenue",
        "--by",
        "zone",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
        "--csv",
        str(target),
    )
    assert code == 0 and target.read_text().splitlines() == ["month,zone,amount,currency", "2026-03,kz,60.00,USD"]
    code, out, _ = run(capsys, "billing", "report", "ageing", "--book", "PS-KZ", "--csv", "-")
    assert code == 0 and out.splitlines()[0] == "debtor,currency,current,0-30,31-60,61-90,90+,total"
    code, _, err = run(capsys, "billing", "report", "revenue", "--by", "colour")
    assert code == 1 and err.strip() == "error: by: is not valid: colour"
    code, _, err = run(capsys, "billing", "report", "revenue", "--from", "2026-13-01")
    assert code == 1 and err.startswith("error: from:")
