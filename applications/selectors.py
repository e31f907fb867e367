"""Reads of the applications domain: every permission-scoped queryset is built here."""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
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

from programs.enums import ANNOUNCED_PHASES
from programs.models import Cycle, Program, Question
from programs.questions import QuestionKind, answer_text, shown_questions

from . import extensions
from .enums import LIVE, SENT_IN, STAGED, ApplicationStatus, MembershipRole
from .models import (
    Answer,
    Application,
    Company,
    Document,
    Invitation,
    Membership,
    StatusChange,
)
from .requirements import answer_fields


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
    those open to the viewers other apps register (``applications.extensions``; the
    reviewers: ``reviews.selectors.reviewer_visibility``, the twin of the reviewer rule in
    ``reviews.rules``).
    """
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
    visible = member | manager
    for viewers in extensions.registered_viewers():
        visible |= viewers.visibility(user)
    return _with_relations(Application.objects.filter(visible).distinct())


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


# --- What the company sees of its application --------------------------------------------
#
# The one place of the rule, used by the pages, the API and the e-mails (``events``):
# outcomes are staged until the cycle's results are announced and read "under review"
# until then; screening out is told at once, with its reason; of the history's notes the
# company reads only its own (a withdrawal reason) and the screening reason. Managers
# (``applications.see_real_status``) see the real status and the whole history.


def applicant_status(application: Application) -> str:
    """The status the company sees (and everyone who is not a manager of the program)."""
    if application.status in STAGED and not application.cycle.results_announced:
        return ApplicationStatus.UNDER_REVIEW
    return application.status


def status_visible_to(user, application: Application) -> str:
    """The real status for its managers; ``applicant_status`` for everyone else, the
    company's members included. No query beyond the permission check."""
    if user.has_perm("applications.see_real_status", application):
        return application.status
    return applicant_status(application)


@dataclass(frozen=True)
class ApplicationView:
    """What a person sees of an application's status: the status, the history, and the
    result with its note when there is one to tell."""

    status: str
    timeline: list[StatusChange]
    show_result: bool
    result_note: str

    def note_for(self, status: str) -> str:
        """The note of the latest visible history row into ``status`` ("" if none)."""
        return next((row.note for row in reversed(self.timeline) if row.to_status == status), "")


def application_view_for(user, application: Application) -> ApplicationView:
    """The status, history and result ``user`` sees of ``application``: everything for its
    managers, the company's view (above) for everyone else (``user=None``: the company's
    view, for the e-mails). The result is shown once there
    is one to tell: screening out at once, a decision once the results are announced."""
    rows = list(application.status_changes.select_related("actor"))
    if user is not None and user.has_perm("applications.see_real_status", application):
        status, timeline = application.status, rows
    else:
        status, timeline = applicant_status(application), _applicant_timeline(application, rows)
    show_result = status == ApplicationStatus.INELIGIBLE or (
        application.cycle.results_announced and status in STAGED
    )
    view = ApplicationView(status, timeline, show_result, "")
    if show_result:
        view = replace(view, result_note=view.note_for(status))
    return view


def _applicant_timeline(application: Application, rows: list[StatusChange]) -> list[StatusChange]:
    announced = application.cycle.results_announced
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
            if field.choices:  # type: ignore[union-attr]
                value = getattr(application, f"get_{name}_display")()
            else:
                value = getattr(application, name)
            rows.append((name, field.verbose_name, value))  # type: ignore[union-attr]
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
      staged one (``applicant_status``) for everyone else.

    A visible row that is neither the member's nor the manager's is open to the user as a
    reviewer (``reviews.selectors.reviewer_visibility``), who sees the company's identity
    unless the cycle is blind (``applications.view_company_identity``). Tests hold these
    against the rules."""
    if not user.is_authenticated:
        return Application.objects.none()
    return annotate_for_api(applications_visible_to(user), user)


def annotate_for_api(queryset: QuerySet[Application], user) -> QuerySet[Application]:
    """``queryset`` with the annotations ``applications_for_api`` describes, for ``user``
    (signed in) — also used where the applications are reached another way (a reviewer's
    assignments)."""
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
    return queryset.annotate(
        viewer_is_member=Exists(member),
        viewer_manages=ExpressionWrapper(manages, output_field=BooleanField()),
        visible_status=Case(
            When(manages, then=F("status")),
            When(
                Q(status__in=STAGED) & ~Q(cycle__phase__in=ANNOUNCED_PHASES),
                then=Value(ApplicationStatus.UNDER_REVIEW),
            ),
            default=F("status"),
            output_field=CharField(),
        ),
    )


def company_language(company: Company) -> str:
    """The language the company reads: its owner's preferred language (the portal's
    default if the owner is gone). Reviewers writing to the company are told it."""
    owner = (
        Membership.objects.filter(company=company, role=MembershipRole.OWNER)
        .select_related("user")
        .first()
    )
    language = owner.user.preferred_language if owner else ""
    return language or settings.LANGUAGE_CODE


def dashboard_applications_of(user) -> QuerySet[Application]:
    """The dashboard's applications, each with ``document_count`` (for ``is_empty_draft``)."""
    return (
        applications_of_member(user)
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("-updated_at", "-pk")
    )


def is_empty_draft(application: Application) -> bool:
    """A draft with no answer and no document (started before drafts waited for the first
    save, or emptied since): the dashboard offers to delete it."""
    if application.status != ApplicationStatus.DRAFT:
        return False
    documents = getattr(application, "document_count", None)
    if documents is None:
        documents = application.documents.count()
    answers = [getattr(application, name) for name in answer_fields(application.track)]
    return not documents and all(value in (None, "", [], 0) for value in answers)


# --- Answers to the call's own questions --------------------------------------------------


def call_questions(cycle_id: int, *, include_retired: bool = False) -> list[Question]:
    """The questions of a call in their order (those asked now, or all of them)."""
    queryset = Question.objects.filter(cycle_id=cycle_id).select_related("condition_question")
    if not include_retired:
        queryset = queryset.filter(retired=False)
    return list(queryset.order_by("order", "pk"))


def answers_by_question(application: Application) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in application.question_answers.all()}


@dataclass(frozen=True)
class AnswerRow:
    """One answer as a page shows it: the question, the answer as text, and for a PDF
    answer the URL and the file name the viewer may see."""

    question: Question
    text: str
    file_url: str = ""
    file_name: str = ""
    value: object = None

    @property
    def section(self) -> str:
        return self.question.section


def question_answers_for(user, application: Application) -> list[AnswerRow]:
    """The answers to the call's questions ``user`` may read, in the questions' order:
    only the questions shown for the application's answers (conditions), without the
    office-only ones for registered viewers (reviewers), PDF answers under a neutral name
    for whoever may not see the company's identity. ``user=None``: everything (the
    company's own copy, e-mails). Two queries whatever the number of questions."""
    answers = answers_by_question(application)
    questions = [
        question
        for question in call_questions(application.cycle_id, include_retired=True)
        if not question.retired or question.pk in answers
    ]
    values = {pk: answer.value for pk, answer in answers.items()}
    office = user is None or user.has_perm("applications.view_office_answers", application)
    identity = user is None or user.has_perm("applications.view_company_identity", application)
    rows = []
    for question in shown_questions(questions, values):
        if not question.visible_to_reviewers and not office:
            continue
        answer = answers.get(question.pk)
        if question.kind == QuestionKind.PDF and answer is not None and answer.file:
            answer.application = application
            name = answer.original_name if identity else answer.neutral_name
            rows.append(AnswerRow(question, name, answer.get_absolute_url(), name))
        else:
            value = answer.value if answer else None
            rows.append(AnswerRow(question, answer_text(question, value), value=value))
    return rows


def get_answer_file_for(user, application_pk: int, answer_pk: int) -> tuple[Answer, str]:
    """A PDF answer ``user`` may download and the name to serve it under, or 404."""
    application = get_application_for(user, application_pk)
    answer = (
        Answer.objects.select_related("question")
        .filter(pk=answer_pk, application=application)
        .exclude(file="")
        .first()
    )
    if answer is None:
        raise Http404
    if not answer.question.visible_to_reviewers and not user.has_perm(
        "applications.view_office_answers", application
    ):
        raise Http404
    answer.application = application
    if user.has_perm("applications.view_company_identity", application):
        return answer, answer.original_name
    return answer, answer.neutral_name
