"""fee-1.0 (RFC 8748): prices on `<domain:check>`, the client's agreement on transform commands, and the
fee charged with the registrar's balance in their answers.

Billing decides every amount (`kzreg.billing.fees`) and the operation charges it in its own
transaction (billing's operation guard, SPEC E3); this module only translates. A client that states a
fee (`<fee:fee>` in create, renew, transfer or the restore's update) agrees to pay that much: less than
the price, or another currency, is refused with 2004 before anything changes (RFC 8748 §3.4). Billing
is imported when a client uses the extension, so registries without prices answer without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.elements import Element, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.protocol import Request, Session
from kzreg.epp.xml import E, sub
from kzreg.registry.policy import zone_of_name
from kzreg.registry.zones import zone_policies

FEE = namespaces.FEE
DOMAIN = namespaces.DOMAIN
CHECKED_COMMANDS = ("create", "renew", "transfer", "restore")
ANSWER_TAGS = {"create": "creData", "renew": "renData", "transfer": "trnData", "restore": "updData"}


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _zone(name: str) -> str:
    zone = zone_of_name(name, zone_policies())
    return zone.name if zone else name.rsplit(".", 1)[-1]


@dataclass
class FeeAnswer:
    """The fee of one transform command, checked against the client's agreement before the operation,
    answered after it (with the balance the charge left)."""

    command: str
    years: int
    amount: Decimal | None = None  # None: the client did not use the extension
    currency: str = ""

    def answer(self, request: Request) -> list[Element]:
        if self.amount is None:
            return []
        from kzreg.billing import fees

        data = E(FEE, ANSWER_TAGS[self.command])
        sub(data, FEE, "currency", self.currency)
        if self.command in ("create", "renew", "transfer"):
            sub(data, FEE, "period", str(self.years), unit="y")
        sub(
            data,
            FEE,
            "fee",
            _amount(self.amount),
            description=self.command,
            refundable="1" if self.command in ("create", "renew") else "0",
        )
        account = fees.balance(request.session.registrar_id)
        if account is not None:
            sub(data, FEE, "balance", _amount(account.amount))
            sub(data, FEE, "creditLimit", _amount(account.credit_limit))
        return [data]


def agreement(request: Request, command: str, name: str, years: int, fields: Fields) -> FeeAnswer:
    """The command's fee when the client sent `<fee:{command}>` (or `<fee:update>` for a restore):
    refused (2004) when the client agreed to less or in another currency."""
    extension = request.extensions.get(FEE)
    if extension is None:
        return FeeAnswer(command, years)
    from kzreg.billing import fees

    fields.add("fee", extension)
    price = fees.price(_zone(name), command, years, request.session.registrar_id)
    problems: list[Problem] = []
    currency = text(extension, FEE, "currency")
    if currency and currency != price.currency:
        fields.add("fee.currency", find(extension, FEE, "currency"))
        problems.append(
            Problem("fee.currency", EppCommandCode.FEE_CURRENCY, {"value": currency, "expected": price.currency})
        )
    given = Decimal(0)
    for element in find_all(extension, FEE, "fee"):
        try:
            given += Decimal(own_text(element))
        except InvalidOperation:
            problems.append(
                Problem("fee", EppCommandCode.VALUE_SYNTAX, {"value": own_text(element), "expected": "0.00"})
            )
    if not problems and given < price.amount:
        values = {"value": _amount(given), "expected": _amount(price.amount), "currency": price.currency}
        problems.append(Problem("fee", EppCommandCode.FEE_TOO_LOW, values))
    if problems:
        raise OperationFailed(problems)
    return FeeAnswer(command, years, price.amount, price.currency)


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
