"""Forms of the web pages. They only read input; the services decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Facility, OpeningHours, Organisation, Room, Site
from booking.timeutil import AmbiguousTimeError, NonExistentTimeError, instant
from booking.validators import ERRORS, MAX_YEAR, MIN_YEAR


def local_instant(day: dt.date, at: dt.time) -> dt.datetime:
    """A date and a wall-clock time in Europe/Oslo as a UTC instant, or a ValidationError."""
    try:
        return instant(day, at)
    except NonExistentTimeError:
        raise forms.ValidationError(ERRORS["nonexistent"]) from None
    except AmbiguousTimeError:
        raise forms.ValidationError(ERRORS["ambiguous"]) from None


def parse_pk(raw) -> int:
    """An id from a query string or form, or 0 (never a 500 for "²", "-1" or "9"*40)."""
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else 0


def bounded_date(value):
    """Dates the service works with: far-off years would overflow day arithmetic."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise forms.ValidationError(ERRORS["range"])
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class RoomSearchForm(forms.Form):
    site = forms.ModelChoiceField(
        Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE),
        required=False,
        label=_("Site"),
        empty_label=_("All sites"),
    )
    min_capacity = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, label=_("At least this many people")
    )
    facilities = forms.ModelMultipleChoiceField(
        Facility.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label=_("Facilities"),
    )
    date = forms.DateField(required=False, label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(required=False, label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(required=False, label=_("To"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        given = [v is not None for v in (day, start, end)]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Give a date, a start and an end to find free rooms."))
        if all(given):
            if end <= start:
                self.add_error("end_time", _("The end must be after the start."))
                return data
            try:
                data["free_from"] = local_instant(day, start)
            except forms.ValidationError as error:
                self.add_error("start_time", error)
            try:
                data["free_to"] = local_instant(day, end)
            except forms.ValidationError as error:
                self.add_error("end_time", error)
        return data


GUIDELINES_REQUIRED = _("Accept the site's guidelines for borrowing and renting rooms to book.")


def clean_local_interval(form: forms.Form, data: dict) -> bool:
    """Turn the form's ``date``, ``start_time`` and ``end_time`` (Oslo wall-clock) into
    ``start`` and ``end`` instants, naming the field of a time that does not exist or an
    end before the start. False when a part is missing (its own error is already given)."""
    day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
    if day is None or start is None or end is None:
        return False
    try:
        data["start"] = local_instant(day, start)
    except forms.ValidationError as error:
        form.add_error("start_time", error)
    # An end of 00:00 is midnight at the end of the day.
    end_day = day + dt.timedelta(days=1) if end == dt.time(0) else day
    try:
        data["end"] = local_instant(end_day, end)
    except forms.ValidationError as error:
        form.add_error("end_time", error)
    if "start" in data and "end" in data and data["end"] <= data["start"]:
        form.add_error("end_time", _("The end must be after the start."))
    return True


class BookingForm(forms.Form):
    """One booking: a local date with start and end times, and what the caretaker should know."""

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        required=False,
        label=_("Booking for"),
        empty_label=_("Myself (private person)"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput(attrs={"step": 300}))
    end_time = forms.TimeField(label=_("To"), widget=TimeInput(attrs={"step": 300}))
    title = forms.CharField(label=_("What is it?"), max_length=200)
    attendees = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=100_000)
    children_and_youth = forms.BooleanField(
        required=False, label=_("Activity for children and young people")
    )
    public = forms.BooleanField(
        required=False, label=_("Show in the public activity calendar (title and organisation)")
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Notes for the caretaker"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    payer_name = forms.CharField(
        required=False,
        max_length=200,
        label=_("Name to invoice"),
        help_text=_("Booking as a private person a room that costs money: who gets the invoice."),
    )
    payer_address = forms.CharField(
        required=False,
        max_length=500,
        label=_("Address to invoice"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    repeat_until = forms.DateField(
        required=False,
        label=_("Repeat weekly until"),
        help_text=_("Leave empty for one booking. You see every week before anything is booked."),
        widget=DateInput(),
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=OpeningHours.Weekday.choices,
        coerce=int,
        required=False,
        label=_("On these weekdays"),
        help_text=_("None ticked: the weekday of the date above."),
        widget=forms.CheckboxSelectMultiple,
    )
    include_holidays = forms.BooleanField(
        required=False,
        label=_("Book public holidays too"),
        help_text=_("Otherwise weeks on a public holiday are skipped."),
    )

    def __init__(self, *args, organisations=None, guidelines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guidelines is not None:
            self.fields["accept_guidelines"] = forms.BooleanField(
                label=_("I have read the guidelines and accept them"),
                error_messages={"required": GUIDELINES_REQUIRED},
            )
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            if organisations:
                self.fields["organisation"].initial = organisations[0].pk

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if not clean_local_interval(self, data):
            return data
        if data.get("repeat_until"):
            if data["repeat_until"] < day:
                self.add_error("repeat_until", _("Must not be before the date."))
            data["weekdays"] = data.get("weekdays") or [day.weekday()]
        return data


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.site.name}: {obj.name}"


class BookingChangeForm(forms.Form):
    """A booking moved to another time or room, or with other attendees or notes.

    ``start`` and ``end`` are the chosen local times as instants; what may change is the
    service's to decide (``booking_update``)."""

    room = RoomChoiceField(
        Room.objects.filter(is_active=True)
        .exclude(site__kind=Site.Kind.LENDING_CENTRE)
        .select_related("site")
        .order_by("site__name", "name"),
        label=_("Room"),
        empty_label=None,
    )
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[bounded_date])
    start_time = forms.TimeField(label=_("From"), widget=TimeInput(attrs={"step": 300}))
    end_time = forms.TimeField(label=_("To"), widget=TimeInput(attrs={"step": 300}))
    attendees = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=100_000)
    notes = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Notes for the caretaker"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        clean_local_interval(self, data)
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note to the organisation"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, label=_("Reason (optional)"))

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:  # an officer correcting a booking that has started
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Reason")


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ClosureForm(forms.Form):
    """An officer closes a site or a room, from a local date and time to another."""

    site = forms.ModelChoiceField(
        Site.objects.all(), required=False, label=_("Site"), empty_label=_("(a room instead)")
    )
    room = forms.ModelChoiceField(
        Room.objects.select_related("site"),
        required=False,
        label=_("Room"),
        empty_label=_("(the whole site instead)"),
    )
    start_date = forms.DateField(label=_("From date"), widget=DateInput())
    start_time = forms.TimeField(
        required=False, label=_("From time"), help_text=_("Empty: 00:00."), widget=TimeInput()
    )
    end_date = forms.DateField(label=_("Until date"), widget=DateInput())
    end_time = forms.TimeField(
        required=False,
        label=_("Until time"),
        help_text=_("Empty: the end of that day."),
        widget=TimeInput(),
    )
    reason = forms.CharField(label=_("Reason (the organisations are told)"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("start_date"):
            try:
                data["start"] = local_instant(
                    data["start_date"], data.get("start_time") or dt.time(0)
                )
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        if data.get("end_date"):
            end_time = data.get("end_time")
            end_day = data["end_date"] + dt.timedelta(days=0 if end_time else 1)
            try:
                data["end"] = local_instant(end_day, end_time or dt.time(0))
            except forms.ValidationError as error:
                self.add_error("end_time", error)
        return data


class CaretakerReportForm(forms.Form):
    """A caretaker's report: what kind, and a note (text, without NUL characters)."""

    kind = forms.CharField(max_length=20)
    note = forms.CharField(max_length=1000, required=False)
