"""analytics: strategy signals, aggregated signals per instrument and monitor alerts.

Revision ID: 0015
Revises: 0002
"""

from alembic import op

revision = "0015"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per strategy and date: the StrategySignal as JSON (exposures, levels, rationale).
    op.execute(
        """
        create table analytics.strategy_signals (
            strategy_id text not null,
            as_of_date date not null,
            as_of_cutoff timestamptz not null,
            created_at timestamptz not null default now(),
            signal jsonb not null,
            primary key (strategy_id, as_of_date)
        )
        """
    )
    # One row per instrument, aggregation method and date.
    op.execute(
        """
        create table analytics.signals (
            as_of_date date not null,
            method text not null,
            instrument_id text not null,
            exposure double precision not null check (exposure between -1 and 1),
            n_votes integer not null,
            agreement double precision not null,
            crowded boolean not null,
            weight double precision not null,
            created_at timestamptz not null default now(),
            primary key (as_of_date, method, instrument_id)
        )
        """
    )
    op.execute(
        """
        create table analytics.signal_alerts (
            as_of_date date not null,
            kind text not null check (kind in ('flip', 'conviction_surge', 'divergence')),
            instrument_id text not null,
            previous_exposure double precision not null,
            current_exposure double precision not null,
            detail text not null,
            created_at timestamptz not null default now(),
            primary key (as_of_date, kind, instrument_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("drop table analytics.signal_alerts")
    op.execute("drop table analytics.signals")
    op.execute("drop table analytics.strategy_signals")
