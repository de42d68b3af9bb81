"""Bulk renew and bulk name-server change (`registrar.bulk`): a list or CSV of names → a preview of every
line's change and price, broken lines named by their number (nothing is done while one is broken) →
confirm → a `BulkJob`. Small jobs finish in the request; larger ones the worker runs, and the job's page
shows a progress bar and a result per line: htmx polls a small partial, and without script the page is
simply reloaded (its refresh link).

The confirmation carries what was typed and a new key; confirming checks the lines again (prices may have
changed, a domain may have gone), and the same key is the same job (`bulk.start`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import Permission, require
from kzreg.billing.money import Money
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.ops_common import lines_of
from kzreg.cabinet.order_forms import MAX_YEARS, Typed, new_key, read
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import bulk
from kzreg.registrar.connection import RegistryError, open_connection

FIELDS = ("kind", "names", "years", "nameservers", "key")
KINDS = (bulk.RENEW, bulk.NAMESERVERS)
MAX_TEXT = 1_000_000  # characters of a list or bytes of a file; `bulk.max_names` limits the lines


def _form(request: HttpRequest, typed: Typed, lines: list[bulk.Line] | None = None, status: int = 200) -> HttpResponse:
    context = {"filters": typed, "year_choices": range(1, MAX_YEARS + 1), "lines": _shown(lines or []),
               "max_names": bulk.max_names()}  # fmt: skip
    return render(request, "cabinet/pages/ops_bulk.html", context, status=status)


def _shown(lines: list[bulk.Line]) -> list[dict[str, Any]]:
    lang = current_language()
    return [{"number": ln.number, "asked": ln.asked, "name": ln.name, "change": ln.change, "price": ln.price,
             "problems": "; ".join(p.message(lang) for p in ln.problems)} for ln in lines]  # fmt: skip


def _checked(request: HttpRequest, typed: Typed) -> list[bulk.Line] | None:
    """The lines read and checked, or None with the problem in `typed` (a line's problems stay on it)."""
    kind = typed.values["kind"]
    if kind not in KINDS:
        typed.add("kind", text("form.required"))
    years = typed.years() if kind == bulk.RENEW else 1
    if "file" not in typed.errors:
        typed.require("names")
    if kind == bulk.NAMESERVERS and not lines_of(typed.values["nameservers"]):
        typed.require("nameservers")
    if typed.errors or years is None:
        return None
    try:
        lines = bulk.read_lines(kind, None, typed.values["names"])
        return bulk.check_lines(request.user, kind, lines, years, lines_of(typed.values["nameservers"]))
    except OperationFailed as failure:
        typed.take(failure, ("names",))
        return None


def _names(request: HttpRequest, typed: Typed) -> str:
    """The list as typed, or the uploaded CSV file's text (UTF-8), which then shows in the list field."""
    if request.method != "POST":
        return ""
    upload = request.FILES.get("file")
    if upload is None:
        return request.POST.get("names", "")[:MAX_TEXT]
    try:
        return upload.read(MAX_TEXT).decode("utf-8-sig")
    except UnicodeDecodeError:
        typed.add("file", text("ops.bulk_file_encoding"))
        return ""


def _total(lines: list[bulk.Line]) -> Money | None:
    prices = [ln.price for ln in lines if ln.price is not None]
    return sum(prices[1:], prices[0]) if prices else None


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def bulk_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ORDER)
    typed = read(request, FIELDS)
    typed.values["names"] = _names(request, typed)
    if request.method != "POST":
        typed.values.update(kind=typed.values["kind"] or bulk.RENEW, years=typed.values["years"] or "1")
        return _form(request, typed)
    lines = _checked(request, typed)
    if lines is None or bulk.problems_of(lines):
        return _form(request, typed, lines, status=400)
    confirming = request.POST.get("step") == "confirm" and typed.values["key"].startswith("cabinet-bulk-")
    if not confirming:
        context = {"filters": typed, "lines": _shown(lines), "total": _total(lines), "key": new_key("bulk"),
                   "kind_key": f"ops.bulk_{typed.values['kind']}"}  # fmt: skip
        return render(request, "cabinet/pages/ops_bulk_preview.html", context)
    job = bulk.start(request.user, typed.values["kind"], lines, typed.values["key"])
    if job.total <= bulk.in_request_limit():
        _run_now(request, job.pk)
    return redirect("cabinet:bulk_job", job_id=job.pk)


def _run_now(request: HttpRequest, job_id: int) -> None:
    """A small job runs in the request (as in the API); with the registry unreachable the worker runs it."""
    try:
        conn = open_connection(f"cabinet:{request.user.get_username()}")
    except RegistryError:
        return
    try:
        claimed = bulk.claim(job_id)
        if claimed is not None:
            bulk.run(claimed, conn)
    finally:
        conn.close()


@cabinet_page
@require_http_methods(["GET", "HEAD"])
def bulk_job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's progress and its result per line; `?part=progress` (htmx's poll) is the progress part only."""
    job = bulk.access_bulk_job_by_id(request.user, as_id(job_id))
    lang = current_language()
    results = [{**r, "reason": "; ".join(str((p.get("message") or {}).get(lang, "")) for p in r.get("problems") or []
                                          if isinstance(p, dict))} for r in job.results]  # fmt: skip
    context = {"job": job, "results": results, "running": job.state != "done",
               "succeeded": job.done_count - job.failed_count,
               "percent": int(100 * job.done_count / job.total) if job.total else 100}  # fmt: skip
    if request.GET.get("part") == "progress":
        return render(request, "cabinet/pages/ops_bulk_progress.html", context)
    return render(request, "cabinet/pages/ops_bulk_job.html", context)
