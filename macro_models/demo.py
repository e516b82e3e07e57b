"""``make demo``: the whole slice on the embedded database, offline, one timed line per step."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from macro_models.config import get_settings
from macro_models.connectors import sample

DEMO_DATE = sample.DEFAULT_END


class _Demo:
    """Each method is one step; it returns the step's one-line detail or raises."""

    def __init__(self) -> None:
        self.settings = get_settings()
        self.logs = self.settings.home_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.sample_dir = self.settings.home_dir / "sample"
        self.engine: Engine | None = None

    def database(self) -> str:
        from macro_models.db.engine import database_url, get_engine, libpq_url
        from macro_models.db.migrate import migrate

        migrate()
        self.engine = get_engine()
        shown = make_url(libpq_url(database_url())).render_as_string(hide_password=True)
        return f"{shown} migrated"

    def sample_data(self) -> str:
        paths = sample.write_sample(self.sample_dir)
        return f"{len(paths)} payloads ({sample.DEFAULT_START}..{DEMO_DATE}) in {self.sample_dir}"

    def ingest(self) -> str:
        from macro_models.connectors.ingest import ingest_all, make_client, sample_starts

        seen = added = 0
        with make_client(self.settings, self.sample_dir) as client:
            starts = sample_starts(sample.DEFAULT_START, DEMO_DATE)
            assert self.engine is not None, "the database step runs first"
            results = ingest_all(self.engine, sample.DEFAULT_START, DEMO_DATE, client, None, starts)
        for r in results:
            seen, added = seen + r.rows_seen, added + r.rows_added
        sources = ", ".join(sorted({r.source for r in results}))
        return f"{sources}: {len(results)} payloads, {seen} rows parsed, {added} new vintages"

    def dbt_build(self) -> str:
        from macro_models.dbt_runner import run_dbt, summarise

        proc = run_dbt(["build"], capture=True)
        log = self.logs / "demo-dbt.log"
        log.write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"dbt build failed, see {log}")
        return summarise(proc.stdout)

    def airflow(self) -> str:
        log = self.logs / "demo-airflow.log"
        macro = str(Path(sys.executable).with_name("macro"))
        cmd = [macro, "airflow", "dags", "test", "macro_daily", DEMO_DATE.isoformat()]
        env = {**os.environ, "MACRO_AIRFLOW_RETRIES": "0"}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        log.write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0 or "Task failed" in proc.stdout + proc.stderr:
            raise RuntimeError(f"airflow dags test failed (exit {proc.returncode}), see {log}")
        return f"airflow dags test macro_daily {DEMO_DATE}: success (log {log})"


def run_demo(console: Console) -> int:
    demo = _Demo()
    for name, fn in (
        ("database", demo.database),
        ("sample", demo.sample_data),
        ("ingest", demo.ingest),
        ("dbt", demo.dbt_build),
        ("airflow", demo.airflow),
    ):
        t0 = time.perf_counter()
        try:
            detail, ok = fn(), True
        except Exception as exc:  # noqa: BLE001 - the demo reports the failure and stops
            detail, ok = f"FAILED {type(exc).__name__}: {exc}", False
        console.print(f"{name:<10} {time.perf_counter() - t0:>6.1f}s  {detail}", highlight=False)
        if not ok:
            return 1
    _print_summary(console, demo.engine, DEMO_DATE)
    return 0


def _print_targets_and_risk(console: Console, engine, as_of: date) -> None:
    """The target book (weight, notional) and the risk headline of the day."""
    with engine.connect() as conn:
        targets = conn.execute(
            text(
                "select instrument_id, weight, notional_brl from analytics.portfolio_targets "
                "where as_of_date = :d and abs(weight) >= 0.0005 order by abs(weight) desc"
            ),
            {"d": as_of},
        ).all()
        risk = conn.execute(
            text("select nav_brl, report from analytics.risk_reports where as_of_date = :d"),
            {"d": as_of},
        ).first()
    if targets:
        book = ", ".join(f"{i} {w:+.1%} (R$ {n / 1e6:+,.0f}m)" for i, w, n in targets)
        console.print(f"  {'targets':<16} {book}", highlight=False)
    if risk is None:
        return
    nav, report = risk
    var_es = report["var_es"]
    for method in ("historical", "parametric", "monte_carlo"):
        v, e = var_es[method]["0.99"]["var"], var_es[method]["0.99"]["es"]
        console.print(
            f"  {'risk ' + method:<16} VaR99 R$ {v / 1e6:.1f}m ({v / nav:.2%} NAV), "
            f"ES99 R$ {e / 1e6:.1f}m",
            highlight=False,
        )
    flagged = [f"{c['name']} {c['status']} ({c['utilisation']:.0%})" for c in report["limits"]]
    worst = report["worst_stress"]
    console.print(
        f"  {'limits':<16} {', '.join(flagged)}; circuit breaker x{report['circuit_breaker']:.2f}",
        highlight=False,
    )
    pnl = report["stress"][worst]["pnl_brl"]
    console.print(
        f"  {'worst stress':<16} {worst}: R$ {pnl / 1e6:,.1f}m ({pnl / nav:.1%} NAV)",
        highlight=False,
    )


def _print_summary(console: Console, engine, as_of: date) -> None:
    """Each agent's headline, the aggregated book, the target book and the risk headline."""
    with engine.connect() as conn:
        reports = conn.execute(
            text(
                "select agent_id, report from analytics.agent_reports "
                "where as_of_date = :d order by agent_id"
            ),
            {"d": as_of},
        ).all()
        book = conn.execute(
            text(
                "select instrument_id, exposure, n_votes from analytics.signals "
                "where as_of_date = :d and method = 'confidence_weighted' "
                "order by instrument_id"
            ),
            {"d": as_of},
        ).all()
    if not reports:
        console.print("summary    no agent report was written")
        return
    console.print(f"\n[bold]summary[/bold] {as_of}", highlight=False)
    for agent_id, report in reports:
        console.print(f"  {agent_id:<16} {report['headline']}", highlight=False)
    if book:
        positions = ", ".join(f"{i} {x:+.2f} ({n} votes)" for i, x, n in book)
        console.print(f"  {'book':<16} {positions}", highlight=False)
    _print_targets_and_risk(console, engine, as_of)
    console.print(
        "\nnext: `.venv/bin/macro serve` then http://127.0.0.1:8000/docs · "
        "`.venv/bin/macro export --series bcb_sgs__432 --as-of 2020-06-30` · "
        "`.venv/bin/macro run-daily --date 2024-12-27`",
        highlight=False,
    )
