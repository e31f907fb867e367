"""Writes of the reviewing side: pledges, conflicts, declining, screening and the cycle's
phases, reviews and their scores. Keyword-only services taking the acting user, each in
one transaction, with their side effects in the docstring.

Over 500 lines on purpose: the reviewer's writes from pledge to reopened review share the
assignment locking and permission checks defined here, and the coverage gate
(``.ci/coverage_gate.py``) measures them as one module; a split would be worth it only
with the floors measured again on the whole suite.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.enums import (
    ApplicationStatus,
)
from applications.models import Application, Company
from applications.services import application_screen
from common.exceptions import TransitionError
from common.templatetags.portal import local_dt
from notifications.enums import NotificationKind
from notifications.services import notify
from programs.enums import CyclePhase
from programs.models import Cycle
from programs.services import cycle_transition

from .. import aggregates
from ..enums import (
    SCORING_PHASES,
    AssignmentStatus,
    Recommendation,
    ReviewStatus,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    PledgeAcceptance,
    Review,
    Reviewer,
)
from ..pledge import PLEDGE_VERSION
from ._common import (
    StaleReview,
    _assignment_transition,
    _require_manager,
    _require_reviewer,
    _require_scoring,
    _review_transition,
)


class ReviewLocked(TransitionError):
    """The review has been submitted: it is locked until a manager reopens it."""


# --- Pledge -------------------------------------------------------------------------------


def pledge_accept(
    *, reviewer: Reviewer, cycle: Cycle, actor: User, now: datetime | None = None
) -> PledgeAcceptance:
    """The reviewer accepts the evaluator pledge of ``cycle`` (see ``reviews.pledge``).

    Side effects: a ``PledgeAcceptance`` row with the time and the text version. Accepting
    again changes nothing (the first acceptance stands).
    """
    _require_reviewer(reviewer, actor)
    if cycle.phase == CyclePhase.DRAFT:
        raise PermissionDenied(_("This call is not open yet."))
    with transaction.atomic():
        pledge, _created = PledgeAcceptance.objects.get_or_create(
            reviewer=reviewer,
            cycle=cycle,
            defaults={"text_version": PLEDGE_VERSION, "accepted_at": now or timezone.now()},
        )
    return pledge


# --- Conflicts ----------------------------------------------------------------------------


def conflict_declare(
    *,
    reviewer: Reviewer,
    company: Company,
    reason: str,
    actor: User,
    application: Application | None = None,
    now: datetime | None = None,
) -> ConflictDeclaration:
    """The reviewer declares a conflict of interest with ``company``, with a reason.

    A declared conflict beats an assignment: the reviewer's proposed assignments to the
    company's applications are deleted, and their active ones, in cycles still being
    reviewed, are declined (their reviews no longer count). From then on none of the
    company's applications, documents or reviews opens for the reviewer.

    Side effects: a ``ConflictDeclaration`` row (``application`` when declared by
    declining it), the assignments deleted or declined (``declined_at``,
    ``decline_reason``). Declaring the same company twice is refused.
    """
    _require_reviewer(reviewer, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what the conflict is.")})
    now = now or timezone.now()
    with transaction.atomic():
        Reviewer.objects.select_for_update().get(pk=reviewer.pk)
        if ConflictDeclaration.objects.filter(reviewer=reviewer, company=company).exists():
            raise ValidationError(
                {"company": _("You have already declared a conflict with this company.")},
                code="already_declared",
            )
        conflict = ConflictDeclaration.objects.create(
            reviewer=reviewer,
            company=company,
            reason=reason,
            application=application,
            declared_at=now,
        )
        _decline_for_conflict(reviewer, company, reason=reason, now=now)
    return conflict


def _decline_for_conflict(reviewer: Reviewer, company: Company, *, reason: str, now) -> None:
    mine = Assignment.objects.select_for_update().filter(
        reviewer=reviewer,
        application__company=company,
        application__cycle__phase__in=SCORING_PHASES,
    )
    mine.filter(status=AssignmentStatus.PROPOSED).delete()
    for assignment in mine.filter(status=AssignmentStatus.ACTIVE):
        assignment.declined_at = now
        assignment.decline_reason = reason
        _assignment_transition(
            assignment,
            to=AssignmentStatus.DECLINED,
            now=now,
            fields=["declined_at", "decline_reason"],
        )


def conflict_withdraw(*, conflict: ConflictDeclaration, actor: User) -> None:
    """The reviewer withdraws a conflict declared by mistake.

    Refused while an assignment declined for it exists (a decision rests on it; a manager
    would have to act on that assignment first). Side effect: the row is deleted, and the
    company's applications may be assigned to the reviewer again.
    """
    _require_reviewer(conflict.reviewer, actor)
    with transaction.atomic():
        locked = ConflictDeclaration.objects.select_for_update().get(pk=conflict.pk)
        if Assignment.objects.filter(
            reviewer_id=locked.reviewer_id,
            application__company_id=locked.company_id,
            status=AssignmentStatus.DECLINED,
        ).exists():
            raise ValidationError(
                _(
                    "You declined an assignment because of this conflict, so it stays on "
                    "record. Ask the program manager if it was a mistake."
                ),
                code="conflict_in_use",
            )
        locked.delete()


def assignment_decline(
    *, assignment: Assignment, actor: User, reason: str, now: datetime | None = None
) -> Assignment:
    """The reviewer declines an assignment for a conflict of interest with the company.

    Side effects: a ``ConflictDeclaration`` for the company naming the application (or the
    existing one kept), this and every other assignment of the reviewer to the company's
    applications declined (see ``conflict_declare``). The managers see it on the
    assignment page and can assign someone else. Refused once the review is submitted.
    """
    if not actor.has_perm("reviews.decline_assignment", assignment):
        raise PermissionDenied(_("This assignment can no longer be declined."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what the conflict is.")})
    now = now or timezone.now()
    with transaction.atomic():
        existing = ConflictDeclaration.objects.filter(
            reviewer_id=assignment.reviewer_id, company_id=assignment.application.company_id
        ).exists()
        if existing:
            _decline_for_conflict(
                assignment.reviewer, assignment.application.company, reason=reason, now=now
            )
        else:
            conflict_declare(
                reviewer=assignment.reviewer,
                company=assignment.application.company,
                reason=reason,
                actor=actor,
                application=assignment.application,
                now=now,
            )
    assignment.refresh_from_db()
    return assignment


# --- Screening and the cycle's phases ------------------------------------------------------

# The phase moves a manager makes from the cycle's page (announcing is the selection side).
HUB_PHASE_MOVES = {CyclePhase.OPEN: CyclePhase.CLOSED, CyclePhase.CLOSED: CyclePhase.REVIEW}


def cycle_advance(*, cycle: Cycle, to: str, actor: User) -> Cycle:
    """A manager closes the call (open → closed) or starts the review (closed → review).

    Side effects as ``programs.services.cycle_transition`` (the phase, a history row).
    """
    _require_manager(cycle, actor)
    if to not in CyclePhase.values or HUB_PHASE_MOVES.get(CyclePhase(cycle.phase)) != to:
        raise TransitionError(
            _("A cycle cannot go from “%(source)s” to “%(target)s” here.")
            % {
                "source": CyclePhase(cycle.phase).label,
                "target": CyclePhase(to).label if to in CyclePhase.values else to,
            },
            code="transition_not_allowed",
        )
    return cycle_transition(cycle=cycle, to=to, actor=actor)


def applications_screen_in(
    *, cycle: Cycle, application_ids: Iterable[int], actor: User, now: datetime | None = None
) -> list[Application]:
    """Mark many submitted applications of ``cycle`` eligible at once (→ under review).

    Those no longer submitted (screened meanwhile by someone else) are left as they are.
    Side effects as ``applications.services.application_screen`` for each, in one
    transaction. Returns the applications screened in.
    """
    _require_manager(cycle, actor)
    screened = []
    with transaction.atomic():
        for application in Application.objects.filter(
            cycle=cycle, pk__in=list(application_ids), status=ApplicationStatus.SUBMITTED
        ).order_by("reference"):
            screened.append(
                application_screen(application=application, actor=actor, eligible=True, now=now)
            )
    return screened


# --- Reviews ------------------------------------------------------------------------------


def _lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__cycle", "reviewer")
        .get(pk=assignment.pk)
    )


def _check_can_write(assignment: Assignment, actor: User, perm: str) -> None:
    if actor.has_perm(perm, assignment):
        return
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ReviewLocked(_("This review has been submitted and is locked."), code="review_locked")
    if assignment.application.cycle.phase not in SCORING_PHASES:
        _require_scoring(assignment.application.cycle)
    raise PermissionDenied(_("You cannot review this application."))


def _whole_number(raw: object) -> int:
    """An integer from a form's text or JSON's number; 7.5, "7.5", "seven", True refused."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueError(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(raw)
    return int(text)


def _validated_scores(
    cycle: Cycle, scores: Mapping[int, int | str | None]
) -> tuple[dict[int, int | None], dict[str, str]]:
    """The scores by criterion id, and the errors keyed ``score_<criterion id>``."""
    criteria = {criterion.pk: criterion for criterion in cycle.criteria.all()}
    values: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for key, raw in scores.items():
        try:
            criterion = criteria.get(int(key))
        except (TypeError, ValueError):
            criterion = None
        if criterion is None:
            raise ValidationError(_("Unknown criterion %(id)s.") % {"id": key}, code="criterion")
        field = f"score_{criterion.pk}"
        if raw is None or raw == "":
            values[criterion.pk] = None
            continue
        try:
            value = _whole_number(raw)
        except ValueError:
            errors[field] = _("Enter a whole number from 0 to %(max)d.") % {
                "max": criterion.max_score
            }
            continue
        if not 0 <= value <= criterion.max_score:
            errors[field] = _("The score for “%(name)s” must be from 0 to %(max)d.") % {
                "name": criterion.name,
                "max": criterion.max_score,
            }
            continue
        values[criterion.pk] = value
    return values, errors


def review_save(
    *,
    assignment: Assignment,
    actor: User,
    scores: Mapping[int, int | str | None],
    comment_to_applicant: str = "",
    internal_comment: str = "",
    recommendation: str = "",
    comment_language: str = "",
    version: str | None = None,
) -> Review:
    """Save the reviewer's draft: what is given replaces what was there (a score of
    ``None`` clears that criterion). Partial drafts are fine; every score must lie within
    0..the criterion's maximum. With ``version`` (the ``Review.version`` the page showed,
    ``""`` for no draft yet), a draft saved since is refused (``StaleReview``, naming when)
    and nothing is overwritten.

    Refused once submitted (``ReviewLocked``), outside the cycle's review time and for
    anyone but the assigned reviewer whose application opens. Bad input raises
    ``ValidationError`` keyed by field (``score_<criterion id>``, ``recommendation``) and
    saves nothing. Side effects: the ``Review`` row (created on first save) and its
    ``CriterionScore`` rows.

    ``comment_language`` is the language the comment to the applicant is written in (the
    applicant sees it beside the comment); left empty, the reviewer's own language.
    """
    _check_can_write(assignment, actor, "reviews.change_review")
    values, comment_language = _validated_draft(
        assignment.application.cycle, actor, scores, recommendation, comment_language
    )
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        review, created = Review.objects.get_or_create(assignment=locked)
        if review.status != ReviewStatus.DRAFT:
            raise ReviewLocked(
                _("This review has been submitted and is locked."), code="review_locked"
            )
        _check_version(review, "" if created else review.version, version)
        review.comment_to_applicant = comment_to_applicant.strip()
        review.internal_comment = internal_comment.strip()
        review.recommendation = recommendation
        review.comment_language = comment_language
        review.save(
            update_fields=[
                "comment_to_applicant",
                "comment_language",
                "internal_comment",
                "recommendation",
                "updated_at",
            ]
        )
        _save_scores(review, values)
    return review


def _validated_draft(
    cycle: Cycle,
    actor: User,
    scores: Mapping[int, int | str | None],
    recommendation: str,
    comment_language: str,
) -> tuple[dict[int, int | None], str]:
    """The scores by criterion and the comment's language (the reviewer's own when not
    given); ``ValidationError`` keyed by field for bad input."""
    values, errors = _validated_scores(cycle, scores)
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation from the list.")
    languages = [code for code, _label in settings.LANGUAGES]
    if comment_language and comment_language not in languages:
        errors["comment_language"] = _("Choose a language from the list.")
    comment_language = comment_language or (
        actor.preferred_language
        if getattr(actor, "preferred_language", "") in languages
        else settings.LANGUAGE_CODE
    )
    if errors:
        raise ValidationError(errors)
    return values, comment_language


def _save_scores(review: Review, values: dict[int, int | None]) -> None:
    """Replace the given criteria's scores (``None`` clears one)."""
    cleared = [pk for pk, value in values.items() if value is None]
    review.scores.filter(criterion_id__in=cleared).delete()
    for criterion_id, value in values.items():
        if value is not None:
            CriterionScore.objects.update_or_create(
                review=review, criterion_id=criterion_id, defaults={"score": value}
            )


def _check_version(review: Review, current: str, seen: str | None) -> None:
    if seen is not None and seen != current:
        raise StaleReview(
            _(
                "Not saved: this draft was saved elsewhere (another tab or window) at "
                "%(time)s, after you opened this page. Your text is still here; copy it, "
                "then reload the page."
            )
            % {"time": local_dt(review.updated_at, "H:i:s")},
            code="stale",
        )


def review_submit(*, assignment: Assignment, actor: User, now: datetime | None = None) -> Review:
    """Submit the saved draft: it is locked from then on.

    Checked: a score for every criterion of the rubric, a recommendation and a comment to
    the applicant (``ValidationError`` keyed by field, listing everything missing; the
    draft stays as it is). Side effects: status ``submitted``, ``submitted_at``, a
    ``ReviewStatusChange`` row.
    """
    _check_can_write(assignment, actor, "reviews.submit_review")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        review = Review.objects.filter(assignment=locked).first()
        if review is None:
            review = Review.objects.create(assignment=locked)
        if review.status != ReviewStatus.DRAFT:
            raise ReviewLocked(
                _("This review has been submitted and is locked."), code="review_locked"
            )
        scored = set(review.scores.values_list("criterion_id", flat=True))
        errors = {}
        for criterion in locked.application.cycle.criteria.order_by("order", "pk"):
            if criterion.pk not in scored:
                errors[f"score_{criterion.pk}"] = _("Score “%(name)s” before submitting.") % {
                    "name": criterion.name
                }
        if not review.recommendation:
            errors["recommendation"] = _("Choose a recommendation before submitting.")
        if not review.comment_to_applicant:
            errors["comment_to_applicant"] = _(
                "Write a comment to the applicant before submitting."
            )
        if errors:
            raise ValidationError(errors)
        review.submitted_at = now
        _review_transition(
            review,
            to=ReviewStatus.SUBMITTED,
            actor=actor,
            note="",
            now=now,
            fields=["submitted_at"],
        )
        aggregates.review_scored(review, cycle=locked.application.cycle)
    return review


def review_reopen(
    *, review: Review, actor: User, reason: str, now: datetime | None = None
) -> Review:
    """A manager reopens a submitted review so that its reviewer can change it.

    Refused without a reason and once the cycle is decided. Side effects: status
    ``draft`` (``submitted_at`` cleared; the scores and comments stay), a
    ``ReviewStatusChange`` row with the reason, and after commit a notification to the
    reviewer (one per reopening).
    """
    if not actor.has_perm("reviews.reopen_review", review):
        raise PermissionDenied(_("Only a manager of this program can reopen a submitted review."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the review is reopened.")})
    _require_scoring(review.assignment.application.cycle)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        locked.submitted_at = None
        _review_transition(
            locked,
            to=ReviewStatus.DRAFT,
            actor=actor,
            note=reason,
            now=now,
            fields=["submitted_at"],
        )
        aggregates.review_unscored(locked, cycle=review.assignment.application.cycle)
        _notify_reopened(locked, reason=reason, actor=actor)
    return locked


def _notify_reopened(review: Review, *, reason: str, actor: User) -> None:
    """The reviewer's notice of a reopened review, with the manager's reason; one per
    reopening (the event key counts them)."""
    assignment = review.assignment
    reopenings = review.history.filter(to_status=ReviewStatus.DRAFT).count()
    notify(
        kind=NotificationKind.REVIEW_REOPENED,
        target=review,
        recipients=[assignment.reviewer.user],
        actor=actor,
        event_key=f"reopen:{reopenings}",
        context={
            "reference": assignment.application.reference,
            "cycle": assignment.application.cycle,
            "reason": reason,
            "url": reverse("reviews:review", kwargs={"pk": assignment.pk}),
        },
    )
