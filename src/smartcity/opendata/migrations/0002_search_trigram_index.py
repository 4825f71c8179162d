"""On PostgreSQL, a trigram index makes the search column's ``LIKE '%term%'`` an index scan.

pg_trgm ships with PostgreSQL's contrib package; where the extension cannot be created
(missing package, no privilege) the migration notes it and the search keeps scanning.
"""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS opendata_dataset_search_trgm
        ON opendata_dataset USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm is not available: the dataset search scans the table';
END $$;
"""
DROP = "DROP INDEX IF EXISTS opendata_dataset_search_trgm;"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=True)]
