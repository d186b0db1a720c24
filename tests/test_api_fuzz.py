"""Schemathesis over the whole API, in process (the WSGI app, the schema from /api/schema/),
anonymous and as a member with a token: no 5xx, every response in the schema, and only
status codes that the schema documents. A bounded number of examples per operation keeps
it to about a minute on each database."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_connection():
    """As Django's test client does: the app must not close the test's connection (and
    with it the transaction that is rolled back after each test) at the end of a request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(people):
    return Token.objects.create(user=people.alice).key


@schema.parametrize()
@BOUNDED
def test_anonymous(case, people):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_member(case, member_token):
    case.call_and_validate(headers={"Authorization": f"Token {member_token}"}, checks=CHECKS)
