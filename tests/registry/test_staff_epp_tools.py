"""Registry staff's side of issue 10: the back-office lists transfers and poll messages read-only and never
shows a domain's authorization code; `kzreg domain restore|transfer-decide|transfers|authcode`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kzreg.cli import main
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainTransfer, HistoryEntry, RgpStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_back_office_lists_transfers_and_messages_and_hides_the_code(staff_client, epp):
    ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), epp["gainer"])
    for url in ("/admin/registry/domaintransfer/", "/admin/registry/contacttransfer/", "/admin/registry/pollmessage/"):
        response = staff_client.get(url)
        assert response.status_code == 200, url
    assert b"example.kz" in staff_client.get("/admin/registry/domaintransfer/").content
    page = staff_client.get(f"/admin/registry/domain/{epp['domain'].pk}/change/")
    assert page.status_code == 200 and b"domain-code-1" not in page.content
    transfer = DomainTransfer.objects.get()
    assert (
        staff_client.post(f"/admin/registry/domaintransfer/{transfer.pk}/change/", {"status": "x"}).status_code == 403
    )


def test_cli_restore_in_one_step(capsys, epp):
    ops.delete_domain(c.DeleteDomain("example.kz"), epp["owner"])
    code, out, _ = run(capsys, "domain", "restore", "example.kz", "--reason", "registrar letter 2026-03-02")
    assert code == 0 and out.startswith("restored example.kz")
    assert Domain.objects.get(name="example.kz").rgp_status == RgpStatus.NONE
    assert (
        "registrar letter 2026-03-02" in HistoryEntry.objects.filter(object_key="example.kz").latest("version").reason
    )
    code, _, err = run(capsys, "domain", "restore", "example.kz", "--reason", "again")
    assert code == 1 and "redemption" in err


def test_cli_transfer_decide_list_and_authcode(capsys, epp):
    ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), epp["gainer"])
    code, out, _ = run(capsys, "domain", "transfers", "example.kz")
    assert code == 0 and "PS-KZ -> HOSTER-KZ\tpending" in out
    code, out, _ = run(capsys, "domain", "transfer-decide", "example.kz", "approve")
    assert code == 0 and "serverApproved; sponsor HOSTER-KZ" in out
    code, out, _ = run(capsys, "domain", "authcode", "example.kz")
    assert code == 0 and out.strip() == Domain.objects.get(name="example.kz").auth_code != "domain-code-1"
