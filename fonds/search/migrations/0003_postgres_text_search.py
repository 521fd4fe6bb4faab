"""On PostgreSQL: the weighted tsvector of a search record, and its indexes.

Nothing happens on other databases: the embedded backend does not use the table.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE search_searchrecord ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(names, '') || ' ' || coalesce(variants, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(body, '') || ' ' || coalesce(keys, '')), 'C')
        || setweight(
            to_tsvector('simple', coalesce(context, '') || ' ' || coalesce(context_keys, '')), 'D'
        )
    ) STORED
    """,
    "CREATE INDEX search_record_document ON search_searchrecord USING GIN (document)",
    # facets flattened to "facet=value" strings: one unnest counts every facet
    "ALTER TABLE search_searchrecord ADD COLUMN facet_values text[]",
    "CREATE INDEX search_record_facets ON search_searchrecord USING GIN (facet_values)",
    "CREATE INDEX search_record_dates ON search_searchrecord (begin, \"end\")",
    "CREATE INDEX search_record_sort ON search_searchrecord (sort_title, key)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_record_sort",
    "DROP INDEX IF EXISTS search_record_dates",
    "DROP INDEX IF EXISTS search_record_facets",
    "ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS facet_values",
    "DROP INDEX IF EXISTS search_record_document",
    "ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS document",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0002_searchrecord")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
