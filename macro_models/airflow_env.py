"""The environment Airflow runs in locally: state under $MACRO_HOME/airflow, metadata in the
platform's PostgreSQL (database ``airflow``), the repo's dags/ and plugins/, and the ``macro_db``
connection that Cosmos maps to a dbt profile."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from macro_models.config import REPO_ROOT, get_settings
from macro_models.db.engine import database_url, dbt_env, libpq_url


def airflow_env(migrate: bool = True) -> dict[str, str]:
    settings = get_settings()
    url = database_url(settings)
    home = settings.home_dir / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if settings.uses_embedded_db:
        from macro_models.db.embedded import EmbeddedPostgres

        EmbeddedPostgres.from_settings(settings).ensure_database(f"{settings.db_name}_airflow")
    meta_db = f"{make_url(url).database}_airflow"
    meta_url = make_url(url).set(drivername="postgresql+psycopg2", database=meta_db)
    env.setdefault(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", meta_url.render_as_string(hide_password=False)
    )
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "AIRFLOW_CONN_MACRO_DB": libpq_url(url),
            "MACRO_HOME": str(settings.home_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    if settings.database_url:
        env["MACRO_DATABASE_URL"] = settings.database_url
    env.update(dbt_env(url))
    if migrate:
        _migrate_once(env, home)
    return env


def _migrate_once(env: dict[str, str], home: Path) -> None:
    """`airflow db migrate` is slow (tens of seconds), so run it once per metadata database."""
    import airflow

    digest = hashlib.sha256(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].encode()).hexdigest()[:12]
    pools_digest = hashlib.sha256((REPO_ROOT / "dags" / "pools.json").read_bytes()).hexdigest()[:8]
    marker = home / f".migrated-{airflow.__version__}-{digest}-{pools_digest}"
    if marker.exists():
        return
    airflow_bin = str(Path(sys.executable).with_name("airflow"))
    proc = subprocess.run([airflow_bin, "db", "migrate"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed: {(proc.stderr or proc.stdout)[-600:]}")
    pools = REPO_ROOT / "dags" / "pools.json"
    proc = subprocess.run(
        [airflow_bin, "pools", "import", str(pools)], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"airflow pools import failed: {(proc.stderr or proc.stdout)[-600:]}")
    marker.touch()
