"""A demo municipality, Fjordvik kommune, with one login per role.

Idempotent: everything is found by its natural key (username, organisation number,
site name, room name within its site, facility code) and only made when missing; the
demo bookings are made only while the demo people have none. Bookings go through
``booking_create`` like any other, so they obey the rooms' rules.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking import services
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
from booking.timeutil import to_local, wall_time
from config.errors import ConflictError

LENDING_NOTE = (
    "The lending centre is a site without equipment for now: the lending models "
    "(item types, units, loans) come with a later issue."
)

FACILITIES = [
    ("projector", "Prosjektor", "Projector"),
    ("kitchen", "Kjøkken", "Kitchen"),
    ("wheelchair-access", "Rullestoltilgang", "Wheelchair access"),
    ("hearing-loop", "Teleslynge", "Hearing loop"),
    ("sound-system", "Lydanlegg", "Sound system"),
    ("piano", "Piano", "Piano"),
    ("changing-rooms", "Garderober", "Changing rooms"),
    ("whiteboard", "Tavle", "Whiteboard"),
]

SCHOOL, INNBYGGERTORG, LENDING = Site.Kind.SCHOOL, Site.Kind.INNBYGGERTORG, Site.Kind.LENDING_CENTRE
SITES = [
    ("Bjørkelia skole", SCHOOL, "Bjørkeliveien 10, 4870 Fjordvik"),
    ("Solbakken ungdomsskole", SCHOOL, "Solbakkveien 4, 4871 Fjordvik"),
    ("Fjordvik innbyggertorg", INNBYGGERTORG, "Rådhusplassen 1, 4870 Fjordvik"),
    ("Utlånssentralen i Fjordvik frivilligsentral", LENDING, "Torget 3, 4870 Fjordvik"),
]

# School rooms only outside school hours; the innbyggertorg from morning to evening.
WEEKDAYS, WEEKEND = range(5), range(5, 7)
SCHOOL_HOURS = [(d, dt.time(16), dt.time(22)) for d in WEEKDAYS] + [
    (d, dt.time(9), dt.time(21)) for d in WEEKEND
]
TORG_HOURS = [(d, dt.time(8), dt.time(22)) for d in range(7)]


@dataclass(frozen=True)
class RoomSpec:
    site: str
    name: str
    capacity: int
    price: str
    facilities: tuple[str, ...]
    requires_approval: bool = False
    slot_step: int = 30
    max_minutes: int = 480
    min_notice: int = 60


ROOMS = [
    RoomSpec(
        "Bjørkelia skole",
        "Gymsal",
        60,
        "600.00",
        ("changing-rooms", "wheelchair-access", "sound-system"),
    ),
    RoomSpec("Bjørkelia skole", "Klasserom 5A", 28, "200.00", ("projector", "whiteboard")),
    RoomSpec("Bjørkelia skole", "Skolekjøkkenet", 16, "350.00", ("kitchen", "wheelchair-access")),
    RoomSpec(
        "Solbakken ungdomsskole",
        "Aulaen",
        200,
        "1500.00",
        ("projector", "sound-system", "hearing-loop", "piano", "wheelchair-access"),
        requires_approval=True,
        slot_step=60,
        max_minutes=720,
        min_notice=2 * 24 * 60,
    ),
    RoomSpec("Solbakken ungdomsskole", "Musikkrommet", 25, "300.00", ("piano", "sound-system")),
    RoomSpec(
        "Fjordvik innbyggertorg",
        "Storsalen",
        120,
        "900.00",
        ("projector", "sound-system", "hearing-loop", "kitchen", "wheelchair-access"),
    ),
    RoomSpec(
        "Fjordvik innbyggertorg",
        "Møterom Fjorden",
        12,
        "250.00",
        ("projector", "hearing-loop", "wheelchair-access", "whiteboard"),
    ),
    RoomSpec(
        "Fjordvik innbyggertorg", "Møterom Lia", 8, "150.00", ("whiteboard", "wheelchair-access")
    ),
]

# Brønnøysundregistrene issues numbers beginning with 8 or 9; these begin with 1, so they
# pass the modulus-11 check without naming a real organisation.
VOLUNTARY, COMMERCIAL = Organisation.Category.VOLUNTARY, Organisation.Category.COMMERCIAL
ORGANISATIONS = [
    ("100000016", "Fjordvik Sjakklubb", VOLUNTARY, True, "post@sjakk.example.org"),
    ("100000024", "Fjordvik Skolekorps", VOLUNTARY, True, "styret@korps.example.org"),
    ("100000032", "Fjordvik Regnskap AS", COMMERCIAL, False, "post@regnskap.example.com"),
    ("100000040", "Fjordvik Seniordans", VOLUNTARY, False, "dans@seniordans.example.org"),
]
SJAKK, KORPS, REGNSKAP = "100000016", "100000024", "100000032"
ORGANISATION_NAMES = {number: name for number, name, *_ in ORGANISATIONS}

ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER


@dataclass(frozen=True)
class UserSpec:
    username: str
    name: str
    phone: str
    role: str = ""  # shown in the logins; members' roles are told by their membership
    org: str | None = None
    org_role: str = MEMBER
    group: str | None = None


CARETAKER_SITE = "Bjørkelia skole"
USERS = [
    UserSpec("demo-member", "Kari Nordmann", "+47 400 00 001", org=SJAKK, org_role=ADMIN),
    UserSpec("demo-member2", "Ola Hansen", "+47 400 00 002", org=KORPS),
    UserSpec("demo-business", "Ingrid Berg", "+47 400 00 003", org=REGNSKAP),
    UserSpec("demo-private", "Per Johansen", "+47 400 00 004", "private person, no organisation"),
    UserSpec("demo-officer", "Anne Lie", "+47 400 00 005", "booking officer", group=OFFICER_GROUP),
    UserSpec("demo-caretaker", "Jan Dahl", "+47 400 00 006", f"caretaker of {CARETAKER_SITE}"),
    UserSpec("demo-counter", "Liv Moe", "+47 400 00 007", "lending counter", group=COUNTER_GROUP),
]  # fmt: skip

# What booking officers manage in the Django admin (sites, rooms, hours, closures, …).
OFFICER_PERMISSIONS = {
    "site": ("view", "add", "change"),
    "room": ("view", "add", "change"),
    "openinghours": ("view", "add", "change", "delete"),
    "closure": ("view", "add", "change", "delete"),
    "facility": ("view", "add", "change"),
    "organisation": ("view", "change"),
    "membership": ("view", "add", "change", "delete"),
    "booking": ("view", "change"),
}


@dataclass(frozen=True)
class BookingSpec:
    site: str
    room: str
    booker: str
    organisation: str | None
    weekday: int
    start: dt.time
    end: dt.time
    title: str
    attendees: int
    public: bool = False
    children_and_youth: bool = False
    notes: str = ""
    approve: bool = False


BOOKINGS = [
    BookingSpec(
        "Bjørkelia skole", "Klasserom 5A", "demo-member", SJAKK, 1, dt.time(18), dt.time(20),
        "Sjakktrening for barn og unge", 16, public=True, children_and_youth=True,
        notes="Pultene i rekker, åtte brett. Vi rydder selv.",
    ),
    BookingSpec(
        "Fjordvik innbyggertorg", "Møterom Fjorden", "demo-member", SJAKK, 2, dt.time(19),
        dt.time(21), "Styremøte", 6,
    ),
    BookingSpec(
        "Solbakken ungdomsskole", "Musikkrommet", "demo-member2", KORPS, 0, dt.time(17, 30),
        dt.time(19, 30), "Korpsøvelse", 22, children_and_youth=True,
        notes="Notestativene står i boden; nøkkel hentes hos vaktmester.",
    ),
    BookingSpec(
        "Solbakken ungdomsskole", "Aulaen", "demo-member2", KORPS, 3, dt.time(18), dt.time(20),
        "Konsert med Fjordvik skolekorps", 150, public=True, children_and_youth=True,
        notes="Stoler til 150 og scenepodiet fremme.",
    ),
    BookingSpec(
        "Solbakken ungdomsskole", "Aulaen", "demo-member", SJAKK, 5, dt.time(10), dt.time(16),
        "Åpen sjakkturnering", 80, public=True, children_and_youth=True, approve=True,
    ),
    BookingSpec(
        "Fjordvik innbyggertorg", "Storsalen", "demo-business", REGNSKAP, 4, dt.time(9),
        dt.time(15), "Kurs: regnskap for småbedrifter", 40, notes="Kaffe til 40 kl. 12.",
    ),
    BookingSpec(
        "Fjordvik innbyggertorg", "Storsalen", "demo-private", None, 5, dt.time(13), dt.time(18),
        "Konfirmasjonsselskap", 50, notes="Langbord og stoler til 50.",
    ),
]  # fmt: skip

# A booking goes on the first fitting day from this many days ahead, so it is bookable
# (notice) and within the coming two weeks; if that day does not fit, a week later.
FIRST_DAY, WEEKS_TO_TRY = 3, 4


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
            users = self._users(password, organisations, sites)
            bookings = self._bookings(rooms, organisations, users)
            self._closure(rooms)
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
                    voluntary_verified=verified,
                    contact_email=email,
                    contact_phone="+47 22 00 00 00",
                )
                organisation.full_clean()
                organisation.save()
                self._made(True)
            found[number] = organisation
        return found

    def _users(self, password, organisations, sites) -> dict[str, object]:
        User = get_user_model()
        groups = {}
        for name in (OFFICER_GROUP, COUNTER_GROUP):
            groups[name], created = Group.objects.get_or_create(name=name)
            self._made(created)
        groups[OFFICER_GROUP].permissions.add(*self._officer_permissions())
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

    def _officer_permissions(self) -> list[Permission]:
        codenames = [
            f"{action}_{model}"
            for model, actions in OFFICER_PERMISSIONS.items()
            for action in actions
        ]
        return list(
            Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
        )

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
