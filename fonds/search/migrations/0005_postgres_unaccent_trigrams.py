"""On PostgreSQL: the ``fonds`` text search configuration (PostgreSQL's 'simple' with
the ``unaccent`` dictionary in front), the tsvector rebuilt with it, and the word list
of names with a trigram index (``pg_trgm``) for fuzzy matching of misspelled names.
The flattened facets become a generated column too, so that writing a search record
is one INSERT (they were filled by an UPDATE that computed the tsvector again).

Both extensions ship with PostgreSQL (contrib) and are "trusted" since PostgreSQL 13:
the owner of the database may create them without being a superuser.

Nothing happens on other databases: the embedded backend does not use these tables.
"""

from django.db import migrations

# word tokens that may hold letters outside ASCII; asciiword needs no unaccenting
TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"


def _document(config):
    return f"""
    ALTER TABLE search_searchrecord ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{config}', coalesce(title, '')), 'A')
        || setweight(to_tsvector('{config}', coalesce(names, '') || ' ' || coalesce(variants, '')), 'B')
        || setweight(to_tsvector('{config}', coalesce(body, '') || ' ' || coalesce(keys, '')), 'C')
        || setweight(
            to_tsvector('{config}', coalesce(context, '') || ' ' || coalesce(context_keys, '')), 'D'
        )
    ) STORED
    """


FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION fonds (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION fonds ALTER MAPPING FOR {TOKENS} WITH unaccent, simple",
    "DROP INDEX IF EXISTS search_record_document",
    "ALTER TABLE search_searchrecord DROP COLUMN document",
    _document("fonds"),
    "CREATE INDEX search_record_document ON search_searchrecord USING GIN (document)",
    # facets flattened to "facet=value" strings, computed by the database
    """
    CREATE FUNCTION fonds_facet_values(facets jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(f.key || '=' || v), '{}')
        FROM jsonb_each(facets) AS f, jsonb_array_elements_text(f.value) AS v
    $$
    """,
    "DROP INDEX IF EXISTS search_record_facets",
    "ALTER TABLE search_searchrecord DROP COLUMN facet_values",
    "ALTER TABLE search_searchrecord ADD COLUMN facet_values text[]"
    " GENERATED ALWAYS AS (fonds_facet_values(facets)) STORED",
    "CREATE INDEX search_record_facets ON search_searchrecord USING GIN (facet_values)",
    # the words of names and roster variants (weight B), as indexed
    "CREATE TABLE search_nameword (word text PRIMARY KEY)",
    "CREATE INDEX search_nameword_trigrams ON search_nameword USING GIN (word gin_trgm_ops)",
    """
    INSERT INTO search_nameword (word)
    SELECT DISTINCT w.lexeme FROM search_searchrecord AS r, unnest(r.document) AS w
    WHERE 'B' = ANY(w.weights) AND length(w.lexeme) >= 4
    """,
]
BACKWARD = [
    "DROP TABLE IF EXISTS search_nameword",
    "DROP INDEX IF EXISTS search_record_facets",
    "ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS facet_values",
    "ALTER TABLE search_searchrecord ADD COLUMN facet_values text[]",
    "UPDATE search_searchrecord SET facet_values = fonds_facet_values(facets)",
    "CREATE INDEX search_record_facets ON search_searchrecord USING GIN (facet_values)",
    "DROP FUNCTION IF EXISTS fonds_facet_values(jsonb)",
    "DROP INDEX IF EXISTS search_record_document",
    "ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS document",
    _document("simple"),
    "CREATE INDEX search_record_document ON search_searchrecord USING GIN (document)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fonds",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0004_available")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
