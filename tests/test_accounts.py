"""Accounts through django-allauth: sign-up, confirmation, login by username or email,
logout, password reset, change of email; the lockout on its login form; the mails through
our outbox; and the gate that holds back the first booking or reservation until the email
address is confirmed."""

import datetime as dt
import json
import re

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from booking import roles, services
from booking.models import Booking
from booking.series import series_create
from config.errors import EmailUnverified
from lending import services as lending_services
from lending.models import Reservation
from notifications import services as notification_services
from notifications.models import Message
from tests.conftest import next_weekday_at
from tests.factories import (
    BorrowerFactory,
    CentreFactory,
    ItemTypeFactory,
    MembershipFactory,
    RoomFactory,
    UserFactory,
)
from tests.lending.conftest import days_from_today

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Sommer-i-Ås-2027"
GATE = "Bekreft e-postadressen din før du booker"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth's per-address and per-client limits live in the cache, shared by tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the outbox's after-commit sends as they are queued, and give the mails."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            response = action()
        return response

    return run


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+/)", message.body).group(1)


def sign_up(client, sent, email="ny@example.org"):
    response = sent(
        lambda: client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=email)


@pytest.fixture
def newcomer(sent):
    """Someone who signed up on their own and has not yet opened the confirmation mail."""
    client = Client()
    user = sign_up(client, sent)
    organisation = MembershipFactory(user=user).organisation
    return user, client, organisation


# Sign-up, confirmation, login, logout


def test_signing_up_records_an_unconfirmed_address_and_mails_the_link_through_the_outbox(sent):
    client = Client()
    user = sign_up(client, sent)
    assert client.session["_auth_user_id"] == str(user.pk)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ny@example.org", False, True)
    assert not roles.email_verified(user)
    row = Message.objects.get(recipient="ny@example.org")
    assert (row.template, row.channel, row.status) == ("account_mail", "email", "sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ny@example.org"]
    assert mail.outbox[0].subject.startswith("Lokale: ")
    assert mail.outbox[0].extra_headers["X-Lokale-Message"] == row.idempotency_key
    confirm = link_in(mail.outbox[0])
    assert confirm.startswith("/accounts/confirm-email/")
    page = client.get(confirm)
    assert page.status_code == 200 and "ny@example.org" in page.content.decode()
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert roles.email_verified(User.objects.get(pk=user.pk))


def test_the_confirmation_is_recorded_before_it_is_sent_and_sent_by_the_outbox(db):
    Client().post(
        "/accounts/signup/",
        {"email": "ny@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )  # the test's transaction never commits: nothing is sent
    row = Message.objects.get(recipient="ny@example.org")
    assert row.status == "queued" and not mail.outbox
    assert notification_services.send_message(row.pk).status == "sent"
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert notification_services.send_message(row.pk).status == "skipped"
    assert len(mail.outbox) == 1


def test_an_email_already_in_use_makes_no_second_account(people, sent):
    before = User.objects.count()
    Client().post(
        "/accounts/signup/",
        {"email": "ALICE@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.count() == before


def test_a_weak_password_is_refused_on_the_form(db):
    response = Client().post(
        "/accounts/signup/", {"email": "ny@example.org", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="ny@example.org").exists()


@pytest.mark.parametrize("login", ["alice", "alice@example.org", "ALICE@example.org"])
def test_login_by_username_or_by_email(people, login):
    client = Client()
    response = client.post("/accounts/login/", {"login": login, "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people.alice.pk)


def test_logout_asks_first_and_happens_on_post(people):
    client = Client()
    client.force_login(people.alice)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and "_auth_user_id" in client.session
    assert 'action="/accounts/logout/"' in page.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_pages_speak_bokmal_with_allauths_own_translations(db):
    text = Client().get("/accounts/login/").content.decode()
    assert '<html lang="nb">' in text
    assert "Logg inn" in text and "Brukernavn eller e-post" in text and "Sign In" not in text
    signup = Client().get("/accounts/signup/").content.decode()
    assert "Registrer deg" in signup and "Har du allerede en konto?" in signup


# Password reset and change of email


def test_password_reset_by_email_sets_a_new_password(people, sent):
    client = Client()
    reset = {"email": "alice@example.org"}
    response = sent(lambda: client.post("/accounts/password/reset/", reset))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert Message.objects.filter(recipient="alice@example.org", status="sent").count() == 1
    link = link_in(mail.outbox[0])
    assert "/accounts/password/reset/key/" in link
    row = Message.objects.get(recipient="alice@example.org")
    assert link.rsplit("/key/", 1)[1].strip("/") not in json.dumps(row.context)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "Vinter-på-Nesodden-9"
    done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    again = Client()
    assert again.post("/accounts/login/", {"login": "alice", "password": new}).status_code == 302
    assert again.session["_auth_user_id"] == str(people.alice.pk)


def test_a_reset_for_an_unknown_address_reveals_nothing(db, sent):
    response = sent(lambda: Client().post("/accounts/password/reset/", {"email": "x@example.org"}))
    assert response.status_code == 302
    assert not User.objects.exists()


def test_changing_the_email_takes_effect_once_the_new_address_is_confirmed(newcomer, sent):
    user, client, _org = newcomer
    client.post(link_in(mail.outbox[0]))  # the first address, confirmed
    mail.outbox.clear()
    response = sent(
        lambda: client.post("/accounts/email/", {"action_add": "", "email": "nytt@example.org"})
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ny@example.org"
    assert mail.outbox[0].to == ["nytt@example.org"]
    client.post(link_in(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email == "nytt@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("nytt@example.org", True)
    ]


def test_the_last_address_cannot_be_removed(newcomer):
    user, client, _org = newcomer
    client.post("/accounts/email/", {"action_remove": "", "email": "ny@example.org"})
    assert EmailAddress.objects.filter(user=user, email="ny@example.org").exists()
    assert not roles.email_verified(User.objects.get(pk=user.pk))


# The gate: a confirmed address before the first booking or reservation


def test_who_counts_as_verified(people):
    assert roles.email_verified(people.alice)  # made by staff: no address recorded
    EmailAddress.objects.create(user=people.bob, email="bob@example.org", verified=False)
    assert not roles.email_verified(User.objects.get(pk=people.bob.pk))
    EmailAddress.objects.create(user=people.bob, email="b2@example.org", verified=True)
    assert roles.email_verified(User.objects.get(pk=people.bob.pk))
    from django.contrib.auth.models import AnonymousUser

    assert not roles.email_verified(AnonymousUser())
    assert not roles.email_verified(None)


@pytest.mark.parametrize("visit", ["account page", "password reset"])
def test_a_staff_made_account_stays_vouched_for_when_allauth_records_its_address(
    people, sent, visit
):
    client = Client()
    client.force_login(people.alice)
    if visit == "account page":
        assert client.get("/accounts/email/").status_code == 200
    else:
        sent(lambda: client.post("/accounts/password/reset/", {"email": "alice@example.org"}))
        assert len(mail.outbox) == 1
    address = EmailAddress.objects.get(user=people.alice)
    assert (address.email, address.verified) == ("alice@example.org", True)
    assert roles.email_verified(User.objects.get(pk=people.alice.pk))


def booking_body(organisation):
    start = next_weekday_at(1, 18)
    return {"room": RoomFactory().pk, "organisation": organisation.pk, "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(), "title": "Øvelse",
            "attendees": 10}  # fmt: skip


def test_an_unconfirmed_person_cannot_book_in_the_service_the_api_or_on_the_web(newcomer):
    user, client, organisation = newcomer
    start = next_weekday_at(1, 18)
    room = RoomFactory()
    with pytest.raises(EmailUnverified):
        services.booking_create(
            room=room, organisation=organisation, by=user, start=start,
            end=start + dt.timedelta(hours=2), title="Øvelse", attendees=10,
        )  # fmt: skip
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/v1/bookings/", booking_body(organisation), format="json")
    assert response.status_code == 403
    assert GATE in response.json()["detail"]
    page = client.post(
        f"/rooms/{room.pk}/book/",
        {"organisation": organisation.pk, "date": start.date(), "start_time": "18:00",
         "end_time": "20:00", "title": "Øvelse", "attendees": 10},
    )  # fmt: skip
    assert page.status_code == 403
    text = page.content.decode()
    assert GATE in text and 'name="action_send"' in text and "ny@example.org" in text
    assert Booking.objects.count() == 0


def test_an_unconfirmed_person_cannot_book_a_series(newcomer):
    user, client, organisation = newcomer
    first = next_weekday_at(1, 18).date()
    room = RoomFactory()
    with pytest.raises(EmailUnverified):
        series_create(
            room=room, organisation=organisation, by=user, weekdays=[1],
            start_time=dt.time(18), end_time=dt.time(20), first=first,
            until=first + dt.timedelta(weeks=3), title="Øvelse", attendees=10,
        )  # fmt: skip
    api = APIClient()
    api.force_authenticate(user)
    body = {**booking_body(organisation), "room": room.pk,
            "recurrence": {"weekdays": [1], "until": str(first + dt.timedelta(weeks=3))},
            "preview": False}  # fmt: skip
    response = api.post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 403 and GATE in response.json()["detail"]
    page = client.post(
        f"/rooms/{room.pk}/book/",
        {"organisation": organisation.pk, "date": first, "start_time": "18:00",
         "end_time": "20:00", "title": "Øvelse", "attendees": 10, "weekdays": [1],
         "repeat_until": first + dt.timedelta(weeks=3), "action": "confirm"},
    )  # fmt: skip
    assert page.status_code == 403 and GATE in page.content.decode()
    assert Booking.objects.count() == 0


def test_an_unconfirmed_person_cannot_reserve_equipment(newcomer):
    user, client, _org = newcomer
    tent = ItemTypeFactory(centre=CentreFactory(), name="Telt", units=3)
    with pytest.raises(EmailUnverified):
        lending_services.reservation_create(
            by=user, borrower=BorrowerFactory(user=user), item_type=tent, quantity=1,
            start=days_from_today(1), end=days_from_today(2),
        )  # fmt: skip
    api = APIClient()
    api.force_authenticate(user)
    body = {"item_type": tent.pk, "quantity": 1, "start": str(days_from_today(1)),
            "end": str(days_from_today(2))}  # fmt: skip
    response = api.post("/api/v1/lending/reservations/", body, format="json")
    assert response.status_code == 403 and GATE in response.json()["detail"]
    page = client.post(f"/lending/item-types/{tent.pk}/reserve/", {
        "quantity": 1, "start": days_from_today(1), "end": days_from_today(2)})  # fmt: skip
    assert page.status_code == 403 and GATE in page.content.decode()
    assert Reservation.objects.count() == 0


def test_once_confirmed_the_newcomer_books(newcomer, sent):
    user, client, organisation = newcomer
    client.post(link_in(mail.outbox[0]))
    mail.outbox.clear()
    sent(lambda: client.post("/accounts/email/", {"action_send": "", "email": "ny@example.org"}))
    api = APIClient()
    api.force_authenticate(User.objects.get(pk=user.pk))
    response = api.post("/api/v1/bookings/", booking_body(organisation), format="json")
    assert response.status_code == 201, response.json()


def test_the_gate_page_sends_the_confirmation_again(newcomer, sent):
    user, client, _org = newcomer
    mail.outbox.clear()
    cache.clear()  # allauth lets one confirmation mail go per address every three minutes
    response = sent(
        lambda: client.post("/accounts/email/", {"action_send": "", "email": "ny@example.org"})
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ny@example.org"]]
    client.post(link_in(mail.outbox[0]))
    assert roles.email_verified(User.objects.get(pk=user.pk))


# The lockout on allauth's login form


@pytest.mark.parametrize("login", ["alice", "alice@example.org"])
def test_the_login_form_locks_after_the_failure_limit(people, settings, login):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"login": login, "password": "feil"})
        assert response.status_code == 200
        assert response.context["form"].errors
    locked = client.post("/accounts/login/", {"login": login, "password": "feil"})
    assert locked.status_code == 429
    assert "Innloggingen er sperret" in locked.content.decode()
    right = client.post("/accounts/login/", {"login": login, "password": "secret-pass-123"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == login


def test_changing_the_case_of_the_name_does_not_reset_the_count(people, settings):
    client = Client()
    spellings = ["alice", "Alice", "ALICE", "aLiCe", "ALICe", "alicE"]
    for login in spellings[: settings.AXES_FAILURE_LIMIT]:
        client.post("/accounts/login/", {"login": login, "password": "feil"})
    right = client.post("/accounts/login/", {"login": "alice", "password": "secret-pass-123"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "login", ["a" * 256, "a" * 5000, "alice\x00", "x@" + "e" * 300 + ".no"], ids=str.__len__
)
def test_an_impossible_login_is_a_form_error(people, login):
    response = Client().post("/accounts/login/", {"login": login, "password": "feil"})
    assert response.status_code == 200
    assert response.context["form"].errors["login"]
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_locked_signed_up_person_is_locked_by_email_too(sent, settings):
    sign_up(Client(), sent)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"login": "ny@example.org", "password": "feil"})
    right = client.post("/accounts/login/", {"login": "ny@example.org", "password": PASSWORD})
    assert right.status_code == 429


def test_staff_made_accounts_book_without_confirming(people, client_for):
    user = UserFactory(username="vouched")
    organisation = MembershipFactory(user=user).organisation
    response = client_for(user).post("/api/v1/bookings/", booking_body(organisation), format="json")
    assert response.status_code == 201, response.json()
