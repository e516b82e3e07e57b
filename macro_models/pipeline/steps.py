"""The steps of the daily cycle, shared by ``macro run-daily`` and the Airflow tasks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from macro_models.config import get_settings
from macro_models.connectors.ingest import ingest_all, ingest_source, make_client
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


def interval_days(start: datetime, end: datetime) -> tuple[date, date]:
    """The São Paulo calendar days covered by the half-open interval [start, end)."""
    from macro_models.pit.asof import FUND_TZ

    # Plain datetimes: pendulum (what Airflow passes) drops sub-second timedelta arithmetic.
    lo = datetime.fromtimestamp(start.timestamp(), tz=FUND_TZ)
    hi = datetime.fromtimestamp(end.timestamp(), tz=FUND_TZ)
    last = hi.date() if hi.time() != datetime.min.time() else hi.date() - timedelta(days=1)
    return lo.date(), max(last, lo.date())


def ingest_window(
    url: str,
    source: str,
    code: str,
    interval_start: datetime,
    interval_end: datetime,
    lookback_days: int,
) -> str:
    """One series for one Airflow data interval: [start − look-back, last day of the interval].

    The interval is read in the fund's time zone, so a B3 session's interval [D 00:00, D+1 00:00)
    São Paulo fetches up to D.
    """
    from sqlalchemy import create_engine

    from macro_models.db.engine import normalise_url

    first_day, last_day = interval_days(interval_start, interval_end)
    first_day -= timedelta(days=lookback_days)
    engine = create_engine(normalise_url(url))
    settings = get_settings()
    try:
        with make_client(settings) as client:
            results = ingest_source(engine, source, [code], first_day, last_day, client, settings)
    finally:
        engine.dispose()
    seen, added = sum(r.rows_seen for r in results), sum(r.rows_added for r in results)
    return f"{source} {code} {first_day}..{last_day}: {seen} rows seen, {added} new vintages"


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
