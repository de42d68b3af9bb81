"""`GET /availability` says why a name is not free in the caller's Accept-Language (kk, ru, en), with the
problem's code, the same for every language (project rule: every user-facing text in kk, ru and en)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, token_for

pytestmark = pytest.mark.django_db
TAKEN = {"kk": "домендік атауы тіркелген", "ru": "уже зарегистрировано", "en": "is already registered"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_reasons_follow_accept_language_and_carry_their_codes(tenants, lang):
    api = Api(token_for(tenants.a.admin), language=f"{lang},en;q=0.5")
    taken = tenants.a.service.name
    answer = api.get("/availability", name=[taken, "nic.kz", "free-name.kz", "x.com"])
    assert answer.status_code == 200
    rows = {r["name"]: r for r in answer.json()}
    assert TAKEN[lang] in rows[taken]["reason"] and rows[taken]["reason_code"] == "already_registered"
    assert rows["nic.kz"]["available"] is False and rows["nic.kz"]["reason_code"] == "name_reserved"
    assert rows["free-name.kz"] == {"name": "free-name.kz", "a_label": "free-name.kz", "available": True,
                                    "reason": "", "reason_code": None}  # fmt: skip
    assert rows["x.com"]["reason_code"] == "api_wrong_zone" and ".қаз" in rows["x.com"]["reason"]
    english = [r["reason"] for r in rows.values() if "registered" in r["reason"] or "reserved" in r["reason"]]
    assert lang == "en" or not english  # no English reason for a kk or ru caller
