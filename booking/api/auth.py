"""Token authentication that reads, with the token and its user, what a request asks next.

DRF's own check reads the token with its user; a booking then reads whether the person
has confirmed an email address (booking.roles.email_verified), their profile (the
language of the confirmation) and their organisations (may they book for this one?),
and a room's week reads their roles (is an officer, a caretaker?). This reads all of it
in one statement, with correlated subqueries that each find their rows by index, so a
booking made with a token costs three queries fewer and a room's week two; the answers
are the same as booking.roles gives (tests/booking/test_create_queries.py).

The statement is written once per process from the models' own tables and columns
(``_statement``), not built by the ORM per request: built per request, its six
subqueries cost ~5 ms of Python, more than the rest of the check together.
"""

from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from booking import roles
from booking.models import Membership, Profile, Site


def _columns(model, alias: str) -> tuple[list[str], list[str]]:
    fields = model._meta.concrete_fields
    return [f'{alias}."{f.column}"' for f in fields], [f.attname for f in fields]


@cache
def _statement(vendor: str) -> tuple[str, list[str], list[str], list[str]]:
    """The SQL, and the attribute names of the token's, the user's and the profile's
    columns in the order it returns them (then the six answers)."""
    user_model = get_user_model()
    token_sql, token_names = _columns(Token, "t")
    user_sql, user_names = _columns(user_model, "u")
    profile_sql, profile_names = _columns(Profile, "p")
    ids = (
        "string_agg(m.organisation_id::text, ',')"
        if vendor == "postgresql"
        else "group_concat(m.organisation_id, ',')"
    )
    groups = user_model.groups.through._meta.db_table
    caretakers = Site.caretakers.through._meta.db_table

    def in_group(name: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {groups} ug JOIN {Group._meta.db_table} g "  # noqa: S608
            f"ON g.id = ug.group_id WHERE ug.user_id = t.user_id AND g.name = '{name}')"
        )  # our constant group names

    addresses = EmailAddress._meta.db_table
    sql = f"""
        SELECT {", ".join(token_sql + user_sql + profile_sql)},
            EXISTS (SELECT 1 FROM {addresses} e WHERE e.user_id = t.user_id),
            EXISTS (SELECT 1 FROM {addresses} e WHERE e.user_id = t.user_id AND e.verified),
            (SELECT {ids} FROM {Membership._meta.db_table} m WHERE m.user_id = t.user_id),
            {in_group(roles.OFFICER_GROUP)},
            {in_group(roles.COUNTER_GROUP)},
            EXISTS (SELECT 1 FROM {caretakers} c WHERE c.user_id = t.user_id)
        FROM {Token._meta.db_table} t
        JOIN {user_model._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN {Profile._meta.db_table} p ON p.user_id = u.id
        WHERE t.key = %s
    """  # noqa: S608 (table and column names from the models, the key a parameter)
    return sql, token_names, user_names, profile_names


def read_token(key: str):
    """The token with its user (profile, email state, organisations and roles set as
    booking.roles keeps them), or None."""
    sql, token_names, user_names, profile_names = _statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    a, b = len(token_names), len(token_names) + len(user_names)
    c = b + len(profile_names)
    token = Token.from_db(connection.alias, token_names, row[:a])
    user = get_user_model().from_db(connection.alias, user_names, row[a:b])
    token.user = user
    if row[b] is not None:  # a profile's id: the person has one
        user.profile = Profile.from_db(connection.alias, profile_names, row[b:c])
    else:  # none, as select_related would have known: asking raises without a query
        user._state.fields_cache["profile"] = None  # Profile.user's related_name
    any_address, verified_address, organisation_ids, officer, counter, caretaker = row[c:]
    # As booking.roles.email_verified decides: confirmed, or no address recorded at all.
    if verified_address or not any_address:
        user._lokale_email_verified = True
    user._lokale_org_ids = {int(i) for i in str(organisation_ids or "").split(",") if i}
    # booking.roles asks only these three of a person's groups.
    user._lokale_groups = {
        name
        for name, member in (
            (roles.OFFICER_GROUP, officer),
            (roles.COUNTER_GROUP, counter),
            (roles.CARETAKER_MARK, caretaker),
        )
        if member
    }
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = read_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
