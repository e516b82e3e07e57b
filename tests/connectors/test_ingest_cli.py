"""The `macro` CLI around ingestion, run as a real subprocess (each run costs ~2 s: keep few)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import text

from macro_models.catalog import load_catalog
from macro_models.config import REPO_ROOT
from tests.connectors.helpers import count


def macro(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MACRO_DB_NAME": os.environ["MACRO_DB_NAME"], "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "macro_models.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_ingest_bad_payload_fails_with_one_line_reason(clean_db, tmp_path):
    bad = tmp_path / "ptax.json"
    bad.write_bytes(b'[{"data":"02/01/2024","valor":"4,8910"}]')

    proc = macro("ingest", "--from-payload", str(bad), "--source", "bcb_sgs", "--series", "1")

    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: bcb_sgs 1: ")
    assert "value '4,8910' at 2024-01-02 uses a comma decimal separator" in lines[0]
    assert "(request: ptax.json)" in lines[0]
    # It ran against the test database: archived and rejected there, nothing loaded.
    assert count(clean_db, "bronze.bcb_sgs__series") == 0
    with clean_db.connect() as conn:
        reason = conn.execute(text("select reason from bronze.payload_rejections")).scalar_one()
    assert "comma decimal separator" in reason


def test_catalog_list_prints_every_series():
    proc = macro("catalog", "list")
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.split()
    assert "bcb_sgs__432" in listed
    assert listed == list(load_catalog())


def test_error_reason_with_square_brackets_is_printed_verbatim(tmp_path):
    from typer.testing import CliRunner

    from macro_models.cli import app

    missing = tmp_path / "[/x]payload.json"
    result = CliRunner().invoke(
        app, ["ingest", "--from-payload", str(missing), "--source", "bcb_sgs", "--series", "1"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: --from-payload {missing}: no such file"
