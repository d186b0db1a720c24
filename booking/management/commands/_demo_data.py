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

# Modelled on the kind of «Retningslinjer for lån og leie av lokaler på innbyggertorgene»
# that municipalities publish; staff-entered text, so stored per language.
GUIDELINES_SITE = "Fjordvik innbyggertorg"
GUIDELINES_NB = "\n\n".join(
    [
        "Retningslinjer for lån og leie av lokaler på Fjordvik innbyggertorg",
        (
            "1. Lokalene lånes ut til frivillige organisasjoner, lag og foreninger, kommunale "
            "enheter og innbyggere. Arrangementet skal være åpent for alle eller for "
            "organisasjonens medlemmer. Lokalene kan ikke brukes til private fester."
        ),
        (
            "2. Den som booker, er ansvarlig for arrangementet og må være over 18 år. Ansvarlig "
            "person skal være til stede hele tiden."
        ),
        (
            "3. Lokalet skal forlates ryddig og i samme stand som det ble overtatt: stoler og "
            "bord settes på plass, søppel tas med eller kastes i kildesortering, og vinduer "
            "lukkes."
        ),
        "4. Alkohol er ikke tillatt. Røyking og bruk av levende lys er forbudt innendørs.",
        (
            "5. Antall personer skal ikke overstige det som er oppgitt for rommet. Rømningsveier "
            "skal holdes frie."
        ),
        (
            "6. Skader og feil meldes straks til vaktmester eller innbyggertorget. Leietaker kan "
            "bli erstatningsansvarlig for skader som skyldes uaktsomhet."
        ),
        (
            "7. Bookingen avbestilles så snart det er klart at lokalet ikke skal brukes, slik at "
            "andre kan få det. Gjentatt manglende oppmøte kan føre til at organisasjonen mister "
            "retten til å booke."
        ),
        (
            "8. Kommunen kan avlyse en booking ved behov, for eksempel ved beredskap eller "
            "vedlikehold. Berørte får beskjed så tidlig som mulig."
        ),
    ]
)
GUIDELINES_NN = "\n\n".join(
    [
        "Retningslinjer for lån og leige av lokale på Fjordvik innbyggjartorg",
        (
            "1. Lokala blir lånte ut til frivillige organisasjonar, lag og foreiningar, kommunale"
            " einingar og innbyggjarar. Arrangementet skal vere ope for alle eller for medlemmene"
            " i organisasjonen. Lokala kan ikkje brukast til private festar."
        ),
        (
            "2. Den som bookar, er ansvarleg for arrangementet og må vere over 18 år. Ansvarleg "
            "person skal vere til stades heile tida."
        ),
        (
            "3. Lokalet skal forlatast ryddig og i same stand som det vart overteke: stolar og "
            "bord blir sette på plass, boss blir teke med eller kasta i kjeldesortering, og "
            "vindauge blir lukka."
        ),
        "4. Alkohol er ikkje tillate. Røyking og bruk av levande lys er forbode innandørs.",
        (
            "5. Talet på personar skal ikkje vere høgare enn det som er oppgitt for rommet. "
            "Rømmingsvegar skal haldast frie."
        ),
        (
            "6. Skadar og feil blir melde straks til vaktmeister eller innbyggjartorget. "
            "Leigetakar kan bli erstatningsansvarleg for skadar som kjem av aktløyse."
        ),
        (
            "7. Bookinga blir avbestilt så snart det er klart at lokalet ikkje skal brukast, slik"
            " at andre kan få det. Gjenteke manglande oppmøte kan føre til at organisasjonen "
            "mistar retten til å booke."
        ),
        (
            "8. Kommunen kan avlyse ei booking ved behov, til dømes ved beredskap eller "
            "vedlikehald. Dei det gjeld, får melding så tidleg som mogleg."
        ),
    ]
)
GUIDELINES_EN = "\n\n".join(
    [
        "Guidelines for borrowing and renting rooms at Fjordvik innbyggertorg",
        (
            "1. The rooms are lent to voluntary organisations, clubs and associations, municipal "
            "units and residents. Events must be open to everyone or to the organisation's "
            "members. The rooms cannot be used for private parties."
        ),
        (
            "2. Whoever books is responsible for the event and must be over 18. The responsible "
            "person must be present throughout."
        ),
        (
            "3. Leave the room tidy and as you found it: put chairs and tables back, take rubbish"
            " with you or sort it for recycling, and close the windows."
        ),
        "4. Alcohol is not allowed. Smoking and naked flames are forbidden indoors.",
        "5. No more people than the room is rated for. Keep escape routes clear.",
        (
            "6. Report damage and faults at once to the caretaker or the innbyggertorg. The "
            "booker may be liable for damage caused by negligence."
        ),
        (
            "7. Cancel the booking as soon as you know the room will not be used, so that others "
            "can have it. Repeated no-shows can cost the organisation its right to book."
        ),
        (
            "8. The municipality may cancel a booking when needed, for instance in an emergency "
            "or for maintenance. Those affected are told as early as possible."
        ),
    ]
)
