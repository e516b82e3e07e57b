"""Shared fixtures: a real embedded PostgreSQL (test databases only), sample data, gold built
by real dbt, and a local HTTP server that serves recorded-format payloads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests never touch the demo's database: they use their own databases in the same cluster.
os.environ.setdefault("MACRO_DB_NAME", "macro_test")
os.environ["MACRO_DATA_MODE"] = "sample"
os.environ["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] = "False"
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
os.environ.pop("MACRO_DATABASE_URL", None)

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from macro_models.config import REPO_ROOT, get_settings  # noqa: E402
from macro_models.db.embedded import EmbeddedPostgres  # noqa: E402
from macro_models.db.migrate import migrate  # noqa: E402
from tests.utils.http_server import RecordedServer  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_DB = os.environ["MACRO_DB_NAME"]
GOLD_DB = f"{TEST_DB}_gold"


@pytest.fixture(scope="session")
def pg() -> EmbeddedPostgres:
    get_settings.cache_clear()
    server = EmbeddedPostgres.from_settings()
    server.start()
    return server


def fresh_database(pg: EmbeddedPostgres, name: str) -> str:
    import psycopg

    admin = pg.url("postgres").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = pg.url(name)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def db_url(pg: EmbeddedPostgres) -> str:
    return fresh_database(pg, TEST_DB)


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clean_db(engine: Engine) -> Engine:
    """The test database with empty bronze and analytics tables."""
    with engine.begin() as conn:
        bronze = conn.execute(
            text("select tablename from pg_tables where schemaname = 'bronze'")
        ).scalars()
        tables = ", ".join(f"bronze.{t}" for t in bronze)
        conn.execute(text(f"truncate {tables}, analytics.agent_reports, analytics.pipeline_runs"))
    return engine


@pytest.fixture
def sgs_server() -> Iterator[RecordedServer]:
    with RecordedServer() as server:
        yield server


@pytest.fixture(scope="session")
def gold_url(pg: EmbeddedPostgres, tmp_path_factory) -> str:
    """A database with the full sample history in bronze and gold built by `dbt build`."""
    from datetime import date

    from macro_models.connectors import sample
    from macro_models.connectors.ingest import ingest_all, make_client, sample_starts
    from macro_models.dbt_runner import run_dbt

    url = fresh_database(pg, GOLD_DB)
    eng = create_engine(url)
    out = tmp_path_factory.mktemp("sample")
    sample.write_sample(out)
    with make_client(get_settings(), out) as client:
        start, end = date(2014, 1, 1), sample.DEFAULT_END
        ingest_all(eng, start, end, client, None, sample_starts(start, end))
    eng.dispose()
    proc = run_dbt(["build", "--quiet"], url=url, capture=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return url


@pytest.fixture(scope="session")
def gold_engine(gold_url: str) -> Iterator[Engine]:
    eng = create_engine(gold_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def real_gold_url(pg) -> str:
    """A database with ../shared/data loaded by `macro ingest --from-csv` and gold built.

    Skips when the shared data is absent. MACRO_TEST_REAL_GOLD_URL reuses a database already
    built that way (a development shortcut; CI always builds it).
    """
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    prebuilt = os.environ.get("MACRO_TEST_REAL_GOLD_URL")
    if prebuilt:
        return prebuilt
    from macro_models.catalog import load_catalog
    from macro_models.connectors.ingest import ingest_csv_file
    from macro_models.connectors.registry import LONG_CSV_LOADERS
    from macro_models.dbt_runner import run_dbt

    url = fresh_database(pg, f"{TEST_DB}_realgold")
    eng = create_engine(url)
    known = set(load_catalog()) | set(LONG_CSV_LOADERS)
    for path in sorted(SHARED_DATA.glob("*__*.csv")):
        if path.stem in known:
            LONG_CSV_LOADERS.get(path.stem, ingest_csv_file)(eng, path)
    eng.dispose()
    proc = run_dbt(["build", "--quiet"], url=url, capture=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return url


@pytest.fixture(scope="session")
def real_gold_engine(real_gold_url: str) -> Iterator[Engine]:
    eng = create_engine(real_gold_url)
    yield eng
    eng.dispose()
