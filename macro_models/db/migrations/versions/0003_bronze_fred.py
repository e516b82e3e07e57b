"""bronze: FRED/ALFRED observations, one row per real-time vintage.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # realtime_start/end are null for rows loaded from tidy CSVs (no vintage information).
    op.execute(
        """
        create table bronze.fred__observations (
            series_id text not null,
            observation_date date not null,
            value numeric not null,
            realtime_start date,
            realtime_end date,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (series_id, observation_date, known_at)
        )
        """
    )
    op.execute("create index fred__observations_known_at on bronze.fred__observations (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.fred__observations")
