"""analytics: agent reports and pipeline runs; pms: the append-only, hash-chained journal.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create schema if not exists analytics")
    op.execute("create schema if not exists pms")
    op.execute(
        """
        create table analytics.agent_reports (
            agent_id text not null,
            as_of_date date not null,
            as_of_cutoff timestamptz not null,
            created_at timestamptz not null default now(),
            report jsonb not null,
            primary key (agent_id, as_of_date)
        )
        """
    )
    op.execute(
        """
        create table analytics.pipeline_runs (
            run_id bigint generated always as identity primary key,
            run_date date not null,
            started_at timestamptz not null,
            finished_at timestamptz not null,
            status text not null check (status in ('success', 'failed')),
            steps jsonb not null,
            summary text not null
        )
        """
    )
    op.execute(
        """
        create table pms.decision_journal (
            entry_id bigint generated always as identity primary key,
            recorded_at timestamptz not null default now(),
            actor text not null,
            action text not null,
            subject text not null,
            payload jsonb not null,
            prev_hash text not null,
            entry_hash text not null unique
        )
        """
    )
    # The chain makes tampering evident; the trigger makes it impossible through SQL.
    op.execute(
        """
        create function pms.journal_chain() returns trigger language plpgsql as $$
        declare last_hash text;
        begin
            perform pg_advisory_xact_lock(hashtext('pms.decision_journal'));
            select entry_hash into last_hash from pms.decision_journal
                order by entry_id desc limit 1;
            new.prev_hash := coalesce(last_hash, repeat('0', 64));
            new.entry_hash := encode(sha256(convert_to(
                new.prev_hash || '|' || new.recorded_at::text || '|' || new.actor || '|'
                || new.action || '|' || new.subject || '|' || new.payload::text, 'UTF8')), 'hex');
            return new;
        end $$
        """
    )
    op.execute(
        """
        create function pms.journal_refuse_change() returns trigger language plpgsql as $$
        begin
            raise exception 'pms.decision_journal is append-only: % refused', tg_op;
        end $$
        """
    )
    op.execute(
        "create trigger journal_chain before insert on pms.decision_journal "
        "for each row execute function pms.journal_chain()"
    )
    op.execute(
        "create trigger journal_append_only before update or delete on pms.decision_journal "
        "for each row execute function pms.journal_refuse_change()"
    )
    op.execute(
        "create trigger journal_no_truncate before truncate on pms.decision_journal "
        "for each statement execute function pms.journal_refuse_change()"
    )


def downgrade() -> None:
    op.execute("drop table pms.decision_journal")
    op.execute("drop function pms.journal_chain")
    op.execute("drop function pms.journal_refuse_change")
    op.execute("drop table analytics.pipeline_runs")
    op.execute("drop table analytics.agent_reports")
