"""Publishing: each zone whose content changed is exported, checked and atomically put in place (P2).

The new file is written to a temporary file in the zone folder, checked with `named-checkzone` and moved
over the old one with `os.replace`, so a DNS server never reads a half-written or broken zone. Then the
reload command runs. Any failure is logged and kept in `ZoneState.last_error`; the next run tries again
(a failed reload is retried even when nothing else changed).
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from kzreg.core import clock
from kzreg.registry.models import Zone
from kzreg.zone.checker import check_zone_file, checker_path
from kzreg.zone.config import PublishConfig, publish_config
from kzreg.zone.export import export_zone
from kzreg.zone.models import ZoneState
from kzreg.zone.problems import ZoneProblem
from kzreg.zone.serial import change_marker, state_of

log = logging.getLogger("kzreg.zone")

UNCHANGED = "unchanged"


def zone_path(zone: Zone, config: PublishConfig) -> Path:
    return config.zone_dir / f"{zone.name}.zone"


def publish_changed_zones(force: bool = False, config: PublishConfig | None = None) -> dict[str, str]:
    """Every zone once; returns the outcome of each zone that did something (the worker logs it)."""
    config = config or publish_config()
    outcomes: dict[str, str] = {}
    for zone in Zone.objects.all():
        try:
            outcome = publish_zone(zone, force=force, config=config)
        except Exception as exc:  # one zone's failure must not stop the others; retried next run
            log.exception("zone %s: publication failed", zone.name)
            _note_error(zone, f"{type(exc).__name__}: {exc}")
            outcome = f"failed: {exc}"
        if outcome != UNCHANGED:
            outcomes[zone.name] = outcome
    return outcomes


def publish_zone(zone: Zone, force: bool = False, config: PublishConfig | None = None) -> str:
    config = config or publish_config()
    config.zone_dir.mkdir(parents=True, exist_ok=True)
    path = zone_path(zone, config)
    state = state_of(zone)
    at = clock.now()
    marker = change_marker(zone, at)
    current = path.exists() and bool(state.published_digest)
    if not force and current and state.marker == marker and state.digest == state.published_digest:
        return _reload(zone, state, path, config) if state.reload_pending else UNCHANGED
    fd, tmp_name = tempfile.mkstemp(dir=config.zone_dir, prefix=f".{zone.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            result = export_zone(zone, fh, at, marker)
            fh.flush()
            os.fsync(fh.fileno())
        if not force and current and result.digest == state.published_digest:
            return _reload(zone, state, path, config) if state.reload_pending else UNCHANGED
        problem = _check(zone, tmp, config)
        if problem:
            _note_error(zone, problem)
            log.error("zone %s: serial %s not published: %s", zone.name, result.serial, problem)
            return f"failed: {problem}"
        os.chmod(tmp, 0o644)  # the DNS server usually runs as its own user
        os.replace(tmp, path)
        _sync_dir(config.zone_dir)
    finally:
        tmp.unlink(missing_ok=True)
    for warning in result.warnings():
        log.warning("zone %s: %s", zone.name, warning)
    ZoneState.objects.filter(pk=state.pk).update(
        published_serial=result.serial,
        published_digest=result.digest,
        published_at=at,
        published_path=str(path),
        reload_pending=bool(config.reload_command),
        last_error="",
    )
    state.refresh_from_db()
    outcome = f"published serial {result.serial}, {result.delegations} delegations"
    log.info("zone %s: %s → %s", zone.name, outcome, path)
    if state.reload_pending:
        outcome += "; " + _reload(zone, state, path, config)
    return outcome


def _check(zone: Zone, tmp: Path, config: PublishConfig) -> str:
    """'' when the file may be published, else why not."""
    if config.check == "0" or (config.check == "auto" and checker_path() is None):
        return ""
    try:
        checked = check_zone_file(tmp, zone.name, config.check_timeout)
    except ZoneProblem as exc:
        return str(exc)
    return "" if checked.ok else ZoneProblem("check_failed", zone=zone.name, detail=checked.output).message()


def _reload(zone: Zone, state: ZoneState, path: Path, config: PublishConfig) -> str:
    if not config.reload_command:
        ZoneState.objects.filter(pk=state.pk).update(reload_pending=False)
        return UNCHANGED
    command = config.reload_command.format(
        zone=shlex.quote(zone.name), path=shlex.quote(str(path)), serial=state.published_serial
    )
    try:
        done = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=config.reload_timeout, check=False
        )
        failure = "" if done.returncode == 0 else f"exit {done.returncode}: {(done.stdout + done.stderr).strip()}"
    except subprocess.TimeoutExpired:
        failure = f"no answer within {config.reload_timeout:g} s"
    if failure:
        message = f"reload command {command!r} failed ({failure}); retried next run"
        log.error("zone %s: %s", zone.name, message)
        _note_error(zone, message)
        return f"reload failed: {failure}"
    ZoneState.objects.filter(pk=state.pk).update(reload_pending=False, last_error="")
    return "reloaded"


def _note_error(zone: Zone, message: str) -> None:
    ZoneState.objects.filter(zone=zone).update(last_error=message[:10000])


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
