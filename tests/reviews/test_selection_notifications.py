"""The announcement tells every applicant its result once, in their language, with the
reviewers' comments to them — never internal comments or reviewer names; promotions from
the waitlist are told at once."""

import pytest

from applications.enums import ApplicationStatus
from applications.models import Application
from common.exceptions import TransitionError
from notifications.enums import ESSENTIAL_KINDS, NotificationKind
from notifications.models import Notification
from programs.enums import Organisation
from reviews.services import cycle_announce, decisions_approve, decisions_set, results_notify
from tests.factories import MembershipFactory, ReviewerFactory, UserFactory, submitted_review
from tests.reviews.selection_helpers import cycle_under_review

pytestmark = pytest.mark.django_db

S = ApplicationStatus
KIND = NotificationKind.RESULTS_ANNOUNCED


@pytest.fixture
def decided(manager, ipark_manager):
    """Three applications, selected / waitlisted / not selected, both approvals standing;
    the selected company has an English-speaking owner and a Korean member."""
    cycle, apps = cycle_under_review(manager.user, count=3, quota=1, reviewed=False)
    MembershipFactory(company=apps[0].company, user=UserFactory(preferred_language="ko"))
    innovation, team = cycle.criteria.order_by("order")
    kim = ReviewerFactory(
        organisation=Organisation.MSS, user__display_name="Kim Reviewer", user__email="k@r.kr"
    )
    sato = ReviewerFactory(
        organisation=Organisation.IPARK, user__display_name="Sato Reviewer", user__email="s@r.jp"
    )
    submitted_review(
        apps[0],
        kim,
        {innovation: 9, team: 8},
        comment_to_applicant="Excellent data package.",
        internal_comment="SECRET internal remark",
    )
    submitted_review(
        apps[0], sato, {innovation: 8, team: 8}, comment_to_applicant="iPark fits your plan."
    )
    for application, decision in zip(apps, [S.SELECTED, S.WAITLISTED, S.REJECTED], strict=True):
        decisions_set(
            cycle=cycle, applications=[application], decision=decision, actor=manager.user
        )
    decisions_approve(
        cycle=cycle, actor=manager.user, override_reason="The panel met the team in person."
    )
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    return cycle, apps


def _announce(cycle, manager, capture):
    with capture(execute=True):
        cycle_announce(cycle=cycle, actor=manager.user)


def test_results_are_an_essential_kind():
    assert KIND in ESSENTIAL_KINDS


def test_decisions_before_the_announcement_notify_nobody(decided, mailoutbox):
    assert not Notification.objects.filter(kind=KIND).exists()
    assert mailoutbox == []


def test_announce_notifies_every_member_once_in_their_language(
    decided, manager, django_capture_on_commit_callbacks, mailoutbox
):
    cycle, apps = decided

    _announce(cycle, manager, django_capture_on_commit_callbacks)

    rows = Notification.objects.filter(kind=KIND).order_by("target_id", "recipient__email")
    assert rows.count() == 4  # two members of the selected company, one for each other
    assert {(row.target_id, row.event_key) for row in rows} == {
        (apps[0].pk, "result:selected"),
        (apps[1].pk, "result:waitlisted"),
        (apps[2].pk, "result:rejected"),
    }
    selected = rows.filter(target_id=apps[0].pk)
    assert sorted(selected.values_list("language", flat=True)) == ["en", "ko"]
    assert len(mailoutbox) == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.recipient.email for r in rows)


def test_result_mail_has_the_outcome_and_comments_but_no_names_or_internal_notes(
    decided, manager, django_capture_on_commit_callbacks, mailoutbox
):
    cycle, apps = decided

    _announce(cycle, manager, django_capture_on_commit_callbacks)

    selected = Notification.objects.get(kind=KIND, target_id=apps[0].pk, language="en")
    assert selected.subject == f"{apps[0].reference}: the results are announced — Selected"
    assert "has been selected" in selected.body
    assert "Excellent data package." in selected.body
    assert "iPark fits your plan." in selected.body_html
    assert "Reviewer 1" in selected.body and "Reviewer 2" in selected.body
    rejected = Notification.objects.get(kind=KIND, target_id=apps[2].pk)
    assert "was not selected this time" in rejected.body
    waitlisted = Notification.objects.get(kind=KIND, target_id=apps[1].pk)
    assert "on the waiting list" in waitlisted.body
    for message in mailoutbox:
        whole = message.body + message.alternatives[0][0] + message.subject
        for hidden in ("SECRET", "Kim Reviewer", "Sato Reviewer", "k@r.kr", "s@r.jp"):
            assert hidden not in whole


def test_announcing_twice_sends_nothing_twice(
    decided, manager, django_capture_on_commit_callbacks, mailoutbox
):
    cycle, _apps = decided
    _announce(cycle, manager, django_capture_on_commit_callbacks)

    with (
        pytest.raises(TransitionError, match="already been announced"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cycle_announce(cycle=cycle, actor=manager.user)
    fresh = list(Application.objects.filter(cycle=cycle).select_related("cycle__program"))
    with django_capture_on_commit_callbacks(execute=True):
        again = results_notify(applications=fresh, actor=manager.user)

    assert again == 0
    assert Notification.objects.filter(kind=KIND).count() == 4
    assert len(mailoutbox) == 4


def test_a_promotion_from_the_waitlist_is_told_at_once(
    decided, manager, django_capture_on_commit_callbacks, mailoutbox
):
    cycle, apps = decided
    _announce(cycle, manager, django_capture_on_commit_callbacks)
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.SELECTED, actor=manager.user)
    cycle.selection_quota = 2
    cycle.save(update_fields=["selection_quota"])

    with django_capture_on_commit_callbacks(execute=True):
        decisions_set(cycle=cycle, applications=[apps[1]], decision=S.SELECTED, actor=manager.user)

    promotion = Notification.objects.get(
        kind=KIND, target_id=apps[1].pk, event_key="result:selected"
    )
    assert "A place has opened" in promotion.body
    assert promotion.subject == f"{apps[1].reference}: your result changed — Selected"
    assert len(mailoutbox) == 5
