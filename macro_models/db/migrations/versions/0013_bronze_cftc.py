"""bronze: CFTC Traders in Financial Futures (futures only), one row per (contract, report) vintage.

Revision ID: 0013
Revises: 0003
"""

from alembic import op

revision = "0013"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Positions in contracts as of the report date (Tuesday); known_at is the Friday release.
    op.execute(
        """
        create table bronze.cftc__tff_positions (
            contract_code text not null,
            report_date date not null,
            contract text not null,
            market_and_exchange_names text not null,
            open_interest bigint not null check (open_interest >= 0),
            dealer_long bigint not null check (dealer_long >= 0),
            dealer_short bigint not null check (dealer_short >= 0),
            asset_mgr_long bigint not null check (asset_mgr_long >= 0),
            asset_mgr_short bigint not null check (asset_mgr_short >= 0),
            lev_money_long bigint not null check (lev_money_long >= 0),
            lev_money_short bigint not null check (lev_money_short >= 0),
            other_rept_long bigint not null check (other_rept_long >= 0),
            other_rept_short bigint not null check (other_rept_short >= 0),
            nonrept_long bigint not null check (nonrept_long >= 0),
            nonrept_short bigint not null check (nonrept_short >= 0),
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (contract_code, report_date, known_at)
        )
        """
    )
    op.execute("create index cftc__tff_positions_known_at on bronze.cftc__tff_positions (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.cftc__tff_positions")
