"""The inbox over the API: the user's own notifications, with the pages' services and
permissions."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import Notification
from .serializers import MarkAllReadSerializer, NotificationSerializer


class NotificationPermission(permissions.BasePermission):
    """Maps each action to the named django-rules permission the pages check too."""

    object_permissions = {
        "retrieve": "notifications.view_notification",
        "read": "notifications.mark_notification_read",
    }

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        permission = self.object_permissions.get(view.action, "notifications.view_notification")
        return request.user.has_perm(permission, obj)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your notifications, unread first then newest. ``?unread=true`` lists unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [NotificationPermission]
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
