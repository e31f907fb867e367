"""Services of the reviewing side: pledge, conflicts, declining, screening, the cycle's
phase, assignment (propose, adjust, confirm) and reviews (save, submit, lock, reopen)."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import ApplicationStatus
from applications.models import StatusChange
from common.exceptions import TransitionError
from programs.enums import CyclePhase, Field, Organisation, Track
from programs.models import CyclePhaseChange
from reviews import services
from reviews.assignment import AssignmentInfeasible, ProblemCode
from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    PledgeAcceptance,
    Review,
    ReviewStatusChange,
)
from reviews.pledge import PLEDGE_VERSION
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
    submitted_application,
    submitted_review,
)
from tests.support.reviewing import (
    assigned,
    review_cycle,
    set_phase,
    under_review,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus
NOW = datetime(2027, 4, 20, 1, 0, tzinfo=UTC)


@pytest.fixture
def boss(cycle):
    """A manager of the cycle's program."""
    return ProgramManagerFactory(
        organisation=Organisation.MSS, programs=[cycle.program], user=UserFactory()
    ).user


def _criteria(cycle):
    return list(cycle.criteria.order_by("order"))


def _full_review(assignment, reviewer):
    innovation, team = _criteria(assignment.application.cycle)
    return services.review_save(
        assignment=assignment,
        actor=reviewer.user,
        scores={innovation.pk: 8, team.pk: 6},
        comment_to_applicant="Strong science; the plan for Japan needs partners.",
        internal_comment="Check the IP position.",
        recommendation=Recommendation.SUPPORT,
    )


# --- Pledge -------------------------------------------------------------------------------


def test_pledge_accept_records_the_time_and_text_version(cycle, mss_reviewer):
    accepted = services.pledge_accept(
        reviewer=mss_reviewer, cycle=cycle, actor=mss_reviewer.user, now=NOW
    )

    assert (accepted.reviewer, accepted.cycle) == (mss_reviewer, cycle)
    assert accepted.accepted_at == NOW
    assert accepted.text_version == PLEDGE_VERSION


def test_pledge_accept_twice_keeps_the_first_acceptance(cycle, mss_reviewer):
    first = services.pledge_accept(
        reviewer=mss_reviewer, cycle=cycle, actor=mss_reviewer.user, now=NOW
    )

    again = services.pledge_accept(reviewer=mss_reviewer, cycle=cycle, actor=mss_reviewer.user)

    assert again.pk == first.pk and again.accepted_at == NOW
    assert PledgeAcceptance.objects.count() == 1


@pytest.mark.parametrize("who", ["other_reviewer", "inactive"])
def test_pledge_accept_only_by_the_active_reviewer_themself(cycle, mss_reviewer, who):
    if who == "inactive":
        mss_reviewer.is_active = False
        mss_reviewer.save()
        actor = mss_reviewer.user
    else:
        actor = ReviewerFactory().user

    with pytest.raises(PermissionDenied):
        services.pledge_accept(reviewer=mss_reviewer, cycle=cycle, actor=actor)

    assert not PledgeAcceptance.objects.exists()


# --- Conflicts and declining ----------------------------------------------------------------


def test_conflict_declare_declines_active_and_drops_proposed_assignments(cycle, mss_reviewer):
    first = under_review(cycle)
    company = first.company
    other_cycle = review_cycle()
    second = under_review(other_cycle, company=company)
    unrelated = under_review(cycle)
    active = assigned(first, mss_reviewer)
    proposed = Assignment.objects.create(
        application=second, reviewer=mss_reviewer, status=AssignmentStatus.PROPOSED
    )
    kept = assigned(unrelated, mss_reviewer)

    conflict = services.conflict_declare(
        reviewer=mss_reviewer,
        company=company,
        reason="  I advise this company.  ",
        actor=mss_reviewer.user,
        now=NOW,
    )

    assert (conflict.reason, conflict.declared_at, conflict.application) == (
        "I advise this company.",
        NOW,
        None,
    )
    active.refresh_from_db()
    assert active.status == AssignmentStatus.DECLINED
    assert (active.declined_at, active.decline_reason) == (NOW, "I advise this company.")
    assert not Assignment.objects.filter(pk=proposed.pk).exists()
    kept.refresh_from_db()
    assert kept.status == AssignmentStatus.ACTIVE


def test_conflict_declare_leaves_decided_cycles_as_they_were(mss_reviewer):
    cycle = review_cycle()
    application = under_review(cycle)
    assignment = assigned(application, mss_reviewer)
    set_phase(cycle, CyclePhase.ANNOUNCED)

    services.conflict_declare(
        reviewer=mss_reviewer,
        company=application.company,
        reason="Joined their board in May.",
        actor=mss_reviewer.user,
    )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_conflict_declare_needs_a_reason_and_is_declared_once(application, mss_reviewer):
    with pytest.raises(ValidationError) as blank:
        services.conflict_declare(
            reviewer=mss_reviewer, company=application.company, reason=" ", actor=mss_reviewer.user
        )
    services.conflict_declare(
        reviewer=mss_reviewer, company=application.company, reason="Friend", actor=mss_reviewer.user
    )
    with pytest.raises(ValidationError) as twice:
        services.conflict_declare(
            reviewer=mss_reviewer,
            company=application.company,
            reason="Again",
            actor=mss_reviewer.user,
        )

    assert "reason" in blank.value.message_dict
    assert twice.value.message_dict["company"] == [
        "You have already declared a conflict with this company."
    ]
    assert ConflictDeclaration.objects.count() == 1


def test_conflict_declare_by_someone_else_is_refused(application, mss_reviewer, ipark_reviewer):
    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            reviewer=mss_reviewer,
            company=application.company,
            reason="x",
            actor=ipark_reviewer.user,
        )


def test_conflict_withdraw_deletes_a_profile_conflict(application, mss_reviewer):
    conflict = services.conflict_declare(
        reviewer=mss_reviewer, company=application.company, reason="Typo", actor=mss_reviewer.user
    )

    services.conflict_withdraw(conflict=conflict, actor=mss_reviewer.user)

    assert not ConflictDeclaration.objects.exists()


def test_conflict_withdraw_refused_while_a_declined_assignment_rests_on_it(
    application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer)
    services.assignment_decline(
        assignment=assignment, actor=mss_reviewer.user, reason="My former employer"
    )
    conflict = ConflictDeclaration.objects.get()

    with pytest.raises(ValidationError) as error:
        services.conflict_withdraw(conflict=conflict, actor=mss_reviewer.user)

    assert error.value.code == "conflict_in_use"
    assert ConflictDeclaration.objects.filter(pk=conflict.pk).exists()


def test_assignment_decline_declares_the_conflict_on_the_application(application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)

    services.assignment_decline(
        assignment=assignment, actor=mss_reviewer.user, reason="My brother works there", now=NOW
    )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason == "My brother works there"
    conflict = ConflictDeclaration.objects.get()
    assert (conflict.reviewer, conflict.company, conflict.application) == (
        mss_reviewer,
        application.company,
        application,
    )


def test_assignment_decline_refused_once_the_review_is_submitted(application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    _full_review(assignment, mss_reviewer)
    services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    with pytest.raises(PermissionDenied):
        services.assignment_decline(assignment=assignment, actor=mss_reviewer.user, reason="x")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    assert not ConflictDeclaration.objects.exists()


def test_assignment_decline_needs_a_reason(application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)

    with pytest.raises(ValidationError) as error:
        services.assignment_decline(assignment=assignment, actor=mss_reviewer.user, reason="")

    assert "reason" in error.value.message_dict
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_assignment_decline_by_another_reviewer_is_refused(
    application, mss_reviewer, ipark_reviewer
):
    assignment = assigned(application, mss_reviewer)

    with pytest.raises(PermissionDenied):
        services.assignment_decline(assignment=assignment, actor=ipark_reviewer.user, reason="x")


# --- Screening and phases -----------------------------------------------------------------


def test_applications_screen_in_moves_submitted_ones_and_leaves_the_rest(boss):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    first, second, screened_out = (submitted_application(cycle=cycle) for _ in range(3))
    from applications.services import application_screen

    application_screen(application=screened_out, actor=boss, eligible=False, reason="Not Korean")

    result = services.applications_screen_in(
        cycle=cycle, application_ids=[first.pk, second.pk, screened_out.pk], actor=boss
    )

    assert [a.pk for a in result] == sorted([first.pk, second.pk])
    for application, status in [
        (first, S.UNDER_REVIEW),
        (second, S.UNDER_REVIEW),
        (screened_out, S.INELIGIBLE),
    ]:
        application.refresh_from_db()
        assert application.status == status
    rows = StatusChange.objects.filter(to_status=S.UNDER_REVIEW, actor=boss)
    assert sorted(rows.values_list("application_id", flat=True)) == sorted([first.pk, second.pk])


def test_applications_screen_in_by_a_manager_of_another_program_is_refused(cycle):
    application = submitted_application()
    outsider = ProgramManagerFactory(
        organisation=Organisation.MSS, programs=[program_for(Track.JOINT_RND)]
    ).user

    with pytest.raises(PermissionDenied):
        services.applications_screen_in(
            cycle=application.cycle, application_ids=[application.pk], actor=outsider
        )

    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("source", "target"),
    [(CyclePhase.OPEN, CyclePhase.CLOSED), (CyclePhase.CLOSED, CyclePhase.REVIEW)],
)
def test_cycle_advance_closes_the_call_and_starts_the_review(cycle, boss, source, target):
    set_phase(cycle, source)

    services.cycle_advance(cycle=cycle, to=target, actor=boss)

    cycle.refresh_from_db()
    assert cycle.phase == target
    change = CyclePhaseChange.objects.get(cycle=cycle)
    assert (change.from_phase, change.to_phase, change.actor) == (source, target, boss)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (CyclePhase.OPEN, CyclePhase.REVIEW),
        (CyclePhase.REVIEW, CyclePhase.DECIDED),
        (CyclePhase.CLOSED, CyclePhase.OPEN),
        (CyclePhase.OPEN, "nonsense"),
    ],
)
def test_cycle_advance_offers_only_the_two_moves(cycle, boss, source, target):
    set_phase(cycle, source)

    with pytest.raises(TransitionError):
        services.cycle_advance(cycle=cycle, to=target, actor=boss)

    cycle.refresh_from_db()
    assert cycle.phase == source


def test_cycle_advance_by_a_reviewer_is_refused(cycle, mss_reviewer):
    set_phase(cycle, CyclePhase.OPEN)

    with pytest.raises(PermissionDenied):
        services.cycle_advance(cycle=cycle, to=CyclePhase.CLOSED, actor=mss_reviewer.user)


# --- Assignment -----------------------------------------------------------------------------


@pytest.fixture
def panel():
    """Two MSS and two iPark reviewers with different expertise."""
    return {
        "mss_cell": ReviewerFactory(organisation=Organisation.MSS, expertise=[Field.CELL_THERAPY]),
        "mss_ict": ReviewerFactory(organisation=Organisation.MSS, expertise=[Field.ICT]),
        "ipark_cell": ReviewerFactory(
            organisation=Organisation.IPARK, expertise=[Field.CELL_THERAPY]
        ),
        "ipark_gene": ReviewerFactory(
            organisation=Organisation.IPARK, expertise=[Field.GENE_THERAPY]
        ),
    }


def test_assignment_propose_writes_proposed_rows_covering_every_application(cycle, boss, panel):
    applications = [under_review(cycle) for _ in range(4)]

    proposal = services.assignment_propose(cycle=cycle, actor=boss)

    rows = Assignment.objects.filter(application__cycle=cycle)
    assert rows.count() == 8 == proposal.new_assignments
    assert set(rows.values_list("status", flat=True)) == {AssignmentStatus.PROPOSED}
    assert set(rows.values_list("assigned_by", flat=True)) == {boss.pk}
    for application in applications:
        organisations = set(
            rows.filter(application=application).values_list("reviewer__organisation", flat=True)
        )
        assert organisations == {Organisation.MSS, Organisation.IPARK}
    assert sorted(proposal.loads.values()) == [2, 2, 2, 2]
    # The applications are in cell therapy: balance first, so the two cell-therapy
    # reviewers take two applications each, and all four of theirs match.
    assert (proposal.expertise_matches, proposal.expertise_possible) == (4, 8)


def test_assignment_propose_again_replaces_the_automatic_proposal_and_keeps_manual_ones(
    cycle, boss, panel
):
    application = under_review(cycle)
    manual = services.assignment_add(application=application, reviewer=panel["mss_ict"], actor=boss)
    services.assignment_propose(cycle=cycle, actor=boss)
    automatic = Assignment.objects.get(application=application, is_manual=False)

    services.assignment_propose(cycle=cycle, actor=boss)

    rows = Assignment.objects.filter(application=application)
    assert rows.count() == 2
    assert rows.filter(pk=manual.pk, status=AssignmentStatus.PROPOSED).exists()
    again = rows.get(is_manual=False)
    assert again.pk != automatic.pk  # the automatic part was proposed afresh
    # The manual MSS reviewer is kept: the proposal only adds the missing iPark one.
    assert again.reviewer.organisation == Organisation.IPARK


def test_assignment_propose_infeasible_changes_nothing_and_says_why(cycle, boss):
    covered = under_review(cycle)
    stuck = under_review(cycle)
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)
    services.conflict_declare(
        reviewer=ipark, company=stuck.company, reason="Shareholder", actor=ipark.user
    )
    before = Assignment.objects.create(
        application=covered, reviewer=mss, status=AssignmentStatus.PROPOSED
    )

    with pytest.raises(AssignmentInfeasible) as error:
        services.assignment_propose(cycle=cycle, actor=boss)

    (problem,) = [p for p in error.value.problems if p.code == ProblemCode.NO_ELIGIBLE_REVIEWER]
    assert problem.reference == stuck.reference
    assert problem.message.startswith("No eligible iPark (Shonan Health Innovation Park) reviewer")
    # The earlier automatic proposal is still there: nothing half-done.
    assert list(Assignment.objects.values_list("pk", flat=True)) == [before.pk]


def test_assignment_propose_in_a_decided_cycle_is_refused(cycle, boss, panel):
    under_review(cycle)
    set_phase(cycle, CyclePhase.DECIDED)

    with pytest.raises(TransitionError) as error:
        services.assignment_propose(cycle=cycle, actor=boss)

    assert error.value.code == "cycle_not_scoring"
    assert not Assignment.objects.exists()


def test_assignment_propose_by_a_reviewer_is_refused(cycle, panel):
    under_review(cycle)

    with pytest.raises(PermissionDenied):
        services.assignment_propose(cycle=cycle, actor=panel["mss_cell"].user)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("inactive", "This reviewer is inactive."),
        ("conflicted", "This reviewer has declared a conflict with the company."),
        ("declined", "This reviewer declined this application."),
        ("twice", "This reviewer is already assigned."),
    ],
)
def test_assignment_add_refusals(application, boss, mss_reviewer, case, message):
    if case == "inactive":
        mss_reviewer.is_active = False
        mss_reviewer.save()
    elif case == "conflicted":
        ConflictDeclaration.objects.create(
            reviewer=mss_reviewer, company=application.company, reason="x"
        )
    elif case == "declined":
        assignment = assigned(application, mss_reviewer)
        services.assignment_decline(assignment=assignment, actor=mss_reviewer.user, reason="x")
        ConflictDeclaration.objects.all().delete()
    else:
        assigned(application, mss_reviewer)
    count = Assignment.objects.count()

    with pytest.raises(ValidationError) as error:
        services.assignment_add(application=application, reviewer=mss_reviewer, actor=boss)

    assert error.value.message_dict["reviewer"] == [message]
    assert Assignment.objects.count() == count


def test_assignment_add_creates_a_manual_proposal(application, boss, mss_reviewer):
    assignment = services.assignment_add(application=application, reviewer=mss_reviewer, actor=boss)

    assert (assignment.status, assignment.is_manual, assignment.assigned_by) == (
        AssignmentStatus.PROPOSED,
        True,
        boss,
    )


def test_assignment_add_to_an_application_not_under_review_is_refused(cycle, boss, mss_reviewer):
    set_phase(cycle, CyclePhase.OPEN)
    application = submitted_application(cycle=cycle)
    set_phase(cycle, CyclePhase.REVIEW)

    with pytest.raises(ValidationError) as error:
        services.assignment_add(application=application, reviewer=mss_reviewer, actor=boss)

    assert error.value.code == "not_under_review"


def test_assignment_remove_deletes_an_assignment_with_a_draft(application, boss, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    _full_review(assignment, mss_reviewer)

    services.assignment_remove(assignment=assignment, actor=boss)

    assert not Assignment.objects.exists()
    assert not Review.objects.exists()


def test_assignment_remove_refused_once_the_review_is_submitted(application, boss, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    _full_review(assignment, mss_reviewer)
    services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    with pytest.raises(ValidationError) as error:
        services.assignment_remove(assignment=assignment, actor=boss)

    assert error.value.code == "review_submitted"
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_assignment_remove_keeps_a_declined_assignment(application, boss, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    services.assignment_decline(assignment=assignment, actor=mss_reviewer.user, reason="x")

    with pytest.raises(ValidationError) as error:
        services.assignment_remove(assignment=assignment, actor=boss)

    assert error.value.code == "declined"


def test_assignments_confirm_activates_every_proposal(cycle, boss, panel):
    applications = [under_review(cycle) for _ in range(2)]
    services.assignment_propose(cycle=cycle, actor=boss)

    confirmed = services.assignments_confirm(cycle=cycle, actor=boss, now=NOW)

    assert confirmed == 4
    rows = Assignment.objects.filter(application__in=applications)
    assert set(rows.values_list("status", flat=True)) == {AssignmentStatus.ACTIVE}
    assert set(rows.values_list("confirmed_at", flat=True)) == {NOW}


def test_assignments_confirm_refuses_an_incomplete_proposal_as_a_whole(cycle, boss, panel):
    complete = under_review(cycle)
    lacking = under_review(cycle)
    services.assignment_add(application=complete, reviewer=panel["mss_cell"], actor=boss)
    services.assignment_add(application=complete, reviewer=panel["ipark_cell"], actor=boss)
    services.assignment_add(application=lacking, reviewer=panel["mss_cell"], actor=boss)
    services.assignment_add(application=lacking, reviewer=panel["mss_ict"], actor=boss)

    with pytest.raises(services.AssignmentsIncomplete) as error:
        services.assignments_confirm(cycle=cycle, actor=boss)

    assert error.value.problems == [
        (lacking.reference, "No iPark (Shonan Health Innovation Park) reviewer.")
    ]
    assert set(Assignment.objects.values_list("status", flat=True)) == {AssignmentStatus.PROPOSED}


def test_assignments_confirm_with_nothing_proposed_is_refused(cycle, boss):
    with pytest.raises(ValidationError) as error:
        services.assignments_confirm(cycle=cycle, actor=boss)

    assert error.value.code == "empty"


# --- Reviews --------------------------------------------------------------------------------


@pytest.fixture
def assignment(application, mss_reviewer):
    return assigned(application, mss_reviewer)


def test_review_save_creates_a_partial_draft(assignment, mss_reviewer):
    innovation, team = _criteria(assignment.application.cycle)

    review = services.review_save(
        assignment=assignment,
        actor=mss_reviewer.user,
        scores={innovation.pk: "7", team.pk: None},
        comment_to_applicant=" Promising. ",
    )

    assert review.status == ReviewStatus.DRAFT
    assert review.comment_to_applicant == "Promising."
    assert dict(review.scores.values_list("criterion_id", "score")) == {innovation.pk: 7}


def test_review_save_again_replaces_and_clears_scores(assignment, mss_reviewer):
    innovation, team = _criteria(assignment.application.cycle)
    _full_review(assignment, mss_reviewer)

    review = services.review_save(
        assignment=assignment,
        actor=mss_reviewer.user,
        scores={innovation.pk: 10, team.pk: None},
        recommendation=Recommendation.STRONGLY_SUPPORT,
    )

    assert dict(review.scores.values_list("criterion_id", "score")) == {innovation.pk: 10}
    assert review.recommendation == Recommendation.STRONGLY_SUPPORT
    assert review.comment_to_applicant == ""
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (11, "The score for “Innovation” must be from 0 to 10."),
        (-1, "The score for “Innovation” must be from 0 to 10."),
        ("7.5", "Enter a whole number from 0 to 10."),
        (7.5, "Enter a whole number from 0 to 10."),
        ("seven", "Enter a whole number from 0 to 10."),
        (True, "Enter a whole number from 0 to 10."),
    ],
)
def test_review_save_refuses_scores_outside_the_criterion_range(
    assignment, mss_reviewer, value, message
):
    innovation, team = _criteria(assignment.application.cycle)

    with pytest.raises(ValidationError) as error:
        services.review_save(
            assignment=assignment,
            actor=mss_reviewer.user,
            scores={innovation.pk: value, team.pk: 5},
            comment_to_applicant="Kept?",
        )

    assert error.value.message_dict == {f"score_{innovation.pk}": [message]}
    assert not Review.objects.exists()


def test_review_save_refuses_a_criterion_of_another_cycle(assignment, mss_reviewer):
    stranger = review_cycle().criteria.first()

    with pytest.raises(ValidationError):
        services.review_save(
            assignment=assignment, actor=mss_reviewer.user, scores={stranger.pk: 5}
        )

    assert not CriterionScore.objects.exists()


def test_review_save_by_another_reviewer_is_refused(assignment, ipark_reviewer):
    with pytest.raises(PermissionDenied):
        services.review_save(assignment=assignment, actor=ipark_reviewer.user, scores={})


def test_review_save_without_the_pledge_is_refused(application, mss_reviewer):
    assignment = assigned(application, mss_reviewer, pledged=False)

    with pytest.raises(PermissionDenied):
        services.review_save(assignment=assignment, actor=mss_reviewer.user, scores={})

    assert not Review.objects.exists()


def test_review_save_by_a_conflicted_reviewer_is_refused(assignment, mss_reviewer):
    ConflictDeclaration.objects.create(
        reviewer=mss_reviewer, company=assignment.application.company, reason="x"
    )

    with pytest.raises(PermissionDenied):
        services.review_save(assignment=assignment, actor=mss_reviewer.user, scores={})


def test_review_submit_locks_the_review_with_a_history_row(assignment, mss_reviewer):
    _full_review(assignment, mss_reviewer)

    review = services.review_submit(assignment=assignment, actor=mss_reviewer.user, now=NOW)

    assert (review.status, review.submitted_at) == (ReviewStatus.SUBMITTED, NOW)
    change = ReviewStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.actor, change.created_at) == (
        ReviewStatus.DRAFT,
        ReviewStatus.SUBMITTED,
        mss_reviewer.user,
        NOW,
    )


def test_review_submit_lists_everything_missing_and_keeps_the_draft(assignment, mss_reviewer):
    innovation, team = _criteria(assignment.application.cycle)
    services.review_save(assignment=assignment, actor=mss_reviewer.user, scores={innovation.pk: 6})

    with pytest.raises(ValidationError) as error:
        services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    assert error.value.message_dict == {
        f"score_{team.pk}": ["Score “Team” before submitting."],
        "recommendation": ["Choose a recommendation before submitting."],
        "comment_to_applicant": ["Write a comment to the applicant before submitting."],
    }
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT
    assert dict(review.scores.values_list("criterion_id", "score")) == {innovation.pk: 6}


@pytest.mark.parametrize("service", ["save", "submit"])
def test_a_submitted_review_is_locked(assignment, mss_reviewer, service):
    innovation, _team = _criteria(assignment.application.cycle)
    _full_review(assignment, mss_reviewer)
    services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    with pytest.raises(services.ReviewLocked):
        if service == "save":
            services.review_save(
                assignment=assignment, actor=mss_reviewer.user, scores={innovation.pk: 1}
            )
        else:
            services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    assert CriterionScore.objects.get(criterion=innovation).score == 8
    assert ReviewStatusChange.objects.count() == 1


def test_review_save_after_the_cycle_is_decided_is_refused(assignment, mss_reviewer):
    set_phase(assignment.application.cycle, CyclePhase.DECIDED)
    assignment.refresh_from_db()

    with pytest.raises(TransitionError) as error:
        services.review_save(assignment=assignment, actor=mss_reviewer.user, scores={})

    assert error.value.code == "cycle_not_scoring"


def test_review_reopen_puts_it_back_to_draft_with_the_reason(assignment, mss_reviewer, boss):
    _full_review(assignment, mss_reviewer)
    review = services.review_submit(assignment=assignment, actor=mss_reviewer.user)

    reopened = services.review_reopen(
        review=review, actor=boss, reason="Please score Team again.", now=NOW
    )

    assert (reopened.status, reopened.submitted_at) == (ReviewStatus.DRAFT, None)
    last = ReviewStatusChange.objects.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        ReviewStatus.SUBMITTED,
        ReviewStatus.DRAFT,
        boss,
        "Please score Team again.",
    )
    # The reviewer can change and submit it again.
    innovation, _team = _criteria(assignment.application.cycle)
    services.review_save(
        assignment=assignment,
        actor=mss_reviewer.user,
        scores={innovation.pk: 9},
        comment_to_applicant="Revised.",
        recommendation=Recommendation.SUPPORT,
    )
    assert services.review_submit(assignment=assignment, actor=mss_reviewer.user).status == (
        ReviewStatus.SUBMITTED
    )


def test_review_reopen_needs_a_reason_and_a_manager_of_the_program(assignment, mss_reviewer, boss):
    _full_review(assignment, mss_reviewer)
    review = services.review_submit(assignment=assignment, actor=mss_reviewer.user)
    outsider = ProgramManagerFactory(
        organisation=Organisation.IPARK, programs=[program_for(Track.JOINT_RND)]
    ).user

    with pytest.raises(ValidationError):
        services.review_reopen(review=review, actor=boss, reason="  ")
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=outsider, reason="Why not")
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=mss_reviewer.user, reason="Mine")

    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_review_reopen_of_a_draft_is_refused(assignment, mss_reviewer, boss):
    review = _full_review(assignment, mss_reviewer)

    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=boss, reason="x")


def test_review_reopen_after_the_decision_is_refused(application, ipark_reviewer, boss):
    innovation, team = _criteria(application.cycle)
    review = submitted_review(application, ipark_reviewer, {innovation: 5, team: 5})
    set_phase(application.cycle, CyclePhase.DECIDED)
    review.refresh_from_db()

    with pytest.raises(TransitionError):
        services.review_reopen(review=review, actor=boss, reason="Late change")


def test_assignment_propose_uses_only_the_cycles_reviewer_pool(cycle, boss, panel):
    from reviews.models import PoolMember

    for name in ("mss_ict", "ipark_gene"):
        PoolMember.objects.create(cycle=cycle, reviewer=panel[name])
    under_review(cycle)

    services.assignment_propose(cycle=cycle, actor=boss)

    assert set(
        Assignment.objects.filter(application__cycle=cycle).values_list("reviewer_id", flat=True)
    ) == {panel["mss_ict"].pk, panel["ipark_gene"].pk}
