"""The directory: listed organisations, searched by name and activity, filtered by
category, age group and site.

On PostgreSQL a word matches when it is a full-text match in the Norwegian configuration
(«konserter» finds «konsert»), a substring, or a trigram word-similar one
(«handbal» finds «håndball», «korpss» finds «korps»), all over the folded (lower-case,
accent-free) text; results are ordered by relevance, then name. Each match uses a GIN index
of migration 0002_dir_search: the organisation's name and introduction are read from
booking_organisation as they are now, the profile's own words from its ``search_text``, and
the two id sets are united. On SQLite (development and tests) search falls back to
``icontains`` over the same fields, ordered by name.
"""

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, TextField, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Greatest

from booking.models import Organisation
from community.models import AgeGroup, Category

MAX_QUERY_LENGTH = 100

# The same expressions as the indexes of migration 0002 (so the planner can use them).
_ORG_TEXT = "community_fold(name || ' ' || public_description)"
_PROFILE_TEXT = "community_fold(search_text)"  # see migration 0002 for why folded again
# Three ways to match, each its own SELECT: in one OR, every row an index finds would be
# checked against all three again (to_tsvector for each of them); apart, each row only
# against the condition whose index found it.
_MATCHES = (
    "{text} %%> community_fold(%s)",
    "{text} LIKE '%%' || community_fold(%s) || '%%'",
    "to_tsvector('norwegian'::regconfig, {text})"
    " @@ plainto_tsquery('norwegian'::regconfig, community_fold(%s))",
)
# Only constants go into the SQL text; the visitor's words are always parameters.
_ORG_MATCH = " UNION ".join(
    f"SELECT id FROM booking_organisation WHERE in_directory AND {m.format(text=_ORG_TEXT)}"  # noqa: S608
    for m in _MATCHES
)
_PROFILE_MATCH = " UNION ".join(
    f"SELECT organisation_id FROM community_publicprofile WHERE {m.format(text=_PROFILE_TEXT)}"  # noqa: S608
    for m in _MATCHES
)


# What PostgreSQL's unaccent does beyond dropping accents, for the letters Norwegian text
# meets (its rules file: ø → o, æ → ae, …).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d",
                          "ł": "l", "þ": "th"})  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents, as ``community_fold`` (lower(unaccent())) in the
    database folds the words searched for: «Håndball, Kørsel» → «handball, korsel»."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Filters:
    """What a visitor asked for; every field optional."""

    q: str = ""
    category: str = ""
    age_group: str = ""
    site: int | None = None


def listed() -> QuerySet:
    """Organisations in the directory, each with its profile (if it wrote one)."""
    return Organisation.objects.filter(in_directory=True).select_related("public_profile")


class _Fold(Func):
    function = "community_fold"
    output_field = TextField()


def _like_pattern(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_postgresql(found: QuerySet, q: str) -> QuerySet:
    pattern = _like_pattern(q)
    params = (q, pattern, q)
    found = found.filter(
        Q(pk__in=RawSQL(_ORG_MATCH, params))  # noqa: S611 (constant SQL, parameters)
        | Q(pk__in=RawSQL(_PROFILE_MATCH, params))  # noqa: S611
    )
    words = _Fold(Value(q))
    # Relevance from the name and the profile's words (stored folded); the introduction
    # only decides whether it matches (it would cost a fold per row for little).
    org_text = _Fold(F("name"))
    profile_text = Coalesce(F("public_profile__search_text"), Value(""))
    relevance = Greatest(
        Func(words, org_text, function="word_similarity", output_field=FloatField()),
        Func(words, profile_text, function="word_similarity", output_field=FloatField()),
    )
    return found.annotate(relevance=relevance).order_by("-relevance", "name", "id")


def _search_icontains(found: QuerySet, q: str) -> QuerySet:
    return found.filter(
        Q(name__icontains=q)
        | Q(public_description__icontains=q)
        | Q(public_profile__activities__icontains=q)
        | Q(public_profile__area__icontains=q)
    )


def _holds(found: QuerySet, field: str, codes: list[str]) -> QuerySet:
    """Those whose JSON list ``field`` holds one of ``codes`` (checked by the caller)."""
    if connection.vendor == "postgresql":
        either = Q()
        for code in codes:
            either |= Q(**{f"{field}__contains": [code]})
        return found.filter(either)
    # SQLite has no JSON containment: the list's text holds the quoted code.
    alias = field.replace("__", "_") + "_text"
    found = found.alias(**{alias: Cast(field, TextField())})
    either = Q()
    for code in codes:
        either |= Q(**{f"{alias}__contains": f'"{code}"'})
    return found.filter(either)


def directory(filters: Filters) -> QuerySet:
    """The listed organisations that match, best first (PostgreSQL) or by name."""
    found = listed()
    if filters.category in Category.values:
        found = _holds(found, "public_profile__categories", [filters.category])
    if filters.age_group in AgeGroup.values:
        # An organisation for all ages is for each of them too.
        codes = {filters.age_group, AgeGroup.ALL.value}
        found = _holds(found, "public_profile__age_groups", sorted(codes))
    if filters.site:
        found = found.filter(public_profile__sites=filters.site)
    q = " ".join((filters.q or "").split())[:MAX_QUERY_LENGTH]
    if not q:
        return found.order_by("name", "id")
    if connection.vendor == "postgresql":
        return _search_postgresql(found, q)
    return _search_icontains(found, q).order_by("name", "id")


def page_of(found: QuerySet, *, offset: int, limit: int) -> tuple[list, int]:
    """One page of the results and how many there are in all, in one statement: the
    total is a window over the same query, so a search pays for its matching once, not
    once for the count and again for the page."""
    rows = list(found.annotate(found_total=Window(Count("pk")))[offset : offset + limit])
    if rows:
        return rows, rows[0].found_total
    return [], found.count() if offset else 0
