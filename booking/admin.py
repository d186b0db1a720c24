from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking import closures, guidelines, organisations, people, roles, services
from booking.admin_photos import RoomPhotoInline, save_room_photos
from booking.admin_pricing import PriceRuleAdmin  # noqa: F401 (registers the price list)
from booking.models import (
    Booking,
    Closure,
    Facility,
    Guidelines,
    Membership,
    OpeningHours,
    Organisation,
    Profile,
    Room,
    RoomPhoto,
    Site,
)


class KeepAnAdminFormSet(forms.BaseInlineFormSet):
    """Say on the form, rather than fail on save, when a change leaves no administrator
    (the services refuse it under the organisation's lock in any case)."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or not self.instance.memberships.filter(role="admin").exists():
            return
        roles_after = [
            row.cleaned_data.get("role")
            for row in self.forms
            if row.cleaned_data and row not in self.deleted_forms
        ]
        if Membership.Role.ADMIN not in roles_after:
            raise ValidationError(
                _("The organisation needs at least one administrator. Make someone else "
                  "administrator first.")
            )  # fmt: skip


class MembershipInline(admin.TabularInline):
    """Saved through membership_add, membership_set_role and membership_remove."""

    model = Membership
    formset = KeepAnAdminFormSet
    extra = 0
    autocomplete_fields = ["user"]


class CategoryVerifiedFilter(admin.SimpleListFilter):
    title = _("category verified")
    parameter_name = "category_verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_category=F("category"))
        if self.value() == "no":
            return queryset.exclude(verified_category=F("category"))
        return queryset


def _saved_through_services(formset) -> None:
    """What ModelAdmin's change message reads after formset.save(), which is not called."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Saved through organisation_create and organisation_update: a changed category drops
    the verification. Officers verify the claimed category with the action."""

    list_display = ["name", "org_number", "category", "category_verified"]
    list_filter = ["category", CategoryVerifiedFilter]
    search_fields = ["name", "org_number"]
    readonly_fields = ["verified_category", "verified_at", "verified_by", "verified_by_register"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.display(boolean=True, description=_("category verified"))
    def category_verified(self, obj):
        return obj.category_verified

    def has_verify_permission(self, request):
        return roles.is_officer(request.user)

    @admin.action(permissions=["verify"], description=_("Verify the category they claim"))
    def verify(self, request, queryset):
        for organisation in queryset:
            organisations.organisation_verify(organisation=organisation, by=request.user)
        self.message_user(request, _("%(count)d verified.") % {"count": len(queryset)})

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            organisations.organisation_update(organisation=obj, by=request.user, **fields)
            return
        values = {name: getattr(obj, name) for name in form._meta.fields or form.fields}
        created = organisations.organisation_create(by=request.user, join=False, **values)
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        """New administrators first, removals last: each step keeps an administrator."""
        organisation = form.instance
        _saved_through_services(formset)
        changed = [row for row in formset.forms
                   if row not in formset.deleted_forms and row.has_changed()]  # fmt: skip
        changed.sort(key=lambda row: row.cleaned_data["role"] != Membership.Role.ADMIN)
        for row in changed:
            user, role = row.cleaned_data["user"], row.cleaned_data["role"]
            membership = row.instance
            if membership.pk is None or "user" in row.changed_data:
                added = organisations.membership_add(
                    organisation=organisation, user=user, role=role, by=request.user
                )
                formset.new_objects.append(added)
                if membership.pk is not None:
                    organisations.membership_remove(membership=membership, by=request.user)
            else:
                organisations.membership_set_role(membership=membership, role=role, by=request.user)
                formset.changed_objects.append((membership, row.changed_data))
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                organisations.membership_remove(membership=row.instance, by=request.user)
                formset.deleted_objects.append(row.instance)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["name", "address"]
    filter_horizontal = ["caretakers"]

    def save_related(self, request, form, formsets, change):
        """Caretakers come and go through people.user_role_set (booking officers only)."""
        wanted = form.cleaned_data.pop("caretakers", None)
        super().save_related(request, form, formsets, change)
        if wanted is None:
            return
        site, wanted = form.instance, set(wanted)
        now = set(site.caretakers.all())
        for user, held in [*((u, True) for u in wanted - now), *((u, False) for u in now - wanted)]:
            people.user_role_set(user=user, role=people.CARETAKER, site=site, by=request.user,
                                 held=held)  # fmt: skip


class OpeningHoursInline(admin.TabularInline):
    """Saved as a whole week through services.opening_hours_set."""

    model = OpeningHours
    extra = 0


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "capacity", "requires_approval", "hourly_price", "is_active"]
    list_filter = ["site", "requires_approval", "is_active"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["facilities"]
    inlines = [OpeningHoursInline, RoomPhotoInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is RoomPhoto:
            return save_room_photos(request, form.instance, formset)
        if formset.model is not OpeningHours:
            return super().save_formset(request, form, formset, change)
        _saved_through_services(formset)
        if not formset.has_changed():
            return None
        windows = [
            (row.cleaned_data["weekday"], row.cleaned_data["opens"], row.cleaned_data["closes"])
            for row in formset.forms
            if row not in formset.deleted_forms
            and (row.instance.pk is not None or row.has_changed())
        ]
        services.opening_hours_set(room=form.instance, windows=sorted(windows))
        formset.changed_objects.append((form.instance, ["opening_hours"]))
        return None


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


def _cancelled_message(admin_, request, cancelled) -> None:
    admin_.message_user(
        request,
        ngettext(
            "%(count)d booking was cancelled.",
            "%(count)d bookings were cancelled.",
            len(cancelled),
        )
        % {"count": len(cancelled)},
        messages.WARNING if cancelled else messages.INFO,
    )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """Saved through closures.closure_create and closures.closure_update: each cancels the
    bookings the closure now covers."""

    form = ClosureForm
    list_display = ["reason", "site", "room", "start", "end"]
    list_filter = ["site"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and roles.is_officer(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.is_officer(request.user)

    def save_model(self, request, obj, form, change):
        where = {"site": obj.site, "room": obj.room, "start": obj.start, "end": obj.end,
                 "reason": obj.reason, "by": request.user}  # fmt: skip
        if change:
            _closure, cancelled = closures.closure_update(closure=obj, **where)
        else:
            closure, cancelled = closures.closure_create(**where)
            obj.pk = closure.pk
            obj._state.adding = False
        _cancelled_message(self, request, cancelled)


@admin.register(Guidelines)
class GuidelinesAdmin(admin.ModelAdmin):
    """A new version is published through guidelines.guidelines_publish; published
    versions are read-only, as bookings point at the version they accepted."""

    list_display = ["site", "version", "published_at"]
    list_filter = ["site"]
    fields = ["site", "text_nb", "text_nn", "text_en"]
    list_select_related = ["site"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        """A new version starts from the current text of the site asked for (?site=)."""
        initial = super().get_changeform_initial_data(request)
        site = initial.get("site")
        current = guidelines.current_guidelines(int(site)) if str(site).isdecimal() else None
        if current is not None:
            initial.update(text_nb=current.text_nb, text_nn=current.text_nn,
                           text_en=current.text_en)  # fmt: skip
        return initial

    def save_model(self, request, obj, form, change):
        published = guidelines.guidelines_publish(
            site=obj.site, by=request.user, text_nb=obj.text_nb, text_nn=obj.text_nn,
            text_en=obj.text_en,
        )  # fmt: skip
        obj.pk, obj.version, obj._state.adding = published.pk, published.version, False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read, approve and cancel here; bookings are made through the services, never typed
    in raw. Rejecting needs a reason for the organisation, so it is done at /approvals/."""

    list_display = ["title", "room", "organisation", "start", "end", "status"]
    list_filter = ["status", "room__site"]
    search_fields = ["title", "organisation__name"]
    date_hierarchy = "start"
    list_select_related = ["room__site", "organisation"]
    actions = ["approve", "cancel"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.fields]

    def has_decide_permission(self, request):
        return roles.is_officer(request.user)

    def _apply(self, request, queryset, service, done):
        count = 0
        for booking in queryset:
            try:
                service(booking=booking, by=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                text = error.messages[0] if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{booking}: {text}", messages.WARNING)
        self.message_user(request, done % {"count": count})

    @admin.action(permissions=["decide"], description=_("Approve selected bookings"))
    def approve(self, request, queryset):
        self._apply(request, queryset, services.booking_approve, _("%(count)d approved."))

    @admin.action(permissions=["decide"], description=_("Cancel selected bookings"))
    def cancel(self, request, queryset):
        self._apply(request, queryset, services.booking_cancel, _("%(count)d cancelled."))


admin.site.register(Profile)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PersonAdmin(UserAdmin):
    """Booking officers see and correct people's details here; what a person may do (staff,
    superuser, groups, permissions) and their password stay with the superuser. Roles are
    given on the officers' page (/officers/people/) through people.user_role_set."""

    superuser_only = ("is_superuser", "is_staff", "groups", "user_permissions", "last_login",
                      "date_joined")  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        fixed = super().get_readonly_fields(request, obj)
        return fixed if request.user.is_superuser else [*fixed, *self.superuser_only]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
