"""The admin writes through the services and its actions declare who may use them."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.utils import timezone

from booking.models import Booking, Membership, OpeningHours
from lending.models import Reservation
from tests.factories import BookingFactory, BorrowerFactory, ItemTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_admin_action_declares_its_permissions():
    undeclared = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("booking", "lending"):
            continue
        for action in model_admin.actions or []:
            func = getattr(model_admin, action) if isinstance(action, str) else action
            permissions = getattr(func, "allowed_permissions", ())
            if not permissions or not all(
                hasattr(model_admin, f"has_{p}_permission") for p in permissions
            ):
                undeclared.append(f"{model.__name__}.{getattr(func, '__name__', action)}")
    assert undeclared == []


def staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def posted(response) -> dict:
    """What the admin page's form would post back unchanged: the form and its inlines."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif hasattr(field.widget, "widgets"):  # a split date and time
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        else:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None and value is not False:
                    data[f"{row.prefix}-{name}"] = value
    return data


def test_only_officers_get_the_booking_actions(people, client):
    pending = BookingFactory(room=people.room, status=Booking.Status.PENDING)
    client.force_login(staff(people.carl, "view_booking", "change_booking"))
    page = client.get("/admin/booking/booking/")
    action_form = page.context["action_form"]
    offered = dict(action_form.fields["action"].choices) if action_form else {}
    assert not {"approve", "reject", "cancel"} & set(offered)
    client.post("/admin/booking/booking/", {"action": "approve", "_selected_action": [pending.pk]})
    assert Booking.objects.get(pk=pending.pk).status == Booking.Status.PENDING

    client.force_login(staff(people.olga, "view_booking", "change_booking"))
    offered = dict(
        client.get("/admin/booking/booking/").context["action_form"].fields["action"].choices
    )
    # Rejecting needs a reason for the organisation, which an admin action cannot ask for.
    assert {"approve", "cancel"} <= set(offered) and "reject" not in offered
    client.post("/admin/booking/booking/", {"action": "approve", "_selected_action": [pending.pk]})
    assert Booking.objects.get(pk=pending.pk).status == Booking.Status.CONFIRMED


MEMBERSHIP_PERMISSIONS = (
    "view_organisation", "change_organisation", "view_membership", "add_membership",
    "change_membership", "delete_membership",
)  # fmt: skip


def test_memberships_in_the_admin_go_through_the_services(people, client):
    """A staff member who is neither an officer nor the organisation's administrator
    cannot make themself its administrator in the admin; an officer adds, changes and
    removes members."""
    url = f"/admin/booking/organisation/{people.org_b.pk}/change/"
    client.force_login(staff(people.carl, *MEMBERSHIP_PERMISSIONS))
    data = posted(client.get(url))
    data["memberships-TOTAL_FORMS"] = "2"
    data.update({"memberships-1-user": people.carl.pk, "memberships-1-role": "admin"})
    assert client.post(url, data).status_code == 403
    assert not Membership.objects.filter(user=people.carl).exists()

    nina = UserFactory(username="nina")
    client.force_login(staff(people.olga, *MEMBERSHIP_PERMISSIONS))
    data = posted(client.get(url))
    data["memberships-TOTAL_FORMS"] = "2"
    data.update({"memberships-0-role": "admin"})
    data.update({"memberships-1-user": nina.pk, "memberships-1-role": "member"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert dict(people.org_b.memberships.values_list("user__username", "role")) == {
        "bob": "admin",
        "nina": "member",
    }
    data = posted(client.get(url))
    bob_row = next(
        k.removesuffix("-user")
        for k, v in data.items()
        if k.endswith("-user") and str(v) == str(people.bob.pk)
    )
    data[f"{bob_row}-DELETE"] = "on"
    last_admin = client.post(url, data)
    assert last_admin.status_code == 200 and "administrator" in last_admin.content.decode()
    nina_row = next(k.removesuffix("-user") for k, v in data.items()
                    if k.endswith("-user") and str(v) == str(nina.pk))  # fmt: skip
    data[f"{nina_row}-role"] = "admin"
    assert client.post(url, data).status_code == 302
    assert list(people.org_b.memberships.values_list("user__username", flat=True)) == ["nina"]


def test_opening_hours_in_the_admin_replace_the_week_through_the_service(people, client):
    url = f"/admin/booking/room/{people.room.pk}/change/"
    hours = ("view_openinghours", "add_openinghours", "change_openinghours", "delete_openinghours")
    client.force_login(staff(people.olga, "view_room", "change_room", *hours))
    data = posted(client.get(url))
    rows = int(data["opening_hours-TOTAL_FORMS"])
    assert rows == 7
    for i in range(1, rows):
        data[f"opening_hours-{i}-DELETE"] = "on"
    data.update({"opening_hours-0-opens": "08:00", "opening_hours-0-closes": "16:00"})
    data["opening_hours-TOTAL_FORMS"] = str(rows + 1)
    data.update({f"opening_hours-{rows}-weekday": "0", f"opening_hours-{rows}-opens": "18:00",
                 f"opening_hours-{rows}-closes": "00:00"})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(people.room.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, dt.time(8), dt.time(16)),
        (0, dt.time(18), dt.time(0)),
    ]

    data = posted(client.get(url))
    data.update({"opening_hours-0-opens": "16:00", "opening_hours-0-closes": "08:00"})
    assert client.post(url, data).status_code == 200  # the form names the error
    assert OpeningHours.objects.filter(room=people.room).count() == 2


def test_reservations_are_not_typed_in_raw_and_are_cancelled_through_the_service(people, client):
    tent = ItemTypeFactory(units=1)
    today = timezone.localdate()
    held = Reservation.objects.create(
        borrower=BorrowerFactory(), item_type=tent, quantity=1, start=today, end=today
    )
    client.force_login(staff(people.carl, "view_reservation", "add_reservation",
                             "change_reservation"))  # fmt: skip
    assert client.get("/admin/lending/reservation/add/").status_code == 403
    client.post("/admin/lending/reservation/", {"action": "cancel", "_selected_action": [held.pk]})
    assert Reservation.objects.get(pk=held.pk).status == Reservation.Status.ACTIVE

    client.force_login(staff(people.olga, "view_reservation", "change_reservation"))
    client.post("/admin/lending/reservation/", {"action": "cancel", "_selected_action": [held.pk]})
    assert Reservation.objects.get(pk=held.pk).status == Reservation.Status.CANCELLED
