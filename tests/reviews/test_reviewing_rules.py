"""Who may open what on the reviewing side: truth tables of the named permissions, and the
rule held against its queryset twin (``applications_visible_to``)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.selectors import applications_visible_to
from programs.enums import CyclePhase, Organisation, Track
from reviews.enums import AssignmentStatus, Recommendation
from reviews.models import Assignment, ConflictDeclaration
from reviews.services import review_save, review_submit
from tests.factories import (
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
)
from tests.support.reviewing import (
    assigned,
    pledge,
    review_cycle,
    set_phase,
    under_review,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus

PERSONAS = [
    "anonymous",
    "member",
    "other_applicant",
    "manager",
    "other_program_manager",
    "assigned_reviewer",
    "reviewer_without_pledge",
    "conflicted_reviewer",
    "unassigned_reviewer",
    "proposed_reviewer",
    "declined_reviewer",
    "inactive_reviewer",
]


def build_world(*, blind: bool = False):
    """One application under review and a user of each persona."""
    cycle = review_cycle(blind_review=blind)
    owner = UserFactory()
    application = under_review(cycle, owner=owner)
    people = {"anonymous": AnonymousUser(), "member": owner}
    people["other_applicant"] = under_review(review_cycle()).company.memberships.get().user
    people["manager"] = ProgramManagerFactory(programs=[cycle.program]).user
    people["other_program_manager"] = ProgramManagerFactory(
        organisation=Organisation.IPARK, programs=[program_for(Track.JOINT_RND)]
    ).user
    reviewers = {}
    for name in PERSONAS[5:]:
        reviewers[name] = ReviewerFactory(organisation=Organisation.IPARK)
        people[name] = reviewers[name].user
    assigned(application, reviewers["assigned_reviewer"])
    assigned(application, reviewers["reviewer_without_pledge"], pledged=False)
    assigned(application, reviewers["conflicted_reviewer"])
    ConflictDeclaration.objects.create(
        reviewer=reviewers["conflicted_reviewer"], company=application.company, reason="Advisor"
    )
    pledge(reviewers["unassigned_reviewer"], cycle)
    Assignment.objects.create(
        application=application,
        reviewer=reviewers["proposed_reviewer"],
        status=AssignmentStatus.PROPOSED,
    )
    pledge(reviewers["proposed_reviewer"], cycle)
    declined = assigned(application, reviewers["declined_reviewer"])
    Assignment.objects.filter(pk=declined.pk).update(status=AssignmentStatus.DECLINED)
    assigned(application, reviewers["inactive_reviewer"])
    reviewers["inactive_reviewer"].is_active = False
    reviewers["inactive_reviewer"].save()
    return application, people


OPENS = {"member", "manager", "assigned_reviewer"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_view_application_and_documents_truth_table(persona):
    application, people = build_world()
    document = application.documents.get()
    user = people[persona]

    expected = persona in OPENS
    assert user.has_perm("applications.view_application", application) is expected
    assert user.has_perm("applications.view_document", document) is expected
    assert (application in applications_visible_to(user)) is expected


@pytest.mark.parametrize("blind", [False, True])
@pytest.mark.parametrize(
    "persona", ["member", "manager", "assigned_reviewer", "unassigned_reviewer"]
)
def test_company_identity_is_hidden_from_reviewers_of_a_blind_cycle(persona, blind):
    application, people = build_world(blind=blind)

    allowed = people[persona].has_perm("applications.view_company_identity", application)

    if persona in ("member", "manager"):
        assert allowed
    elif persona == "assigned_reviewer":
        assert allowed is not blind
    else:
        assert not allowed


@pytest.mark.parametrize(
    ("status", "opens"),
    [
        (S.UNDER_REVIEW, True),
        (S.SELECTED, True),
        (S.WAITLISTED, True),
        (S.REJECTED, True),
        (S.WITHDRAWN, False),
        (S.INELIGIBLE, False),
        (S.SUBMITTED, False),
    ],
)
def test_an_assigned_reviewer_sees_screened_in_applications_only(status, opens, ipark_reviewer):
    application = under_review(review_cycle())
    assigned(application, ipark_reviewer)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    user = ipark_reviewer.user

    assert user.has_perm("applications.view_application", application) is opens
    assert (application in applications_visible_to(user)) is opens


def test_the_rule_and_the_queryset_agree_for_every_user_and_application():
    """Every persona against applications of several cycles and states: the predicate and
    ``applications_visible_to`` give the same answer everywhere."""
    application, people = build_world()
    blind_application, blind_people = build_world(blind=True)
    users = [*people.values(), *(p for n, p in blind_people.items() if n != "anonymous")]
    # The first world's assigned reviewer is also assigned (with pledge) in the blind
    # world's cycle, but has a conflict there.
    crossing = people["assigned_reviewer"].reviewer
    assigned(blind_application, crossing)
    withdrawn = under_review(application.cycle)
    assigned(withdrawn, crossing)
    Application.objects.filter(pk=withdrawn.pk).update(status=S.WITHDRAWN)
    draft_member = MembershipFactory(company=application.company).user
    users.append(draft_member)
    applications = list(Application.objects.select_related("cycle__program", "company"))

    disagreements = [
        (getattr(user, "email", "anonymous"), app.reference)
        for user in users
        for app in applications
        if user.has_perm("applications.view_application", app)
        != applications_visible_to(user).filter(pk=app.pk).exists()
    ]

    assert disagreements == []
    assert len(applications) >= 5 and len(users) >= 20


# --- On an assignment: open, write, submit, decline, see the others -----------------------

ASSIGNMENT_PERMS = [
    "reviews.open_assignment",
    "reviews.change_review",
    "reviews.submit_review",
    "reviews.decline_assignment",
    "reviews.view_other_reviews",
]


def _submit(assignment):
    innovation, team = assignment.application.cycle.criteria.order_by("order")
    user = assignment.reviewer.user
    review_save(
        assignment=assignment,
        actor=user,
        scores={innovation.pk: 5, team.pk: 5},
        comment_to_applicant="Fine.",
        recommendation=Recommendation.NEUTRAL,
    )
    review_submit(assignment=assignment, actor=user)


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("draft", [True, True, True, True, False]),
        ("submitted", [True, False, False, False, True]),
        ("no_pledge", [False, False, False, True, False]),
        ("conflicted", [False, False, False, True, False]),
        ("decided", [True, False, False, False, False]),
        ("someone_else", [False, False, False, False, False]),
        ("proposed", [False, False, False, False, False]),
    ],
)
def test_assignment_permissions_truth_table(situation, expected, mss_reviewer):
    application = under_review(review_cycle())
    assignment = assigned(application, mss_reviewer, pledged=situation != "no_pledge")
    user = mss_reviewer.user
    if situation == "submitted":
        _submit(assignment)
    elif situation == "conflicted":
        ConflictDeclaration.objects.create(
            reviewer=mss_reviewer, company=application.company, reason="x"
        )
    elif situation == "decided":
        set_phase(application.cycle, CyclePhase.DECIDED)
        assignment.refresh_from_db()
    elif situation == "someone_else":
        user = ReviewerFactory().user
    elif situation == "proposed":
        Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.PROPOSED)
        assignment.refresh_from_db()
    assignment = Assignment.objects.select_related("application__cycle").get(pk=assignment.pk)

    assert [user.has_perm(perm, assignment) for perm in ASSIGNMENT_PERMS] == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("manager", True), ("other_program_manager", False), ("assigned_reviewer", False)],
)
def test_reopen_and_application_reviews_are_for_the_programs_managers(persona, expected):
    application, people = build_world()
    reviewer = people["assigned_reviewer"].reviewer
    assignment = Assignment.objects.get(application=application, reviewer=reviewer)
    _submit(assignment)
    review = assignment.review
    user = people[persona]

    assert user.has_perm("reviews.reopen_review", review) is expected
    assert user.has_perm("reviews.view_application_reviews", application) is expected
