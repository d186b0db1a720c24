from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "channel", "recipient", "status", "attempts",
                    "sent_at"]  # fmt: skip
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient", "idempotency_key"]
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def resend(self, request, queryset):
        count = sum(services.resend(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", count) % count,
            messages.SUCCESS,
        )
