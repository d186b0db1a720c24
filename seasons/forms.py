"""Forms of the season pages. They only read input; the services in ``seasons.services``
decide (who may, windows, free times)."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booking.forms import DateInput, RoomChoiceField, TimeInput, bounded_date, local_instant
from booking.models import OpeningHours, Room, Site
from seasons.models import Allocation, Criterion

PRIORITY_SLOTS = 5
ORDINALS = [
    pgettext_lazy("priority", "1st priority"),
    pgettext_lazy("priority", "2nd priority"),
    pgettext_lazy("priority", "3rd priority"),
    pgettext_lazy("priority", "4th priority"),
    pgettext_lazy("priority", "5th priority"),
]
WEEKDAYS = [("", "—"), *OpeningHours.Weekday.choices]


class CheckboxRooms(forms.ModelMultipleChoiceField):
    """Rooms as "Site: Room" checkboxes."""

    def label_from_instance(self, obj):
        return f"{obj.site.name}: {obj.name}"


class SeasonForm(forms.Form):
    """A new season: what it covers, when, and how wishes are ranked."""

    name = forms.CharField(label=_("Name"), max_length=200)
    sites = forms.ModelMultipleChoiceField(
        Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE).order_by("name"),
        required=False,
        label=_("Whole sites"),
        widget=forms.CheckboxSelectMultiple,
    )
    rooms = CheckboxRooms(
        Room.objects.filter(is_active=True)
        .exclude(site__kind=Site.Kind.LENDING_CENTRE)
        .select_related("site")
        .order_by("site__name", "name"),
        required=False,
        label=_("Or single rooms"),
        widget=forms.CheckboxSelectMultiple,
    )
    first_date = forms.DateField(
        label=_("First date of the season"), widget=DateInput(), validators=[bounded_date]
    )
    last_date = forms.DateField(
        label=_("Last date of the season"), widget=DateInput(), validators=[bounded_date]
    )
    open_date = forms.DateField(
        label=_("Applications open (date)"), widget=DateInput(), validators=[bounded_date]
    )
    open_time = forms.TimeField(label=_("Applications open (time)"), widget=TimeInput())
    close_date = forms.DateField(
        label=_("Applications close (date)"), widget=DateInput(), validators=[bounded_date]
    )
    close_time = forms.TimeField(label=_("Applications close (time)"), widget=TimeInput())
    tolerance_minutes = forms.IntegerField(
        label=_("Move a wish by at most (minutes)"),
        min_value=0,
        max_value=240,
        initial=60,
        help_text=_("How far the proposal may move a wish in time when its slot is taken."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(none)")), *Criterion.choices]
        defaults = ["children_and_youth", "verified_voluntary", "last_season"]
        for index in range(PRIORITY_SLOTS):
            self.fields[f"priority_{index + 1}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=ORDINALS[index],
                initial=defaults[index] if index < len(defaults) else "",
            )

    def priority_fields(self):
        return [self[f"priority_{index + 1}"] for index in range(PRIORITY_SLOTS)]

    def clean(self):
        data = super().clean()
        priorities = []
        for index in range(PRIORITY_SLOTS):
            name = f"priority_{index + 1}"
            value = data.get(name)
            if not value:
                continue
            if value in priorities:
                self.add_error(name, _("This criterion is already chosen above."))
            priorities.append(value)
        data["priorities"] = priorities
        # The DST gap or overlap is named on the time field it concerns.
        for prefix, target in (("open", "applications_open"), ("close", "applications_close")):
            day, time = data.get(f"{prefix}_date"), data.get(f"{prefix}_time")
            if day is None or time is None:
                continue
            try:
                data[target] = local_instant(day, time)
            except forms.ValidationError as error:
                self.add_error(f"{prefix}_time", error)
        return data


# Where a service names a season field, the form field that shows it.
SEASON_FIELDS = {
    "applications_open": "open_time",
    "applications_close": "close_date",
    "priorities": "priority_1",
}


class ApplicationForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    members_under_20 = forms.IntegerField(
        label=_("Members under 20"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("Counts as a priority once the booking office has checked it."),
    )
    note = forms.CharField(
        label=_("Note to the booking office"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def place_choices(rooms) -> list:
    """A room, or any room of a site: ``room-<id>`` / ``site-<id>``, grouped by site."""
    groups: dict = {}
    for room in rooms:
        group = groups.setdefault(room.site, [(f"site-{room.site_id}", _("Any room"))])
        group.append((f"room-{room.pk}", room.name))
    return [("", "—"), *[(site.name, options) for site, options in groups.items()]]


class WishForm(forms.Form):
    place = forms.ChoiceField(label=_("Room"), choices=())
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput(attrs={"step": 300}))
    end_time = forms.TimeField(label=_("To"), widget=TimeInput(attrs={"step": 300}))
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=100_000)
    activity = forms.CharField(label=_("Activity"), max_length=200)
    children_and_youth = forms.BooleanField(label=_("For children and youth"), required=False)
    rank = forms.IntegerField(
        label=_("Rank"),
        min_value=1,
        max_value=100,
        help_text=_("1 is the wish you want most."),
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        return data


class BaseWishFormSet(forms.BaseFormSet):
    """Every row may be left empty (an unchanged row is skipped), so the rows shown
    without JavaScript are just extra rows."""

    def initial_form_count(self):
        return 0


def wish_formset(rows: int):
    return formset_factory(
        WishForm, formset=BaseWishFormSet, extra=rows, max_num=20, absolute_max=20
    )


# Service error keys of a wish (``wishes[1].site``) to the row's field.
WISH_FIELDS = {"room": "place", "site": "place"}


class AllocationForm(forms.Form):
    """An officer's decision on one wish; granted or moved is the service's to say."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("place", _("Grant or move to the room and time below")),
            (Allocation.Outcome.DENIED, _("Deny")),
        ],
        widget=forms.RadioSelect,
        initial="place",
    )
    room = RoomChoiceField(Room.objects.none(), label=_("Room"), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=WEEKDAYS, coerce=int, required=False, empty_value=None
    )
    start_time = forms.TimeField(
        label=_("From"), widget=TimeInput(attrs={"step": 300}), required=False
    )
    end_time = forms.TimeField(label=_("To"), widget=TimeInput(attrs={"step": 300}), required=False)
    note = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation reads it in its decision letter."),
        error_messages={"required": _("Give a reason for the decision.")},
    )

    def __init__(self, *args, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rooms is not None:
            self.fields["room"].queryset = rooms


class FilterForm(forms.Form):
    """The board's filters (GET); the choices come from what the board already loaded."""

    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, sites=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("All sites")), *sites]
        self.fields["organisation"].choices = [("", _("All organisations")), *organisations]
