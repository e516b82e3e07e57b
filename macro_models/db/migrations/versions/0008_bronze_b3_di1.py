"""bronze: B3 DI1 futures daily settlements ("Ajustes do Pregão") and intraday quote snapshots.

Revision ID: 0008
Revises: 0003
"""

from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # settlement_pu is the compared value; the other columns are stored as published or derived
    # (maturity, du, implied rate). previous/variation/adjustment are null for CSV loads.
    op.execute(
        """
        create table bronze.b3__di1_settlements (
            trade_date date not null,
            ticker text not null,
            maturity_date date not null,
            business_days integer not null check (business_days >= 0),
            settlement_pu numeric not null check (settlement_pu > 0 and settlement_pu <= 100000),
            previous_settlement_pu numeric,
            variation numeric,
            adjustment_value_brl numeric,
            implied_rate_pct numeric,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (trade_date, ticker, known_at)
        )
        """
    )
    op.execute("create index b3__di1_settlements_known_at on bronze.b3__di1_settlements (known_at)")
    # Intraday snapshots of the current session (rates in % p.a.): a row per changed quote.
    op.execute(
        """
        create table bronze.b3__di1_quotes (
            trade_date date not null,
            ticker text not null,
            last_rate_pct numeric,
            bid_rate_pct numeric,
            ask_rate_pct numeric,
            traded_contracts bigint,
            quote_time timestamptz not null,
            maturity_date date not null,
            business_days integer not null check (business_days >= 0),
            previous_settlement_rate_pct numeric,
            open_rate_pct numeric,
            min_rate_pct numeric,
            max_rate_pct numeric,
            avg_rate_pct numeric,
            open_contracts bigint,
            trades bigint,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (trade_date, ticker, known_at)
        )
        """
    )


def downgrade() -> None:
    op.execute("drop table bronze.b3__di1_quotes")
    op.execute("drop table bronze.b3__di1_settlements")
