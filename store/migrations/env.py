"""Alembic environment: runs the migrations against the configured database URL.

On SQLite, foreign keys are off while migrations run: rebuilding a table (how SQLite
alters one) drops the old table, and with foreign keys on that drop would first delete
every row referring to it, cascading to certificates, alerts and mails. The references
are checked once the migrations are done.
"""

from alembic import context

from store.db import make_engine
from store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite honours it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
    engine.dispose()


run_migrations_online()
