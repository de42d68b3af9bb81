"""Keyset pages of `GET /api/v1/domains` (issue 12, Speed): every sort walked page by page to the end with
nothing missing or twice, rows added while walking, a changed or foreign cursor refused naming `after`,
expiry filters as days in Almaty, a search of fewer than three characters refused in kk/ru/en."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kzreg.core import clock
from kzreg.registrar.models import Service
from tests.api.conftest import Api, token_for

pytestmark = pytest.mark.django_db
SORTS = ["-id", "id", "name", "-name", "expires_at", "-expires_at"]
ALMATY = ZoneInfo("Asia/Almaty")


def add_services(tenant, count: int, prefix: str = "walk") -> list[str]:
    """Services of the tenant's reseller written directly (the list reads the wing's records): names out of
    id order, expiries with ties, and a few without an expiry (an unknown one sorts as its own part)."""
    now = clock.now()
    names = [f"{prefix}-{(n * 7) % count:03d}.kz" for n in range(count)]
    Service.objects.bulk_create(
        Service(
            name=name,
            registrar_handle="PS-KZ",
            reseller=tenant.reseller,
            customer=tenant.customer,
            expires_at=None if n % 9 == 4 else now + dt.timedelta(days=n % 5),
            statuses=["ok"],
            created_at=now,
        )
        for n, name in enumerate(names)
    )
    return names


def walk(api, raw: bool = False, **query) -> list[Any]:
    """Every page of the list, following `next` (bounded): the names, or the items when `raw`."""
    seen: list[Any] = []
    answer = api.get("/domains", **query).json()
    for _ in range(100):
        seen += [item if raw else item["name"] for item in answer["items"]]
        assert answer["has_more"] is (answer["next"] is not None)
        if answer["next"] is None:
            return seen
        answer = api.get(answer["next"]).json()
    raise AssertionError("more than 100 pages")


def expected(tenant, sort: str) -> list[str]:
    rows = list(Service.objects.filter(reseller=tenant.reseller))
    field = sort.lstrip("-")
    if field == "expires_at":  # unknown expiries last ascending, first descending; ties by id
        valued = sorted((r for r in rows if r.expires_at is not None), key=lambda r: (r.expires_at, r.pk))
        nulls = sorted((r for r in rows if r.expires_at is None), key=lambda r: r.pk)
        ordered = valued + nulls
    else:
        ordered = sorted(rows, key=lambda r: getattr(r, field))
    if sort.startswith("-"):
        ordered.reverse()
    return [r.name for r in ordered]


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_walks_all_pages_once_in_order(api_a, tenants, sort):
    add_services(tenants.a, 23)
    seen = walk(api_a, sort=sort, limit=4)
    assert seen == expected(tenants.a, sort)
    assert len(seen) == len(set(seen)) == 24  # the 23 and the tenant's own domain
    assert tenants.b.service.name not in seen


@pytest.mark.parametrize("sort", SORTS)
def test_offset_pages_are_the_lists_slices(api_a, tenants, sort):
    """The deprecated `offset` reads the skipped rows as ids only (`pages._skipping`): each page is still the
    list's slice, across the part without an expiry too, and a page past the end is empty."""
    add_services(tenants.a, 23)
    every = expected(tenants.a, sort)
    for offset in (0, 3, 7, 18, 21, 23, 30):
        answer = api_a.get("/domains", sort=sort, limit=4, offset=offset).json()
        assert [item["name"] for item in answer["items"]] == every[offset : offset + 4], offset
        assert answer["has_more"] is (offset + 4 < len(every))


def test_walk_with_filters_keeps_them_on_every_page(api_a, tenants):
    add_services(tenants.a, 20)
    add_services(tenants.a, 5, prefix="other")
    seen = walk(api_a, sort="name", limit=3, name_contains="walk", status="ok")
    assert seen == sorted(n for n in expected(tenants.a, "name") if "walk" in n)


def test_rows_added_while_walking_do_not_shift_pages(api_a, tenants):
    """An offset page moves when rows are added before it; a cursor page does not: nothing already listed
    comes again and nothing listed before the insert goes missing."""
    add_services(tenants.a, 12)
    before = expected(tenants.a, "name")
    first = api_a.get("/domains", sort="name", limit=5).json()
    add_services(tenants.a, 6, prefix="aaa")  # all sort before the first page's rows
    seen = [item["name"] for item in first["items"]]
    answer = api_a.get(first["next"]).json()
    while True:
        seen += [item["name"] for item in answer["items"]]
        if answer["next"] is None:
            break
        answer = api_a.get(answer["next"]).json()
    assert len(seen) == len(set(seen))
    assert seen == before  # the new names sort before the cursor: none shows up later, none pushed out


def test_newest_first_sees_nothing_twice_while_orders_arrive(api_a, tenants):
    add_services(tenants.a, 10)
    first = api_a.get("/domains", limit=4).json()
    add_services(tenants.a, 3, prefix="newer")  # newer ids: before the cursor
    rest = walk(api_a, after=first["next_after"], limit=4)
    seen = [item["name"] for item in first["items"]] + rest
    assert len(seen) == len(set(seen)) == 11 and not any(n.startswith("newer") for n in seen)


def error(response) -> tuple[int, list[tuple[str, str]]]:
    return response.status_code, [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_changed_cursor_is_a_400_naming_after(api_a, tenants):
    add_services(tenants.a, 8)
    cursor = api_a.get("/domains", sort="name", limit=3).json()["next_after"]
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-3] ^= 0x01  # one bit of the id or value changed
    changed = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert error(api_a.get("/domains", sort="name", after=changed)) == (400, [("after", "api_cursor_invalid")])
    assert error(api_a.get("/domains", sort="name", after="not-a-cursor")) == (400, [("after", "api_cursor_invalid")])
    assert api_a.get("/domains", sort="name", after="").status_code == 200  # empty: the first page
    other_sort = api_a.get("/domains", sort="-name", after=cursor)
    assert error(other_sort) == (400, [("after", "api_cursor_other_sort")])
    assert error(api_a.get("/domains", after=cursor, offset=3, sort="name")) == (
        400, [("offset", "api_cursor_with_offset")]
    )  # fmt: skip
    for language, word in (("kk", "курсоры"), ("ru", "курсор"), ("en", "cursor")):
        api_a.language = language
        assert word in api_a.get("/domains", sort="name", after=changed).json()["errors"][0]["message"]


def test_another_tenants_cursor_shows_only_own_rows(api_a, api_b, tenants):
    """A cursor is a position, not a permission: B's cursor read by A lists A's rows only."""
    add_services(tenants.b, 6, prefix="bee")
    cursor = api_b.get("/domains", sort="name", limit=2).json()["next_after"]
    names = walk(api_a, sort="name", after=cursor)
    assert all(not n.startswith("bee") and n != tenants.b.service.name for n in names)


def test_search_needs_three_characters_in_every_language(api_a, tenants):
    for language, word in (("kk", "таңба"), ("ru", "символов"), ("en", "characters")):
        api_a.language = language
        answer = api_a.get("/domains", name_contains=" ab ")
        assert error(answer) == (400, [("name_contains", "api_search_too_short")])
        assert word in answer.json()["errors"][0]["message"]
    api_a.language = "en"
    assert api_a.get("/domains", name_contains="abc").status_code == 200
    assert api_a.get("/domains", name_contains="   ").status_code == 200  # blank: no search


def test_expiry_filters_are_days_in_almaty(api_a, tenants):
    """2027-01-10 00:30 in Almaty is 2027-01-09 in UTC: it expires on the 10th for the filters."""
    Service.objects.filter(reseller=tenants.a.reseller).update(expires_at=None)
    edge = dt.datetime(2027, 1, 10, 0, 30, tzinfo=ALMATY)
    Service.objects.bulk_create([
        Service(name="edge.kz", registrar_handle="PS-KZ", reseller=tenants.a.reseller, expires_at=edge,
                statuses=["ok"], created_at=clock.now()),
        Service(name="eve.kz", registrar_handle="PS-KZ", reseller=tenants.a.reseller,
                expires_at=dt.datetime(2027, 1, 9, 23, 59, tzinfo=ALMATY), statuses=["ok"], created_at=clock.now()),
    ])  # fmt: skip

    def names(**query):
        return {item["name"] for item in api_a.get("/domains", **query).json()["items"]}

    assert names(expires_after="2027-01-10") == {"edge.kz"}
    assert names(expires_before="2027-01-10") == {"eve.kz"}
    assert names(expires_after="2027-01-09", expires_before="2027-01-11") == {"edge.kz", "eve.kz"}
    assert names(expires_after="2027-01-11") == set()


def test_every_row_names_its_sponsor(api_a, tenants):
    """A reseller's rows name its reseller (taken from the caller, no join); registrar staff see each
    row's own reseller (S4)."""
    item = api_a.get("/domains").json()["items"][0]
    assert item["sponsor"] == {"registrar": "PS-KZ", "reseller": tenants.a.reseller.name}
    assert api_a.get(f"/domains/{tenants.a.service.name}").json()["sponsor"]["reseller"] == tenants.a.reseller.name
    staff = Api(token_for(tenants.registrar_staff))
    sponsors = {i["name"]: i["sponsor"]["reseller"] for i in staff.get("/domains", limit=500).json()["items"]}
    assert sponsors[tenants.a.service.name] == tenants.a.reseller.name
    assert sponsors[tenants.b.service.name] == tenants.b.reseller.name


def test_a_cyrillic_part_finds_the_own_tenants_names_in_both_zones(api_a, tenants):
    """`name_contains` in Cyrillic (or mixed with Latin) matches the U-label form anywhere (issue 12);
    Latin text matches the A-label as before; the other tenant's names are never found."""
    import idna

    def add(tenant, names):
        Service.objects.bulk_create(
            Service(name=idna.encode(n, uts46=True).decode(), registrar_handle="PS-KZ", reseller=tenant.reseller,
                    customer=tenant.customer, statuses=["ok"], created_at=clock.now())
            for n in names
        )  # fmt: skip

    add(tenants.a, ["сәлем.kz", "сәлем.қаз", "жаңасәлемдер.қаз", "salem.kz"])
    add(tenants.b, ["сәлемет.қаз", "басқасәлем.kz"])

    def found(term: str) -> list[str]:
        return sorted(item["unicode_name"] for item in walk(api_a, name_contains=term, limit=2, raw=True))

    assert found("сәлем") == ["жаңасәлемдер.қаз", "сәлем.kz", "сәлем.қаз"]
    assert found("ӘЛЕ") == ["жаңасәлемдер.қаз", "сәлем.kz", "сәлем.қаз"]  # folded as IDNA folds names
    assert found("лем.kz") == ["сәлем.kz"]  # mixed: Cyrillic and Latin
    assert found("сәлем.қаз") == ["сәлем.қаз"]
    assert found("salem") == ["salem.kz"]  # Latin: the A-label, as before
    assert found("сәлемет") == [] and found("басқа") == []  # the other tenant's
