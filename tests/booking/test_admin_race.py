"""An organisation never has zero administrators, even when its two administrators both
step away at the same moment (real PostgreSQL connections, one per thread)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from booking import organisations
from booking.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROUNDS = 50
KINDS = ("leave", "demote", "leave+demote", "remove")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")


def _hold_membership_writes(expected: int = 2):
    """Hold every change to memberships until ``expected`` transactions wait for a lock.

    SHARE ROW EXCLUSIVE blocks UPDATE and DELETE but not SELECT: each side has counted the
    administrators before either writes (or, with the guard, waits for the organisation's
    row lock while the other holds it); when the lock lifts, only the guard decides.
    """
    import psycopg

    locker = psycopg.connect(**connection.get_connection_params())
    cursor = locker.cursor()
    cursor.execute("LOCK TABLE booking_membership IN SHARE ROW EXCLUSIVE MODE")

    def release():
        deadline = time.monotonic() + 30
        waiting = 0
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> "
                "pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
            if waiting >= expected:
                break
            time.sleep(0.005)
        locker.commit()
        locker.close()
        assert waiting >= expected, f"only {waiting} changes reached their lock"

    return release


def _step_away(kind: str, me, other, organisation: Organisation, side: int):
    """One administrator's move: leave, step down, or remove the other administrator."""
    mine = Membership.objects.get(organisation=organisation, user=me)
    theirs = Membership.objects.get(organisation=organisation, user=other)
    if kind == "leave" or (kind == "leave+demote" and side == 0):
        return lambda: organisations.membership_leave(organisation=organisation, by=me)
    if kind in ("demote", "leave+demote"):
        return lambda: organisations.membership_set_role(membership=mine, role="member", by=me)
    return lambda: organisations.membership_remove(membership=theirs, by=me)


def _round(kind: str, ann, ben, *, hold: bool) -> tuple[list[str], int]:
    """Ann and Ben, the two administrators of a new organisation, step away at once.
    Returns each side's outcome and the administrators left."""
    organisation = OrganisationFactory()
    for user in (ann, ben):
        MembershipFactory(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    moves = [
        _step_away(kind, ann, ben, organisation, 0),
        _step_away(kind, ben, ann, organisation, 1),
    ]
    barrier = threading.Barrier(2)

    def run(move):
        barrier.wait()
        try:
            move()
            return "done"
        except (ValidationError, PermissionDenied):
            return "refused"
        finally:
            connections.close_all()

    release = _hold_membership_writes() if hold else None
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(run, move) for move in moves]
        if release is not None:
            release()
        outcomes = [f.result() for f in futures]
    admins = Membership.objects.filter(organisation=organisation, role="admin").count()
    return outcomes, admins


def test_two_admins_stepping_away_at_once_leave_one_admin():
    """50 rounds of leave/leave, step down/step down, leave/step down and remove each
    other; every other group of rounds holds both at their write until both have read.
    One of the two always wins and the other is refused: one administrator remains."""
    ann, ben = UserFactory(username="ann"), UserFactory(username="ben")
    results = []
    for n in range(ROUNDS):
        kind = KINDS[n % len(KINDS)]
        outcomes, admins = _round(kind, ann, ben, hold=(n // len(KINDS)) % 2 == 0)
        results.append((kind, sorted(outcomes), admins))
    wrong = [r for r in results if r[2] != 1 or r[1] != ["done", "refused"]]
    assert wrong == [], wrong


def test_without_the_organisation_lock_both_step_away(monkeypatch):
    """The guard switched off (the organisation is read without FOR UPDATE): both see the
    other administrator, both go, and the organisation is left with none."""
    monkeypatch.setattr(
        organisations, "lock_organisation", lambda pk: Organisation.objects.get(pk=pk)
    )
    ann, ben = UserFactory(username="ann"), UserFactory(username="ben")
    orphaned = 0
    for n in range(len(KINDS) * 2):
        _outcomes, admins = _round(KINDS[n % len(KINDS)], ann, ben, hold=True)
        orphaned += admins == 0
    print(f"without the lock: {orphaned} of {len(KINDS) * 2} organisations lost every admin")
    assert orphaned > 0
