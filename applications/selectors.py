"""Reads of the applications domain: every permission-scoped queryset is built here."""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from programs.enums import CyclePhase
from programs.models import Cycle, Program

from .enums import LIVE, SENT_IN, STAGED, ApplicationStatus
from .models import Application, Company, Document, Invitation, Membership, StatusChange


def companies_of(user) -> QuerySet[Company]:
    """Companies the user is a member of (owner or member)."""
    if not user.is_authenticated:
        return Company.objects.none()
    return Company.objects.filter(memberships__user=user).distinct()


def get_company_for(user, pk: int) -> Company:
    """A company the user belongs to, or 404 (never 403: an ID reveals nothing)."""
    try:
        return companies_of(user).get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def _with_relations(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related(
        "company", "cycle__program", "technology", "challenge", "updated_by"
    )


def applications_of_member(user) -> QuerySet[Application]:
    """Applications of the user's companies, in every status."""
    if not user.is_authenticated:
        return Application.objects.none()
    return _with_relations(Application.objects.filter(company__memberships__user=user))


def applications_managed_by(user) -> QuerySet[Application]:
    """Sent-in applications of the programs the user manages (all of them for superusers)."""
    if not user.is_authenticated:
        return Application.objects.none()
    queryset = Application.objects.filter(status__in=SENT_IN)
    if user.is_superuser:
        return _with_relations(queryset)
    return _with_relations(
        queryset.filter(
            cycle__program__managers__user=user, cycle__program__managers__is_active=True
        )
    )


def applications_visible_to(user) -> QuerySet[Application]:
    """Everything ``applications.view_application`` allows, as one queryset: the user's
    companies' applications, the sent-in applications of the programs they manage, and
    those open to them as a reviewer (``reviews.selectors.reviewer_visibility``, the twin
    of the reviewer rule in ``reviews.rules``).
    """
    # The reviews app extends who may see an application; it builds on this one, so the
    # dependency is taken here, at call time.
    from reviews.selectors import reviewer_visibility

    if not user.is_authenticated:
        return Application.objects.none()
    member = Q(company__memberships__user=user)
    if user.is_superuser:
        manager = Q(status__in=SENT_IN)
    else:
        manager = Q(
            status__in=SENT_IN,
            cycle__program__managers__user=user,
            cycle__program__managers__is_active=True,
        )
    return _with_relations(
        Application.objects.filter(member | manager | reviewer_visibility(user)).distinct()
    )


def get_application_for(user, pk: int, perm: str = "applications.view_application") -> Application:
    """Fetch and authorise in one step: the application if ``user`` has ``perm`` on it,
    else 404 when they may not even see it, else ``PermissionDenied``."""
    from django.core.exceptions import PermissionDenied

    try:
        application = applications_visible_to(user).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("applications.view_application", application):
        raise Http404
    if perm != "applications.view_application" and not user.has_perm(perm, application):
        raise PermissionDenied
    return application


def get_document_for(user, application_pk: int, document_pk: int) -> Document:
    """A document the user may download, or 404."""
    try:
        document = Document.objects.select_related(
            "application__company", "application__cycle__program"
        ).get(pk=document_pk, application_id=application_pk)
    except Document.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("applications.view_document", document):
        raise Http404
    return document


def document_name_for(user, document: Document) -> str:
    """The file name the user sees and downloads: the uploaded name, or a neutral one
    (reference and kind) for those who may not see the company's identity, since file
    names often carry it."""
    if user.has_perm("applications.view_company_identity", document.application):
        return document.original_name
    return document.neutral_name


def live_application_for(company: Company, cycle: Cycle) -> Application | None:
    return Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()


def live_applications_of(user, cycle: Cycle) -> list[Application]:
    """The user's companies' live applications to ``cycle`` (for the cycle page)."""
    return list(applications_of_member(user).filter(cycle=cycle, status__in=LIVE))


def status_visible_to(user, application: Application) -> str:
    """The real status for its managers; the staged one (``status_for_applicant``) for
    everyone else, the company's members included."""
    if user.has_perm("applications.see_real_status", application):
        return application.status
    return application.status_for_applicant()


def timeline_for(user, application: Application) -> list[StatusChange]:
    """The status history a person may see. Before the announcement, the company does not
    see outcome rows; it sees only its own notes (a withdrawal reason) and, once announced,
    the screening reason."""
    rows = list(application.status_changes.select_related("actor"))
    if user.has_perm("applications.see_real_status", application):
        return rows
    announced = application.cycle.phase in (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED)
    visible = []
    for row in rows:
        if row.to_status in STAGED and not announced:
            continue
        if row.to_status not in (ApplicationStatus.WITHDRAWN, ApplicationStatus.INELIGIBLE):
            row.note = ""
        visible.append(row)
    return visible


def answer_sections(application: Application) -> list[tuple]:
    """[(step label, [(field name, label, display value)], step slug)] of the answers of the
    application's track, for every page that shows them (``_answers.html``)."""
    from .requirements import PROJECT, TRACK, step_fields, step_label

    sections = []
    for step in (PROJECT, TRACK):
        rows = []
        for name in step_fields(step.slug, application.track):
            field = Application._meta.get_field(name)
            if field.choices:
                value = getattr(application, f"get_{name}_display")()
            else:
                value = getattr(application, name)
            rows.append((name, field.verbose_name, value))
        sections.append((step_label(step, application.track), rows, step.slug))
    return sections


def members_of(company: Company) -> QuerySet[Membership]:
    return company.memberships.select_related("user").order_by("-role", "created_at")


def open_invitations_of(company: Company) -> QuerySet[Invitation]:
    return company.invitations.filter(accepted_at__isnull=True).order_by("-created_at")


def documents_of(application: Application) -> QuerySet[Document]:
    return application.documents.select_related("uploaded_by").order_by("kind", "uploaded_at")


def applications_for_api(user) -> QuerySet[Application]:
    """``applications_visible_to(user)`` with, decided in SQL for the whole page at once,
    what the API shows of each row (so a page costs the same number of queries whatever
    its size):

    * ``viewer_is_member``: the queryset twin of ``rules.is_application_member``;
    * ``viewer_manages``: the twin of ``rules.is_cycle_manager`` (sent in, and the user
      manages the program);
    * ``visible_status``: ``status_visible_to`` — the real status for the managers, the
      staged one (``Application.status_for_applicant``) for everyone else.

    A visible row that is neither the member's nor the manager's is open to the user as a
    reviewer (``reviews.selectors.reviewer_visibility``), who sees the company's identity
    unless the cycle is blind (``applications.view_company_identity``). Tests hold these
    against the rules."""
    if not user.is_authenticated:
        return Application.objects.none()
    member = Membership.objects.filter(company=OuterRef("company"), user=user)
    if user.is_superuser:
        manages = Q(status__in=SENT_IN)
    else:
        manages = Q(
            status__in=SENT_IN,
            cycle__program__in=Program.objects.filter(
                managers__user=user, managers__is_active=True
            ).values("pk"),
        )
    announced = (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED)
    return applications_visible_to(user).annotate(
        viewer_is_member=Exists(member),
        viewer_manages=ExpressionWrapper(manages, output_field=BooleanField()),
        visible_status=Case(
            When(manages, then=F("status")),
            When(
                Q(status__in=STAGED) & ~Q(cycle__phase__in=announced),
                then=Value(ApplicationStatus.UNDER_REVIEW),
            ),
            default=F("status"),
            output_field=CharField(),
        ),
    )
