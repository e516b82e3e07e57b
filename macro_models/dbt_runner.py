"""Run dbt with the project's profiles against the current database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from macro_models.config import REPO_ROOT
from macro_models.db.engine import database_url, dbt_env

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def dbt_executable() -> str:
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else "dbt"


def dbt_environment(url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(dbt_env(url or database_url()))
    env["DBT_PROFILES_DIR"] = str(DBT_PROJECT_DIR)
    env["DBT_PROJECT_DIR"] = str(DBT_PROJECT_DIR)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def run_dbt(
    args: list[str], url: str | None = None, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [dbt_executable(), *args],
        cwd=DBT_PROJECT_DIR,
        env=dbt_environment(url),
        text=True,
        capture_output=capture,
    )


def summarise(output: str = "") -> str:
    """dbt's closing line ('PASS=12 WARN=0 ERROR=0 …'), else counts from run_results.json."""
    lines = re.findall(r"Done\. (PASS=.*)", output)
    if lines:
        return lines[-1].strip()
    results = DBT_PROJECT_DIR / "target" / "run_results.json"
    if not results.exists():
        return ""
    statuses = Counter(r["status"] for r in json.loads(results.read_text())["results"])
    return " ".join(f"{k.upper()}={v}" for k, v in sorted(statuses.items()))
