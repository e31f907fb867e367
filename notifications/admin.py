from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .enums import DeliveryState
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by ``notify`` and the delivery task."""

    list_display = [
        "subject",
        "recipient",
        "kind_name",
        "state",
        "created_at",
        "sent_at",
        "read_at",
    ]
    list_filter = ["state", "kind", "language"]
    search_fields = ["subject", "recipient__email", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["retry_delivery"]
    readonly_fields = [
        "recipient", "kind", "event_key", "target_type", "target_id", "actor",
        "idempotency_key", "language", "subject", "body", "body_html", "link",
        "created_at", "read_at", "state", "sent_at", "attempts", "next_attempt_at",
        "last_error",
    ]  # fmt: skip

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj):
        return obj.kind_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the e-mail of failed notifications"))
    def retry_delivery(self, request, queryset):
        failed = list(queryset.filter(state=DeliveryState.FAILED))
        for notification in failed:
            services.notification_retry(notification=notification, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed e-mail is queued again.",
                "%(count)d failed e-mails are queued again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )
