from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lending import services
from lending.models import Borrower, Item, ItemType, Loan, LoanLine, Reservation


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ["barcode", "status", "note"]


@admin.register(ItemType)
class ItemTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "category", "centre", "max_per_borrower", "turnaround_days",
                    "active"]  # fmt: skip
    list_filter = ["centre", "category", "active"]
    search_fields = ["name", "description"]
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["barcode", "item_type", "status"]
    list_filter = ["status", "item_type__centre", "item_type__category"]
    search_fields = ["barcode", "item_type__name"]
    list_select_related = ["item_type"]


@admin.register(Borrower)
class BorrowerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "is_minor", "last_activity_at",
                    "anonymised_at"]  # fmt: skip
    list_filter = ["kind", "is_minor"]
    search_fields = ["name", "phone", "email"]
    readonly_fields = ["anonymised_at", "created_at"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Reservations are made through services.reservation_create (at the counter, in the
    catalogue, over the API), which keeps units from being promised twice; the admin
    shows them and cancels them through services.reservation_cancel."""

    list_display = ["item_type", "quantity", "borrower", "start", "end", "status"]
    list_filter = ["status", "item_type__centre"]
    list_select_related = ["item_type", "borrower"]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Reservation._meta.fields]

    def has_cancel_permission(self, request):
        return services.is_staff(request.user)

    @admin.action(permissions=["cancel"], description=_("Cancel selected reservations"))
    def cancel(self, request, queryset):
        for reservation in queryset.select_related("borrower"):
            services.reservation_cancel(reservation=reservation, by=request.user)
        self.message_user(request, _("%(count)d cancelled.") % {"count": len(queryset)})


class LoanLineInline(admin.TabularInline):
    model = LoanLine
    extra = 0
    fields = ["item", "returned_at", "condition", "note"]
    readonly_fields = fields


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    """Loans are made and closed at the counter; the admin shows them."""

    list_display = ["borrower", "centre", "lent_at", "due"]
    list_filter = ["centre"]
    list_select_related = ["borrower", "centre"]
    readonly_fields = ["borrower", "centre", "lent_by", "lent_at", "due", "reservation"]
    inlines = [LoanLineInline]

    def has_add_permission(self, request):
        return False
