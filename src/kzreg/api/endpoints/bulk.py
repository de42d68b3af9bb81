"""Bulk renew and bulk name-server change: a preview of every line (its change and price, broken lines
named by number), then a job with progress and a result per line (`registrar/bulk.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import IDEMPOTENCY, Body, ErrorItem, MoneyOut, acting, money, registry, responses
from kzreg.api.errors import ApiError, language, problem
from kzreg.api.idempotency import once
from kzreg.api.problems import ApiCode
from kzreg.billing.money import Money
from kzreg.registrar import bulk

router = Router(tags=["bulk"])


class BulkIn(Body):
    action: Literal["renew", "nameservers"]
    names: list[str] | None = Field(None, description="one name per item; or give `csv`")
    csv: str | None = Field(None, description="renew: name[,years]; nameservers: name[,ns1,ns2,…] per line")
    years: int = Field(1, ge=1, le=10, description="renew: the period of lines that name none")
    nameservers: list[str] = Field(default_factory=list, max_length=13, description="for lines that name none")


class PreviewLine(Schema):
    line: int
    name: str
    change: str
    price: MoneyOut | None
    errors: list[ErrorItem]


class PreviewOut(Schema):
    action: str
    lines: list[PreviewLine]
    total: MoneyOut | None
    broken: int


def _checked(request: HttpRequest, payload: BulkIn) -> list[bulk.Line]:
    now = acting(request, Permission.ORDER)
    if (payload.names is None) == (payload.csv is None):
        raise problem(ApiCode.INVALID, "names", reason="give either names or csv")
    lines = bulk.read_lines(payload.action, payload.names, payload.csv)
    return bulk.check_lines(now.who.user, payload.action, lines, payload.years, payload.nameservers)


def _preview(request: HttpRequest, payload: BulkIn, lines: list[bulk.Line]) -> dict[str, Any]:
    lang = language(request)
    priced = [line.price for line in lines if line.price is not None]
    total = None
    if priced:
        total = Money.zero(priced[0].currency)
        for price in priced:
            total = total + price
    return {
        "action": payload.action, "total": money(total), "broken": sum(1 for line in lines if line.problems),
        "lines": [{"line": line.number, "name": line.name or line.asked, "change": line.change,
                   "price": money(line.price), "errors": [{"code": str(p.code), "field": p.field,
                                                          "message": p.message(lang)} for p in line.problems]}
                  for line in lines],
    }  # fmt: skip


@router.post("/preview", response=responses({200: PreviewOut}), operation_id="bulk_preview")
def bulk_preview(request: HttpRequest, payload: BulkIn) -> Any:
    """Every change and its price, line by line; nothing is done."""
    return _preview(request, payload, _checked(request, payload))


class JobOut(Schema):
    id: int
    action: str
    state: str
    total: int
    done: int
    failed: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    results: list[dict[str, Any]]


def job_out(job: Any) -> dict[str, Any]:
    return {"id": job.pk, "action": job.kind, "state": job.state, "total": job.total, "done": job.done_count,
            "failed": job.failed_count, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None, "results": job.results}  # fmt: skip


@router.post("", response=responses({201: JobOut, 202: JobOut}), operation_id="bulk_start")
def bulk_start(request: HttpRequest, payload: BulkIn, idempotency_key: str = IDEMPOTENCY) -> HttpResponse:
    """Starts the job if no line is broken (else 400 naming every broken line, and nothing is done). Small
    jobs finish in the request (201); larger ones run in the worker (202: follow `GET /bulk/{id}`)."""
    now = acting(request, Permission.ORDER)

    def run() -> tuple[int, Any]:
        lines = _checked(request, payload)
        broken = bulk.problems_of(lines)
        if broken:
            raise ApiError(broken, status=400)
        job = bulk.start(now.who.user, payload.action, lines, idempotency_key)
        if job.total <= bulk.in_request_limit():
            claimed = bulk.claim(job.pk)
            if claimed is not None:
                with registry(now) as conn:
                    job = bulk.run(claimed, conn)
        return (201 if job.state == "done" else 202), job_out(job)

    return once(request, now.tenant, idempotency_key, run)


@router.get("/{job_id}", response=responses({200: JobOut}), operation_id="bulk_get")
def bulk_get(request: HttpRequest, job_id: int) -> Any:
    """Progress, and a result per line done so far."""
    who = acting(request, Permission.VIEW).who
    return job_out(bulk.access_bulk_job_by_id(who.user, job_id))
