"""What the order pages share: reading what was typed (kept as typed, so a form shown again keeps it),
problems named beside their fields, the confirmation step's idempotency key, and an order's outcome as
a flash message.

Nothing is decided here: the registrar wing's actions check every rule and answer with problems that
name their fields (`name`, `nameservers`, `location.city`, ...); this module only puts each message next
to its field, in the page's language, and the rest at the top of the form.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest

from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar.models import Order, OrderState

MAX_YEARS = 10
SUCCESS = (OrderState.DONE, OrderState.RECONCILED)


@dataclass
class Typed:
    """A form's values as typed and its problems by field ("" for the form as a whole)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors[name] = f"{self.errors[name]}; {message}" if name in self.errors else message

    def require(self, *names: str) -> None:
        for name in names:
            if not self.values.get(name, "").strip():
                self.add(name, text("form.required"))

    def years(self) -> int | None:
        raw = self.values.get("years", "")
        if raw.isdigit() and 1 <= int(raw) <= MAX_YEARS:
            return int(raw)
        self.add("years", text("form.years", max=MAX_YEARS))
        return None

    def take(self, failure: OperationFailed, known: tuple[str, ...]) -> None:
        """The actions' problems, each beside its field (a field this form does not show: at the top)."""
        lang = current_language()
        for problem in failure.problems:
            name = problem.field.removeprefix("location.")
            name = name if name in known else ""
            self.add(name, problem.message(lang))


def read(request: HttpRequest, names: tuple[str, ...]) -> Typed:
    source = request.POST if request.method == "POST" else request.GET
    return Typed({name: source.get(name, "").strip()[:2000] for name in names})


def new_key(kind: str) -> str:
    """The idempotency key an order's confirmation carries: the same form sent twice is one order."""
    return f"cabinet-{kind}-{secrets.token_hex(12)}"


def report(request: HttpRequest, order: Order) -> None:
    """Feedback for the action: done, being checked (the worker settles it), or failed with the registry's
    words (and refunded)."""
    name = order.domain
    if order.state in SUCCESS:
        messages.success(request, text("order.done", kind=text(f"kind.{order.kind}"), name=name))
    elif order.state == OrderState.FAILED:
        problems = (order.answer or {}).get("problems") or []
        reasons = "; ".join(p["message"].get(current_language(), "") for p in problems if isinstance(p, dict))
        messages.error(request, text("order.failed", name=name, reason=reasons or "—"))
    else:
        messages.warning(request, text("order.pending", name=name, state=text(f"state.{order.state}")))
