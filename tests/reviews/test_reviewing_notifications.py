"""Notifications of the reviewing side: reviewers told of their assignments (once, with the
due date), of a reopened review (with the reason), companies told at once when screened
out, and reviewers reminded of pending reviews 3 days and 1 day before they are due."""

from datetime import timedelta

import pytest
from django.core import mail

from applications.services import application_screen
from notifications.enums import ESSENTIAL_KINDS, NotificationKind
from notifications.models import Notification
from notifications.reminders import reminders_send
from programs.enums import CyclePhase, Organisation
from reviews import services
from reviews.enums import AssignmentStatus, Recommendation
from reviews.models import Assignment, ConflictDeclaration
from tests.factories import (
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    submitted_application,
)
from tests.support.reviewing import (
    assigned,
    set_phase,
    under_review,
)

pytestmark = pytest.mark.django_db


def _kind(kind):
    return Notification.objects.filter(kind=kind).order_by("recipient__email", "pk")


def _submit(assignment):
    innovation, team = assignment.application.cycle.criteria.order_by("order")
    user = assignment.reviewer.user
    services.review_save(
        assignment=assignment,
        actor=user,
        scores={innovation.pk: 6, team.pk: 6},
        comment_to_applicant="Fine.",
        recommendation=Recommendation.NEUTRAL,
    )
    return services.review_submit(assignment=assignment, actor=user)


# --- Assigned ----------------------------------------------------------------------------------


def test_confirming_tells_each_reviewer_once_with_the_due_date(
    cycle, boss, django_capture_on_commit_callbacks
):
    applications = [under_review(cycle, name_en=f"Secret Company {n}") for n in range(3)]
    mss = ReviewerFactory(organisation=Organisation.MSS, user=UserFactory(email="mss@example.com"))
    ipark = ReviewerFactory(
        organisation=Organisation.IPARK,
        user=UserFactory(email="ipark@example.com", preferred_language="ja"),
    )
    services.pledge_accept(reviewer=ipark, cycle=cycle, actor=ipark.user)
    services.assignment_propose(cycle=cycle, actor=boss)

    with django_capture_on_commit_callbacks(execute=True):
        services.assignments_confirm(cycle=cycle, actor=boss)

    rows = list(_kind(NotificationKind.REVIEWER_ASSIGNED))
    assert [row.recipient for row in rows] == [ipark.user, mss.user]
    first = min(Assignment.objects.filter(reviewer=mss).values_list("pk", flat=True))
    mss_row = rows[1]
    assert mss_row.event_key == f"assigned:{first}"
    assert mss_row.target == cycle and mss_row.link == "/reviews/"
    assert mss_row.subject == f"3 applications to review in {cycle.name}"
    for application in applications:
        assert application.reference in mss_row.body
    assert "accept the evaluator pledge" in mss_row.body  # not accepted yet
    assert rows[0].language == "ja" and cycle.name in rows[0].subject
    assert "Secret Company" not in mss_row.body  # references only: the cycle may be blind
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ipark@example.com",
        "mss@example.com",
    ]


def test_a_later_confirmation_tells_only_of_the_new_assignments(cycle, boss):
    first = under_review(cycle)
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)
    services.assignment_propose(cycle=cycle, actor=boss)
    services.assignments_confirm(cycle=cycle, actor=boss)
    second = under_review(cycle)
    services.assignment_propose(cycle=cycle, actor=boss)

    services.assignments_confirm(cycle=cycle, actor=boss)

    rows = _kind(NotificationKind.REVIEWER_ASSIGNED).filter(recipient=mss.user).order_by("pk")
    assert rows.count() == 2
    assert first.reference in rows[0].body and second.reference not in rows[0].body
    assert second.reference in rows[1].body and first.reference not in rows[1].body
    assert _kind(NotificationKind.REVIEWER_ASSIGNED).filter(recipient=ipark.user).count() == 2


def test_a_refused_confirmation_tells_nobody(cycle, boss):
    application = under_review(cycle)
    services.assignment_add(
        application=application, reviewer=ReviewerFactory(organisation=Organisation.MSS), actor=boss
    )
    before = Notification.objects.count()  # the company's receipt and screening notice

    with pytest.raises(services.AssignmentsIncomplete):
        services.assignments_confirm(cycle=cycle, actor=boss)

    assert Notification.objects.count() == before


# --- Reopened ----------------------------------------------------------------------------------


def test_reopening_tells_the_reviewer_each_time_with_the_reason(
    cycle, boss, mss_reviewer, django_capture_on_commit_callbacks
):
    assignment = assigned(under_review(cycle), mss_reviewer)
    review = _submit(assignment)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_reopen(review=review, actor=boss, reason="Please justify the Team score.")
    _submit(assignment)
    services.review_reopen(review=review, actor=boss, reason="One more look, sorry.")

    rows = list(_kind(NotificationKind.REVIEW_REOPENED).order_by("pk"))
    assert [row.event_key for row in rows] == ["reopen:1", "reopen:2"]
    assert all(row.recipient == mss_reviewer.user and row.actor == boss for row in rows)
    assert "Please justify the Team score." in rows[0].body
    assert "One more look, sorry." in rows[1].body
    assert rows[0].link == f"/reviews/assignments/{assignment.pk}/"
    (message,) = mail.outbox
    assert message.to == [mss_reviewer.user.email]


# --- Screened out ------------------------------------------------------------------------------


def test_screening_out_tells_every_member_at_once_with_the_reason(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="owner@example.com", preferred_language="ko")
    application = submitted_application(user=owner)
    # A member who opted out of non-essential e-mail still gets this one.
    member = MembershipFactory(
        company=application.company,
        user=UserFactory(email="member@example.com", email_opt_out=True),
    ).user
    boss = ProgramManagerFactory(programs=[application.cycle.program]).user

    with django_capture_on_commit_callbacks(execute=True):
        application_screen(
            application=application,
            actor=boss,
            eligible=False,
            reason="The company is registered outside Korea.",
        )

    rows = list(_kind(NotificationKind.APPLICATION_INELIGIBLE))
    assert [row.recipient for row in rows] == [member, owner]
    assert all(row.event_key == "status:ineligible" for row in rows)
    english = rows[0]
    assert english.subject == f"{application.reference}: not eligible for this call"
    assert "The company is registered outside Korea." in english.body
    assert NotificationKind.APPLICATION_INELIGIBLE in ESSENTIAL_KINDS
    assert sorted(message.to[0] for message in mail.outbox) == [
        "member@example.com",
        "owner@example.com",
    ]
    assert not _kind(NotificationKind.APPLICATION_STATUS_CHANGED).exists()


# --- Reminders ---------------------------------------------------------------------------------


def test_reviewers_are_reminded_3_days_and_1_day_before_reviews_are_due_once_each(cycle):
    due = cycle.review_due_at
    pending = ReviewerFactory(user=UserFactory(email="pending@example.com"))
    drafting = ReviewerFactory(user=UserFactory(email="drafting@example.com"))
    done = ReviewerFactory(user=UserFactory(email="done@example.com"))
    conflicted = ReviewerFactory(user=UserFactory(email="conflicted@example.com"))
    inactive = ReviewerFactory(user=UserFactory(email="inactive@example.com"))
    proposed = ReviewerFactory(user=UserFactory(email="proposed@example.com"))
    first, second = under_review(cycle), under_review(cycle)
    assigned(first, pending, pledged=False)
    assigned(second, pending, pledged=False)
    draft = assigned(first, drafting)
    innovation = cycle.criteria.order_by("order").first()
    services.review_save(assignment=draft, actor=drafting.user, scores={innovation.pk: 3})
    _submit(assigned(first, done))
    assigned(first, conflicted)
    ConflictDeclaration.objects.create(reviewer=conflicted, company=first.company, reason="x")
    assigned(first, inactive)
    inactive.is_active = False
    inactive.save()
    Assignment.objects.create(application=second, reviewer=proposed)
    assert Assignment.objects.get(reviewer=proposed).status == AssignmentStatus.PROPOSED

    early = reminders_send(now=due - timedelta(days=3, minutes=1))
    three_days = reminders_send(now=due - timedelta(days=3))
    again = reminders_send(now=due - timedelta(days=2))
    one_day = reminders_send(now=due - timedelta(hours=23))
    last = reminders_send(now=due - timedelta(minutes=10))

    assert (early, three_days, again, one_day, last) == (0, 2, 0, 2, 0)
    rows = _kind(NotificationKind.REVIEW_REMINDER)
    stamp = due.strftime("%Y%m%dT%H%MZ")
    assert sorted(rows.values_list("recipient__email", "event_key")) == [
        ("drafting@example.com", f"reminder:reviews_before_due:1d:{stamp}"),
        ("drafting@example.com", f"reminder:reviews_before_due:3d:{stamp}"),
        ("pending@example.com", f"reminder:reviews_before_due:1d:{stamp}"),
        ("pending@example.com", f"reminder:reviews_before_due:3d:{stamp}"),
    ]
    pending_row = rows.filter(recipient=pending.user).first()
    assert first.reference in pending_row.body and second.reference in pending_row.body
    assert pending_row.subject.startswith(f"2 reviews still to submit for {cycle.name}")


def test_no_reminder_once_the_cycle_is_decided(cycle, mss_reviewer):
    assigned(under_review(cycle), mss_reviewer)
    set_phase(cycle, CyclePhase.DECIDED)

    assert reminders_send(now=cycle.review_due_at - timedelta(hours=20)) == 0
