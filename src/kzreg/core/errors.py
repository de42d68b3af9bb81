"""Problems and the exception that carries them.

An operation either succeeds or fails with *all* the problems it found, each naming its field. A problem
carries a code; the code knows its EPP result code, its HTTP status and its message in kk/ru/en, so that
every channel (mail replies, cabinet, API, WHOIS, EPP) renders the same problem in the user's language.

Field names are channel-neutral paths (`registrant.email`, `nameservers[2].address`); each adapter maps
them to its own vocabulary (the mail gateway to `3l`, `8d`, ...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kzreg.core.messages import KINDS, LANGUAGES, ProblemCode


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: ProblemCode
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        lang = lang if lang in LANGUAGES else "en"
        params = dict(self.params)
        kind = params.get("kind")
        if isinstance(kind, str) and kind in KINDS:
            params["kind"] = KINDS[kind][lang]
        return self.code.template(lang).format(**params)

    def render(self, lang: str = "en") -> str:
        """`field: message`, the form every channel shows."""
        return f"{self.field}: {self.message(lang)}" if self.field else self.message(lang)

    @property
    def epp_code(self) -> int:
        return self.code.epp_code

    @property
    def http_status(self) -> int:
        return self.code.http_status


class KzregError(Exception):
    """Base of the errors that users may see (never as a traceback)."""


class OperationFailed(KzregError):
    """An operation refused: nothing was changed. `problems` lists every reason at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("OperationFailed needs at least one problem")
        super().__init__("; ".join(p.render() for p in self.problems))

    def render(self, lang: str = "en") -> list[str]:
        return [p.render(lang) for p in self.problems]

    @property
    def codes(self) -> set[ProblemCode]:
        return {p.code for p in self.problems}

    @property
    def http_status(self) -> int:
        return self.problems[0].http_status

    @property
    def epp_code(self) -> int:
        return self.problems[0].epp_code


class Problems:
    """A collector: checks add problems, and `raise_if_any()` ends the validation phase."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field_name: str, code: ProblemCode, **params: object) -> None:
        self.items.append(Problem(field_name, code, params))

    def extend(self, problems: Iterable[Problem], prefix: str = "") -> None:
        for p in problems:
            name = f"{prefix}.{p.field}" if prefix and p.field else (prefix or p.field)
            self.items.append(Problem(name, p.code, p.params))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise OperationFailed(self.items)
