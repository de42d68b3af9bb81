"""Why a name is not available, as a code with its parameters, through both connections, so every page
shows it in its reader's language (project rule: every user-facing text in kk, ru and en)."""

from __future__ import annotations

import pytest

from kzreg.core.messages import Code
from kzreg.epp.commands.reasons import REASONS
from kzreg.registrar import actions
from kzreg.registrar.connection.reasons import CheckReason, from_epp_reason
from kzreg.registry.models import ReservedName, Zone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# The local registry gives its full problem; kzreg's EPP server only its short reason (32 characters).
EXPECTED = {
    "local": {"taken.kz": Code.ALREADY_REGISTERED, "nic.kz": Code.NAME_RESERVED, "casino.kz": Code.NAME_BLOCKED,
              "-bad-.kz": Code.NAME_HYPHEN_EDGE},
    "epp": {"taken.kz": CheckReason.TAKEN, "nic.kz": CheckReason.RESERVED, "casino.kz": CheckReason.BLOCKED,
            "-bad-.kz": CheckReason.INVALID},
}  # fmt: skip
RUSSIAN = {"taken.kz": "зарегистрировано", "nic.kz": "зарезервировано", "casino.kz": "", "-bad-.kz": ""}


def test_each_refused_name_carries_a_code_rendered_in_kk_ru_en(request, conn, make_domain):
    make_domain("taken.kz")
    ReservedName.objects.create(zone=Zone.objects.get(name="kz"), label="casino", kind="blocked", reason="policy")
    way = request.node.callspec.params["conn"]
    answers = {a.name: a for a in actions.check(conn, ["taken.kz", "nic.kz", "casino.kz", "-bad-.kz", "free.kz"])}
    free = answers.pop("free.kz")
    assert free.available and free.problem is None and free.message("ru") == ""
    assert {name: a.problem.code for name, a in answers.items() if a.problem} == EXPECTED[way]
    for name, answer in answers.items():
        assert not answer.available and answer.reason  # the registry's own text is kept for its readers
        kk, ru, en = (answer.message(lang) for lang in ("kk", "ru", "en"))
        assert len({kk, ru, en}) == 3, (name, kk, ru, en)
        assert RUSSIAN[name] in ru
    assert "taken.kz" in answers["taken.kz"].message("kk")


@pytest.mark.parametrize("kind", sorted(REASONS))
def test_every_short_reason_of_kzregs_epp_server_maps_back_in_each_language(kind):
    codes = {from_epp_reason("мысал.kz", words).code for words in REASONS[kind].values()}  # type: ignore[union-attr]
    assert len(codes) == 1
    problem = from_epp_reason("xn--80awbu3c.kz", REASONS[kind]["kk"])
    assert problem is not None and "мысал.kz" in problem.message("ru")  # shown in Unicode


def test_a_foreign_registrys_reason_keeps_its_own_text():
    assert from_epp_reason("example.kz", "Not available: premium") is None
