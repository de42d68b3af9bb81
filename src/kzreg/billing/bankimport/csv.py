"""The CSV layout for banks and tools that do not export 1C: UTF-8 (a BOM is allowed), comma or
semicolon separated, one header row naming the columns, one payment per row.

    number,date,amount,currency,payer_bin,payer_account,payer_name,purpose

`number`, `date` (YYYY-MM-DD or DD.MM.YYYY) and `amount` (a point or a comma before the decimals) are
required; `currency` defaults to the import's; the rest may be empty or left out. Columns may come in
any order; an unknown column makes the file an unknown format (a typo would otherwise lose a value).
"""

from __future__ import annotations

import csv
import io

from kzreg.billing.bankimport.documents import BankDocument, FieldReader, where
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import OperationFailed, Problem

COLUMNS = ("number", "date", "amount", "currency", "payer_bin", "payer_account", "payer_name", "purpose")
REQUIRED = ("number", "date", "amount")
HEADER = ",".join(COLUMNS)


def _header(line: str) -> tuple[list[str], str] | None:
    for delimiter in (",", ";"):
        names = [n.strip().lower() for n in next(csv.reader([line], delimiter=delimiter))]
        if set(REQUIRED) <= set(names) and set(names) <= set(COLUMNS) and len(set(names)) == len(names):
            return names, delimiter
    return None


def looks_like(data: bytes) -> bool:
    first = data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        return _header(first.decode("utf-8").strip()) is not None
    except UnicodeDecodeError:
        return False


def parse(data: bytes, currency: str) -> list[BankDocument]:
    """Every row as a document, or OperationFailed naming every broken row by its line number."""
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise OperationFailed([Problem("file", PaymentCode.ENCODING, {"value": "UTF-8"})]) from None
    lines = text.splitlines()
    found = _header(lines[0].strip()) if lines else None
    if found is None:
        first = lines[0][:40] if lines else ""
        raise OperationFailed([Problem("line 1", PaymentCode.FORMAT_UNKNOWN, {"value": first, "header": HEADER})])
    names, delimiter = found
    problems: list[Problem] = []
    documents: list[BankDocument] = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
        if len(cells) != len(names):
            params = {"name": "columns", "value": f"{len(cells)} ≠ {len(names)}"}
            problems.append(Problem(where(n), PaymentCode.FIELD_INVALID, params))
            continue
        row = dict(zip(names, cells, strict=True))
        read = FieldReader(n, problems)
        before = len(problems)
        number = read.required("number", row.get("number"))
        date = read.date("date", row.get("date"))
        code = read.currency("currency", row.get("currency"), currency)
        amount = read.amount("amount", row.get("amount"), code) if code else None
        payer_bin = read.payer_bin("payer_bin", row.get("payer_bin"))
        if len(problems) > before or number is None or date is None or amount is None:
            continue
        documents.append(
            BankDocument(
                line_no=n,
                number=number,
                date=date,
                amount=amount,
                payer_bin=payer_bin,
                payer_account=(row.get("payer_account") or "").strip()[:34],
                payer_name=(row.get("payer_name") or "").strip()[:300],
                purpose=" ".join((row.get("purpose") or "").split()),
            )
        )
    if problems:
        raise OperationFailed(problems)
    return documents
