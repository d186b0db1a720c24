"""Billing in the admin: a site's accounting codes and refund terms are edited here;
invoice batches and their lines are read only (made, exported and discarded through the
invoicing pages and API, whose services decide who may; an exported batch is a record)."""

from django.contrib import admin

from billing.models import InvoiceBatch, InvoiceLine, SiteAccount


@admin.register(SiteAccount)
class SiteAccountAdmin(admin.ModelAdmin):
    list_display = ["site", "client", "responsibility", "service", "account", "project"]
    list_select_related = ["site"]
    search_fields = ["site__name"]
    autocomplete_fields = ["site"]


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnly, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["booking", "kind", "customer_name", "room_name", "start", "amount_ore", "vat_code"]
    readonly_fields = fields
    show_change_link = True


@admin.register(InvoiceBatch)
class InvoiceBatchAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "period_from", "period_to", "status", "created_by", "exported_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in InvoiceBatch._meta.fields]
    inlines = [InvoiceLineInline]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["batch", "booking", "kind", "customer_name", "start", "amount_ore"]
    list_filter = ["kind", "batch__status"]
    list_select_related = ["batch"]
    search_fields = ["customer_name", "customer_org_number", "booking__id"]
    readonly_fields = [f.name for f in InvoiceLine._meta.fields]
