"""The models and the migrations agree: a database built by Alembic is the schema the models describe.

A model changed without a migration (or the reverse) passes every other test on a database
made by ``upgrade`` and then fails in production; this catches it on both backends.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from store.db import MIGRATIONS, alembic_config, make_engine, upgrade
from store.models import Base


def differences_from_the_models(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(empty_database_url):
    upgrade(empty_database_url)
    differences = differences_from_the_models(empty_database_url)
    assert differences == [], f"models and migrations disagree (write a migration): {differences}"


def test_the_tests_copy_of_the_migrated_schema_matches_the_models(database_url):
    """The other tests run on a copy of one migrated database (tests/databases.py): it is that schema too."""
    differences = differences_from_the_models(database_url)
    assert differences == [], f"the copied schema differs from the models: {differences}"
    upgrade(database_url)  # at head already: nothing to do, nothing fails


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}"
    assert MIGRATIONS.is_dir()
