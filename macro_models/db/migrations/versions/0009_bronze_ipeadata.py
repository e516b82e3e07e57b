"""bronze: IPEADATA series values (OData ValoresSerie), one row per vintage.

Revision ID: 0009
Revises: 0003
"""

from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # territory_code is IPEADATA's TERCODIGO: '' for national series.
    op.execute(
        """
        create table bronze.ipeadata__values (
            series_code text not null,
            observation_date date not null,
            value numeric not null,
            territory_code text not null default '',
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (series_code, territory_code, observation_date, known_at)
        )
        """
    )
    op.execute("create index ipeadata__values_known_at on bronze.ipeadata__values (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.ipeadata__values")
