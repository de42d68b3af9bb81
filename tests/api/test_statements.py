"""The API's plain statements (`kzreg.api.statements`) read what the ORM reads: the token with its caller
as `select_related(*CALLER)` leaves it, for every kind of user (reseller, registrar staff, registrant, no
profile), with no further query when the related objects are used."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext, isolate_apps

from kzreg.api import statements
from kzreg.api.models import ApiToken, RateWindow
from kzreg.api.tokens import CALLER, _by_prefix, create_token
from kzreg.core import clock, plain_sql

pytestmark = pytest.mark.django_db


def fields(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {k: v for k, v in vars(obj).items() if k != "_state"}


def caller(token: ApiToken) -> list[Any]:
    """Every object `CALLER` names, as plain values (None where a relation is empty)."""
    profile = getattr(token.user, "staff_profile", None)
    reseller = profile.reseller if profile is not None else None
    return [fields(token), fields(token.user), fields(profile), fields(reseller),
            fields(reseller.registrar if reseller is not None else None),
            fields(profile.registrar if profile is not None else None)]  # fmt: skip


def users(tenants: Any) -> list[Any]:
    nobody = get_user_model().objects.create(username="no-profile", email="nobody@example.kz")
    return [tenants.a.admin, tenants.b.viewer, tenants.registrar_staff, tenants.registrant, nobody]


def test_the_token_and_its_caller_are_what_select_related_reads(tenants):
    for user in users(tenants):
        token, _secret = create_token(user, "cmp", expires_days=30)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
        orm = ApiToken.objects.select_related(*CALLER).get(pk=token.pk)
        with CaptureQueriesContext(connection) as seen:
            plain = _by_prefix(token.prefix)
            assert plain is not None
            assert caller(plain) == caller(orm), user.username
        assert len(seen.captured_queries) <= 1, user.username  # the read itself (SQLite); nothing after it
        assert plain._state.adding is False and plain._state.db == orm._state.db


def test_instances_made_without_init_only_while_nothing_listens(tenants):
    """`_Part.make` stores the columns without `Model.__init__` only while no `pre_init`/`post_init`
    receiver is connected; with one, every instance is made by `from_db` and the signal is sent."""
    from django.db.models.signals import post_init

    token, _secret = create_token(tenants.a.admin, "init")
    orm = ApiToken.objects.select_related(*CALLER).get(pk=token.pk)
    made: list[type] = []

    def seen(sender: type, **kwargs: Any) -> None:
        made.append(sender)

    quiet = _by_prefix(token.prefix)
    post_init.connect(seen)
    try:
        heard = _by_prefix(token.prefix)
    finally:
        post_init.disconnect(seen)
    assert quiet is not None and heard is not None
    assert caller(quiet) == caller(heard) == caller(orm)
    assert {m.__name__ for m in made} >= {"ApiToken", "User", "StaffProfile", "Reseller", "Registrar"}
    assert quiet.user.staff_profile.reseller.registrar.handle == orm.user.staff_profile.reseller.registrar.handle
    quiet.last_used_at = clock.now()
    quiet.save(update_fields=["last_used_at"])  # an instance made either way saves as the ORM's does
    assert ApiToken.objects.get(pk=token.pk).last_used_at == quiet.last_used_at


@isolate_apps("kzreg.api")
def test_a_model_that_makes_its_own_instances_is_made_by_from_db():
    from django.db import models

    class Plain(models.Model):
        number = models.IntegerField()

        class Meta:
            app_label = "api"

        def __str__(self) -> str:
            return str(self.number)

    class Own(models.Model):
        number = models.IntegerField()

        class Meta:
            app_label = "api"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.seen = True

        def __str__(self) -> str:
            return str(self.number)

    def part(model: Any) -> Any:
        return statements._Part(model, "t0", None, None, tuple(model._meta.concrete_fields))

    assert plain_sql._plain(Plain, part(Plain).names) and not plain_sql._plain(Own, part(Own).names)
    assert part(Own).make("default", [1, 7]).seen and part(Plain).make("default", [1, 7]).number == 7


def test_an_unknown_prefix_reads_nothing(tenants):
    assert _by_prefix("0123456789ab") is None


def test_joins_are_outer_below_a_nullable_relation():
    read = statements.joined(ApiToken, CALLER, statements.vendor(ApiToken))
    joins = read.select.split(" JOIN ")
    assert joins[0].endswith("INNER")  # the token's user: required
    assert all(part.rstrip().endswith("LEFT OUTER") for part in joins[1:-1])  # the profile and under it
    with pytest.raises(ValueError, match="not a foreign key"):
        statements.joined(ApiToken, ("name",), statements.vendor(ApiToken))
    with pytest.raises(ValueError, match="one-to-one"):
        statements.joined(get_user_model(), ("api_tokens",), statements.vendor(ApiToken))


def test_the_rate_window_counts_up_in_one_statement(tenants):
    from kzreg.api.ratelimit import _bump

    token, _secret = create_token(tenants.a.admin, "rate")
    window = clock.now().replace(second=0, microsecond=0)
    assert [_bump(token.pk, window) for _ in range(3)] == [1, 2, 3]
    assert RateWindow.objects.get(token=token, window=window).count == 3
