"""RGP (RFC 3915): a deleted domain's redemption period, its restore request and the restore report.

A registrar's `<domain:delete>` puts the domain in `redemptionPeriod` (the registry's delete); a
`<domain:update>` with `<rgp:restore op="request">` asks for it back (`pendingRestore`), and
`op="report"` completes the restore with the report RFC 3915 §4.2.5 describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import RestoreReport

RGP = namespaces.RGP
OPS = ("request", "report")


@dataclass(frozen=True)
class Restore:
    op: str  # "request" or "report" (anything else is refused by the handler)
    report: RestoreReport | None


def parse_update(extension: Element | None, fields: Fields) -> Restore | None:
    """`<rgp:update><rgp:restore op=…>`; None without the extension."""
    restore = find(extension, RGP, "restore")
    if restore is None:
        return None
    fields.add("restore", restore)
    op = restore.get("op") or ""
    report_element = find(restore, RGP, "report")
    if op != "report" or report_element is None:
        return Restore(op, None)
    for part, tag in (
        ("pre_data", "preData"), ("post_data", "postData"), ("deleted_at", "delTime"),
        ("restored_at", "resTime"), ("reason", "resReason"), ("statements", "statement"), ("other", "other"),
    ):  # fmt: skip
        found = find(report_element, RGP, tag)
        fields.add(f"report.{part}", found if found is not None else report_element)
    report = RestoreReport(
        pre_data=text(report_element, RGP, "preData") or "",
        post_data=text(report_element, RGP, "postData") or "",
        deleted_at=text(report_element, RGP, "delTime") or "",
        restored_at=text(report_element, RGP, "resTime") or "",
        reason=text(report_element, RGP, "resReason") or "",
        statements=tuple(own_text(el) for el in find_all(report_element, RGP, "statement")),
        other=text(report_element, RGP, "other") or "",
    )
    return Restore(op, report)


def status_element(tag: str, status: str) -> Element:
    data = E(RGP, tag)
    sub(data, RGP, "rgpStatus", s=status)
    return data
