"""Read-only API of applications, with the selectors and named permissions of the pages."""

from django.db.models import Prefetch
from rest_framework import viewsets

from common.api import ApiViewMixin, Rule
from common.pagination import Cursor

from . import selectors
from .filters import ApplicationFilter
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
    filterset_class = ApplicationFilter
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.applications_for_api(self.request.user).prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("kind", "pk"))
        )
