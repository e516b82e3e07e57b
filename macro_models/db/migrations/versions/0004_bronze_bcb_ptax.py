"""bronze: BCB PTAX quotes, one row per bulletin and vintage.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A day has an opening, three intermediate and a closing bulletin: bulletin_seq tells the
    # intermediate ones apart. Rows loaded from tidy CSVs carry the closing ask only (bid and
    # parities null) and the closing bulletin's usual time, 13:10 Sao Paulo.
    op.execute(
        """
        create table bronze.bcb_ptax__quotes (
            currency text not null,
            quote_date date not null,
            bulletin_type text not null,
            bulletin_seq smallint not null,
            quoted_at timestamptz not null,
            bid numeric,
            ask numeric not null,
            parity_bid numeric,
            parity_ask numeric,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (currency, quote_date, bulletin_type, bulletin_seq, known_at)
        )
        """
    )
    op.execute("create index bcb_ptax__quotes_known_at on bronze.bcb_ptax__quotes (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.bcb_ptax__quotes")
