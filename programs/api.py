"""Read-only public API of the programs domain: the same querysets as the public pages.
Anyone may read them; a token limited to programs sees only those."""

from django.db.models import Prefetch
from rest_framework import viewsets

from common.api import PUBLIC, ApiViewMixin

from . import selectors
from .filters import ChallengeFilter, TechnologyFilter
from .models import Criterion, Program
from .serializers import (
    ChallengeSerializer,
    CycleSerializer,
    ProgramSerializer,
    TechnologySerializer,
)

PUBLIC_READ = {"list": PUBLIC, "retrieve": PUBLIC}


class ProgramViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    permission_rules = PUBLIC_READ
    program_field = "pk"
    lookup_field = "slug"


class CycleViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    permission_rules = PUBLIC_READ
    program_field = "program"
    filterset_fields = ["program__track", "phase"]

    def get_queryset(self):
        return selectors.cycles_public().prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
        )


class TechnologyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = selectors.technologies_public()
    serializer_class = TechnologySerializer
    permission_rules = PUBLIC_READ
    filterset_class = TechnologyFilter


class ChallengeViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = selectors.challenges_public()
    serializer_class = ChallengeSerializer
    permission_rules = PUBLIC_READ
    filterset_class = ChallengeFilter
