"""Bulk renew and bulk name-server change from the cabinet (issue 13, `registrar.bulk`): a list → a
preview of every line's change and price → confirm → a job with a result per line; a broken line is named
and nothing is done or charged; the job page shows progress (its htmx part too); another tenant's job 404."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kzreg.registrar.access import account_of
from kzreg.registrar.actions import Seller
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import BulkJob, Order
from tests.cabinet.ops_objects import bulk_job_of
from tests.tenants import LOCATION, NS, REGISTRAR, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html, re.S))


def second_domain(tenant, name: str) -> None:
    from kzreg.registrar import actions

    order = actions.order_create(LocalConnection(REGISTRAR, "test"), Seller(REGISTRAR, tenant.reseller, "t"),
                                 name=name, years=1, customer_id=tenant.customer.pk, nameservers=NS,
                                 location=LOCATION, key=f"second-{name}")  # fmt: skip
    assert order.state == "done", order.answer


@pytest.mark.parametrize(
    ("lang", "title"), [("kk", "Топтық ұзарту"), ("ru", "Массовое продление"), ("en", "Bulk renew")]
)
def test_the_pages_speak_three_languages(client, two_tenants, lang, title):
    client.force_login(two_tenants.a.admin)
    assert title in client.get("/cabinet/bulk/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    job = bulk_job_of(two_tenants.a)
    assert client.get(f"/cabinet/bulk/{job.pk}/", HTTP_ACCEPT_LANGUAGE=lang).status_code == 200


def test_a_bulk_renewal_is_previewed_confirmed_and_run(client, two_tenants):
    a = two_tenants.a
    second_domain(a, "altyn-second.kz")
    client.force_login(a.admin)
    form = {"step": "preview", "kind": "renew", "names": f"{a.service.name}\naltyn-second.kz,2", "years": "1"}
    preview = client.post("/cabinet/bulk/", form, **EN)
    html = preview.content.decode()
    assert preview.status_code == 200 and "$40.00" in html and "$80.00" in html and "$120.00" in html  # lines, total
    assert not Order.objects.filter(kind="renew").exists()  # a preview orders nothing
    done = client.post("/cabinet/bulk/", hidden(html), **EN)
    job = BulkJob.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/cabinet/bulk/{job.pk}/"
    assert client.post("/cabinet/bulk/", hidden(html), **EN).status_code == 302  # sent twice: one job
    assert BulkJob.objects.count() == 1 and Order.objects.filter(kind="renew", state="done").count() == 2
    assert str(account_of(a.admin).balance) == "800.00 USD"  # 1000 − 2×40 (creates) − 40 − 80
    page = client.get(done["Location"], **EN).content.decode()
    assert (
        "2 of 2 processed: 2 succeeded, 0 failed" in page and 'value="100"' in page and "hx-trigger" not in page
    )  # finished: no poll
    assert "progress--failures" not in page  # the bar is the refusal's colour only when a line failed


def test_a_broken_line_is_named_and_nothing_is_done(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.admin)
    names = f"{a.service.name}\nexample.com\n{b.service.name}\n{a.service.name}"
    answer = client.post("/cabinet/bulk/", {"step": "preview", "kind": "renew", "names": names, "years": "1"}, **EN)
    html = answer.content.decode()
    assert answer.status_code == 400 and "Broken lines" in html
    for line in (2, 3, 4):  # another zone, another tenant's domain, a name twice
        assert re.search(
            rf'<td class="num">{line}</td><td class="mono">[^<]+</td>\s*<td><span class="badge badge--bad">', html
        )
    assert f"{b.service.name}\n{a.service.name}</textarea>" in html  # what was typed is kept
    empty = client.post("/cabinet/bulk/", {"step": "confirm", "kind": "nameservers", "names": a.service.name,
                                           "nameservers": "", "key": "cabinet-bulk-x"}, **EN)  # fmt: skip
    assert empty.status_code == 400 and 'id="b-nameservers-error"' in empty.content.decode()
    assert not BulkJob.objects.exists() and str(account_of(a.admin).balance) == "960.00 USD"


def test_a_csv_file_is_read_instead_of_the_list(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    csv = SimpleUploadedFile("names.csv", f"name,years\n{a.service.name},3\n".encode(), content_type="text/csv")
    preview = client.post("/cabinet/bulk/", {"step": "preview", "kind": "renew", "names": "", "years": "1",
                                             "file": csv}, **EN).content.decode()  # fmt: skip
    assert "$120.00" in preview and hidden(preview)["names"] == f"name,years\n{a.service.name},3\n"
    latin1 = SimpleUploadedFile("names.csv", "Алматы.kz".encode("cp1251"), content_type="text/csv")
    refused = client.post("/cabinet/bulk/", {"step": "preview", "kind": "renew", "years": "1", "file": latin1}, **EN)
    assert refused.status_code == 400 and 'id="b-file-error">The file is not UTF-8<' in refused.content.decode()


def test_a_bulk_name_server_change_and_its_progress_part(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.admin)
    form = {"step": "preview", "kind": "nameservers", "names": a.service.name, "nameservers": "ns1.ps.kz"}
    preview = client.post("/cabinet/bulk/", form, **EN).content.decode()
    assert "→ ns1.ps.kz" in preview and "Free" in preview
    client.post("/cabinet/bulk/", hidden(preview), **EN)
    job = BulkJob.objects.get()
    part = client.get(f"/cabinet/bulk/{job.pk}/?part=progress", **EN).content.decode()
    assert part.startswith('<section class="card stack" id="bulk-progress"') and "<html" not in part
    assert (
        "1 of 1 processed: 0 succeeded, 1 failed" in part and "progress--failures" in part and "Refused" not in part
    )  # the registry wants two: the order failed
    pending = bulk_job_of(a)
    waiting = client.get(f"/cabinet/bulk/{pending.pk}/?part=progress", **EN).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "Refresh" in waiting  # polls, and works as a reloaded page


def test_another_tenants_job_and_a_viewer(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.admin)
    assert client.get(f"/cabinet/bulk/{bulk_job_of(b).pk}/").status_code == 404
    client.force_login(a.viewer)
    assert client.get("/cabinet/bulk/").status_code == 403
    form = {"step": "confirm", "kind": "renew", "names": a.service.name, "years": "1", "key": "cabinet-bulk-v"}
    assert client.post("/cabinet/bulk/", form).status_code == 403
    assert BulkJob.objects.count() == 1 and str(account_of(a.admin).balance) == "960.00 USD"
