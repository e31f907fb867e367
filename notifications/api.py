"""The inbox over the API: the user's own notifications, with the pages' services and
permissions."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import ApiViewMixin, Rule

from . import selectors, services
from .models import Notification
from .serializers import MarkAllReadSerializer, NotificationSerializer


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your notifications, unread first then newest. ``?unread=true`` lists unread only.
    Notifications belong to their recipient, not to a program: a token limited to
    programs still reads its owner's inbox."""

    serializer_class = NotificationSerializer
    permission_rules = {
        "list": Rule(),
        "retrieve": Rule(object="notifications.view_notification"),
        "read": Rule(object="notifications.mark_notification_read"),
        "read_all": Rule(),
    }
    filterset_class = NotificationFilter

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read."""
        notification = self.get_object()
        services.notification_mark_read(notification=notification, actor=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkAllReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all your notifications read."""
        marked = services.notifications_mark_all_read(actor=request.user)
        return Response({"marked": marked})
