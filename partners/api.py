"""The partners API (``/api/v1/partner/``): the proposals a partner user may read, with the
selectors and named permissions of the pages, and marking interest. Default deny: anyone
not signed in is refused (401/403 on the one error contract), anyone else reads only
``selectors.proposals_visible_to``."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.models import Document
from common.api import ApiViewMixin, Rule

from . import selectors, services
from .models import PartnerInterest
from .serializers import InterestSerializer, ProposalSerializer


class ProposalViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposals to your own challenges or technologies: screened eligible, shared by their
    company, in calls whose confidentiality agreement you accepted (on the partner pages),
    none of a company you declared a conflict with. Empty for anyone who is not a partner
    user."""

    serializer_class = ProposalSerializer
    permission_rules = {
        "list": Rule(),
        "retrieve": Rule(object="partners.view_proposal"),
        "interest": Rule(object="partners.mark_interest"),
    }
    program_field = "cycle__program"

    def get_queryset(self):
        own = PartnerInterest.objects.filter(partner__in=selectors.partners_of(self.request.user))
        return selectors.proposals_visible_to(self.request.user).prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("kind", "pk")),
            Prefetch("partner_interests", queryset=own, to_attr="own_interests"),
        )

    @extend_schema(request=InterestSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def interest(self, request, pk=None):
        """Mark your interest (``interested``, ``would_discuss``, ``not_a_fit``) with a
        comment; marking again replaces it. Managers see it beside the ranking."""
        proposal = self.get_object()
        data = InterestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.interest_mark(
            actor=request.user,
            application=proposal,
            level=data.validated_data["level"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(self.get_serializer(self.get_object()).data)
