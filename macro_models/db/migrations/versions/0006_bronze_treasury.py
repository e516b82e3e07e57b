"""bronze: US Treasury daily par yield curve, one row per (curve date, tenor) vintage.

Revision ID: 0006
Revises: 0003
"""

from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # tenor is the column header as published ('10 Yr', '1.5 Month'); tenor_months is numeric
    # because the six-week bill is 1.5 months.
    op.execute(
        """
        create table bronze.treasury__par_yields (
            curve_date date not null,
            tenor text not null,
            tenor_months numeric not null check (tenor_months > 0),
            yield_pct numeric not null,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (curve_date, tenor, known_at)
        )
        """
    )
    op.execute(
        "create index treasury__par_yields_known_at on bronze.treasury__par_yields (known_at)"
    )


def downgrade() -> None:
    op.execute("drop table bronze.treasury__par_yields")
