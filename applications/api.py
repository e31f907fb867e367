"""Read-only API of applications, with the selectors and named permissions of the pages."""

from django.db.models import Prefetch
from rest_framework import permissions, viewsets

from . import selectors
from .models import Document
from .serializers import ApplicationSerializer


class RulesPermission(permissions.BasePermission):
    """Maps a viewset's actions to the named django-rules permissions, as the pages use."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(view.object_permissions[view.action], obj)


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications of the user's companies (and, for program managers, the sent-in
    applications of their programs)."""

    serializer_class = ApplicationSerializer
    permission_classes = [RulesPermission]
    object_permissions = {
        "retrieve": "applications.view_application",
        "list": "applications.view_application",
    }
    # No filter on status: it would reveal staged outcomes to the company.
    filterset_fields = ["cycle__program__track"]

    def get_queryset(self):
        return (
            selectors.applications_visible_to(self.request.user)
            .prefetch_related(
                Prefetch("documents", queryset=Document.objects.order_by("kind", "pk"))
            )
            .order_by("-created_at", "pk")
        )
