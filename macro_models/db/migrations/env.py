"""Alembic environment: migrations are plain SQL, so no metadata and no autogenerate."""

from alembic import context
from sqlalchemy import create_engine

from macro_models.db.engine import database_url

config = context.config
url = config.attributes.get("url") or database_url()
engine = create_engine(url)
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
