"""What the demo municipality, Fjordvik kommune, holds: sites, rooms, people, bookings."""

import datetime as dt
from dataclasses import dataclass

from booking.models import (
    Membership,
    Organisation,
    Site,
)
from booking.roles import COUNTER_GROUP, OFFICER_GROUP

LENDING_NOTE = (
    "The lending centre has equipment with barcodes FV-0101 … FV-0806, two borrowers, "
    "one loan out, one overdue and a reservation: see /lending/ and, as demo-counter, "
    "/lending/counter/."
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
