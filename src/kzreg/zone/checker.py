"""`named-checkzone` (BIND's zone checker, Debian bind9-utils) run on a zone file.

Integrity mode `local`: name-server targets inside the zone must have addresses where glue is required,
but names outside the zone are not looked up on the network (a registry zone names a million outside
servers, and the check must work offline). Lame in-zone targets are warnings, not errors.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kzreg.zone.problems import ZoneProblem

CHECKER = "named-checkzone"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    output: str  # what named-checkzone said (stdout and stderr)


def checker_path() -> str | None:
    return shutil.which(CHECKER) or next(
        (str(p) for p in (Path("/usr/bin") / CHECKER, Path("/usr/sbin") / CHECKER) if p.exists()), None
    )


def check_zone_file(path: Path | str, zone: str, timeout: float = 900) -> CheckResult:
    """Runs the checker on `path` for origin `zone` (A-label); raises ZoneProblem when it is missing."""
    binary = checker_path()
    if binary is None:
        raise ZoneProblem("checker_missing")
    try:
        done = subprocess.run(
            [binary, "-i", "local", "-k", "fail", zone, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CheckResult(False, f"{CHECKER} did not finish within {timeout:g} s")
    return CheckResult(done.returncode == 0, (done.stdout + done.stderr).strip())
