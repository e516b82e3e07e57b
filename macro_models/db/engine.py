"""The one way code gets a database: the configured URL or the embedded default."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from macro_models.config import Settings, get_settings


def database_url(settings: Settings | None = None, *, start: bool = True) -> str:
    """SQLAlchemy URL of the platform database; starts the embedded server when it is the one."""
    settings = settings or get_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    from macro_models.db.embedded import EmbeddedPostgres

    pg = EmbeddedPostgres.from_settings(settings)
    if start:
        pg.start()
        pg.ensure_database(settings.db_name)
    return pg.url(settings.db_name)


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg" + url[len(scheme) :]
    return url


def libpq_url(url: str) -> str:
    """The same URL as libpq / Airflow connections want it (no driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def dbt_env(url: str) -> dict[str, str]:
    """Environment variables read by dbt_project/profiles.yml."""
    u = make_url(url)
    return {
        "MACRO_DB_HOST": u.host or "127.0.0.1",
        "MACRO_DB_PORT": str(u.port or 5432),
        "MACRO_DB_USER": u.username or "macro",
        "MACRO_DB_PASSWORD": u.password or "",
        "MACRO_DB_NAME": u.database or "macro",
    }


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, future=True)


def get_engine(settings: Settings | None = None) -> Engine:
    return _engine_for(database_url(settings))
