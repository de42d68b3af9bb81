"""The new-domain form says why a name cannot be ordered in the reader's language, not the registry's
English (the reason comes as a code through the registry connection)."""

from __future__ import annotations

import pytest

from tests.cabinet.test_orders import new_order
from tests.tenants import two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TAKEN = {"kk": "домендік атауы тіркелген", "ru": "уже зарегистрировано", "en": "is already registered"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_taken_name_is_explained_beside_its_field_in_the_readers_language(client, two_tenants, lang):
    a = two_tenants.a
    client.force_login(a.admin)
    answer = client.post("/cabinet/order/", new_order(a.customer.pk, name=a.service.name), HTTP_ACCEPT_LANGUAGE=lang)
    html = answer.content.decode()
    assert answer.status_code == 400
    error = html[html.index('id="o-name-error"') :]
    assert TAKEN[lang] in error[: error.index("<")]
