"""Builders for the selection tests: a cycle under review with applications screened in
through the services, and reviews written directly (``submitted_review``) until the
reviewing services land."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from applications import services as application_services
from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Organisation, Track
from programs.models import Cycle
from reviews.models import DecisionApproval
from tests.factories import (
    CompanyFactory,
    CriterionFactory,
    CycleFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
    submitted_application,
    submitted_review,
)


def review_cycle(*, track: str = Track.STARTUP_SUPPORT, quota: int = 3, **kwargs) -> Cycle:
    """A cycle of ``track`` with a two-criterion rubric (Innovation 2 × /10, Team 1 × /10),
    open for submissions; move it on with ``set_phase``."""
    cycle = CycleFactory(program=program_for(track), selection_quota=quota, **kwargs)
    CriterionFactory(cycle=cycle, name="Innovation", weight=Decimal(2), max_score=10, order=1)
    CriterionFactory(cycle=cycle, name="Team", weight=Decimal(1), max_score=10, order=2)
    set_phase(cycle, CyclePhase.OPEN)
    return cycle


def set_phase(cycle: Cycle, phase: str) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


def under_review(cycle: Cycle, manager_user, *, owner=None, company=None) -> Application:
    """A complete application submitted and screened in (the cycle must still be open)."""
    if company is None:
        owner = owner or UserFactory()
        company = CompanyFactory(owner=owner)
    application = submitted_application(cycle=cycle, company=company, user=owner)
    application_services.application_screen(
        application=application, actor=manager_user, eligible=True
    )
    return application


def cycle_under_review(
    manager_user,
    *,
    count: int = 4,
    quota: int = 3,
    reviewed: bool = True,
    announcement_passed: bool = True,
    **kwargs,
):
    """A cycle in the review phase with ``count`` applications under review, past its
    published announcement date (unless not ``announcement_passed``: more applications
    can then still be sent in). ``reviewed``: each has its required reviews (one MSS and
    one iPark reviewer for all), ranked in the order of the list (first is best), so that
    the selection's guards (missing reviews, rank order) stay out of the way."""
    cycle = review_cycle(quota=quota, **kwargs)
    applications = [under_review(cycle, manager_user) for _ in range(count)]
    set_phase(cycle, CyclePhase.REVIEW)
    if announcement_passed and "announce_at" not in kwargs:
        # The whole timeline moves back (it stays in order), the announcement date passed.
        back = cycle.announce_at - timezone.now() + timedelta(days=1)
        Cycle.objects.filter(pk=cycle.pk).update(
            opens_at=F("opens_at") - back,
            closes_at=F("closes_at") - back,
            review_due_at=F("review_due_at") - back,
            announce_at=F("announce_at") - back,
        )
        cycle.refresh_from_db()
    for application in applications:
        application.refresh_from_db()
        application.cycle = cycle
    if reviewed:
        mss = ReviewerFactory(organisation=Organisation.MSS)
        ipark = ReviewerFactory(organisation=Organisation.IPARK)
        for index, application in enumerate(applications):
            score = max(10 - index, 0)
            score_both(
                application,
                mss=mss,
                ipark=ipark,
                mss_scores=(score, score),
                ipark_scores=(score, score),
            )
    return cycle, applications


def announce(cycle, actor, **kwargs):
    """``cycle_announce`` with its background run done (the task queued after commit runs
    here, in the test's transaction)."""
    from django.test import TestCase

    from reviews.services import cycle_announce

    with TestCase.captureOnCommitCallbacks(execute=True):
        return cycle_announce(cycle=cycle, actor=actor, **kwargs)


def statuses(applications) -> list[str]:
    return list(
        Application.objects.filter(pk__in=[a.pk for a in applications])
        .order_by("pk")
        .values_list("status", flat=True)
    )


def score_both(application, *, mss=None, ipark=None, mss_scores=(8, 6), ipark_scores=(7, 7), **kw):
    """A submitted review from an MSS and an iPark reviewer (created unless given)."""
    innovation, team = application.cycle.criteria.order_by("order")
    mss = mss or ReviewerFactory(organisation=Organisation.MSS)
    ipark = ipark or ReviewerFactory(organisation=Organisation.IPARK)
    first = submitted_review(
        application, mss, {innovation: mss_scores[0], team: mss_scores[1]}, **kw.get("mss_kw", {})
    )
    second = submitted_review(
        application,
        ipark,
        {innovation: ipark_scores[0], team: ipark_scores[1]},
        **kw.get("ipark_kw", {}),
    )
    return first, second


def standing(cycle) -> set[str]:
    return set(
        DecisionApproval.objects.filter(cycle=cycle, withdrawn_at__isnull=True).values_list(
            "organisation", flat=True
        )
    )


DECIDED_LABELS = {
    ApplicationStatus.SELECTED: "Selected",
    ApplicationStatus.WAITLISTED: "Waitlisted",
    ApplicationStatus.REJECTED: "Not selected",
}
