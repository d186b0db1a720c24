"""API shapes of season allocation: seasons, applications with their wishes, and the
allocation of each wish. Writes are checked here only for form (types, ranges); the
services check the rules and name the field."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from booking.api.fields import BoundedDateField, LocalDateTimeField, StrictCharField
from booking.models import Organisation, Room, Site
from seasons.models import Allocation, Criterion, Season
from seasons.services import MAX_WISHES

WEEKDAY_HELP = "0 = Monday … 6 = Sunday."


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "18:00"}
)
class ClockTimeField(serializers.TimeField):
    """A local wall-clock time as "HH:MM" ("HH:MM:SS" is read too), not OpenAPI's
    ``format: time``, which would want seconds and an offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


# --- Seasons ----------------------------------------------------------------------------


class SeasonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Season.Status.choices)
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    applications_open = LocalDateTimeField()
    applications_close = LocalDateTimeField()
    accepts_applications = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()
    rooms = serializers.SerializerMethodField()
    priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Criterion.choices), help_text="In order."
    )
    tolerance_minutes = serializers.IntegerField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    created_at = LocalDateTimeField()
    proposed_at = LocalDateTimeField(allow_null=True)
    published_at = LocalDateTimeField(allow_null=True)

    def get_sites(self, season) -> list[int]:
        """Whole sites: every active room of each."""
        return [site.pk for site in season.sites.all()]

    def get_rooms(self, season) -> list[int]:
        return [room.pk for room in season.rooms.all()]

    def get_accepts_applications(self, season) -> bool:
        """Open, and now is within the application window."""
        return season.accepts_applications()


class SeasonCreateSerializer(serializers.Serializer):
    """A season in draft: its rooms (or whole sites), period, window and priorities."""

    name = StrictCharField(max_length=200)
    first_date = BoundedDateField()
    last_date = BoundedDateField(help_text="Inclusive; at most a year after first_date.")
    applications_open = LocalDateTimeField()
    applications_close = LocalDateTimeField(help_text="On or before first_date.")
    sites = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Site.objects.all()),
        required=False,
        default=list,
        max_length=200,
        help_text="Every active room of these sites.",
    )
    rooms = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Room.objects.all()),
        required=False,
        default=list,
        max_length=500,
    )
    priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Criterion.choices),
        required=False,
        max_length=len(Criterion.values),
        help_text="Criteria in order, each at most once; left out: children and youth, "
        "verified voluntary, last season.",
    )
    tolerance_minutes = serializers.IntegerField(
        min_value=0,
        max_value=240,
        required=False,
        default=60,
        help_text="How far the proposal may move a wish.",
    )
    previous = serializers.PrimaryKeyRelatedField(
        queryset=Season.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Whose slots count as held last season; left out: the latest published "
        "season that ended before this one.",
    )


# --- Applications -----------------------------------------------------------------------


class WishSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.IntegerField(source="site_id")
    site_name = serializers.CharField(source="site.name")
    room = serializers.IntegerField(source="room_id", allow_null=True)
    room_name = serializers.CharField(source="room.name", allow_null=True, default=None)
    weekday = serializers.IntegerField(help_text=WEEKDAY_HELP)
    start_time = ClockTimeField()
    end_time = ClockTimeField()
    attendees = serializers.IntegerField()
    activity = serializers.CharField()
    children_and_youth = serializers.BooleanField()
    rank = serializers.IntegerField()


class WishWriteSerializer(serializers.Serializer):
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.select_related("site"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out (or null) for any room of the site.",
    )
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Required without a room; with one, the room's site.",
    )
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=WEEKDAY_HELP)
    start_time = ClockTimeField(help_text="HH:MM, local time, whole five minutes.")
    end_time = ClockTimeField(help_text="HH:MM, after start_time.")
    attendees = serializers.IntegerField(min_value=1, max_value=100_000)
    activity = StrictCharField(max_length=200)
    children_and_youth = serializers.BooleanField(required=False, default=False)
    rank = serializers.IntegerField(
        min_value=1,
        max_value=MAX_WISHES,
        help_text="The organisation's own order: 1, 2, 3 … each once.",
    )

    def validate(self, attrs):
        room, site = attrs.get("room"), attrs.get("site")
        if room is not None and site is not None and room.site_id != site.pk:
            raise serializers.ValidationError({"room": [_("This room is not at that site.")]})
        if room is None and site is None:
            raise serializers.ValidationError(
                {"site": [_("Choose a room or a site of the season.")]}
            )
        if attrs["start_time"] >= attrs["end_time"]:
            raise serializers.ValidationError({"end_time": [_("The end must be after the start.")]})
        return attrs


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    season = serializers.IntegerField(source="season_id")
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    submitted_by = serializers.CharField(source="submitted_by.username")
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField()
    members_under_20 = serializers.IntegerField(allow_null=True)
    members_checked = serializers.SerializerMethodField()
    note = serializers.CharField()
    submitted_at = LocalDateTimeField()
    updated_at = LocalDateTimeField()
    wishes = WishSerializer(many=True)

    def get_members_checked(self, application) -> bool:
        """An officer checked members_under_20; only then does it count as a priority."""
        return application.members_checked_by_id is not None


class ApplicationCreateSerializer(serializers.Serializer):
    """The organisation's application for the season (one per organisation)."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Yours: you must be a member."
    )
    contact_name = StrictCharField(max_length=200)
    contact_email = serializers.EmailField(max_length=254)
    contact_phone = StrictCharField(max_length=20, required=False, allow_blank=True, default="")
    members_under_20 = serializers.IntegerField(
        min_value=0,
        max_value=100_000,
        required=False,
        allow_null=True,
        default=None,
        help_text="Counts as a priority once an officer has checked it; a change waits for "
        "a new check.",
    )
    note = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")
    wishes = WishWriteSerializer(many=True, max_length=MAX_WISHES)


class ApplicationUpdateSerializer(ApplicationCreateSerializer):
    """A change: any of the fields but the organisation; what is left out stays, and
    ``wishes``, when given, replace the wishes as a whole."""

    organisation = None

    def get_fields(self):
        # Not partial=True: DRF would then let each wish leave out its required fields too.
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
            field.default = empty
        return fields


class MembersCheckSerializer(serializers.Serializer):
    checked = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false withdraws the check.",
    )


# --- Allocation -------------------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    site_name = serializers.CharField()
    room = serializers.IntegerField(allow_null=True, help_text="Null: any room of the site.")
    room_name = serializers.CharField(allow_null=True)
    weekday = serializers.IntegerField(help_text=WEEKDAY_HELP)
    start_time = ClockTimeField()
    end_time = ClockTimeField()


class AllocationSerializer(serializers.Serializer):
    """A wish and what it got (outcome null: not allocated yet)."""

    wish = serializers.IntegerField()
    application = serializers.IntegerField()
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    activity = serializers.CharField()
    rank = serializers.IntegerField()
    attendees = serializers.IntegerField()
    children_and_youth = serializers.BooleanField()
    asked = PlaceSerializer()
    outcome = serializers.ChoiceField(choices=Allocation.Outcome.choices, allow_null=True)
    placed = PlaceSerializer(allow_null=True, help_text="Null when denied or not allocated.")
    reason = serializers.CharField(help_text="Why, in the request's language.")
    explanation = serializers.JSONField(help_text="The reason as a code with its values.")
    note = serializers.CharField(help_text="The officer's reason for a decision by hand.")
    decided_by = serializers.CharField(
        allow_null=True,
        help_text='The officer\'s username (to members: "officer"); null for the proposal.',
    )
    decided_at = LocalDateTimeField(allow_null=True)
    series = serializers.IntegerField(
        allow_null=True, help_text="The weekly booking series, once published."
    )
    publish_error = serializers.CharField(help_text="Why publishing could not book it.")


class AllocationWriteSerializer(serializers.Serializer):
    """An officer's decision; room, weekday and times default to what the wish asked."""

    outcome = serializers.ChoiceField(choices=Allocation.Outcome.choices)
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.select_related("site"), required=False, allow_null=True
    )
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, allow_null=True, help_text=WEEKDAY_HELP
    )
    start_time = ClockTimeField(required=False, allow_null=True)
    end_time = ClockTimeField(required=False, allow_null=True)
    note = StrictCharField(max_length=1000, help_text="The reason, told to the organisation.")


class PublishedSerializer(serializers.Serializer):
    booked = serializers.ListField(
        child=serializers.IntegerField(), help_text="Wishes booked now as weekly series."
    )
    failed = serializers.DictField(
        child=serializers.CharField(), help_text="Wish id → why it could not be booked."
    )
    letters = serializers.IntegerField(help_text="Decision letters queued.")
