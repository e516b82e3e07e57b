"""analytics: backtest runs, portfolio targets and risk reports.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per backtest: what was asked, the headline metrics, the daily series and the
    # tearsheet. Runs are kept (a run is evidence of what was tried: the deflated Sharpe needs
    # the number of trials).
    op.execute(
        """
        create table analytics.backtest_runs (
            run_id bigint generated always as identity primary key,
            created_at timestamptz not null default now(),
            strategy_id text not null,
            start_date date not null,
            end_date date not null,
            params jsonb not null,
            metrics jsonb not null,
            attribution jsonb not null,
            daily jsonb not null,
            tearsheet_html text not null,
            check (end_date >= start_date)
        )
        """
    )
    op.execute(
        "create index backtest_runs_strategy on analytics.backtest_runs (strategy_id, created_at)"
    )
    # One row per instrument and date: the book the constructor proposes from the day's signals.
    op.execute(
        """
        create table analytics.portfolio_targets (
            as_of_date date not null,
            instrument_id text not null,
            method text not null,
            nav_brl double precision not null check (nav_brl > 0),
            exposure double precision not null check (exposure between -1 and 1),
            weight double precision not null,
            notional_brl double precision not null,
            dv01_brl double precision not null,
            fx_delta_brl double precision not null,
            risk_contribution double precision,
            created_at timestamptz not null default now(),
            primary key (as_of_date, instrument_id)
        )
        """
    )
    # One row per date: the whole risk report (VaR/ES by method and confidence, components,
    # stress, limits) as JSON, with the headline numbers as columns for queries and alerts.
    op.execute(
        """
        create table analytics.risk_reports (
            as_of_date date primary key,
            nav_brl double precision not null,
            var_95_brl double precision not null,
            var_99_brl double precision not null,
            es_99_brl double precision not null,
            breaches integer not null,
            warnings integer not null,
            report jsonb not null,
            created_at timestamptz not null default now()
        )
        """
    )


def downgrade() -> None:
    op.execute("drop table analytics.risk_reports")
    op.execute("drop table analytics.portfolio_targets")
    op.execute("drop table analytics.backtest_runs")
