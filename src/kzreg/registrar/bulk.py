"""Bulk renew and bulk name-server change (issue 12): a list or CSV of names, a preview of every change
and its price before anything is done, then a job (`BulkJob`) that places one order per line with
progress and a result per line.

- A file with a broken line (not a name, another zone, a domain the seller does not serve, a period out of
  range, a name twice) is refused as a whole, every broken line named by its number: nothing is done.
- More than `KZREG_API["BULK_MAX_NAMES"]` names is refused before anything is read further.
- Each line's order has the key `<job key>:<name>` (as `actions.bulk_renew`), so a job that is run again
  after a crash, or a line retried, is never charged twice.
- Small jobs run in the request; larger ones wait for the worker (`kzreg.api.jobs`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404

from kzreg.accounts.roles import Permission
from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code, ProblemCode, register_codes
from kzreg.registrar import actions
from kzreg.registrar.access import seller_of, services_visible_to
from kzreg.registrar.connection import RegistryConnection
from kzreg.registrar.models import BulkJob, BulkState, Service
from kzreg.registrar.order_kinds import add_years

RENEW, NAMESERVERS = "renew", "nameservers"
ZONES = ("kz", "xn--80ao21a")  # .kz and .қаз
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
SAVE_EVERY = 25  # lines between progress writes
STALE = dt.timedelta(minutes=10)  # a running job not saved for this long lost its process


class BulkCode(ProblemCode):
    TOO_MANY = "registrar_bulk_too_many"
    EMPTY = "registrar_bulk_empty"
    DUPLICATE = "registrar_bulk_duplicate"


register_codes(
    BulkCode,
    {
        BulkCode.TOO_MANY: {
            "kk": "бір сұрауда ең көбі {limit} атау ({count} берілді); ештеңе орындалмады",
            "ru": "не более {limit} имён за один запрос (передано {count}); ничего не сделано",
            "en": "at most {limit} names in one request ({count} given); nothing was done",
        },
        BulkCode.EMPTY: {
            "kk": "тізімде бірде-бір атау жоқ",
            "ru": "в списке нет ни одного имени",
            "en": "the list names no domain",
        },
        BulkCode.DUPLICATE: {
            "kk": "{line}-жол: {name} атауы {first}-жолда бар",
            "ru": "строка {line}: имя {name} уже есть в строке {first}",
            "en": "line {line}: {name} is already on line {first}",
        },
    },
    http={BulkCode.TOO_MANY: 413, BulkCode.EMPTY: 400, BulkCode.DUPLICATE: 400},
)


def max_names() -> int:
    return int(cast(dict[str, Any], settings.KZREG_API)["BULK_MAX_NAMES"])


def in_request_limit() -> int:
    return int(cast(dict[str, Any], settings.KZREG_API)["BULK_IN_REQUEST"])


@dataclass
class Line:
    number: int
    asked: str
    name: str = ""  # the A-label
    years: int | None = None
    nameservers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    price: Money | None = None
    change: str = ""


def read_lines(kind: str, names: Sequence[str] | None, text: str | None) -> list[Line]:
    """The lines of a list (one name each) or a CSV (`name[,years]` for renew, `name[,ns1,ns2,…]` for name
    servers; blank lines, `#` comments and a `name` header are skipped), numbered from 1 as given."""
    raw: list[tuple[int, list[str]]] = []
    if names is not None:
        raw = [(i, [n]) for i, n in enumerate(names, start=1)]
    else:
        for i, row in enumerate(csv.reader(io.StringIO(text or "")), start=1):
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#") or (i == 1 and cells[0].lower() == "name"):
                continue
            raw.append((i, cells))
    if len(raw) > max_names():
        raise OperationFailed([Problem("names", BulkCode.TOO_MANY, {"limit": max_names(), "count": len(raw)})])
    if not raw:
        raise OperationFailed([Problem("names", BulkCode.EMPTY)])
    lines = []
    for number, cells in raw:
        line = Line(number, cells[0])
        extra = [c for c in cells[1:] if c]
        if kind == RENEW and extra:
            line.years = int(extra[0]) if extra[0].isdigit() else -1
        elif kind == NAMESERVERS and extra:
            line.nameservers = [c.lower().rstrip(".") for c in extra]
        lines.append(line)
    return lines


def _broken(at: Line, code: ProblemCode, **params: object) -> None:
    """A problem of one line: its field names the line (`line 7`), its code and message say what is wrong."""
    at.problems.append(Problem(f"line {at.number}", code, params))


def check_lines(user: Any, kind: str, lines: list[Line], years: int, nameservers: Sequence[str]) -> list[Line]:
    """Every line checked and priced, none changed: the preview."""
    seller = seller_of(user)
    first: dict[str, int] = {}
    for line in lines:
        line.name = actions.a_label(line.asked)
        if "." not in line.name or line.name.rsplit(".", 1)[1] not in ZONES:
            _broken(line, Code.ZONE_UNKNOWN, zone=line.name.rsplit(".", 1)[-1] if line.name else "-")
            continue
        if line.name in first:
            _broken(line, BulkCode.DUPLICATE, line=line.number, name=line.asked, first=first[line.name])
            continue
        first[line.name] = line.number
    visible = services_visible_to(user, Permission.ORDER)
    services = {s.name: s for s in visible.filter(name__in=[ln.name for ln in lines if not ln.problems])}
    prices: dict[tuple[str, int], Money] = {}
    for line in lines:
        if line.problems:
            continue
        service = services.get(line.name)
        if service is None or not service.sponsored:
            _broken(line, Code.NOT_FOUND, kind="domain", key=line.asked)
            continue
        if kind == RENEW:
            _renewal(seller, line, service, years, prices)
        else:
            _nameserver_change(line, nameservers)
    return lines


def _renewal(seller: Any, line: Line, service: Service, years: int, prices: dict[tuple[str, int], Money]) -> None:
    line.years = years if line.years is None else line.years
    if not 1 <= line.years <= 10:
        _broken(line, Code.PERIOD_RANGE, min=1, max=10, value=line.years)
        return
    zone = line.name.rsplit(".", 1)[1]
    if (zone, line.years) not in prices:  # one quote per zone and period, not one per name
        prices[(zone, line.years)] = actions.quote(seller, "renew", line.name, line.years)
    line.price = prices[(zone, line.years)]
    if service.expires_at is not None:
        line.change = f"{service.expires_at.date()} → {add_years(service.expires_at.date(), line.years)}"


def _nameserver_change(line: Line, nameservers: Sequence[str]) -> None:
    line.nameservers = line.nameservers or [n.strip().lower().rstrip(".") for n in nameservers]
    bad = [n for n in line.nameservers if not HOSTNAME.match(actions.a_label(n))]
    if not line.nameservers:
        _broken(line, Code.REQUIRED)
    elif bad:
        _broken(line, Code.INVALID_HOSTNAME, value=bad[0])
    elif len(line.nameservers) > 13:
        _broken(line, Code.NAMESERVERS_TOO_MANY, limit=13)
    else:
        line.price = None
        line.change = "→ " + ", ".join(line.nameservers)


def problems_of(lines: Sequence[Line]) -> list[Problem]:
    return [p for line in lines for p in line.problems]


def owner_key(seller: Any) -> str:
    return f"reseller:{seller.reseller.pk}" if seller.reseller else f"registrar:{seller.registrar_handle}"


def start(user: Any, kind: str, lines: list[Line], key: str) -> BulkJob:
    """A job for checked lines (none broken); the same key again is the same job."""
    seller = seller_of(user)
    if any(line.problems for line in lines):
        raise ValueError("a bulk job is started only from lines without problems")
    now = clock.now()
    rows = [{"line": ln.number, "name": ln.name, "years": ln.years, "nameservers": ln.nameservers} for ln in lines]
    try:
        with transaction.atomic():
            return BulkJob.objects.create(
                owner=owner_key(seller), registrar_handle=seller.registrar_handle, reseller=seller.reseller,
                principal=seller.principal, kind=kind, key=key, lines=rows, total=len(rows), created_at=now,
                updated_at=now,
            )  # fmt: skip
    except IntegrityError:
        return BulkJob.objects.get(owner=owner_key(seller), key=key)


def access_bulk_job_by_id(user: Any, job_id: int) -> BulkJob:
    """One of the caller's tenant's jobs (another tenant's id is simply not found)."""
    seller = seller_of(user)
    job = BulkJob.objects.filter(owner=owner_key(seller), pk=job_id).first() if 0 < job_id < 2**63 else None
    if job is None:
        raise Http404(str(job_id))
    return job


def claim(job_id: int) -> BulkJob | None:
    """Marks a pending job running for exactly one caller (a stale running one — its process died — too)."""
    now = clock.now()
    due = Q(state=BulkState.PENDING) | Q(state=BulkState.RUNNING, updated_at__lt=now - STALE)
    if not BulkJob.objects.filter(due, pk=job_id).update(state=BulkState.RUNNING, started_at=now, updated_at=now):
        return None
    return BulkJob.objects.get(pk=job_id)


def run(job: BulkJob, conn: RegistryConnection) -> BulkJob:
    """Places the remaining lines' orders, saving progress as it goes; one line's failure stops nothing."""
    seller = actions.Seller(job.registrar_handle, job.reseller, job.principal)
    results = list(job.results)
    for row in job.lines[len(results) :]:
        line_key = f"{job.key}:{row['name']}"
        try:
            if job.kind == RENEW:
                order = actions.order_renew(conn, seller, row["name"], int(row["years"] or 1), line_key)
            else:
                order = actions.order_modify(conn, seller, row["name"], line_key, nameservers=row["nameservers"])
            results.append({"line": row["line"], "name": row["name"], "state": order.state, "order": order.pk,
                            "problems": order.answer.get("problems", []) if order.state == "failed" else []})  # fmt: skip
        except OperationFailed as failure:
            results.append({"line": row["line"], "name": row["name"], "state": "refused", "order": None,
                            "problems": [_problem_json(p) for p in failure.problems]})  # fmt: skip
        if len(results) % SAVE_EVERY == 0:
            _save(job, results, done=False)
    _save(job, results, done=True)
    return job


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"field": problem.field, "code": str(problem.code),
            "message": {lang: problem.message(lang) for lang in ("kk", "ru", "en")}}  # fmt: skip


def _save(job: BulkJob, results: list[dict[str, Any]], done: bool) -> None:
    now = clock.now()
    job.results = results
    job.done_count = len(results)
    job.failed_count = sum(1 for r in results if r["state"] in ("refused", "failed"))
    job.updated_at = now
    fields = ["results", "done_count", "failed_count", "updated_at"]
    if done:
        job.state, job.finished_at = BulkState.DONE, now
        fields += ["state", "finished_at"]
    job.save(update_fields=fields)


def pending_ids() -> list[int]:
    due = Q(state=BulkState.PENDING) | Q(state=BulkState.RUNNING, updated_at__lt=clock.now() - STALE)
    return list(BulkJob.objects.filter(due).order_by("id").values_list("pk", flat=True)[:10])
