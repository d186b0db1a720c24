"""Directory search indexes (PostgreSQL only; on SQLite search falls back to icontains).

Search reads each organisation's own words where they live: its name and introduction
(``public_description``) in booking_organisation, kept by booking's services, and its
profile's words (activities, area) in ``PublicProfile.search_text``, kept folded by
community.profiles. Booking cannot tell community that a name changed, so nothing is
copied across: each table has its own trigram and full-text indexes over the same folded
(lower-case, accent-free) expression that community.search queries, and a search unites
the two id sets. The organisation's indexes are partial (listed organisations only), so
they cost nothing for the many that never opt in.
"""

from django.db import migrations

FOLD = """
CREATE OR REPLACE FUNCTION community_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""
# unaccent() is only STABLE (its dictionary could change), so an index cannot call it; this
# wrapper names the dictionary and promises immutability, as the pg_trgm docs suggest.

ORG_TEXT = "community_fold(name || ' ' || public_description)"
# Stored folded already (community.search.fold), folded again here all the same: over a
# bare column the planner prices the trigram operator as cheap and scans every row instead
# of the index (33 ms instead of 3 for 5,000 profiles).
PROFILE_TEXT = "community_fold(search_text)"

CREATE = [
    FOLD,
    f"CREATE INDEX community_org_words_trgm ON booking_organisation "
    f"USING gin ({ORG_TEXT} gin_trgm_ops) WHERE in_directory",
    f"CREATE INDEX community_org_words_fts ON booking_organisation "
    f"USING gin (to_tsvector('norwegian'::regconfig, {ORG_TEXT})) WHERE in_directory",
    f"CREATE INDEX community_profile_words_trgm ON community_publicprofile "
    f"USING gin ({PROFILE_TEXT} gin_trgm_ops)",
    f"CREATE INDEX community_profile_words_fts ON community_publicprofile "
    f"USING gin (to_tsvector('norwegian'::regconfig, {PROFILE_TEXT}))",
]
DROP = [
    "DROP INDEX IF EXISTS community_profile_words_fts",
    "DROP INDEX IF EXISTS community_profile_words_trgm",
    "DROP INDEX IF EXISTS community_org_words_fts",
    "DROP INDEX IF EXISTS community_org_words_trgm",
    "DROP FUNCTION IF EXISTS community_fold(text)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_community"), ("booking", "0016_price_rule_reason_nynorsk")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
