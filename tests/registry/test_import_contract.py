"""The import contract (`[tool.importlinter]` in pyproject.toml) holds: the registry imports no adapter,
its fast path stays inside it, the read side uses its public read surface, no cycles inside the registry
or the read side's packages, WHOIS does not import RDAP. `make test` runs the same tool; this keeps a plain `pytest` honest too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contract_is_kept():
    tool = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [str(tool), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
