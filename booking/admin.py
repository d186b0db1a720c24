from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking import closures, roles, services
from booking.models import (
    Booking,
    Closure,
    Facility,
    Membership,
    OpeningHours,
    Organisation,
    PriceRule,
    Profile,
    Room,
    Site,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "category", "voluntary_verified"]
    list_filter = ["category", "voluntary_verified"]
    search_fields = ["name", "org_number"]
    inlines = [MembershipInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["name", "address"]
    filter_horizontal = ["caretakers"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "capacity", "requires_approval", "hourly_price", "is_active"]
    list_filter = ["site", "requires_approval", "is_active"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["facilities"]
    inlines = [OpeningHoursInline]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nb", "name_en"]


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["site", "room", "start", "end", "reason"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            closures.closure_validate(
                site=data.get("site"),
                room=data.get("room"),
                start=data.get("start"),
                end=data.get("end"),
                reason=data.get("reason"),
            )
        return data


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """A new closure cancels the bookings it hits (closures.closure_create); changing one
    later only saves it."""

    form = ClosureForm
    list_display = ["reason", "site", "room", "start", "end"]
    list_filter = ["site"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and roles.is_officer(request.user)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        closure, cancelled = closures.closure_create(
            site=obj.site,
            room=obj.room,
            start=obj.start,
            end=obj.end,
            reason=obj.reason,
            by=request.user,
        )
        obj.pk = closure.pk
        obj._state.adding = False
        self.message_user(
            request,
            ngettext(
                "%(count)d booking was cancelled.",
                "%(count)d bookings were cancelled.",
                len(cancelled),
            )
            % {"count": len(cancelled)},
            messages.WARNING if cancelled else messages.INFO,
        )


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read and decide here; bookings are made through the services, never typed in raw."""

    list_display = ["title", "room", "organisation", "start", "end", "status"]
    list_filter = ["status", "room__site"]
    search_fields = ["title", "organisation__name"]
    date_hierarchy = "start"
    list_select_related = ["room__site", "organisation"]
    actions = ["approve", "reject", "cancel"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.fields]

    def _apply(self, request, queryset, service, done):
        count = 0
        for booking in queryset:
            try:
                service(booking=booking, by=request.user)
                count += 1
            except ValidationError as error:
                self.message_user(request, f"{booking}: {error.messages[0]}", messages.WARNING)
        self.message_user(request, done % {"count": count})

    @admin.action(description=_("Approve selected bookings"))
    def approve(self, request, queryset):
        self._apply(request, queryset, services.booking_approve, _("%(count)d approved."))

    @admin.action(description=_("Reject selected bookings"))
    def reject(self, request, queryset):
        self._apply(request, queryset, services.booking_reject, _("%(count)d rejected."))

    @admin.action(description=_("Cancel selected bookings"))
    def cancel(self, request, queryset):
        self._apply(request, queryset, services.booking_cancel, _("%(count)d cancelled."))


class ListChoiceField(forms.TypedMultipleChoiceField):
    """A JSON list edited as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value if isinstance(value, list) else []


class PriceRuleForm(forms.ModelForm):
    booker_kinds = ListChoiceField(
        choices=PriceRule.BOOKER_KINDS,
        required=False,
        label=_("who books"),
        help_text=_("None ticked: anyone."),
    )
    site_kinds = ListChoiceField(
        choices=Site.Kind.choices,
        required=False,
        label=_("site kinds"),
        help_text=_("None ticked: any site."),
    )
    weekdays = ListChoiceField(
        choices=OpeningHours.Weekday.choices,
        coerce=int,
        required=False,
        label=_("weekdays"),
        help_text=_("None ticked: every day."),
    )

    class Meta:
        model = PriceRule
        fields = [
            "order", "name", "active", "booker_kinds", "voluntary_verified", "site_kinds",
            "room", "weekdays", "time_from", "time_to", "children_and_youth", "valid_from",
            "valid_until", "free_hours_per_week", "effect", "percent_off", "hourly_price",
            "reason_nb", "reason_en",
        ]  # fmt: skip


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin):
    """The price list: the first active rule that matches decides."""

    form = PriceRuleForm
    list_display = ["order", "name", "effect", "percent_off", "hourly_price", "active"]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    fieldsets = [
        (None, {"fields": ["order", "name", "active"]}),
        (
            _("When it applies (empty means any)"),
            {
                "fields": [
                    "booker_kinds", "voluntary_verified", "site_kinds", "room", "weekdays",
                    ("time_from", "time_to"), "children_and_youth",
                    ("valid_from", "valid_until"), "free_hours_per_week",
                ]
            },
        ),
        (_("Effect"), {"fields": ["effect", "percent_off", "hourly_price"]}),
        (_("Reason shown with the price"), {"fields": ["reason_nb", "reason_en"]}),
    ]  # fmt: skip


admin.site.register(Profile)
