import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from booking.models import Booking, Facility, Membership, OpeningHours, Organisation, Room, Site


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-pass-123")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Idrettslag {n}")
    category = Organisation.Category.VOLUNTARY
    voluntary_verified = True
    contact_email = factory.Sequence(lambda n: f"post{n}@lag.example.org")
    contact_phone = "+4791234567"
    invoice_address = "Postboks 1, 1430 Ås"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Skole {n}")
    kind = Site.Kind.SCHOOL
    address = "Skoleveien 1, 1430 Ås"


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("slug",)

    slug = "projector"
    name_nb = "Prosjektor"
    name_en = "Projector"


class RoomFactory(DjangoModelFactory):
    """A room open around the clock every day unless ``hours`` says otherwise."""

    class Meta:
        model = Room
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Rom {n}")
    capacity = 30
    min_booking_minutes = 30
    max_booking_minutes = 480
    slot_step_minutes = 30
    booking_horizon_days = 365
    min_notice_minutes = 60
    hourly_price = Decimal("500.00")

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if not create:
            return
        windows = (
            extracted
            if extracted is not None
            else [(day, dt.time(0), dt.time(0)) for day in range(7)]
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(room=self, weekday=w, opens=o, closes=c) for w, o, c in windows
        )


class BookingFactory(DjangoModelFactory):
    """Writes a row directly, for setting the scene; tests of the rules use the service."""

    class Meta:
        model = Booking

    room = factory.SubFactory(RoomFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    booked_by = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(
        lambda: (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).replace(
            minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda b: b.start + dt.timedelta(hours=2))
    title = "Styremøte"
    attendees = 10
    status = Booking.Status.CONFIRMED


class CentreFactory(SiteFactory):
    name = factory.Sequence(lambda n: f"Utlånssentral {n}")
    kind = Site.Kind.LENDING_CENTRE


class ItemTypeFactory(DjangoModelFactory):
    class Meta:
        model = "lending.ItemType"
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Telt {n}")
    category = "outdoor"
    default_loan_days = 7
    max_loan_days = 14
    max_per_borrower = 2
    turnaround_days = 0

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        """``units=3`` makes three available units with barcodes <type id>-1 … -3."""
        from lending.models import Item

        for n in range(1, (extracted or 0) + 1):
            Item.objects.create(item_type=self, barcode=f"T{self.pk}-{n}")


class BorrowerFactory(DjangoModelFactory):
    class Meta:
        model = "lending.Borrower"

    name = factory.Faker("name", locale="no_NO")
    phone = factory.Sequence(lambda n: f"+47900{n:05d}")
    email = factory.Sequence(lambda n: f"laaner{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)
