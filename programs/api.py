"""Read-only public API of the programs domain: the same querysets as the public pages.
Anyone may read them; a token limited to programs sees only those."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, viewsets

from common.api import PUBLIC, ApiViewMixin, IdFilter, Rule, require_token_program
from common.pagination import Cursor

from . import selectors
from .filters import ChallengeFilter, TechnologyFilter
from .models import Criterion, Cycle, CycleActivity, Program
from .serializers import (
    ChallengeSerializer,
    CycleActivitySerializer,
    CycleSerializer,
    ProgramSerializer,
    TechnologySerializer,
)

PUBLIC_READ = {"list": PUBLIC, "retrieve": PUBLIC}


class _OfferedInPublicCycle(django_filters.FilterSet):
    """The pages' filters, with ``cycle`` as a plain id: an unknown (or not public) call
    filters to nothing instead of answering 400."""

    cycle = IdFilter(method="filter_cycle", label=_("Offered in"))

    def filter_cycle(self, queryset, name, value):
        return queryset.filter(cycles__in=selectors.cycles_public().filter(pk=value)).distinct()


class TechnologyApiFilter(_OfferedInPublicCycle, TechnologyFilter):
    pass


class ChallengeApiFilter(_OfferedInPublicCycle, ChallengeFilter):
    pass


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
    filterset_class = TechnologyApiFilter


class ChallengeViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = selectors.challenges_public()
    serializer_class = ChallengeSerializer
    permission_rules = PUBLIC_READ
    filterset_class = ChallengeApiFilter


class CycleActivityView(ApiViewMixin, generics.ListAPIView):
    """The call's activity log, newest first (phase changes, settings, decisions,
    approvals, overrides, the announcement): for the program managers of the call."""

    serializer_class = CycleActivitySerializer
    permission_rules = {"get": Rule()}
    pagination_class = Cursor
    filter_backends: list = []

    def get_queryset(self):
        cycle = get_object_or_404(Cycle, pk=self.kwargs["cycle_pk"])
        require_token_program(self.request, cycle.program_id)
        if not self.request.user.has_perm("reviews.manage_cycle", cycle):
            raise Http404
        return CycleActivity.objects.filter(cycle=cycle).select_related("actor")
