"""bronze: BCB Focus market expectations, one row per survey statistic and vintage.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # indicator_detail and smoothed are '' when the endpoint has no such field, so that they
    # can sit in the primary key. endpoint 'csv' holds rows of tidy CSV files (indicator = the
    # series code, only the statistic the file carries).
    op.execute(
        """
        create table bronze.bcb_focus__expectations (
            endpoint text not null,
            indicator text not null,
            indicator_detail text not null default '',
            reference text not null,
            smoothed text not null default '',
            survey_date date not null,
            calculation_base smallint not null,
            mean numeric,
            median numeric,
            std numeric,
            minimum numeric,
            maximum numeric,
            respondents integer,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (
                endpoint, indicator, indicator_detail, reference, smoothed, survey_date,
                calculation_base, known_at
            )
        )
        """
    )
    op.execute(
        "create index bcb_focus__expectations_known_at on bronze.bcb_focus__expectations (known_at)"
    )


def downgrade() -> None:
    op.execute("drop table bronze.bcb_focus__expectations")
