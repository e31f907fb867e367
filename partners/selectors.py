"""Reads of the partners domain: what a partner user may see is decided here, once, and
reused by the pages, the API and the notifications.

A partner user sees a proposal (an application) only when all of these hold:

- the application answers a challenge or names a technology of the user's own partner
  (``PartnerEntry``), never another partner's;
- it was screened eligible (``SCREENED_ELIGIBLE``: under review or decided, not withdrawn);
- the company gave the optional provision consent (``ConsentKind.PARTNER_PROVISION``);
- the partner declared no conflict with the company;
- the user accepted the call's confidentiality agreement for that partner.

Partners never see scores, reviewers, decisions before the announcement, or contact
persons before a selected proposal's announcement.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from applications.enums import ApplicationStatus, ConsentKind, MembershipRole
from applications.models import Application, Consent, Membership
from programs.enums import ANNOUNCED_PHASES, PUBLIC_PHASES, Track
from programs.models import Cycle, ProgramManager

from .enums import SCREENED_ELIGIBLE, EditState, PartnerKind
from .models import (
    NdaAcceptance,
    PartnerConflict,
    PartnerEntry,
    PartnerEntryEdit,
    PartnerInterest,
    PartnerOrganisation,
)

# Which program's managers look after which kind of partner.
TRACK_OF_KIND = {PartnerKind.SPONSOR: Track.OPEN_INNOVATION, PartnerKind.HOLDER: Track.JOINT_RND}


def partners_of(user) -> QuerySet[PartnerOrganisation]:
    """The partner organisations the user belongs to."""
    if not user.is_authenticated:
        return PartnerOrganisation.objects.none()
    return PartnerOrganisation.objects.filter(memberships__user=user)


def is_partner_user(user) -> bool:
    return partners_of(user).exists()


def partner_of(user) -> PartnerOrganisation:
    """The user's partner (a partner user belongs to one), or 404."""
    partner = partners_of(user).order_by("pk").first()
    if partner is None:
        raise Http404
    return partner


def _with_owner(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate ``owner_partner_id``: the partner whose challenge or technology the
    application answers or names (None for neither, or an item no partner owns)."""
    return queryset.annotate(
        owner_partner_id=Coalesce(
            F("challenge__partner_entry__partner_id"), F("technology__partner_entry__partner_id")
        )
    )


def provided_to_partners() -> QuerySet[Application]:
    """Applications a partner may ever see, whoever the partner user: screened eligible,
    consented, owned by a partner, no conflict of that partner with the company."""
    consented = Consent.objects.filter(
        application=OuterRef("pk"), kind=ConsentKind.PARTNER_PROVISION
    )
    conflicted = PartnerConflict.objects.filter(
        partner_id=OuterRef("owner_partner_id"), company_id=OuterRef("company_id")
    )
    return (
        _with_owner(Application.objects.filter(status__in=SCREENED_ELIGIBLE))
        .filter(owner_partner_id__isnull=False)
        .filter(Exists(consented))
        .exclude(Exists(conflicted))
    )


def proposals_visible_to(user, *, cycle: Cycle | None = None) -> QuerySet[Application]:
    """The proposals the user may read (see the module's docstring), newest call first."""
    if not user.is_authenticated:
        return Application.objects.none()
    signed = NdaAcceptance.objects.filter(
        user=user, partner_id=OuterRef("owner_partner_id"), cycle_id=OuterRef("cycle_id")
    )
    queryset = (
        provided_to_partners()
        .filter(owner_partner_id__in=partners_of(user).values("pk"))
        .filter(Exists(signed))
        .select_related("company", "cycle__program", "challenge", "technology")
    )
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    return queryset.order_by("-cycle__opens_at", "reference", "pk")


def get_proposal_for(user, pk: int) -> Application:
    """A proposal the user may read, or 404 (an ID guessed in a URL reveals nothing)."""
    try:
        return proposals_visible_to(user).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def calls_of_partner(partner: PartnerOrganisation) -> QuerySet[Cycle]:
    """Public calls offering one of the partner's challenges or technologies."""
    own = PartnerEntry.objects.filter(partner=partner)
    return (
        Cycle.objects.filter(phase__in=PUBLIC_PHASES)
        .filter(
            Q(challenges__in=own.values("challenge_id"))
            | Q(technologies__in=own.values("technology_id"))
        )
        .distinct()
        .select_related("program")
        .order_by("-opens_at", "pk")
    )


def calls_for(user, partner: PartnerOrganisation) -> list[tuple[Cycle, bool, int]]:
    """(call, agreement accepted by the user, proposals the user may read) per call."""
    calls = list(calls_of_partner(partner))
    signed = set(
        NdaAcceptance.objects.filter(user=user, partner=partner).values_list("cycle_id", flat=True)
    )
    counts: dict[int, int] = {}
    for cycle_id in proposals_visible_to(user).values_list("cycle_id", flat=True):
        counts[cycle_id] = counts.get(cycle_id, 0) + 1
    return [(cycle, cycle.pk in signed, counts.get(cycle.pk, 0)) for cycle in calls]


def get_call_for(partner: PartnerOrganisation, pk: int) -> Cycle:
    try:
        return calls_of_partner(partner).get(pk=pk)
    except Cycle.DoesNotExist:
        raise Http404 from None


def has_accepted_nda(user, partner: PartnerOrganisation, cycle: Cycle) -> bool:
    return NdaAcceptance.objects.filter(user=user, partner=partner, cycle=cycle).exists()


def contact_revealed(application: Application) -> bool:
    """Both sides see each other's contact person only once a selected proposal's result is
    announced."""
    return application.status == ApplicationStatus.SELECTED and application.cycle.results_announced


def company_contact(application: Application) -> list[tuple[str, str]]:
    """(name, e-mail) of the company's owner, its contact person for the partner."""
    return [
        (membership.user.display_name or membership.user.email, membership.user.email)
        for membership in Membership.objects.filter(
            company_id=application.company_id, role=MembershipRole.OWNER
        ).select_related("user")
    ]


def matches_of_company_member(user) -> QuerySet[Application]:
    """The user's companies' selected, announced, consented proposals and their partner."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        provided_to_partners()
        .filter(status=ApplicationStatus.SELECTED, company__memberships__user=user)
        .filter(cycle__phase__in=ANNOUNCED_PHASES)
        .select_related("cycle", "challenge", "technology")
    )


def partner_of_application(application: Application) -> PartnerOrganisation | None:
    entry = (
        PartnerEntry.objects.filter(
            Q(challenge_id=application.challenge_id, challenge__isnull=False)
            | Q(technology_id=application.technology_id, technology__isnull=False)
        )
        .select_related("partner")
        .first()
    )
    return entry.partner if entry else None


def interest_of(partner: PartnerOrganisation, application: Application) -> PartnerInterest | None:
    return PartnerInterest.objects.filter(partner=partner, application=application).first()


def interest_by_application(application_ids) -> dict[int, list[PartnerInterest]]:
    """Partner interest per application, for the managers' ranking, application page and
    exports (one query whatever the number of applications). Not part of any score."""
    found: dict[int, list[PartnerInterest]] = {}
    for interest in (
        PartnerInterest.objects.filter(application_id__in=list(application_ids))
        .select_related("partner")
        .order_by("partner__name", "pk")
    ):
        found.setdefault(interest.application_id, []).append(interest)
    return found


# --- managers ---------------------------------------------------------------------------


def managed_tracks(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    manager = ProgramManager.objects.filter(user=user, is_active=True).first()
    if manager is None:
        return set()
    return set(manager.programs.values_list("track", flat=True))


def partners_managed_by(user) -> QuerySet[PartnerOrganisation]:
    """Sponsors for the open innovation program's managers; holders for joint R&D's."""
    tracks = managed_tracks(user)
    kinds = [kind for kind, track in TRACK_OF_KIND.items() if track in tracks]
    return PartnerOrganisation.objects.filter(kind__in=kinds)


def manages_partner(user, partner: PartnerOrganisation) -> bool:
    return TRACK_OF_KIND[partner.kind] in managed_tracks(user)


def get_managed_partner(user, pk: int) -> PartnerOrganisation:
    try:
        return partners_managed_by(user).get(pk=pk)
    except PartnerOrganisation.DoesNotExist:
        raise Http404 from None


def edits_to_approve(user) -> QuerySet[PartnerEntryEdit]:
    return PartnerEntryEdit.objects.filter(
        partner__in=partners_managed_by(user), state=EditState.PENDING
    ).select_related("partner", "proposed_by", "entry")


def get_edit_for_manager(user, pk: int) -> PartnerEntryEdit:
    try:
        return PartnerEntryEdit.objects.select_related("partner", "entry").get(
            pk=pk, partner__in=partners_managed_by(user)
        )
    except PartnerEntryEdit.DoesNotExist:
        raise Http404 from None


def entries_of(partner: PartnerOrganisation) -> QuerySet[PartnerEntry]:
    return partner.entries.select_related("challenge", "technology").order_by("pk")


def get_entry_for(user, pk: int) -> PartnerEntry:
    try:
        return PartnerEntry.objects.select_related("challenge", "technology", "partner").get(
            pk=pk, partner__in=partners_of(user)
        )
    except PartnerEntry.DoesNotExist:
        raise Http404 from None


def interest_labels(application_ids) -> dict[int, str]:
    """Partner interest per application as one line of text ("Example Pharma: Interested —
    comment"), for the managers' ranking, application page and exports. One query."""
    return {
        application_id: "; ".join(
            f"{interest.partner.name}: {interest.get_level_display()}"
            + (f" — {interest.comment}" if interest.comment else "")
            for interest in interests
        )
        for application_id, interests in interest_by_application(application_ids).items()
    }
