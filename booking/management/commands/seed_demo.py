"""A demo municipality, Fjordvik kommune, with one login per role.

Idempotent: everything is found by its natural key (username, organisation number,
site name, room name within its site, facility code) and only made when missing; the
demo bookings are made only while the demo people have none. Bookings go through
``booking_create`` like any other, so they obey the rooms' rules.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking import guidelines, services
from booking.management.commands._demo_data import (
    BOOKINGS,
    CARETAKER_SITE,
    FACILITIES,
    FIRST_DAY,
    GUIDELINES_EN,
    GUIDELINES_NB,
    GUIDELINES_NN,
    GUIDELINES_SITE,
    LENDING_NOTE,
    ORGANISATION_NAMES,
    ORGANISATIONS,
    ROOMS,
    SCHOOL,
    SCHOOL_HOURS,
    SITES,
    TORG_HOURS,
    USERS,
    WEEKS_TO_TRY,
    BookingSpec,
    UserSpec,
)
from booking.management.commands._demo_rooms import describe_rooms
from booking.models import (
    Booking,
    Closure,
    Facility,
    Membership,
    Organisation,
    Profile,
    Room,
    Site,
)
from booking.roles import COUNTER_GROUP, OFFICER_GROUP
from booking.signals import demo_seeded
from booking.timeutil import to_local, wall_time
from config.errors import ConflictError


class Command(BaseCommand):
    help = (
        "Build a demo municipality: two schools, an innbyggertorg and a lending centre, "
        "rooms with opening hours and prices, voluntary and commercial organisations, "
        "one login per role and a few bookings. Running it again changes nothing. " + LENDING_NOTE
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="demo", help="Password of every demo user (default: demo)."
        )

    def handle(self, *args, password: str, **options):
        if not password:
            raise CommandError("--password must not be empty.")
        self.created = 0  # objects made or passwords changed; zero on a second run
        with transaction.atomic():
            facilities = self._facilities()
            sites = self._sites()
            rooms = self._rooms(sites, facilities)
            organisations = self._organisations()
            self._register_sample()
            users = self._users(password, organisations, sites)
            self._guidelines(sites, users)
            bookings = self._bookings(rooms, organisations, users)
            self.created += describe_rooms(rooms, sites, users["demo-officer"])
            self._closure(rooms)
            for _receiver, made in demo_seeded.send(self.__class__, users=users, sites=sites):
                self.created += made
        self._report(users, password, bookings)

    def _made(self, created: bool) -> None:
        self.created += int(created)

    def _facilities(self) -> dict[str, Facility]:
        found = {}
        for slug, name_nb, name_en in FACILITIES:
            facility, created = Facility.objects.get_or_create(
                slug=slug, defaults={"name_nb": name_nb, "name_en": name_en}
            )
            self._made(created)
            found[slug] = facility
        return found

    def _sites(self) -> dict[str, Site]:
        found = {}
        for name, kind, address in SITES:
            site, created = Site.objects.get_or_create(
                name=name, defaults={"kind": kind, "address": address}
            )
            self._made(created)
            found[name] = site
        return found

    def _rooms(self, sites, facilities) -> dict[tuple[str, str], Room]:
        found = {}
        for spec in ROOMS:
            site = sites[spec.site]
            room, created = Room.objects.get_or_create(
                site=site,
                name=spec.name,
                defaults={
                    "capacity": spec.capacity,
                    "hourly_price": Decimal(spec.price),
                    "requires_approval": spec.requires_approval,
                    "slot_step_minutes": spec.slot_step,
                    "max_booking_minutes": spec.max_minutes,
                    "min_notice_minutes": spec.min_notice,
                },
            )
            if created:
                # Only a new room gets the demo's facilities and hours; edits made since stay.
                room.facilities.set([facilities[slug] for slug in spec.facilities])
                hours = SCHOOL_HOURS if site.kind == SCHOOL else TORG_HOURS
                services.opening_hours_set(room=room, windows=hours)
            self._made(created)
            found[spec.site, spec.name] = room
        return found

    def _organisations(self) -> dict[str, Organisation]:
        found = {}
        for number, name, category, verified, email in ORGANISATIONS:
            organisation = Organisation.objects.filter(org_number=number).first()
            if organisation is None:
                organisation = Organisation(
                    org_number=number,
                    name=name,
                    category=category,
                    # The demo's officer has checked these claims (organisation_verify).
                    verified_category=category if verified else "",
                    verified_at=timezone.now() if verified else None,
                    contact_email=email,
                    contact_phone="+47 22 00 00 00",
                    invoice_address=f"{name}\nPostboks 1\n1430 Fjordvik",
                    invoice_reference="Styret"
                    if category == Organisation.Category.VOLUNTARY
                    else "Regnskap",
                )
                organisation.full_clean()
                organisation.save()
                self._made(True)
            found[number] = organisation
        return found

    def _register_sample(self) -> None:
        """Enhetsregisteret's sample: the demo organisations and a few more to register."""
        from registry.importer import SAMPLE, import_units

        loaded = import_units(SAMPLE)
        self.created += loaded.created + loaded.updated

    def _users(self, password, organisations, sites) -> dict[str, object]:
        User = get_user_model()
        groups = {}
        for name in (OFFICER_GROUP, COUNTER_GROUP):
            groups[name], created = Group.objects.get_or_create(name=name)
            self._made(created)
        # The officer group's permissions come from migration booking 0009 (and lending 0003).
        found = {}
        for spec in USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.name.split()[0],
                    "last_name": spec.name.split()[1],
                    "email": f"{spec.username}@example.org",
                    "is_staff": spec.group == OFFICER_GROUP,
                },
            )
            self._made(created)
            # Hashing again with a new salt would change the row, so only when it differs.
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
                self._made(not created)
            _, created = Profile.objects.get_or_create(
                user=user, defaults={"phone": spec.phone, "language": "nb"}
            )
            self._made(created)
            if spec.org:
                _, created = Membership.objects.get_or_create(
                    user=user,
                    organisation=organisations[spec.org],
                    defaults={"role": spec.org_role},
                )
                self._made(created)
            if spec.group:
                groups[spec.group].user_set.add(user)
            found[spec.username] = user
        sites[CARETAKER_SITE].caretakers.add(found["demo-caretaker"])
        return found

    def _guidelines(self, sites, users) -> None:
        """The innbyggertorg's guidelines, published once by the demo officer."""
        site = sites[GUIDELINES_SITE]
        if guidelines.current_guidelines(site) is None:
            guidelines.guidelines_publish(
                site=site, by=users["demo-officer"], text_nb=GUIDELINES_NB,
                text_nn=GUIDELINES_NN, text_en=GUIDELINES_EN,
            )  # fmt: skip
            self._made(True)

    def _bookings(self, rooms, organisations, users) -> list[Booking]:
        demo_people = Q(booked_by__in=users.values()) | Q(organisation__in=organisations.values())
        if Booking.objects.filter(demo_people).exists():
            return []
        made = [self._book(spec, rooms, organisations, users) for spec in BOOKINGS]
        self.created += len(made)
        return made

    def _book(self, spec: BookingSpec, rooms, organisations, users) -> Booking:
        """Book on the first fitting day, through the same service as everyone else."""
        now = timezone.now()
        day = timezone.localdate(now) + dt.timedelta(days=FIRST_DAY)
        day += dt.timedelta(days=(spec.weekday - day.weekday()) % 7)
        error: Exception | None = None
        for _ in range(WEEKS_TO_TRY):
            try:
                booking = services.booking_create(
                    room=rooms[spec.site, spec.room],
                    organisation=organisations[spec.organisation] if spec.organisation else None,
                    by=users[spec.booker],
                    start=wall_time(day, spec.start),
                    end=wall_time(day, spec.end),
                    title=spec.title,
                    attendees=spec.attendees,
                    children_and_youth=spec.children_and_youth,
                    public=spec.public,
                    notes=spec.notes,
                    accept_guidelines=True,  # the demo people have read them
                    # A private booker is invoiced at home (the demo takes no payment).
                    payer_name="" if spec.organisation else users[spec.booker].get_full_name(),
                    payer_address="" if spec.organisation else "Lia 4\n1430 Fjordvik",
                    now=now,
                )
            except (ValidationError, ConflictError) as exc:
                error = exc
                day += dt.timedelta(weeks=1)
                continue
            if spec.approve:
                booking = services.booking_approve(
                    booking=booking, by=users["demo-officer"], note="Godkjent. Lykke til!"
                )
            return booking
        raise CommandError(f"Could not book {spec.room} for {spec.title!r}: {error}")

    def _closure(self, rooms) -> None:
        """The gym closed for floor maintenance three weeks ahead, once."""
        room = rooms["Bjørkelia skole", "Gymsal"]
        reason = "Vedlikehold: gulvet i gymsalen lakkeres"
        if Closure.objects.filter(room=room, reason=reason).exists():
            return
        first = timezone.localdate() + dt.timedelta(weeks=3)
        Closure.objects.create(
            room=room,
            reason=reason,
            start=wall_time(first, dt.time(0)),
            end=wall_time(first + dt.timedelta(days=3), dt.time(0)),
        )
        self.created += 1

    def _report(self, users, password, bookings) -> None:
        out = self.stdout
        if self.created:
            out.write(self.style.SUCCESS(f"Demo municipality ready ({self.created} changes)."))
        else:
            out.write("Demo municipality already in place: nothing changed.")
        out.write(
            f"{Site.objects.count()} sites, {Room.objects.count()} rooms, "
            f"{Organisation.objects.count()} organisations, {Booking.objects.count()} bookings."
        )
        for booking in sorted(bookings, key=lambda b: b.start):
            start, end = to_local(booking.start), to_local(booking.end)
            out.write(
                f"  {start:%a %d.%m %H:%M}–{end:%H:%M}  {booking.room.name}, "
                f"{booking.room.site.name}: {booking.title} ({booking.status})"
            )
        out.write(LENDING_NOTE)
        out.write("")
        out.write(f"{'username':<16} {'password':<10} role")
        for spec in USERS:
            out.write(f"{spec.username:<16} {password:<10} {self._role(spec)}")

    @staticmethod
    def _role(spec: UserSpec) -> str:
        if spec.org:
            return f"{spec.org_role} of {ORGANISATION_NAMES[spec.org]}"
        return spec.role
