from django.contrib import admin

from seasons.models import Application, Season, Wish


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    """Read-only here: seasons are made, opened, allocated and published through their
    pages and the API, whose services check who may and keep the states in order."""

    list_display = ["name", "first_date", "last_date", "status"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Season._meta.fields] + ["sites", "rooms"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WishInline(admin.TabularInline):
    model = Wish
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "season", "submitted_at"]
    list_filter = ["season"]
    inlines = [WishInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
