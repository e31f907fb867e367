"""Who may do what in review and selection (django-rules).

Pages, the API and the services check these named permissions. Sections: shared
predicates, then the reviewing side (reviewers, screening, assignment), then the
selection side (ranking, decisions, approvals, announcement, dashboard, exports).
"""

import rules

from applications.rules import is_cycle_manager as is_application_manager
from applications.rules import manages_program

from .enums import REVIEWABLE_STATUSES, SCORING_PHASES, AssignmentStatus, ReviewStatus

# --- Shared ------------------------------------------------------------------------------


@rules.predicate
def is_cycle_manager(user, cycle) -> bool:
    """A program manager of the cycle's program (superusers count as managers)."""
    return cycle is not None and manages_program(user, cycle.program_id)


rules.add_perm("reviews.manage_cycle", is_cycle_manager)

# =========================================================================================
# Reviewing
# =========================================================================================
#
# A reviewer opens an application (its answers, documents and the reviews of it) only
# while all of these hold: they are an active reviewer, the application is assigned to
# them (an *active* assignment: a proposal is not yet theirs, a declined one no longer),
# they accepted the cycle's pledge, they have declared no conflict with the company (a
# declared conflict beats an assignment, always), and the application is screened in
# (``REVIEWABLE_STATUSES``). ``reviews.selectors.reviewer_visibility`` is the same rule as
# a queryset; tests hold the two against each other.


def _active_reviewer(user):
    if not user.is_authenticated:
        return None
    reviewer = getattr(user, "reviewer", None)
    return reviewer if reviewer is not None and reviewer.is_active else None


def _opens_for(reviewer, application) -> bool:
    return (
        application.status in REVIEWABLE_STATUSES
        and reviewer.assignments.filter(
            application_id=application.pk, status=AssignmentStatus.ACTIVE
        ).exists()
        and reviewer.has_accepted_pledge(application.cycle_id)
        and not reviewer.conflicts.filter(company_id=application.company_id).exists()
    )


@rules.predicate
def is_reviewer(user) -> bool:
    """Has an active reviewer profile."""
    return _active_reviewer(user) is not None


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    """An active reviewer the application is open to (see the rule above)."""
    reviewer = _active_reviewer(user)
    return application is not None and reviewer is not None and _opens_for(reviewer, application)


@rules.predicate
def is_document_reviewer(user, document) -> bool:
    return document is not None and is_assigned_reviewer(user, document.application)


@rules.predicate
def is_blind_application(user, application) -> bool:
    return application is not None and application.cycle.blind_review


# On an assignment (the reviewer's own work).


@rules.predicate
def is_own_active_assignment(user, assignment) -> bool:
    reviewer = _active_reviewer(user)
    return (
        assignment is not None
        and reviewer is not None
        and assignment.reviewer_id == reviewer.pk
        and assignment.status == AssignmentStatus.ACTIVE
    )


@rules.predicate
def opens_assignment(user, assignment) -> bool:
    """The reviewer's own active assignment, and its application opens for them."""
    return is_own_active_assignment(user, assignment) and _opens_for(
        user.reviewer, assignment.application
    )


@rules.predicate
def is_review_submitted(user, assignment) -> bool:
    # Asked of the database, not of ``assignment.review``: a cached review (or a cached
    # "no review yet") would go stale as soon as the services save.
    return (
        assignment is not None
        and assignment.reviewer.assignments.filter(
            pk=assignment.pk, review__status=ReviewStatus.SUBMITTED
        ).exists()
    )


@rules.predicate
def is_cycle_scoring(user, assignment) -> bool:
    """Reviews may still change: the cycle is not decided yet."""
    return assignment is not None and assignment.application.cycle.phase in SCORING_PHASES


rules.add_perm("reviews.act_as_reviewer", is_reviewer)
rules.add_perm("reviews.open_assignment", opens_assignment)
# Locked once submitted: every write of a submitted review is refused (pages, API, services).
rules.add_perm("reviews.change_review", opens_assignment & is_cycle_scoring & ~is_review_submitted)
rules.add_perm("reviews.submit_review", opens_assignment & is_cycle_scoring & ~is_review_submitted)
# Declining for a conflict does not need the pledge (nor opening the application).
rules.add_perm(
    "reviews.decline_assignment",
    is_own_active_assignment & is_cycle_scoring & ~is_review_submitted,
)
# Other reviewers' reviews of the application, once one's own is submitted.
rules.add_perm("reviews.view_other_reviews", opens_assignment & is_review_submitted)


# The applications' named permissions are widened for reviewers (every page, API and
# download checking them follows) by registering these in ``applications.extensions``
# (``ReviewsConfig.ready``). In a blind cycle the company's identity is hidden from
# reviewers (members and managers always see it).
sees_company_identity = is_assigned_reviewer & ~is_blind_application


# Managers: screening and assignment use ``reviews.manage_cycle``; these act on an
# application or a review of their programs.


@rules.predicate
def is_review_manager(user, review) -> bool:
    return review is not None and manages_program(
        user, review.assignment.application.cycle.program_id
    )


@rules.predicate
def is_submitted_review(user, review) -> bool:
    return review is not None and review.status == ReviewStatus.SUBMITTED


rules.add_perm("reviews.view_application_reviews", is_application_manager)
rules.add_perm("reviews.reopen_review", is_review_manager & is_submitted_review)


# =========================================================================================
# Selection
# =========================================================================================


@rules.predicate
def approves_for_an_organisation(user, cycle) -> bool:
    """An active program manager of the cycle's program, who approves the decisions for
    their own organisation (MSS or iPark). A superuser without that profile does not."""
    if cycle is None or not user.is_authenticated:
        return False
    manager = getattr(user, "program_manager", None)
    return (
        manager is not None
        and manager.is_active
        and manager.programs.filter(pk=cycle.program_id).exists()
    )


rules.add_perm("reviews.view_ranking", is_cycle_manager)
rules.add_perm("reviews.decide_applications", is_cycle_manager)
rules.add_perm("reviews.approve_decisions", approves_for_an_organisation)
rules.add_perm("reviews.announce_results", is_cycle_manager)
rules.add_perm("reviews.export_cycle", is_cycle_manager)
