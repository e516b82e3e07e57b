"""bronze: raw payload archive, rejections, BCB SGS series with vintages.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create schema if not exists bronze")
    op.execute(
        """
        create table bronze.raw_payloads (
            payload_id bigint generated always as identity primary key,
            source text not null,
            item text not null,
            request jsonb not null,
            fetched_at timestamptz not null default now(),
            sha256 text not null,
            content_type text,
            body_gzip bytea not null,
            body_bytes integer not null,
            unique (source, item, sha256)
        )
        """
    )
    op.execute(
        """
        create table bronze.payload_rejections (
            rejection_id bigint generated always as identity primary key,
            payload_id bigint not null references bronze.raw_payloads,
            rejected_at timestamptz not null default now(),
            reason text not null
        )
        """
    )
    # One row per vintage: a value seen again adds nothing, a changed value adds a row.
    op.execute(
        """
        create table bronze.bcb_sgs__series (
            series_code text not null,
            observation_date date not null,
            value numeric not null,
            known_at timestamptz not null,
            loaded_at timestamptz not null default now(),
            payload_sha256 text not null,
            primary key (series_code, observation_date, known_at)
        )
        """
    )
    op.execute("create index bcb_sgs__series_known_at on bronze.bcb_sgs__series (known_at)")


def downgrade() -> None:
    op.execute("drop table bronze.bcb_sgs__series")
    op.execute("drop table bronze.payload_rejections")
    op.execute("drop table bronze.raw_payloads")
