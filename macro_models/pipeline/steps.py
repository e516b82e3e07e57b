"""The steps of the daily cycle, shared by ``macro run-daily`` and the Airflow tasks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from macro_models.config import get_settings
from macro_models.connectors.ingest import ingest_all, make_client
from macro_models.dbt_runner import run_dbt, summarise

INGEST_LOOKBACK_DAYS = 60


def ingest(engine: Engine, run_date: date) -> str:
    """Fetch a trailing window ending at ``run_date``: late revisions inside it become vintages."""
    settings = get_settings()
    start = run_date - timedelta(days=INGEST_LOOKBACK_DAYS)
    seen = added = payloads = 0
    with make_client(settings) as client:
        for r in ingest_all(engine, start, run_date, client, settings):
            payloads, seen, added = payloads + 1, seen + r.rows_seen, added + r.rows_added
    return f"{settings.data_mode}: {payloads} payloads, {seen} rows seen, {added} new vintages"


def transform() -> str:
    proc = run_dbt(["build", "--quiet"], capture=True)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt build failed: {(proc.stdout + proc.stderr).strip()[-800:]}")
    return f"dbt build {summarise(proc.stdout)}"


def agents(engine: Engine, run_date: date) -> str:
    from macro_models.agents.runner import run_monetary_policy, save_report

    report = run_monetary_policy(engine, run_date)
    save_report(engine, report)
    return report.headline
