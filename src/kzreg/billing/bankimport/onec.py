"""The 1C "Клиент-банк" exchange format (`1CClientBankExchange`), as banks in Kazakhstan export it.

A text file of `KEY=VALUE` lines: a header (`ВерсияФормата`, `Кодировка=Windows` for cp1251 or `DOS`
for cp866, `РасчСчет`, dates), optional `СекцияРасчСчет … КонецРасчСчет` blocks (balances, ignored),
payment documents `СекцияДокумент=<kind> … КонецДокумента`, and `КонецФайла`. Kazakhstan's banks name
the payer by `ПлательщикБИН`/`ПлательщикИИН`/`ПлательщикБИН_ИИН` (Russian exports: `ПлательщикИНН`)
and its account by `ПлательщикИИК` (Russian: `ПлательщикСчет`/`ПлательщикРасчСчет`); all are read.
The fields used are listed in docs/billing.md. Every broken line is reported with its number.
"""

from __future__ import annotations

from kzreg.billing.bankimport.csv import HEADER as CSV_HEADER
from kzreg.billing.bankimport.documents import BankDocument, FieldReader, where
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import OperationFailed, Problem

MAGIC = "1CClientBankExchange"
ENCODINGS = {"windows": "cp1251", "dos": "cp866", "utf-8": "utf-8", "utf8": "utf-8"}
# Keys read for each value, first found wins (Kazakhstan's names before the Russian ones).
PAYER_BIN = ("ПлательщикБИН_ИИН", "ПлательщикБИН", "ПлательщикИИН", "ПлательщикИНН")
PAYER_ACCOUNT = ("ПлательщикИИК", "ПлательщикСчет", "ПлательщикРасчСчет")
PAYER_NAME = ("Плательщик1", "Плательщик")
RECIPIENT_ACCOUNT = ("ПолучательИИК", "ПолучательСчет", "ПолучательРасчСчет")
PURPOSE_EXTRA = tuple(f"НазначениеПлатежа{n}" for n in range(1, 7))


def looks_like(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf").lstrip().startswith(MAGIC.encode())


def decode(data: bytes) -> str:
    """The text in the encoding the file declares (`Кодировка=`; Windows when it says nothing)."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    for codec in ("cp1251", "cp866", "utf-8"):
        marker = "Кодировка=".encode(codec)
        at = body.find(marker)
        if at >= 0:
            end = body.find(b"\n", at)
            declared = body[at + len(marker) : end if end >= 0 else None].decode("ascii", "replace").strip()
            wanted = ENCODINGS.get(declared.lower())
            if wanted is None:
                problem = Problem("Кодировка", PaymentCode.FIELD_INVALID, {"name": "Кодировка", "value": declared})
                raise OperationFailed([problem])
            if wanted != codec:
                raise OperationFailed([Problem("file", PaymentCode.ENCODING, {"value": declared})])
            break
    else:
        codec = "cp1251"
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        raise OperationFailed([Problem("file", PaymentCode.ENCODING, {"value": codec})]) from None


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((values[k] for k in keys if values.get(k, "").strip()), "").strip()


def parse(data: bytes, currency: str) -> list[BankDocument]:
    """Every payment document of the file, or OperationFailed with every broken line of it."""
    lines = decode(data).splitlines()
    if not lines or lines[0].strip() != MAGIC:
        raise OperationFailed(
            [Problem("line 1", PaymentCode.FORMAT_UNKNOWN, {"value": (lines or [""])[0][:40], "header": CSV_HEADER})]
        )
    problems: list[Problem] = []
    documents: list[BankDocument] = []
    own_accounts: set[str] = set()
    section: tuple[str, int] | None = None  # ("document" | "account", the line it started on)
    values: dict[str, str] = {}
    ended = False
    for n, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        if line == "КонецФайла":
            ended = True
            break
        key, sep, value = line.partition("=")
        key = key.strip()
        if key == "СекцияДокумент" or key == "СекцияРасчСчет":
            if section is not None and section[0] == "document":
                problems.append(Problem(where(section[1]), PaymentCode.DOCUMENT_UNCLOSED))
            section, values = ("document" if key == "СекцияДокумент" else "account", n), {}
            continue
        if line in ("КонецДокумента", "КонецРасчСчет"):
            if section is None or (section[0] == "document") != (line == "КонецДокумента"):
                problems.append(Problem(where(n), PaymentCode.LINE_SYNTAX, {"value": line[:60]}))
            elif section[0] == "document":
                document = _document(section[1], values, currency, own_accounts, problems)
                if document is not None:
                    documents.append(document)
            elif values.get("РасчСчет"):
                own_accounts.add(values["РасчСчет"].strip())
            section, values = None, {}
            continue
        if not sep or not key:
            problems.append(Problem(where(n), PaymentCode.LINE_SYNTAX, {"value": line[:60]}))
            continue
        if section is None:
            if key == "РасчСчет" and value.strip():
                own_accounts.add(value.strip())
            continue
        values[key] = value
    if section is not None and section[0] == "document":
        problems.append(Problem(where(section[1]), PaymentCode.DOCUMENT_UNCLOSED))
    if not ended:
        problems.append(Problem(where(len(lines)), PaymentCode.FIELD_MISSING, {"name": "КонецФайла"}))
    if problems:
        raise OperationFailed(problems)
    return documents


def _document(
    line_no: int, values: dict[str, str], currency: str, own_accounts: set[str], problems: list[Problem]
) -> BankDocument | None:
    read = FieldReader(line_no, problems)
    before = len(problems)
    number = read.required("Номер", values.get("Номер"))
    date = read.date("Дата", values.get("Дата"))
    code = read.currency("Валюта", values.get("Валюта"), currency)
    amount = read.amount("Сумма", values.get("Сумма"), code) if code else None
    payer_bin = read.payer_bin("ПлательщикБИН", _first(values, PAYER_BIN))
    if len(problems) > before or number is None or date is None or amount is None:
        return None
    purpose = " ".join(
        v.strip()
        for v in [values.get("НазначениеПлатежа", ""), *(values.get(k, "") for k in PURPOSE_EXTRA)]
        if v.strip()
    )
    payer_account = _first(values, PAYER_ACCOUNT)
    recipient = _first(values, RECIPIENT_ACCOUNT)
    incoming = not own_accounts or recipient in own_accounts or payer_account not in own_accounts
    return BankDocument(
        line_no=line_no,
        number=number,
        date=date,
        amount=amount,
        payer_bin=payer_bin,
        payer_account=payer_account[:34],
        payer_name=_first(values, PAYER_NAME)[:300],
        purpose=purpose,
        incoming=incoming,
    )
