"""bronze: IBGE SIDRA aggregate values (IPCA groups, PNAD, GDP), one row per vintage.

Revision ID: 0010
Revises: 0003
"""

from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # classification/category are '' for tables requested without a classification (PNAD).
    op.execute(
        """
        create table bronze.ibge__sidra_values (
            table_id integer not null,
            variable_id integer not null,
            classification text not null default '',
            category text not null default '',
            period text not null,
            observation_date date not null,
            value numeric not null,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (table_id, variable_id, classification, category, period, known_at)
        )
        """
    )
    op.execute("create index ibge__sidra_values_known_at on bronze.ibge__sidra_values (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.ibge__sidra_values")
