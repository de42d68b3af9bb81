"""Issue 9 §2: every page under `/staff/` and `/admin/`, found by walking the URL resolver (a new page is
swept without touching this file), asked for by every kind of user, with real ids.

Only registry staff and superusers get the pages; anonymous and non-staff users get the login page;
registrar and reseller staff get the login page in `/admin/` (Django's answer there) and a 403 with the
kk/ru/en message on `/staff/` pages, before any row is read.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django_otp.plugins.otp_totp.models import TOTPDevice

from kzreg.accounts.texts import TEXTS
from kzreg.registry.models import Domain
from kzreg.template_mail.models import WrittenAuthorization
from tests.accounts.conftest import RAW_SECRET, TRACKING
from tests.conftest import T0

pytestmark = pytest.mark.django_db

TENANTS = ("ps-admin", "altyn-admin", "sibhost-admin")
REGISTRY = ("hostmaster", "registry")
LOGIN = "/admin/login/"
PUBLIC = {"admin:login"}  # the login page is for everybody
NOT_PAGES = {"admin:logout"}  # POST only: a GET shows nothing to anybody


def _patterns(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name or '-'}", entry.callback


def staff_routes() -> list[tuple[str, str, object]]:
    """(route, name, view) of every URL under /admin/ and /staff/."""
    return [r for r in _patterns(get_resolver().url_patterns) if r[0].lstrip("^").startswith(("admin/", "staff/"))]


def _fill(route: str, values: dict[str, str]) -> list[str]:
    """A route with its parameters filled; a regex alternative (`auth|registry|…`) gives one URL each."""
    route = route.replace("^", "").replace("$", "")
    alternatives = re.search(r"\(\?P<(\w+)>([\w|]+)\)", route)
    if alternatives:
        return ["/" + route.replace(alternatives.group(0), choice) for choice in alternatives.group(2).split("|")]

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name not in values:
            pytest.fail(f"the sweep cannot fill <{name}> in {route}: give it a real value in `_values`")
        return values[name]

    return ["/" + re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", value, route)]


def _values(name: str, view, rows: dict, people: dict) -> dict[str, str]:
    model_admin = getattr(view, "model_admin", None)
    obj = model_admin.model._default_manager.order_by("pk").first() if model_admin else None
    if name == "admin:view_on_site":
        obj = rows["domain"]
    return {
        "object_id": str(obj.pk) if obj else "0",  # 0: a model with no row yet is still swept for refusals
        "content_type_id": str(ContentType.objects.get_for_model(Domain).pk),
        "id": str(people["plain"].pk),
        "pk": str(rows["outbox"].pk),
        "tracking": TRACKING,
        "url": "no-such-page/",
    }


@pytest.fixture
def every_row(rows, people):
    """Rows for the back-office's other models too (login records, a TOTP device of a user off the sweep)."""
    AccessAttempt.objects.create(
        username="ps-admin", ip_address="192.0.2.7", user_agent="curl", http_accept="*/*", path_info=LOGIN,
        get_data="", post_data="username=ps-admin", failures_since_start=1,
    )  # fmt: skip
    AccessLog.objects.create(
        username="registry", ip_address="192.0.2.8", user_agent="curl", http_accept="*/*", path_info=LOGIN
    )
    AccessFailureLog.objects.create(
        username="ps-admin", ip_address="192.0.2.7", user_agent="curl", http_accept="*/*", path_info=LOGIN
    )
    TOTPDevice.objects.create(user=people["plain"], name="kzreg", confirmed=True)
    Group.objects.create(name="registry operators")
    return rows


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    if user is not None:
        client.force_login(user)
    return client


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_every_staff_url_answers_each_kind_of_user_by_the_rule(every_row, people):
    routes = staff_routes()
    names = {name for _, name, _ in routes}
    # The sweep really covers both areas (and would notice either one vanishing from the resolver).
    assert {"notify:list", "notify:detail", "notify:eml", "template_mail:requests", "template_mail:request",
            "template_mail:authorizations", "admin:index", "admin:registry_domain_change"} <= names  # fmt: skip
    clients = {kind: _client(user) for kind, user in people.items()}
    swept = 0
    for route, name, view in routes:
        for url in _fill(route, _values(name, view, every_row, people)):
            assert resolve(url).func is view or name == "admin:app_list", (url, name)
            swept += 1
            answers = {kind: client.get(url) for kind, client in clients.items()}
            if name in NOT_PAGES:
                assert 200 not in {r.status_code for r in answers.values()}, url
                continue
            if name in PUBLIC:
                assert answers["anonymous"].status_code == 200, url
                continue
            for kind in ("anonymous", "plain"):
                assert _sent_to_login(answers[kind]), (kind, url, answers[kind].status_code)
            for kind in TENANTS:
                answer = answers[kind]
                if url.startswith("/staff/"):
                    assert answer.status_code == 403, (kind, url, answer.status_code)
                    assert answer.content.decode() == TEXTS["forbidden"]["ru"]
                else:
                    assert _sent_to_login(answer), (kind, url, answer.status_code)
                assert RAW_SECRET.encode() not in answer.content
            superuser, operator = answers["registry"], answers["hostmaster"]
            assert operator.status_code == superuser.status_code, (url, operator.status_code, superuser.status_code)
            for answer in (superuser, operator):  # (a 403 of the admin's own, e.g. add on read-only rows, is fine)
                assert not _sent_to_login(answer), url
                assert answer.content.decode(errors="replace") != TEXTS["forbidden"]["ru"], url
            page = name.endswith(("_changelist", "_change", ":index", ":app_list")) or url.startswith("/staff/")
            if page and "/0/" not in url:
                assert superuser.status_code == 200, (url, superuser.status_code)
    assert swept > 100


def test_tenant_staff_post_to_every_staff_url_changes_nothing(every_row, people):
    """The same sweep with POSTs: refused before any form is read, so no row anywhere changes."""
    from django.apps import apps

    def counts() -> dict:
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    clients = {kind: _client(people[kind]) for kind in (*TENANTS, "plain")}
    before = counts()
    for kind, client in clients.items():
        for route, name, view in staff_routes():
            if name in PUBLIC | NOT_PAGES:
                continue
            for url in _fill(route, _values(name, view, every_row, people)):
                answer = client.post(url, {"domain": "example.kz", "kind": "fax", "reference": "x", "valid_days": 30,
                                           "action": "set_hold", "_selected_action": [every_row["domain"].pk],
                                           "reason": "x", "post": "yes"})  # fmt: skip
                assert answer.status_code in (302, 403), (kind, url, answer.status_code)
                assert answer.status_code == 403 or _sent_to_login(answer), (kind, url, answer["Location"])
    after = counts()
    after.pop("sessions.Session"), before.pop("sessions.Session")
    assert after == before


def test_reseller_staff_cannot_record_a_written_authorization(rows, people):
    """The attack: altyn-admin recorded a fax authorization for any domain, and a stranger's Transfer then
    completed. Now it is refused, and nothing is recorded."""
    before = WrittenAuthorization.objects.count()
    client = _client(people["altyn-admin"])
    response = client.post(
        "/staff/requests/authorizations/",
        {"domain": "example.kz", "kind": "fax", "reference": "fax from altyn", "valid_days": 90},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 403
    assert response.content.decode() == TEXTS["forbidden"]["kk"]
    assert WrittenAuthorization.objects.count() == before
    assert not WrittenAuthorization.objects.filter(reference="fax from altyn").exists()


def test_reseller_staff_cannot_read_a_request_or_its_raw_mail(rows, people):
    """The attack: sibhost-admin read every request, the raw mail and notices to individuals."""
    client = _client(people["sibhost-admin"])
    for url in (f"/staff/requests/{TRACKING}/", "/staff/requests/", f"/staff/outbox/{rows['outbox'].pk}/eml"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert RAW_SECRET.encode() not in response.content
    # The same answer for a tracking number that does not exist: the refusal tells nothing.
    assert client.get("/staff/requests/KZ-991231.9/").content == client.get(f"/staff/requests/{TRACKING}/").content


def test_registry_staff_read_the_request_and_record_an_authorization(rows, people):
    client = _client(people["hostmaster"])
    page = client.get(f"/staff/requests/{TRACKING}/")
    assert page.status_code == 200 and RAW_SECRET in page.content.decode()
    assert client.get("/staff/requests/KZ-991231.9/").status_code == 404
    response = client.post(
        "/staff/requests/authorizations/",
        {"domain": "Example.KZ", "kind": "letterhead", "reference": "letter 12/2026", "valid_days": 30},
    )
    assert response.status_code == 302
    recorded = WrittenAuthorization.objects.get(reference="letter 12/2026")
    assert (recorded.domain, recorded.recorded_by) == ("example.kz", "hostmaster")
    assert recorded.recorded_at > T0


def test_a_registry_profile_makes_staff_registry_staff_and_no_profile_too(db, people):
    from kzreg.accounts.access import is_registry_staff

    assert [k for k, u in people.items() if u is not None and is_registry_staff(u)] == ["hostmaster", "registry"]
    people["plain"].is_staff = True  # staff with no profile: made by createsuperuser or in /admin/
    assert is_registry_staff(people["plain"])
    people["hostmaster"].is_active = False
    assert not is_registry_staff(people["hostmaster"])
