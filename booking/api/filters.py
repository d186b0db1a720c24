import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from booking.api.fields import ERRORS, parse_local_datetime
from booking.models import Booking, Facility, Room, Site
from booking.selectors import rooms_free_between
from booking.timeutil import AmbiguousTimeError, NonExistentTimeError


class LocalDateTimeFormField(forms.CharField):
    """The API's datetime rules (offset, or Europe/Oslo that exists once) for query strings."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_local_datetime(value)
        except NonExistentTimeError:
            raise forms.ValidationError(ERRORS["nonexistent"]) from None
        except AmbiguousTimeError:
            raise forms.ValidationError(ERRORS["ambiguous"]) from None
        except OverflowError:
            raise forms.ValidationError(ERRORS["range"]) from None
        except ValueError:
            raise forms.ValidationError(ERRORS["invalid"]) from None


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeFilter(django_filters.Filter):
    field_class = LocalDateTimeFormField


@extend_schema_field(OpenApiTypes.STR)
class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    pass


class RoomFilterSet(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all())
    min_capacity = django_filters.NumberFilter(
        field_name="capacity", lookup_expr="gte", min_value=0, max_value=1_000_000
    )
    facility = SlugMultipleChoiceFilter(
        field_name="facilities__slug",
        to_field_name="slug",
        queryset=Facility.objects.all(),
        conjoined=True,
        help_text="A facility code; repeat for rooms that have all of them.",
    )
    free_from = LocalDateTimeFilter(method="filter_free", help_text="With free_to.")
    free_to = LocalDateTimeFilter(method="filter_free", help_text="With free_from.")

    class Meta:
        model = Room
        fields = ["site", "min_capacity", "facility", "free_from", "free_to"]

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        start, end = data.get("free_from"), data.get("free_to")
        if valid and (start is None) != (end is None):
            missing = "free_to" if end is None else "free_from"
            self.form.add_error(missing, _("Give free_from and free_to together."))
            return False
        if valid and start is not None and end <= start:
            self.form.add_error("free_to", _("Must be after free_from."))
            return False
        return valid

    def filter_free(self, queryset, name, value):
        # Both bounds are applied once, when the second of the pair is seen.
        data = self.form.cleaned_data
        if name != "free_to" or data.get("free_from") is None:
            return queryset
        return rooms_free_between(queryset, data["free_from"], data["free_to"])


class BookingFilterSet(django_filters.FilterSet):
    room = django_filters.NumberFilter(field_name="room_id")
    organisation = django_filters.NumberFilter(field_name="organisation_id")
    status = django_filters.MultipleChoiceFilter(choices=Booking.Status.choices)
    after = LocalDateTimeFilter(field_name="end", lookup_expr="gt", help_text="Ends after.")
    before = LocalDateTimeFilter(field_name="start", lookup_expr="lt", help_text="Starts before.")

    class Meta:
        model = Booking
        fields = ["room", "organisation", "status", "after", "before"]
