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
    """The five agents, point-in-time for ``run_date``, saved to analytics.agent_reports."""
    from macro_models.agents.registry import run_agents
    from macro_models.agents.runner import save_report

    run = run_agents(engine, run_date)
    for report in run.reports:
        save_report(engine, report)
    views = ", ".join(
        f"{r.agent_id} {'/'.join(f'{s.direction:+d}' for s in r.signals)}" for r in run.reports
    )
    failed = "; ".join(f"{a}: {why}" for a, why in run.failures.items())
    return f"{len(run.reports)} reports ({views})" + (f"; no report: {failed}" if failed else "")


def strategies(engine: Engine, run_date: date) -> str:
    """Every registered strategy for ``run_date``, saved to analytics.strategy_signals."""
    from macro_models.signals.daily import save_strategy_signals
    from macro_models.strategies.runner import run_strategies

    run = run_strategies(engine, run_date)
    save_strategy_signals(engine, run, run_date)
    skipped = ", ".join(sorted(run.skipped))
    return f"{len(run.signals)} strategies signalled" + (
        f"; skipped for lack of data: {skipped}" if skipped else ""
    )


def signals(engine: Engine, run_date: date) -> str:
    """Aggregate the day's strategy signals (three methods), monitor, save."""
    from macro_models.signals.daily import load_reports, load_strategy_run, run_signals

    run = load_strategy_run(engine, run_date)
    books, alerts = run_signals(engine, run, load_reports(engine, run_date), run_date)
    if not books:
        return "no strategy signal to aggregate"
    book = books["confidence_weighted"]["exposure"].round(2)
    top = ", ".join(f"{i} {x:+.2f}" for i, x in book.items() if x != 0)
    kinds = ", ".join(f"{a.kind} {a.instrument_id}" for a in alerts)
    return f"book {top or 'flat'}; {len(alerts)} alerts" + (f" ({kinds})" if kinds else "")


def portfolio(engine: Engine, run_date: date) -> str:
    """Target weights from the day's confidence-weighted signals, saved to
    analytics.portfolio_targets (the date's rows replaced)."""
    from macro_models.portfolio.daily import describe, run_portfolio, save_targets

    try:
        run = run_portfolio(engine, run_date)
    except ValueError as exc:
        if "no confidence_weighted signals" not in str(exc):
            raise
        return f"no book: {exc}"
    save_targets(engine, run)
    return describe(run)


def risk(engine: Engine, run_date: date) -> str:
    """VaR/ES, components, stress, limits and VaR backtest of the day's targets, saved to
    analytics.risk_reports."""
    from macro_models.risk.daily import describe, run_risk, save_risk_report

    try:
        run = run_risk(engine, run_date)
    except ValueError as exc:
        if "no portfolio targets" not in str(exc):
            raise
        return f"no risk report: {exc}"
    save_risk_report(engine, run)
    return describe(run)
