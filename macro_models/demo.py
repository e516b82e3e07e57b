"""``make demo``: the whole slice on the embedded database, offline, one timed line per step."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console
from sqlalchemy import text

from macro_models.config import get_settings
from macro_models.connectors import sample

DEMO_DATE = sample.DEFAULT_END


def run_demo(console: Console) -> int:
    settings = get_settings()
    logs = settings.home_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    state: dict = {}

    def step(name: str, fn: Callable[[], str]) -> bool:
        t0 = time.perf_counter()
        try:
            detail, ok = fn(), True
        except Exception as exc:  # noqa: BLE001 - the demo reports the failure and stops
            detail, ok = f"FAILED {type(exc).__name__}: {exc}", False
        console.print(f"{name:<10} {time.perf_counter() - t0:>6.1f}s  {detail}", highlight=False)
        return ok

    def database() -> str:
        from macro_models.db.engine import database_url, get_engine, libpq_url
        from macro_models.db.migrate import migrate

        migrate()
        state["engine"] = get_engine()
        return f"{libpq_url(database_url())} migrated"

    def sample_data() -> str:
        out = settings.home_dir / "sample"
        paths = sample.write_sample(out)
        state["sample_dir"] = out
        return f"{len(paths)} BCB SGS payloads ({sample.DEFAULT_START}..{DEMO_DATE}) in {out}"

    def ingest() -> str:
        from macro_models.connectors.ingest import ingest_source, make_client

        seen = added = 0
        with make_client(settings, state["sample_dir"]) as client:
            for r in ingest_source(
                state["engine"], "bcb_sgs", None, sample.DEFAULT_START, DEMO_DATE, client
            ):
                seen, added = seen + r.rows_seen, added + r.rows_added
        return f"bronze.bcb_sgs__series: {seen} rows parsed, {added} new vintages"

    def dbt_build() -> str:
        from macro_models.dbt_runner import run_dbt, summarise

        proc = run_dbt(["build"], capture=True)
        (logs / "demo-dbt.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"dbt build failed, see {logs / 'demo-dbt.log'}")
        return summarise(proc.stdout)

    def airflow() -> str:
        log = logs / "demo-airflow.log"
        cmd = [
            str(Path(sys.executable).with_name("macro")),
            "airflow", "dags", "test", "macro_daily", DEMO_DATE.isoformat(),
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True)
        log.write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow dags test failed (exit {proc.returncode}), see {log}")
        return f"airflow dags test macro_daily {DEMO_DATE}: success (log {log})"

    ok = (
        step("database", database)
        and step("sample", sample_data)
        and step("ingest", ingest)
        and step("dbt", dbt_build)
        and step("airflow", airflow)
    )
    if not ok:
        return 1
    _print_summary(console, state["engine"], DEMO_DATE)
    return 0


def _print_summary(console: Console, engine, as_of: date) -> None:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "select report from analytics.agent_reports "
                "where agent_id = 'monetary_policy' and as_of_date = :d"
            ),
            {"d": as_of},
        ).first()
    if row is None:
        console.print("summary    no agent report was written")
        return
    report = row.report
    sig = report["signals"][0]
    console.print(f"\n[bold]summary[/bold] {as_of}: {report['headline']}", highlight=False)
    console.print(
        f"  signal {sig['signal_id']}: direction {sig['direction']:+d}, strength "
        f"{sig['strength']:.2f}, confidence {sig['confidence']:.2f}, horizon {sig['horizon']}",
        highlight=False,
    )
    console.print(f"  diagnostics: {json.dumps(report['diagnostics'], default=str)}", highlight=False)
    console.print(
        "\nnext: `.venv/bin/macro serve` then http://127.0.0.1:8000/docs · "
        "`.venv/bin/macro export --series bcb_sgs__432 --as-of 2020-06-30` · "
        "`.venv/bin/macro run-daily --date 2024-12-27`",
        highlight=False,
    )
