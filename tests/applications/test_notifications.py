"""Receipts and notices to the company's members: through notifications.notify, once each."""

from datetime import timedelta

import pytest
from django.core import mail

from applications import events, services
from applications.enums import ApplicationStatus, ConsentKind
from notifications.models import Notification
from notifications.reminders import reminders_send
from tests.factories import (
    MembershipFactory,
    UserFactory,
    complete_application,
    draft_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def team(applicant):
    application = draft_application(user=applicant)
    complete_application(application)
    member = MembershipFactory(
        company=application.company, user=UserFactory(email="member@example.com")
    ).user
    return application, applicant, member


def _rows(application, kind):
    return Notification.objects.filter(kind=kind, target_id=application.pk).order_by(
        "recipient__email"
    )


def test_submit_sends_a_receipt_to_every_member_by_email(team, django_capture_on_commit_callbacks):
    application, owner, member = team

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=application, actor=member, consents=ConsentKind.values
        )

    rows = _rows(application, "application_submitted")
    assert [row.recipient for row in rows] == [owner, member]
    assert all(row.actor == member for row in rows)
    assert all(application.reference in row.subject for row in rows)
    assert all("business_plan.pdf" in row.body for row in rows)
    assert sorted(message.to[0] for message in mail.outbox) == [owner.email, member.email]
    assert all(application.reference in message.subject for message in mail.outbox)


def test_receipt_is_sent_once_even_if_the_event_repeats(team, django_capture_on_commit_callbacks):
    application, owner, _member = team
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=application, actor=owner, consents=ConsentKind.values
        )
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        events.status_changed(
            application=application, source=S.DRAFT, target=S.SUBMITTED, actor=owner
        )

    assert _rows(application, "application_submitted").count() == 2
    assert len(mail.outbox) == sent


def test_receipt_is_recorded_in_the_submission_transaction(
    team, django_capture_on_commit_callbacks
):
    """The receipt rows exist as soon as the submission commits, even if no post-commit
    callback ever runs (a connection lost between the commit and the callbacks): only
    their e-mail delivery waits for the commit."""
    application, owner, member = team

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(
            application=application, actor=owner, consents=ConsentKind.values
        )

    rows = _rows(application, "application_submitted")
    assert [row.recipient for row in rows] == [owner, member]
    assert all(row.state == "pending" for row in rows)
    # What waits for the commit is the delivery of exactly these rows, nothing else.
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("prepare", "act", "kind"),
    [
        (None, "submit", "application_submitted"),
        ("submit", "withdraw", "application_withdrawn"),
        ("submit", "screen_out", "application_ineligible"),
        ("submit", "screen_in", "application_status_changed"),
    ],
)
def test_failure_inside_notify_rolls_the_transition_back(
    team, manager, monkeypatch, prepare, act, kind
):
    application, owner, _member = team
    if prepare == "submit":
        services.application_submit(
            application=application, actor=owner, consents=ConsentKind.values
        )
    before = application.status
    history = application.status_changes.count()
    calls = []

    def broken_notify(**kwargs):
        calls.append(kwargs["kind"])
        raise RuntimeError("template missing")

    monkeypatch.setattr(events, "notify", broken_notify)
    actions = {
        "submit": lambda: services.application_submit(
            application=application, actor=owner, consents=ConsentKind.values
        ),
        "withdraw": lambda: services.application_withdraw(
            application=application, actor=owner, reason="x"
        ),
        "screen_out": lambda: services.application_screen(
            application=application, actor=manager.user, eligible=False, reason="Not Korean"
        ),
        "screen_in": lambda: services.application_screen(
            application=application, actor=manager.user, eligible=True
        ),
    }

    with pytest.raises(RuntimeError, match="template missing"):
        actions[act]()

    assert calls == [kind]
    application.refresh_from_db()
    assert application.status == before
    assert application.status_changes.count() == history
    assert not Notification.objects.filter(kind=kind).exists()


def test_refused_submission_notifies_nobody(team, django_capture_on_commit_callbacks):
    application, owner, _member = team

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.SubmissionRefused),
    ):
        services.application_submit(application=application, actor=owner, consents=[])

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_removed_member_gets_no_receipt(team, django_capture_on_commit_callbacks):
    application, owner, member = team
    application.company.memberships.filter(user=member).delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=application, actor=owner, consents=ConsentKind.values
        )

    assert [row.recipient for row in _rows(application, "application_submitted")] == [owner]


def test_withdrawal_tells_the_team_with_the_reason(team, django_capture_on_commit_callbacks):
    application, owner, member = team
    services.application_submit(application=application, actor=owner, consents=ConsentKind.values)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(
            application=application, actor=member, reason="Funded elsewhere"
        )

    rows = _rows(application, "application_withdrawn")
    assert [row.recipient for row in rows] == [owner, member]
    assert all("Funded elsewhere" in row.body for row in rows)


def test_screening_in_is_notified_but_staged_outcomes_are_not(
    team, manager, django_capture_on_commit_callbacks
):
    application, owner, _member = team
    services.application_submit(application=application, actor=owner, consents=ConsentKind.values)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_screen(application=application, actor=manager.user, eligible=True)
        services.application_decide(
            application=application, actor=manager.user, decision=S.REJECTED
        )

    rows = Notification.objects.filter(kind="application_status_changed", target_id=application.pk)
    assert sorted(rows.values_list("event_key", flat=True)) == ["status:under_review"] * 2
    assert not Notification.objects.filter(body__icontains="Not selected").exists()
    assert not Notification.objects.filter(recipient=manager.user).exists()


def test_draft_reminder_goes_to_every_member_of_companies_with_unsubmitted_drafts(team):
    application, owner, member = team
    submitted = submitted_application(cycle=application.cycle)
    now = application.cycle.closes_at - timedelta(hours=20)

    reminders_send(now=now)
    reminders_send(now=now + timedelta(minutes=15))

    rows = _rows(application, "draft_reminder")
    assert [row.recipient for row in rows] == [owner, member]
    assert not Notification.objects.filter(kind="draft_reminder", target_id=submitted.pk).exists()
