"""Migrated test databases made fast: Alembic runs once per test process and backend, each test gets a copy.

Running the ten migrations takes about half a second per database, and some five hundred tests
each want a fresh migrated database on each backend. So ``upgrade`` runs once per worker on
each backend, and each test gets a copy of that result: on SQLite a copy of the migrated file;
on PostgreSQL a new empty schema into which the very statements Alembic sent to the server
(recorded by a cursor hook while it migrated a scratch schema) are sent again, in one
transaction. The copy is the schema the migrations make, not one built from the models:
``tests/guards/test_migrations.py`` compares both the copy and a database migrated from empty
with the models, and ``tests/store/test_region_migration.py`` runs migrations step by step.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from store.db import make_engine, upgrade


def migrated_sqlite_file(directory: Path) -> Path:
    """A SQLite file migrated to head, its write-ahead log folded in, so copying the file copies it all."""
    path = directory / "migrated.sqlite3"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def copy_sqlite(template: Path, path: Path) -> str:
    """A fresh copy of the migrated ``template`` at ``path``; its URL."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Statement:
    """One statement as SQLAlchemy handed it to the driver."""

    sql: str
    parameters: Any
    many: bool


def record_migration(empty_schema_url: str) -> list[Statement]:
    """Migrate the empty schema at ``empty_schema_url`` and return what was sent to the server, in order."""
    sent: list[Statement] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(Statement(statement, parameters, executemany))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        upgrade(empty_schema_url)
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    return sent


def replay(statements: list[Statement], empty_schema_url: str) -> None:
    """Send ``statements`` to the empty schema at ``empty_schema_url`` in one transaction."""
    engine = make_engine(empty_schema_url)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SET LOCAL synchronous_commit = off")
            for statement in statements:
                if statement.many:
                    cursor.executemany(statement.sql, statement.parameters)
                else:
                    cursor.execute(statement.sql, statement.parameters)
            raw.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()
