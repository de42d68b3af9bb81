"""Tokens (issue 12 §The reseller API; PS-8): made and shown once, checked on every call, refused when
wrong, expired, revoked or its user deactivated; the CLI for scripts; the one error shape in kk/ru/en;
per-token rate limits."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.api.models import ApiToken, RateWindow
from kzreg.api.tokens import create_token, revoke
from kzreg.cli import main
from kzreg.core import clock
from tests.api.conftest import CUSTOMER, Api, token_for

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def test_no_token_wrong_token_and_malformed_header(tenants):
    assert codes(Api().get("/domains")) == ["api_token_missing"]
    assert Api().get("/domains").status_code == 401
    assert codes(Api("kzr_0123456789ab_nope").get("/domains")) == ["api_token_invalid"]
    assert codes(Api("not-even-a-token").get("/domains")) == ["api_token_invalid"]
    # a right prefix with a wrong secret is the same answer as an unknown prefix
    real = token_for(tenants.a.admin)
    forged = real.rsplit("_", 1)[0] + "_x"
    assert codes(Api(forged).get("/domains")) == ["api_token_invalid"]
    assert Api(real).get("/domains").status_code == 200


def test_only_the_hash_is_kept(tenants):
    token, secret = create_token(tenants.a.admin, "ci")
    assert secret.split("_", 2)[2] not in token.secret_hash
    assert ApiToken.objects.filter(secret_hash__contains=secret).count() == 0


def test_expired_revoked_and_deactivated(tenants):
    expiring = token_for(tenants.a.admin, expires_days=1)
    assert Api(expiring).get("/domains").status_code == 200
    clock.advance(dt.timedelta(days=1, seconds=1))
    assert codes(Api(expiring).get("/domains")) == ["api_token_expired"]

    revoked, secret = create_token(tenants.a.admin, "old")
    api = Api(secret)
    tokens = api.get("/tokens").json()
    assert revoked.pk in [t["id"] for t in tokens] and all("token" not in t for t in tokens)
    assert api.delete(f"/tokens/{revoked.pk}").status_code == 204
    assert codes(api.get("/domains")) == ["api_token_revoked"]

    viewer = Api(token_for(tenants.a.viewer))
    tenants.a.viewer.is_active = False
    tenants.a.viewer.save()
    assert codes(viewer.get("/domains")) == ["api_user_inactive"]


def test_tokens_through_the_api_need_the_tokens_permission(tenants, api_a):
    made = api_a.post("/tokens", {"name": "deploy", "expires_days": 30})
    assert made.status_code == 201
    secret = made.json()["token"]
    assert Api(secret).get("/domains").status_code == 200
    # the secret is never shown again
    assert all("token" not in t for t in api_a.get("/tokens").json())
    viewer = Api(token_for(tenants.a.viewer))
    assert viewer.post("/tokens", {"name": "x"}).status_code == 403
    # another user's token id is not found, and stays valid
    other = create_token(tenants.b.admin, "b")[0]
    assert api_a.delete(f"/tokens/{other.pk}").status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_permission_errors_name_the_permission_in_the_asked_language(tenants):
    secret = token_for(tenants.a.viewer)
    answers = {lang: Api(secret, lang).post("/customers", CUSTOMER) for lang in ("kk", "ru", "en")}
    assert {a.status_code for a in answers.values()} == {403}
    messages = {lang: a.json()["errors"][0]["message"] for lang, a in answers.items()}
    assert "тапсырыс беру" in messages["kk"] and "заказы" in messages["ru"] and "'order'" in messages["en"]
    assert answers["ru"]["Content-Language"] == "ru"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("ru-RU,ru;q=0.9", "ru"),
        ("de, kk;q=0.5, en;q=0.4", "kk"),
        ("en;q=0.2, ru;q=0.8", "ru"),
        ("fr", "en"),
        ("", "en"),
    ],
)
def test_accept_language_picks_the_message_language(tenants, header, lang):
    response = Api("kzr_0123456789ab_nope", header).get("/domains")
    expected = {"kk": "API токені дұрыс емес", "ru": "неверный API-токен", "en": "the API token is not valid"}
    assert response.json()["errors"][0]["message"] == expected[lang]


def test_rate_limit_per_token_answers_429_with_retry_after(tenants, settings):
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 3}
    first, second = Api(token_for(tenants.a.admin)), Api(token_for(tenants.a.admin))
    assert [first.get("/orders").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/orders")
    assert limited.status_code == 429 and codes(limited) == ["api_rate_limited"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert second.get("/orders").status_code == 200  # per token
    clock.advance(dt.timedelta(seconds=int(limited["Retry-After"])))
    assert first.get("/orders").status_code == 200  # the next window


def test_only_calls_with_a_live_token_count_against_its_limit(tenants, settings):
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 2}
    secret = token_for(tenants.a.admin)
    scheme, prefix, _ = secret.split("_", 2)
    wrong = Api(f"{scheme}_{prefix}_not-the-secret")
    assert [wrong.get("/orders").status_code for _ in range(3)] == [401, 401, 401]  # the right prefix, no count
    revoked = token_for(tenants.a.admin)
    revoke(ApiToken.objects.get(prefix=revoked.split("_")[1]))
    assert [Api(revoked).get("/orders").status_code for _ in range(3)] == [401, 401, 401]
    assert [Api(secret).get("/orders").status_code for _ in range(3)] == [200, 200, 429]
    assert {w.count for w in RateWindow.objects.all()} == {3}  # one window, the live token's (the 429 counted)


def test_cli_create_list_revoke(tenants, capsys):
    assert main(["token", "create", tenants.a.admin.username, "--name", "backup", "--expires-days", "7"]) == 0
    secret = capsys.readouterr().out.strip()
    assert Api(secret).get("/domains").status_code == 200
    assert main(["token", "list", tenants.a.admin.username]) == 0
    listing = capsys.readouterr().out
    # (the secret itself may hold "_": split only at the scheme's and the prefix's)
    assert "backup" in listing and secret.split("_", 2)[2] not in listing
    token = ApiToken.objects.get(name="backup")
    assert token.expires_at == clock.now() + dt.timedelta(days=7)
    assert main(["token", "revoke", str(token.pk)]) == 0
    assert Api(secret).get("/domains").status_code == 401
    assert main(["token", "create", "nobody"]) == 1
    assert main(["token", "create", tenants.a.admin.username, "--expires-days", "0"]) == 1
