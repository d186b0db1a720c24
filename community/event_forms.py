"""Forms for events and the activity calendar. The services check the rules; these read
the input (Oslo wall-clock times as instants, naming a time that does not exist)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from booking.forms import DateInput, TimeInput, bounded_date, clean_local_interval
from booking.models import Booking, Organisation, Site
from booking.timeutil import OSLO
from community.events import REASON_MAX_LENGTH, bookable_for_events
from community.models import AgeGroup, Category, Event

# The service's field names → the form's (a time is entered as a date and two times).
FIELD_OF = {"start": "start_time", "end": "end_time"}


class BookingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, booking):
        start, end = booking.start.astimezone(OSLO), booking.end.astimezone(OSLO)
        return (f"{start:%d.%m.%Y %H:%M}–{end:%H:%M} {booking.title}, "
                f"{booking.room.name}, {booking.room.site.name}")  # fmt: skip


class EventForm(forms.Form):
    title = forms.CharField(label=capfirst(_("title")), max_length=200)
    description = forms.CharField(
        label=capfirst(_("description")), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; web addresses become links."),
    )  # fmt: skip
    booking = forms.ModelChoiceField(Booking.objects.none(), required=False)  # see __init__
    place = forms.CharField(
        label=capfirst(_("place")), required=False, max_length=300,
        help_text=_("Where, in words, if it is not at one of your bookings."),
    )  # fmt: skip
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput(),
                           validators=[bounded_date])  # fmt: skip
    start_time = forms.TimeField(label=_("From"), required=False,
                                 widget=TimeInput(attrs={"step": 300}))  # fmt: skip
    end_time = forms.TimeField(label=_("To"), required=False,
                               widget=TimeInput(attrs={"step": 300}))  # fmt: skip
    category = forms.ChoiceField(
        label=capfirst(_("category")), choices=[("", "---------"), *Category.choices]
    )
    age_groups = forms.MultipleChoiceField(
        label=capfirst(_("for whom")), choices=AgeGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    link = forms.CharField(label=capfirst(_("link")), required=False, max_length=300,
                           widget=forms.URLInput())  # fmt: skip
    image = forms.FileField(label=capfirst(_("image")), required=False)
    image_alt = forms.CharField(
        label=capfirst(_("image description")), required=False, max_length=300
    )

    def __init__(self, *args, organisation: Organisation, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = bookable_for_events(organisation).filter(end__gt=timezone.now())
        if event is not None and event.booking_id:  # the booking it has, even if past
            choices = choices | bookable_for_events(organisation).filter(pk=event.booking_id)
        self.fields["booking"] = BookingChoiceField(
            choices.order_by("start", "id"), required=False, label=_("At one of your bookings"),
            empty_label=_("No booking: the place is given below"),
            help_text=_("The event takes the booking's place, and its times unless you give "
                        "others within it."),
        )  # fmt: skip
        self.order_fields(["title", "description", "booking", "place", "date", "start_time",
                           "end_time", "category", "age_groups", "link", "image",
                           "image_alt"])  # fmt: skip

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        start, end = event.start.astimezone(OSLO), event.end.astimezone(OSLO)
        return {
            "title": event.title, "description": event.description, "booking": event.booking_id,
            "place": event.place, "date": start.date(), "start_time": start.time(),
            "end_time": end.time(), "category": event.category, "age_groups": event.age_groups,
            "link": event.link, "image_alt": event.image_alt,
        }  # fmt: skip

    def clean(self):
        data = super().clean()
        given = [data.get(f) for f in ("date", "start_time", "end_time")]
        data["start"] = data["end"] = None
        if all(v is None for v in given) and data.get("booking"):
            return data  # the booking's times
        for field, value in zip(("date", "start_time", "end_time"), given, strict=True):
            if value is None and field not in self.errors:
                self.add_error(field, _("This field is required."))
        clean_local_interval(self, data)
        return data

    def values(self) -> dict:
        """What the services take."""
        data = self.cleaned_data
        return {
            "title": data["title"], "description": data["description"],
            "booking": data["booking"], "place": data["place"], "start": data["start"],
            "end": data["end"], "category": data["category"],
            "age_groups": data["age_groups"], "link": data["link"],
            "image": data.get("image"), "image_alt": data["image_alt"],
        }  # fmt: skip


def add_service_errors(form: forms.Form, error) -> None:
    """A service's ValidationError shown at the form's fields."""
    for field, messages in error.message_dict.items():
        name = FIELD_OF.get(field, field)
        form.add_error(name if name in form.fields else None, messages)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it hidden?"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea,
        help_text=_("The organiser is sent this."),
    )  # fmt: skip


class CalendarForm(forms.Form):
    week = forms.DateField(
        label=_("Week of"), required=False, widget=DateInput(), validators=[bounded_date]
    )
    site = forms.ModelChoiceField(
        Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE), required=False, label=_("Place"),
        empty_label=_("All places"),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=capfirst(_("category")), required=False,
        choices=[("", _("All categories")), *Category.choices],
    )  # fmt: skip
    age_group = forms.ChoiceField(
        label=capfirst(_("for whom")),
        required=False,
        choices=[("", _("Everyone")), *AgeGroup.choices],
    )
    organiser = forms.ChoiceField(
        label=_("Organiser"), required=False,
        choices=[("", _("All organisers")), *Organisation.Category.choices],
    )  # fmt: skip

    def valid_data(self) -> dict:
        """The filters that were given well; one that was not is left out, not the rest."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def week_start(self) -> dt.date:
        day = self.valid_data().get("week") or timezone.localdate()
        return day - dt.timedelta(days=day.weekday())
