"""bronze: Yahoo Finance daily bars, one row per (symbol, bar date) vintage of the close.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only close is required: rows loaded from tidy CSVs (date,value = close) have no open,
    # high, low, adj_close or volume, and Yahoo itself leaves some of them null.
    op.execute(
        """
        create table bronze.yahoo__daily_bars (
            series_code text not null,
            symbol text not null,
            bar_date date not null,
            open numeric,
            high numeric,
            low numeric,
            close numeric not null,
            adj_close numeric,
            volume bigint check (volume >= 0),
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (symbol, bar_date, known_at)
        )
        """
    )
    op.execute("create index yahoo__daily_bars_known_at on bronze.yahoo__daily_bars (known_at)")
    op.execute(
        "create index yahoo__daily_bars_series on bronze.yahoo__daily_bars (series_code, bar_date)"
    )


def downgrade() -> None:
    op.execute("drop table bronze.yahoo__daily_bars")
