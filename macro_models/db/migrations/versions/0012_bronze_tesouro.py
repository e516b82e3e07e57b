"""bronze: Tesouro Direto prices and rates (Tesouro Transparente's PrecoTaxaTesouroDireto.csv).

Revision ID: 0012
Revises: 0003
"""

from alembic import op

revision = "0012"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Morning ("Manha") retail prices as published; 0 in the buy columns means the bond was not
    # offered for purchase that day (kept as published, read as null in staging).
    op.execute(
        """
        create table bronze.tesouro__prices (
            base_date date not null,
            bond_name text not null,
            maturity_date date not null,
            buy_rate numeric not null,
            sell_rate numeric not null,
            buy_pu numeric not null check (buy_pu >= 0),
            sell_pu numeric not null check (sell_pu >= 0),
            base_pu numeric not null check (base_pu >= 0),
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (base_date, bond_name, maturity_date, known_at)
        )
        """
    )
    op.execute("create index tesouro__prices_known_at on bronze.tesouro__prices (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.tesouro__prices")
