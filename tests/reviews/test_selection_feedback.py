"""What the company reads after the announcement: its result and the reviewers' comments
meant for it — never before, never the internal comments, never who wrote them."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus
from programs.enums import Organisation
from reviews.enums import AssignmentStatus
from reviews.models import Assignment, Review
from reviews.selectors import comments_to_applicants, feedback_for
from reviews.selectors.selection import ApplicantComment
from reviews.services import cycle_announce, decisions_approve, decisions_set
from tests.factories import MembershipFactory, ReviewerFactory, UserFactory, submitted_review
from tests.reviews.selection_helpers import cycle_under_review

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def reviewed(manager, ipark_manager):
    cycle, (application, other) = cycle_under_review(manager.user, count=2, quota=1, reviewed=False)
    innovation, team = cycle.criteria.order_by("order")
    kim = ReviewerFactory(
        organisation=Organisation.MSS, user__display_name="Kim Reviewer", user__email="kim@x.kr"
    )
    sato = ReviewerFactory(
        organisation=Organisation.IPARK, user__display_name="Sato Reviewer", user__email="s@x.jp"
    )
    submitted_review(
        application,
        kim,
        {innovation: 8, team: 7},
        comment_to_applicant="Strong preclinical data; clarify the GMP plan.",
        comment_language="en",
        internal_comment="INTERNAL: the CEO seemed evasive.",
    )
    submitted_review(
        application,
        sato,
        {innovation: 6, team: 6},
        comment_to_applicant="良い提案です。",
        comment_language="ja",
        internal_comment="INTERNAL: compare with last year's applicant.",
    )
    # A draft (not submitted) review's comment is not shown either.
    draft_reviewer = ReviewerFactory(organisation=Organisation.MSS)
    Review.objects.create(
        assignment=Assignment.objects.create(
            application=application, reviewer=draft_reviewer, status=AssignmentStatus.ACTIVE
        ),
        comment_to_applicant="DRAFT comment, not submitted.",
    )
    decisions_set(cycle=cycle, applications=[application], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=[other], decision=S.REJECTED, actor=manager.user)
    decisions_approve(
        cycle=cycle, actor=manager.user, override_reason="The panel met the team in person."
    )
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    return cycle, application


def _page(client, application):
    member = application.company.memberships.get().user
    client.force_login(member)
    return client.get(reverse("applications:detail", args=[application.pk])).content.decode()


def test_before_the_announcement_the_company_sees_neither_result_nor_comments(client, reviewed):
    _cycle, application = reviewed

    html = _page(client, application)

    assert "Strong preclinical data" not in html
    assert 'id="reviewer-comments"' not in html
    assert "Under review" in html
    assert "Selected" not in html


def test_after_the_announcement_the_company_reads_the_comments_to_it_only(
    client, manager, reviewed
):
    cycle, application = reviewed
    cycle_announce(cycle=cycle, actor=manager.user)

    html = _page(client, application)

    assert 'id="reviewer-comments"' in html
    assert "Strong preclinical data; clarify the GMP plan." in html
    assert "良い提案です。" in html
    assert "Reviewer 1" in html and "Reviewer 2" in html
    for hidden in ("INTERNAL", "Kim Reviewer", "Sato Reviewer", "kim@x.kr", "s@x.jp", "DRAFT"):
        assert hidden not in html


def test_feedback_is_for_the_companys_members_only(manager, reviewed):
    cycle, application = reviewed
    cycle_announce(cycle=cycle, actor=manager.user)
    application = type(application).objects.select_related("cycle").get(pk=application.pk)
    member = MembershipFactory(company=application.company).user

    assert len(feedback_for(member, application)) == 2
    assert feedback_for(UserFactory(), application) == []
    assert feedback_for(manager.user, application) == []


def test_comments_leave_out_empty_and_withdrawn_assignments(reviewed):
    _cycle, application = reviewed
    innovation, team = application.cycle.criteria.order_by("order")
    silent = ReviewerFactory(organisation=Organisation.IPARK)
    submitted_review(application, silent, {innovation: 5, team: 5}, comment_to_applicant="  ")
    Assignment.objects.filter(application=application, reviewer__user__email="s@x.jp").update(
        status=AssignmentStatus.DECLINED
    )

    assert comments_to_applicants([application.pk]) == {
        application.pk: [ApplicantComment("Strong preclinical data; clarify the GMP plan.", "en")]
    }


def test_the_company_sees_each_comments_language_on_its_page(client, manager, reviewed):
    cycle, application = reviewed
    cycle_announce(cycle=cycle, actor=manager.user)
    member = application.company.memberships.get().user
    client.force_login(member)
    client.cookies["django_language"] = "ko"

    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert '<div class="prewrap" lang="ja">良い提案です。</div>' in html
    assert '<div class="prewrap" lang="en">Strong preclinical data' in html
    assert "작성 언어: 일본어" in html and "작성 언어: 영어" in html


def test_the_result_email_labels_each_comments_language(
    manager, reviewed, django_capture_on_commit_callbacks, mailoutbox
):
    cycle, application = reviewed
    member = application.company.memberships.get().user
    member.preferred_language = "ko"
    member.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        cycle_announce(cycle=cycle, actor=manager.user)

    from notifications.models import Notification

    notification = Notification.objects.get(recipient=member, kind="results_announced")
    assert "(작성 언어: 일본어):\n良い提案です。" in notification.body
    assert "(작성 언어: 영어):\nStrong preclinical data" in notification.body
    assert '<span lang="ja">良い提案です。</span>' in notification.body_html
