"""bronze: ANBIMA daily indicative rates of federal government bonds (Mercado Secundário de TPF).

Revision ID: 0011
Revises: 0003
"""

from alembic import op

revision = "0011"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # indicative_rate is the compared value; the other fields are stored as published (null when
    # loaded from the shared CSV, which has neither SELIC code, issue date, bid nor ask).
    op.execute(
        """
        create table bronze.anbima__tpf_indicative_rates (
            reference_date date not null,
            bond_type text not null,
            maturity_date date not null,
            indicative_rate numeric not null,
            selic_code text,
            issue_date date,
            bid_rate numeric,
            ask_rate numeric,
            pu numeric check (pu > 0),
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (reference_date, bond_type, maturity_date, known_at),
            check (maturity_date >= reference_date)
        )
        """
    )
    op.execute(
        "create index anbima__tpf_indicative_rates_known_at "
        "on bronze.anbima__tpf_indicative_rates (known_at)"
    )


def downgrade() -> None:
    op.execute("drop table bronze.anbima__tpf_indicative_rates")
