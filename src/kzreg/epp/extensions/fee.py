"""fee-1.0 (RFC 8748): prices on `<domain:check>`, the client's agreement on transform commands, and the
fee charged with the registrar's balance in their answers.

Billing decides every amount and the operation charges it in its own transaction (billing's operation
guard, SPEC E3); this module only translates. A client that states a fee (`<fee:fee>` in create, renew,
transfer or the restore's update) agrees to pay at most that much: `agreement` parses it (2005 for an
amount or a currency that is not one) into the registry command's `fee_agreed`, and the guard compares it
with the fee in the charging transaction (less, or another currency: 2004, nothing changed; RFC 8748
§3.4). The answer (`<fee:creData>`, `renData`, `trnData`, `updData`) is the guard's report of that charge:
the fee charged and the balance it left (`answer`). Billing is imported when a client uses the extension,
so registries without prices answer without it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.elements import Element, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.protocol import Request, Session
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import AgreedFee
from kzreg.registry.policy import zone_of_name
from kzreg.registry.zones import zone_policies

FEE = namespaces.FEE
DOMAIN = namespaces.DOMAIN
CHECKED_COMMANDS = ("create", "renew", "transfer", "restore")
ANSWER_TAGS = {"create": "creData", "renew": "renData", "transfer": "trnData", "restore": "updData"}
CURRENCY = re.compile(r"[A-Z]{3}")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _zone(name: str) -> str:
    zone = zone_of_name(name, zone_policies())
    return zone.name if zone else name.rsplit(".", 1)[-1]


def _decimal(raw: str) -> Decimal | None:
    """A non-negative decimal as RFC 8748's `nonNegativeDecimal` writes one (no exponent), else None."""
    if not re.fullmatch(r"\+?(\d+(\.\d*)?|\.\d+)", raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def agreement(request: Request, fields: Fields) -> AgreedFee | None:
    """What the client agreed to pay, from `<fee:create|renew|transfer|update>` (None: it did not use the
    extension): the sum of its `<fee:fee>` elements, in its `<fee:currency>` (or, without one, the currency
    it pays in). Only parsed: an amount or currency that is not one is 2005; the comparison with the fee
    is the registry's fee guard's, in the charging transaction."""
    extension = request.extensions.get(FEE)
    if extension is None:
        return None
    amounts = find_all(extension, FEE, "fee")
    fields.add("fee", amounts[0] if amounts else extension)
    currency_element = find(extension, FEE, "currency")
    fields.add("fee.currency", currency_element)
    problems: list[Problem] = []
    currency = own_text(currency_element) if currency_element is not None else None
    if currency is not None and not CURRENCY.fullmatch(currency):
        problems.append(Problem("fee.currency", EppCommandCode.VALUE_SYNTAX, {"value": currency, "expected": "USD"}))
    if not amounts:
        problems.append(Problem("fee", EppCommandCode.VALUE_SYNTAX, {"value": "", "expected": "0.00"}))
    total = Decimal(0)
    for i, element in enumerate(amounts):
        fields.add(f"fee[{i}]", element)
        value = _decimal(own_text(element))
        if value is None:
            problems.append(
                Problem(f"fee[{i}]", EppCommandCode.VALUE_SYNTAX, {"value": own_text(element), "expected": "0.00"})
            )
        else:
            total += value
    if problems:
        raise OperationFailed(problems)
    return AgreedFee(total, currency or None)


def answer(request: Request, command: str, years: int | None, result: Any) -> list[Element]:
    """`<fee:creData>` (and the renew's, transfer's, restore's) from the fee guard's report in the operation's
    result (`billing.fees.FeeReport`): the fee charged and the balance and credit limit after the charge.
    Only to a client that used the extension, about its own account. Nothing charged (no prepaid account)
    is a fee of 0.00 without a balance; a transfer's request, charged on approval, states its fee as
    `applied="delayed"` with the balance as it is."""
    if request.extensions.get(FEE) is None:
        return []
    from kzreg.billing.fees import REPORT, FeeReport

    report = result.reports.get(REPORT)
    if not isinstance(report, FeeReport) or report.payer_id != request.session.registrar_id:
        return []
    data = E(FEE, ANSWER_TAGS[command])
    sub(data, FEE, "currency", report.fee.currency)
    if command in ("create", "renew", "transfer") and years is not None:
        sub(data, FEE, "period", str(years), unit="y")
    refundable = "1" if command in ("create", "renew") else "0"
    if report.charged:
        sub(data, FEE, "fee", report.fee.plain, description=command, refundable=refundable)
    elif report.balance is not None:  # charged when the operation that completes it is done
        sub(data, FEE, "fee", report.fee.plain, description=command, refundable=refundable, applied="delayed")
    else:  # no prepaid account: not charged
        sub(data, FEE, "fee", _amount(Decimal(0)), description=command, refundable="0")
    if report.refunds_charged_back is not None:
        sub(data, FEE, "fee", report.refunds_charged_back.plain, description="refunds charged back", refundable="0")
    if report.balance is not None:
        sub(data, FEE, "balance", report.balance.plain)
        if report.credit_limit is not None:
            sub(data, FEE, "creditLimit", report.credit_limit.plain)
    return [data]


def _period_years(command: Element) -> int | None:
    period = find(command, FEE, "period")
    if period is None:
        return 1
    raw, unit = own_text(period), period.get("unit") or "y"
    if not raw.isdigit():
        return None
    value = int(raw)
    if unit == "m":
        return value // 12 if value % 12 == 0 else None
    return value


def check_data(extension: Element, names: list[str], session: Session) -> Element:
    """`<fee:chkData>`: each name's price for each command asked (RFC 8748 §5.1.1); a name whose price
    cannot be given (a zone kzreg does not run, a period out of range) gets `avail="0"` and the reason."""
    from kzreg.billing import fees

    asked = find_all(extension, FEE, "command")
    data = E(FEE, "chkData")
    currency_element = sub(data, FEE, "currency")
    currency = text(extension, FEE, "currency") or ""
    for name in names:
        cd = sub(data, FEE, "cd")
        sub(cd, FEE, "objID", name)
        reason = ""
        for command in asked:
            verb = command.get("name") or ""
            years = _period_years(command)
            try:
                if verb not in CHECKED_COMMANDS:
                    raise OperationFailed(
                        [
                            Problem(
                                "command",
                                EppCommandCode.VALUE_SYNTAX,
                                {"value": verb, "expected": ", ".join(CHECKED_COMMANDS)},
                            )
                        ]
                    )
                price = fees.price(_zone(name), verb, years if years is not None else 0, session.registrar_id)
            except OperationFailed as failure:
                reason = failure.problems[0].message(session.lang)
                continue
            currency = currency or price.currency
            answer = sub(cd, FEE, "command", name=verb)
            if verb != "restore":
                sub(answer, FEE, "period", str(price.years), unit="y")
            sub(answer, FEE, "fee", _amount(price.amount), description=verb)
        if reason:
            cd.set("avail", "0")
            sub(cd, FEE, "reason", reason, lang=session.lang)
    currency_element.text = currency or "USD"
    return data
