"""bronze: B3 official index closes (Ibovespa…), one row per (index, trade date) vintage.

Revision ID: 0014
Revises: 0003
"""

from alembic import op

revision = "0014"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # close in index points, as published ('134.185,24' at source).
    op.execute(
        """
        create table bronze.b3_index__closes (
            index_code text not null,
            trade_date date not null,
            close numeric not null check (close > 0),
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (index_code, trade_date, known_at)
        )
        """
    )
    op.execute("create index b3_index__closes_known_at on bronze.b3_index__closes (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.b3_index__closes")
