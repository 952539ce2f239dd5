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


def test_migrated_schema_matches_the_models(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], f"models and migrations disagree (write a migration): {differences}"


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}"
    assert MIGRATIONS.is_dir()
