"""Pages of reviewers: dashboard, profile and conflicts, pledge, the review itself,
declining an assignment."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import answer_sections, company_language, question_answers_for

from .. import selectors, services
from ..enums import AssignmentStatus, ReviewStatus
from ..filters import AssignmentFilter
from ..forms import (
    ConflictForm,
    PledgeForm,
    ReasonForm,
    ReviewForm,
)
from ..models import ConflictDeclaration
from ..pledge import PLEDGE
from ._common import _add_errors, _labelled_errors, _message, _safe_next

ASSIGNMENTS_PAGE_SIZE = 50

# --- Reviewers ------------------------------------------------------------------------------


def _reviewer_or_404(request):
    reviewer = selectors.reviewer_of(request.user)
    if reviewer is None:
        raise Http404
    return reviewer


@login_required
def reviewer_dashboard(request):
    """The reviewer's assignments by cycle with each cycle's progress; the assignments
    paginated and filtered (where the review stands, reference), the filter kept across
    pages."""
    reviewer = _reviewer_or_404(request)
    assignment_filter = AssignmentFilter(
        request.GET, queryset=selectors.reviewer_assignments(reviewer)
    )
    page = Paginator(assignment_filter.matching(), ASSIGNMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode([(k, request.GET[k]) for k in ("q", "state") if request.GET.get(k)])
    return render(
        request,
        "reviews/reviewer/dashboard.html",
        {
            "reviewer": reviewer,
            "cycles": selectors.reviewer_cycles(reviewer, page.object_list),
            "page": page,
            "filter": assignment_filter,
            "filtered": bool(query),
            "query": query,
        },
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
    pledged = assignment.reviewer.has_accepted_pledge(application.cycle_id)
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
        "question_answers": question_answers_for(user, application),
        "documents": selectors.documents_for(user, application),
        "can_change": user.has_perm("reviews.change_review", assignment),
        "can_decline": user.has_perm("reviews.decline_assignment", assignment),
        "others": selectors.other_reviews(assignment) if can_see_others else None,
        "history": list(review.history.select_related("actor")) if review else [],
    }


def _languages(request, assignment) -> dict:
    """The company's language (the hint beside the comment) and the reviewer's (its
    default language)."""
    return {
        "company_language": company_language(assignment.application.company),
        "reviewer_language": request.user.preferred_language,
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
            **_languages(request, assignment),
        )
        return render(
            request, "reviews/reviewer/review.html", _review_context(request, assignment, form)
        )

    form = ReviewForm(request.POST, criteria=criteria, **_languages(request, assignment))
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        try:
            services.review_save(
                assignment=assignment,
                actor=request.user,
                version=request.POST.get("version"),
                **form.service_arguments(),
            )
            if submit:
                services.review_submit(assignment=assignment, actor=request.user)
        except services.StaleReview as error:
            form.add_error(None, _message(error))
            context = _review_context(request, assignment, form)
            return render(request, "reviews/reviewer/review.html", context, status=409)
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
    """htmx: save the draft as the reviewer types; answers with a status line, on the
    protocol of ``static/js/autosave.js`` (as the application form's autosave):

    200 saved, with the new ``version`` swapped into the form; 400 field errors (nothing
    saved); 401 session expired (the page keeps the text and restores it after signing in);
    409 stale (``StaleReview``: a draft saved elsewhere since, with the current version) or
    locked (submitted, or no longer open for changes).
    """
    if not request.user.is_authenticated:
        return _autosave_answer(request, {"state": "expired"}, status=401)
    assignment = selectors.get_assignment_for_reviewer(request.user, pk)
    if not request.user.has_perm("reviews.open_assignment", assignment):
        raise Http404
    criteria = selectors.rubric_of(assignment.application.cycle)
    form = ReviewForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return _autosave_answer(request, {"state": "invalid", "errors": _labelled_errors(form)})
    try:
        review = services.review_save(
            assignment=assignment,
            actor=request.user,
            version=request.POST.get("version"),
            **form.service_arguments(),
        )
    except services.StaleReview as error:
        current = selectors.review_of(assignment)
        context = {"state": "stale", "message": _message(error), "current": current}
        return _autosave_answer(request, context, status=409)
    except (services.ReviewLocked, PermissionDenied):
        return _autosave_answer(request, {"state": "locked"}, status=409)
    except ValidationError as error:
        _add_errors(form, error)
        return _autosave_answer(request, {"state": "invalid", "errors": _labelled_errors(form)})
    return _autosave_answer(request, {"state": "saved", "review": review})


def _autosave_answer(request, context: dict, status: int | None = None) -> HttpResponse:
    if status is None:
        status = 400 if context["state"] == "invalid" else 200
    return render(request, "reviews/reviewer/_autosave.html", context, status=status)


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
