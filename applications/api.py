"""Read-only API of applications, with the selectors and named permissions of the pages."""

from django.db.models import Prefetch
from rest_framework import viewsets

from common.api import ApiViewMixin, Rule

from . import selectors
from .models import Document
from .serializers import ApplicationSerializer


class ApplicationViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Applications of the user's companies (and, for program managers, the sent-in
    applications of their programs)."""

    serializer_class = ApplicationSerializer
    # The list is the selector's: only what the user may view.
    permission_rules = {
        "list": Rule(),
        "retrieve": Rule(object="applications.view_application"),
    }
    program_field = "cycle__program"
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
