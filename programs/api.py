"""Read-only public API of the programs domain: the same querysets as the public pages."""

from django.db.models import Prefetch
from rest_framework import permissions, viewsets

from . import selectors
from .filters import ChallengeFilter, TechnologyFilter
from .models import Criterion, Program
from .serializers import (
    ChallengeSerializer,
    CycleSerializer,
    ProgramSerializer,
    TechnologySerializer,
)


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["program__track", "phase"]

    def get_queryset(self):
        return selectors.cycles_public().prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
        )


class TechnologyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.technologies_public()
    serializer_class = TechnologySerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = TechnologyFilter


class ChallengeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.challenges_public()
    serializer_class = ChallengeSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = ChallengeFilter
