"""The embedded default database and the migrations it carries."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from macro_models.db.embedded import EmbeddedDbError, EmbeddedPostgres, find_bin_dir
from macro_models.db.migrate import migrate


def test_listens_on_loopback_tcp(pg: EmbeddedPostgres, engine) -> None:
    assert pg.is_running()
    assert "@127.0.0.1:" in pg.url("x")
    with engine.connect() as conn:
        addr = conn.execute(text("select host(inet_server_addr())")).scalar()
    assert addr == "127.0.0.1"  # TCP, not a Unix socket: Cosmos' asset URIs need a host


def test_data_lives_under_macro_home(pg: EmbeddedPostgres) -> None:
    from macro_models.config import get_settings

    assert pg.data_dir == get_settings().home_dir / "pg" / "data"
    assert (pg.data_dir / "PG_VERSION").exists()


def test_start_is_idempotent(pg: EmbeddedPostgres) -> None:
    pg.start()
    pg.start()
    assert pg.is_running()


def test_bad_bin_dir_is_skipped_for_a_real_one(tmp_path) -> None:
    assert (find_bin_dir(tmp_path) / "initdb").exists()


def test_foreign_server_on_the_port_is_refused(pg: EmbeddedPostgres, tmp_path) -> None:
    other = EmbeddedPostgres(
        data_dir=tmp_path / "data", port=pg.port, bin_dir=pg.bin_dir, log_file=tmp_path / "log"
    )
    (other.data_dir).mkdir()
    (other.data_dir / "PG_VERSION").write_text("15\n")
    with pytest.raises(EmbeddedDbError, match="port .* is taken"):
        other.start()


def test_migrations_are_idempotent_and_create_the_three_schemas(db_url, engine) -> None:
    migrate(db_url)
    with engine.connect() as conn:
        schemas = set(conn.execute(text("select nspname from pg_namespace")).scalars())
        tables = set(
            conn.execute(
                text(
                    "select table_schema || '.' || table_name from information_schema.tables "
                    "where table_schema in ('bronze', 'analytics', 'pms')"
                )
            ).scalars()
        )
        heads = set(conn.execute(text("select version_num from alembic_version")).scalars())
    assert {"bronze", "analytics", "pms"} <= schemas
    assert {
        "bronze.raw_payloads",
        "bronze.bcb_sgs__series",
        "bronze.fred__observations",
        "analytics.agent_reports",
        "analytics.pipeline_runs",
        "pms.decision_journal",
    } <= tables
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from macro_models.db.migrate import ALEMBIC_INI

    assert heads == set(ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_heads())


def _journal(conn, actor: str, action: str, subject: str) -> None:
    conn.execute(
        text(
            "insert into pms.decision_journal (actor, action, subject, payload) "
            "values (:a, :b, :c, '{}')"
        ),
        {"a": actor, "b": action, "c": subject},
    )


def test_decision_journal_is_hash_chained(engine) -> None:
    with engine.begin() as conn:
        _journal(conn, "pm", "approve", "proposal-1")
        _journal(conn, "pm", "reject", "proposal-2")
        rows = conn.execute(
            text(
                "select prev_hash, entry_hash from pms.decision_journal "
                "order by entry_id desc limit 2"
            )
        ).all()
    newest, previous = rows
    assert newest.prev_hash == previous.entry_hash
    assert len(newest.entry_hash) == 64 and newest.entry_hash != previous.entry_hash


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("update pms.decision_journal set actor = 'x'", id="update"),
        pytest.param("delete from pms.decision_journal", id="delete"),
        pytest.param("truncate pms.decision_journal", id="truncate"),
    ],
)
def test_decision_journal_refuses_changes(engine, statement: str) -> None:
    with engine.begin() as conn:
        _journal(conn, "pm", "approve", "proposal-3")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
