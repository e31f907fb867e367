"""Pages of review and selection. Sections: the managers' hub, then the reviewing side
(reviewers, screening, assignment), then the selection side (ranking, decisions,
approvals, announcement, dashboard, exports)."""

from decimal import Decimal
from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.selectors import answer_sections
from applications.services import application_screen
from programs.enums import CyclePhase, Organisation

from . import exports, scoring, selectors, services
from .assignment import AssignmentInfeasible
from .enums import DECISION_PHASES, SCORING_PHASES, AssignmentStatus, ReviewStatus
from .forms import (
    ConflictForm,
    DecisionForm,
    PledgeForm,
    RankingFilterForm,
    ReasonForm,
    ReviewForm,
    ScreenOutForm,
)
from .models import Assignment, ConflictDeclaration, Review, Reviewer
from .pledge import PLEDGE
from .scoring import CriterionSpec, SubmittedReview, review_score

# --- Managers' hub -----------------------------------------------------------------------


@login_required
def manage_cycles(request):
    cycles = selectors.cycles_managed_by(request.user)
    return render(request, "reviews/manage/cycles.html", {"cycles": cycles})


@login_required
def manage_cycle(request, cycle_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    return render(request, "reviews/manage/cycle.html", {"cycle": cycle})


# =========================================================================================
# Reviewing: reviewers, screening, assignment
# =========================================================================================

# --- Reviewers ------------------------------------------------------------------------------


def _reviewer_or_404(request):
    reviewer = selectors.reviewer_of(request.user)
    if reviewer is None:
        raise Http404
    return reviewer


@login_required
def reviewer_dashboard(request):
    reviewer = _reviewer_or_404(request)
    return render(
        request,
        "reviews/reviewer/dashboard.html",
        {"reviewer": reviewer, "cycles": selectors.reviewer_cycles(reviewer)},
    )


@login_required
def reviewer_profile(request):
    reviewer = _reviewer_or_404(request)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                reviewer=reviewer,
                company=form.cleaned_data["company"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Conflict declared. You will not be assigned this company's applications, "
                    "and any assignment you had for them has been declined."
                ),
            )
            return redirect("reviews:reviewer_profile")
    return render(
        request,
        "reviews/reviewer/profile.html",
        {
            "reviewer": reviewer,
            "conflicts": selectors.conflicts_of(reviewer),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def conflict_withdraw(request, pk: int):
    reviewer = _reviewer_or_404(request)
    conflict = get_object_or_404(ConflictDeclaration, pk=pk, reviewer=reviewer)
    try:
        services.conflict_withdraw(conflict=conflict, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The conflict has been withdrawn."))
    return redirect("reviews:reviewer_profile")


@login_required
def pledge(request, cycle_pk: int):
    reviewer = _reviewer_or_404(request)
    cycle = get_object_or_404(selectors.cycles_of_reviewer(reviewer), pk=cycle_pk)
    accepted = reviewer.pledges.filter(cycle=cycle).first()
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and accepted is None and form.is_valid():
        try:
            services.pledge_accept(reviewer=reviewer, cycle=cycle, actor=request.user)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you: the applications of this call are open to you.")
            )
            return redirect(_safe_next(request) or reverse("reviews:reviewer_dashboard"))
    return render(
        request,
        "reviews/reviewer/pledge.html",
        {
            "cycle": cycle,
            "pledge": PLEDGE,
            "accepted": accepted,
            "form": form,
            "next": _safe_next(request),
        },
        status=400 if request.method == "POST" and accepted is None else 200,
    )


@login_required
def reviewer_application(request, application: int):
    """Where a reviewer lands from a link to the application: their review of it."""
    reviewer = _reviewer_or_404(request)
    assignment = get_object_or_404(
        reviewer.assignments, application_id=application, status=AssignmentStatus.ACTIVE
    )
    return redirect("reviews:review", pk=assignment.pk)


def _opened_assignment(request, pk: int):
    """The reviewer's assignment if its application opens for them, a redirect to the
    pledge when that is what is missing, else 404 (conflicted, withdrawn…)."""
    assignment = selectors.get_assignment_for_reviewer(request.user, pk)
    if request.user.has_perm("reviews.open_assignment", assignment):
        return assignment
    application = assignment.application
    pledged = assignment.reviewer.pledges.filter(cycle_id=application.cycle_id).exists()
    if not pledged and request.user.has_perm("reviews.decline_assignment", assignment):
        url = reverse("reviews:pledge", kwargs={"cycle_pk": application.cycle_id})
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    raise Http404


def _review_context(request, assignment, form) -> dict:
    application = assignment.application
    user = request.user
    review = selectors.review_of(assignment)
    can_see_others = user.has_perm("reviews.view_other_reviews", assignment)
    criteria = form.criteria
    return {
        "assignment": assignment,
        "application": application,
        "cycle": application.cycle,
        "review": review,
        "is_submitted": review is not None and review.status == ReviewStatus.SUBMITTED,
        "form": form,
        "criteria": criteria,
        "own_scores": {s.criterion_id: s.score for s in review.scores.all()} if review else {},
        "show_identity": user.has_perm("applications.view_company_identity", application),
        "answers": answer_sections(application),
        "documents": selectors.documents_for(user, application),
        "can_change": user.has_perm("reviews.change_review", assignment),
        "can_decline": user.has_perm("reviews.decline_assignment", assignment),
        "others": selectors.other_reviews(assignment) if can_see_others else None,
        "history": list(review.history.select_related("actor")) if review else [],
    }


@login_required
def review(request, pk: int):
    """The scoring page: the application beside the rubric form. POST saves the draft
    (``action=save``) or saves and submits it (``action=submit``)."""
    assignment = _opened_assignment(request, pk)
    if isinstance(assignment, HttpResponse):
        return assignment
    criteria = selectors.rubric_of(assignment.application.cycle)
    if request.method != "POST":
        form = ReviewForm(
            initial=ReviewForm.initial_for(selectors.review_of(assignment), criteria),
            criteria=criteria,
        )
        return render(
            request, "reviews/reviewer/review.html", _review_context(request, assignment, form)
        )

    form = ReviewForm(request.POST, criteria=criteria)
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        try:
            services.review_save(
                assignment=assignment, actor=request.user, **form.service_arguments()
            )
            if submit:
                services.review_submit(assignment=assignment, actor=request.user)
        except services.ReviewLocked as error:
            messages.error(request, _message(error))
            return redirect("reviews:review", pk=assignment.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if submit:
                messages.success(
                    request,
                    _(
                        "Your review has been submitted. The other reviewers' reviews are "
                        "shown below."
                    ),
                )
            else:
                messages.success(request, _("Draft saved."))
            return redirect("reviews:review", pk=assignment.pk)
    return render(
        request,
        "reviews/reviewer/review.html",
        _review_context(request, assignment, form),
        status=400,
    )


@require_POST
def review_autosave(request, pk: int):
    """htmx: save the draft as the reviewer types; answers with a status line (401 with
    the line when the session has expired: the text stays in the page)."""
    if not request.user.is_authenticated:
        return render(request, "reviews/reviewer/_autosave.html", {"state": "expired"}, status=401)
    assignment = selectors.get_assignment_for_reviewer(request.user, pk)
    if not request.user.has_perm("reviews.open_assignment", assignment):
        raise Http404
    criteria = selectors.rubric_of(assignment.application.cycle)
    form = ReviewForm(request.POST, criteria=criteria)
    context = {"state": "saved", "saved_at": timezone.now()}
    if not form.is_valid():
        context = {"state": "invalid", "errors": _labelled_errors(form)}
    else:
        try:
            services.review_save(
                assignment=assignment, actor=request.user, **form.service_arguments()
            )
        except services.ReviewLocked:
            context = {"state": "locked"}
        except ValidationError as error:
            _add_errors(form, error)
            context = {"state": "invalid", "errors": _labelled_errors(form)}
        except PermissionDenied:
            context = {"state": "locked"}
    return render(request, "reviews/reviewer/_autosave.html", context)


@login_required
def decline(request, pk: int):
    assignment = selectors.get_assignment_for_reviewer(request.user, pk)
    if not request.user.has_perm("reviews.decline_assignment", assignment):
        raise Http404
    form = ReasonForm(
        request.POST or None,
        label=_("What is the conflict?"),
        help_text=_("Seen by the program managers only."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_decline(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "You have declined this application for a conflict of interest. Thank "
                    "you for declaring it."
                ),
            )
            return redirect("reviews:reviewer_dashboard")
    return render(
        request,
        "reviews/reviewer/decline.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "show_identity": request.user.has_perm(
                "applications.view_company_identity", assignment.application
            ),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Managers: the cycle's phase, screening ---------------------------------------------------


@login_required
@require_POST
def manage_cycle_phase(request, cycle_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    try:
        services.cycle_advance(cycle=cycle, to=request.POST.get("to", ""), actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("The cycle is now “%(phase)s”.") % {"phase": cycle.get_phase_display()},
        )
    return redirect("reviews:manage_cycle", cycle_pk=cycle.pk)


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
    ``action=confirm`` confirms every proposed assignment."""
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


# --- Helpers ---------------------------------------------------------------------------------


def _message(error) -> str:
    """One readable sentence from a ValidationError or PermissionDenied."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You are not allowed to do this.")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _labelled_errors(form) -> list[tuple[str, list[str]]]:
    return [
        (form.fields[name].label if name in form.fields else _("Review"), list(errors))
        for name, errors in form.errors.items()
    ]


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# =========================================================================================
# Selection: ranking, decisions, approvals, announcement, dashboard, exports
# =========================================================================================

RANKING_PAGE_SIZE = 100
# The figures the ranking's help panel quotes, from the module that computes them.
FORMULA_CONSTANTS = {
    "threshold": scoring.DISAGREEMENT_THRESHOLD,
    "centre": scoring.NORMALISED_CENTRE,
    "scale": scoring.NORMALISED_SCALE,
}


def _cycle_with_perm(request, cycle_pk: int, perm: str):
    """The cycle if the user manages it and ``perm`` allows it, else 404. The rule itself
    decides, without Django's superuser shortcut: a superuser has no organisation to
    approve for."""
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    if not rules.has_perm(perm, request.user, cycle):
        raise Http404
    return cycle


def _sort_links(query: QueryDict, sort: str, descending: bool | None) -> dict[str, str]:
    """Column → query string sorting by it; clicking the sorted column reverses it."""
    links = {}
    for column in selectors.RANKING_SORTS:
        params = query.copy()
        params.pop("page", None)
        params["sort"] = "" if column == "rank" else column
        natural = column in selectors.RANKING_SORT_DEFAULT_DESCENDING
        current = descending if descending is not None else natural
        if (sort or "rank") == column:
            params["order"] = "asc" if current else "desc"
        else:
            params.pop("order", None)
        links[column] = params.urlencode()
    return links


@login_required
def ranking(request, cycle_pk: int):
    """The cycle's ranking with decisions per row and in bulk (POST, then back here with
    the same filters). A refused decision re-renders the page with what was ticked."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    track_items = selectors.track_items_of(cycle)
    filters = RankingFilterForm(request.GET or None, track_items=track_items)
    sort = filters.value("sort")
    descending = filters.descending
    rows = selectors.ranking_view(
        cycle,
        field=filters.value("field"),
        status=filters.value("status"),
        item=filters.value("item"),
        sort=sort,
        descending=descending,
    )
    decision_form = None
    if request.method == "POST":
        if not rules.has_perm("reviews.decide_applications", request.user, cycle):
            raise Http404
        decision_form = DecisionForm(request.POST, application_ids=selectors.ranked_ids(cycle))
        if decision_form.is_valid():
            try:
                outcome = services.decisions_set(
                    cycle=cycle,
                    applications=decision_form.cleaned_data["applications"],
                    decision=decision_form.cleaned_data["decision"],
                    note=decision_form.cleaned_data["note"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                decision_form.add_error(None, getattr(error, "messages", [str(error)]))
            else:
                _decision_messages(request, outcome, decision_form.cleaned_data["decision"])
                return redirect(request.get_full_path())
    paginator = Paginator(rows, RANKING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ticked = set(decision_form.data.getlist("applications")) if decision_form else set()
    return render(
        request,
        "reviews/manage/ranking.html",
        {
            "cycle": cycle,
            "page": page,
            "rows": page.object_list,
            "total": len(rows),
            "filters": filters,
            "filtered": any(filters.value(name) for name in ("field", "status", "item")),
            "sort": sort or "rank",
            "descending": descending
            if descending is not None
            else (sort in selectors.RANKING_SORT_DEFAULT_DESCENDING),
            "sort_links": _sort_links(request.GET, sort, descending),
            "query": query.urlencode(),
            "decision_form": decision_form or DecisionForm(application_ids=[]),
            "ticked": ticked,
            "selected": selectors.selected_count(cycle),
            "readiness": selectors.announcement_readiness(cycle),
            "announced": cycle.phase in (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED),
            "deciding": cycle.phase in DECISION_PHASES,
            "can_decide": rules.has_perm("reviews.decide_applications", request.user, cycle),
            "formula": FORMULA_CONSTANTS,
            "S": ApplicationStatus,
        },
        status=400 if decision_form is not None and decision_form.errors else 200,
    )


def _decision_messages(request, outcome, decision: str) -> None:
    label = ApplicationStatus(decision).label
    if outcome.changed:
        messages.success(
            request,
            ngettext(
                "%(count)d application is now “%(status)s”: %(references)s.",
                "%(count)d applications are now “%(status)s”: %(references)s.",
                len(outcome.changed),
            )
            % {
                "count": len(outcome.changed),
                "status": label,
                "references": ", ".join(a.reference for a in outcome.changed),
            },
        )
    else:
        messages.info(request, _("Nothing changed: already “%(status)s”.") % {"status": label})
    if outcome.approvals_withdrawn:
        messages.warning(
            request,
            _(
                "The decisions changed, so the approvals of %(organisations)s were withdrawn: "
                "they must approve again before the results can be announced."
            )
            % {
                "organisations": ", ".join(
                    approval.get_organisation_display() for approval in outcome.approvals_withdrawn
                )
            },
        )


@login_required
def decisions(request, cycle_pk: int):
    """The decision list: outcomes, the quota, both organisations' approvals and the
    announcement."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    readiness = selectors.announcement_readiness(cycle)
    manager = getattr(request.user, "program_manager", None)
    return render(
        request,
        "reviews/manage/decisions.html",
        {
            "cycle": cycle,
            "lists": selectors.decision_lists(cycle),
            "counts": selectors.status_counts(cycle),
            "selected": selectors.selected_count(cycle),
            "readiness": readiness,
            "history": selectors.approval_history(cycle),
            "organisations": [
                (value, label, readiness.approvals.get(value))
                for value, label in Organisation.choices
            ],
            "my_organisation": manager.organisation if manager is not None else "",
            "can_approve": rules.has_perm("reviews.approve_decisions", request.user, cycle),
            "can_announce": rules.has_perm("reviews.announce_results", request.user, cycle),
            "S": ApplicationStatus,
        },
    )


def _service_action(request, cycle_pk: int, perm: str, call, success) -> HttpResponse:
    cycle = _cycle_with_perm(request, cycle_pk, perm)
    try:
        result = call(cycle=cycle, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, success(result))
    return redirect("reviews:decisions", cycle_pk=cycle.pk)


@login_required
@require_POST
def decisions_approve(request, cycle_pk: int):
    return _service_action(
        request,
        cycle_pk,
        "reviews.approve_decisions",
        services.decisions_approve,
        lambda approval: (
            _("You approved the decisions for %(organisation)s.")
            % {"organisation": approval.get_organisation_display()}
        ),
    )


@login_required
@require_POST
def decisions_approval_withdraw(request, cycle_pk: int):
    return _service_action(
        request,
        cycle_pk,
        "reviews.approve_decisions",
        services.decisions_approval_withdraw,
        lambda approval: (
            _("The approval of %(organisation)s was withdrawn.")
            % {"organisation": approval.get_organisation_display()}
            if approval is not None
            else _("There was no approval to withdraw.")
        ),
    )


@login_required
@require_POST
def announce(request, cycle_pk: int):
    return _service_action(
        request,
        cycle_pk,
        "reviews.announce_results",
        services.cycle_announce,
        lambda cycle: _(
            "The results are announced: every applicant can now read their result, and "
            "their team is notified."
        ),
    )


@login_required
def dashboard(request, cycle_pk: int):
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    return render(
        request,
        "reviews/manage/dashboard.html",
        {"cycle": cycle, "board": selectors.cycle_dashboard(cycle)},
    )


@login_required
def export(request, cycle_pk: int, kind: str, fmt: str):
    """The ranking or the application list of the cycle as CSV (streamed) or .xlsx."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.export_cycle")
    table = exports.ranking_table(cycle) if kind == "ranking" else exports.applications_table(cycle)
    filename = f"{cycle.program.slug}-{cycle.code}-{kind}"
    if fmt == "csv":
        return exports.csv_response(table, filename=f"{filename}.csv")
    return exports.xlsx_response(table, filename=f"{filename}.xlsx", sheet=kind)
