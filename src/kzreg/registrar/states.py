"""The order state machine (pure rules): which state may follow which.

    quoted ──charge──▶ charged ──send──▶ submitted ──▶ done
       │                                     ├──▶ failed   (the registry refused; the charge refunded)
       │                                     └──▶ unknown ──worker asks the registry──▶ reconciled
       └── a charge refused leaves it quoted: nothing was taken, the same key may try again.

`reconciled` is where every `unknown` order ends; its `answer["outcome"]` says whether the registry had
done it (`done`) or not (`refunded`). A `submitted` order whose process died is marked `unknown` by the
worker first, so every order reaches one of done, failed, reconciled.
"""

from __future__ import annotations

from kzreg.registrar.models import OrderState as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.QUOTED: frozenset({S.CHARGED}),
    S.CHARGED: frozenset({S.SUBMITTED, S.FAILED}),
    S.SUBMITTED: frozenset({S.DONE, S.FAILED, S.UNKNOWN}),
    S.UNKNOWN: frozenset({S.RECONCILED}),
    S.DONE: frozenset(),
    S.FAILED: frozenset(),
    S.RECONCILED: frozenset(),
}
FINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)


class IllegalTransition(RuntimeError):
    """A bug, not bad input: code tried to move an order along an edge the machine does not have."""


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(f"an order cannot go from {current} to {new}")
