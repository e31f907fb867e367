"""Pages of managers on the reviewing side: the managers' hub, the cycle's phase,
screening, assignment, an application's reviews."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.services import application_screen
from partners.selectors import interest_labels
from programs.enums import CyclePhase

from .. import selectors, services
from ..assignment import AssignmentInfeasible
from ..enums import SCORING_PHASES, AssignmentStatus, ReviewStatus
from ..forms import (
    ReasonForm,
    ScreenOutForm,
)
from ..models import Assignment, Review, Reviewer
from ..scoring import CriterionSpec, SubmittedReview, review_score
from ._common import _add_errors, _message, _safe_next

# --- Managers' hub -----------------------------------------------------------------------


@login_required
def manage_cycles(request):
    # Like every other manager page: 404 to anyone who manages nothing (not an empty hub).
    manager = getattr(request.user, "program_manager", None)
    if not request.user.is_superuser and not (manager and manager.is_active):
        raise Http404
    cycles = selectors.cycles_managed_by(request.user)
    return render(request, "reviews/manage/cycles.html", {"cycles": cycles})


@login_required
def manage_cycle(request, cycle_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    return render(request, "reviews/manage/cycle.html", {"cycle": cycle})


# --- Managers: the cycle's phase, screening ---------------------------------------------------


@login_required
@require_POST
def manage_cycle_phase(request, cycle_pk: int):
    """No phase changes on one click: an old form posting here is sent to the phase's
    confirmation page (``programs:call_phase``), which states the consequences."""
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    action = {CyclePhase.CLOSED: "close", CyclePhase.REVIEW: "start-review"}.get(
        request.POST.get("to", "")
    )
    if action is None or services.HUB_PHASE_MOVES.get(cycle.phase) != request.POST.get("to"):
        messages.error(
            request,
            _("A cycle cannot go from “%(source)s” to “%(target)s” here.")
            % {"source": cycle.get_phase_display(), "target": request.POST.get("to", "")},
        )
        return redirect("reviews:manage_cycle", cycle_pk=cycle.pk)
    return redirect("programs:call_phase", cycle_pk=cycle.pk, action=action)


SCREENING_FILTERS = {
    "submitted": (ApplicationStatus.SUBMITTED, gettext_lazy("To screen")),
    "eligible": (ApplicationStatus.UNDER_REVIEW, gettext_lazy("Eligible")),
    "ineligible": (ApplicationStatus.INELIGIBLE, gettext_lazy("Ineligible")),
    "all": (None, gettext_lazy("All")),
}


@login_required
def screening(request, cycle_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("applications") if pk.isdigit()]
        if not ids:
            messages.error(request, _("Tick the applications to mark eligible."))
        else:
            try:
                screened = services.applications_screen_in(
                    cycle=cycle, application_ids=ids, actor=request.user
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _message(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d application marked eligible: now under review.",
                        "%(count)d applications marked eligible: now under review.",
                        len(screened),
                    )
                    % {"count": len(screened)},
                )
        return redirect(request.get_full_path())
    shown = request.GET.get("show", "submitted")
    if shown not in SCREENING_FILTERS:
        shown = "submitted"
    applications = selectors.screening_list(cycle, status=SCREENING_FILTERS[shown][0])
    paginator = Paginator(applications, 50)
    counts = selectors.screening_counts(cycle)
    return render(
        request,
        "reviews/manage/screening.html",
        {
            "cycle": cycle,
            "page": paginator.get_page(request.GET.get("page")),
            "query": urlencode({"show": shown}),
            "shown": shown,
            "filters": [
                (key, label, counts.get(status, 0) if status else None)
                for key, (status, label) in SCREENING_FILTERS.items()
            ],
            "submitted_status": ApplicationStatus.SUBMITTED,
        },
    )


@login_required
def screen_application(request, cycle_pk: int, application_pk: int):
    """One application: eligible (POST ``eligible=1``) or ineligible with a reason."""
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    application = get_object_or_404(selectors.screening_list(cycle, status=None), pk=application_pk)
    form = ScreenOutForm(request.POST or None)
    if request.method == "POST":
        eligible = request.POST.get("eligible") == "1"
        if eligible or form.is_valid():
            try:
                application_screen(
                    application=application,
                    actor=request.user,
                    eligible=eligible,
                    reason="" if eligible else form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if eligible:
                    messages.error(request, _message(error))
                    return redirect(_screening_url(cycle, request))
                _add_errors(form, error)
            except PermissionDenied as error:
                messages.error(request, _message(error))
                return redirect(_screening_url(cycle, request))
            else:
                if eligible:
                    text = _("%(reference)s is eligible: now under review.")
                else:
                    text = _("%(reference)s is ineligible; the company has been told why.")
                messages.success(request, text % {"reference": application.reference})
                return redirect(_screening_url(cycle, request))
    return render(
        request,
        "reviews/manage/screening_ineligible.html",
        {"cycle": cycle, "application": application, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _screening_url(cycle, request) -> str:
    url = reverse("reviews:screening", kwargs={"cycle_pk": cycle.pk})
    shown = request.GET.get("show")
    return f"{url}?{urlencode({'show': shown})}" if shown in SCREENING_FILTERS else url


# --- Managers: assignment ---------------------------------------------------------------------


@login_required
def assignment(request, cycle_pk: int):
    """The assignment board. POST ``action=propose`` runs the automatic proposal,
    ``action=confirm`` confirms every proposed assignment.

    Over 60 lines on purpose: two POST actions (propose, confirm), each one service call
    with its own messages, and the board they render again.
    """
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    problems = proposal = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "propose":
                proposal = services.assignment_propose(cycle=cycle, actor=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d assignment proposed. Review it, adjust by hand if needed, "
                        "then confirm.",
                        "%(count)d assignments proposed. Review them, adjust by hand if needed, "
                        "then confirm.",
                        proposal.new_assignments,
                    )
                    % {"count": proposal.new_assignments},
                )
                return redirect("reviews:assignment", cycle_pk=cycle.pk)
            if action == "confirm":
                confirmed = services.assignments_confirm(cycle=cycle, actor=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d assignment confirmed; the reviewers have been notified.",
                        "%(count)d assignments confirmed; the reviewers have been notified.",
                        confirmed,
                    )
                    % {"count": confirmed},
                )
                return redirect("reviews:assignment", cycle_pk=cycle.pk)
            messages.error(request, _("Unknown action."))
            return redirect("reviews:assignment", cycle_pk=cycle.pk)
        except AssignmentInfeasible as error:
            problems = [(problem.reference, problem.message) for problem in error.problems]
            status = 400
        except services.AssignmentsIncomplete as error:
            problems = error.problems
            status = 400
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
            return redirect("reviews:assignment", cycle_pk=cycle.pk)
    board = selectors.assignment_board(cycle)
    # Thousands of applications: a page of rows at a time, or only those still lacking
    # reviewers; the figures above the table are the whole cycle's.
    shown = "incomplete" if request.GET.get("show") == "incomplete" else "all"
    rows = board.incomplete if shown == "incomplete" else board.rows
    return render(
        request,
        "reviews/manage/assignment.html",
        {
            "cycle": cycle,
            "board": board,
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "shown": shown,
            "query": urlencode({"show": shown}),
            "problems": problems,
            "failed_action": request.POST.get("action") if problems else None,
            "can_change": cycle.phase in SCORING_PHASES,
            "active_status": AssignmentStatus.ACTIVE,
            "declined_status": AssignmentStatus.DECLINED,
        },
        status=status,
    )


@login_required
@require_POST
def assignment_add(request, cycle_pk: int, application_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    application = get_object_or_404(
        Application.objects.select_related("cycle__program", "company"),
        pk=application_pk,
        cycle=cycle,
    )
    reviewer = Reviewer.objects.filter(pk=request.POST.get("reviewer") or 0).first()
    if reviewer is None:
        messages.error(request, _("Choose a reviewer to add."))
    else:
        try:
            services.assignment_add(application=application, reviewer=reviewer, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"{application.reference}: {_message(error)}")
        else:
            messages.success(
                request,
                _("%(reviewer)s proposed for %(reference)s; confirm to assign.")
                % {"reviewer": reviewer.user, "reference": application.reference},
            )
    return redirect(_board_url(request, cycle, application.pk))


@login_required
@require_POST
def assignment_remove(request, pk: int):
    assignment_obj = get_object_or_404(
        Assignment.objects.select_related("application__cycle__program", "reviewer__user"), pk=pk
    )
    cycle = selectors.get_cycle_for_manager(request.user, assignment_obj.application.cycle_id)
    try:
        services.assignment_remove(assignment=assignment_obj, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("%(reviewer)s removed from %(reference)s.")
            % {
                "reviewer": assignment_obj.reviewer.user,
                "reference": assignment_obj.application.reference,
            },
        )
    return redirect(_board_url(request, cycle, assignment_obj.application_id))


def _board_url(request, cycle, application_pk: int) -> str:
    """Back to the board page the manager was on, at the application's row."""
    page = _safe_next(request) or reverse("reviews:assignment", kwargs={"cycle_pk": cycle.pk})
    return f"{page.split('#')[0]}#row-{application_pk}"


# --- Managers: an application's reviews ------------------------------------------------------


@login_required
def manage_application(request, pk: int):
    application = selectors.get_application_for_manager(request.user, pk)
    cycle = application.cycle
    criteria = selectors.rubric_of(cycle)
    assignments = selectors.application_reviews(application)
    specs = [CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria]
    rows = []
    for item in assignments:
        try:
            review_obj = item.review
        except Review.DoesNotExist:
            review_obj = None
        scores = {s.criterion_id: s.score for s in review_obj.scores.all()} if review_obj else {}
        total = None
        if review_obj and review_obj.status == ReviewStatus.SUBMITTED and len(scores) == len(specs):
            total = review_score(
                SubmittedReview(
                    item.reviewer_id, item.reviewer.organisation, application.pk, scores
                ),
                specs,
            ).quantize(Decimal("0.01"))
        reopen_form = None
        if review_obj and review_obj.status == ReviewStatus.SUBMITTED:
            reopen_form = ReasonForm(
                label=_("Why reopen this review?"),
                help_text=_("The reviewer is notified with this reason."),
                auto_id=f"id_reopen{review_obj.pk}_%s",
            )
        rows.append(
            {
                "assignment": item,
                "review": review_obj,
                "scores": scores,
                "total": total,
                "reopen_form": reopen_form,
            }
        )
    return render(
        request,
        "reviews/manage/application.html",
        {
            "application": application,
            "cycle": cycle,
            "criteria": criteria,
            "rows": rows,
            "can_reopen": cycle.phase in SCORING_PHASES,
            "active_status": AssignmentStatus.ACTIVE,
            "declined_status": AssignmentStatus.DECLINED,
            "submitted_status": ReviewStatus.SUBMITTED,
            # Its own line, no part of the score (issue 16).
            "partner_interest": interest_labels([application.pk]).get(application.pk, ""),
        },
    )


@login_required
@require_POST
def review_reopen(request, pk: int):
    review_obj = get_object_or_404(
        Review.objects.select_related(
            "assignment__application__cycle__program", "assignment__reviewer__user"
        ),
        pk=pk,
    )
    application = review_obj.assignment.application
    selectors.get_application_for_manager(request.user, application.pk)
    form = ReasonForm(request.POST, label=_("Why reopen this review?"))
    if not form.is_valid():
        messages.error(request, _("Say why the review is reopened."))
    else:
        try:
            services.review_reopen(
                review=review_obj, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(
                request,
                _("The review by %(reviewer)s is reopened; they have been notified.")
                % {"reviewer": review_obj.assignment.reviewer.user},
            )
    return redirect("reviews:manage_application", pk=application.pk)
