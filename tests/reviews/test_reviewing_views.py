"""Pages of the reviewing side: the reviewer's dashboard, profile, pledge, scoring page and
declining; the managers' screening, assignment, per-application reviews and reopening.
Permission matrices for every page, and blind review leaking nothing."""

import re

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus
from applications.models import Application, StatusChange
from applications.selectors import applicant_status
from programs.enums import CyclePhase, Organisation, Track
from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
from reviews.models import Assignment, ConflictDeclaration, PledgeAcceptance, Review
from reviews.services import review_save, review_submit
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
    submitted_application,
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


@pytest.fixture
def application(cycle):
    return under_review(
        cycle,
        name_en="Hanbit Cell Therapeutics",
        name_ko="한빛셀테라퓨틱스",
        business_number="1018612346",
        website="https://hanbit-cell.example",
        representative="Kim Min-ji",
        address="1 Pangyo-ro, Seongnam",
    )


def _criteria(cycle):
    return list(cycle.criteria.order_by("order"))


def _score(assignment, *, submit=True, innovation=8, team=6, comment="Good science."):
    first, second = _criteria(assignment.application.cycle)
    user = assignment.reviewer.user
    review_save(
        assignment=assignment,
        actor=user,
        scores={first.pk: innovation, second.pk: team},
        comment_to_applicant=comment,
        internal_comment=f"Internal note by {user.email}",
        recommendation=Recommendation.SUPPORT,
    )
    if submit:
        review_submit(assignment=assignment, actor=user)


# --- Dashboard ---------------------------------------------------------------------------------


def test_dashboard_lists_assignments_by_cycle_with_progress(client, cycle, mss_reviewer):
    first = under_review(cycle)
    second = under_review(cycle)
    third = under_review(cycle)
    done = assigned(first, mss_reviewer)
    assigned(second, mss_reviewer)
    assigned(third, mss_reviewer)
    _score(done)
    client.force_login(mss_reviewer.user)

    response = client.get(reverse("reviews:reviewer_dashboard"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "1 of 3 done" in content
    assert content.count('class="assignment-row"') == 3
    assert first.reference in content and first.company.name_en in content
    assert "Read and accept the pledge" not in content


def test_dashboard_before_the_pledge_shows_references_only(client, application, mss_reviewer):
    assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)

    content = client.get(reverse("reviews:reviewer_dashboard")).content.decode()

    assert application.reference in content
    assert "Read and accept the pledge" in content
    assert application.title not in content
    assert application.company.name_en not in content
    assert reverse("reviews:pledge", args=[application.cycle_id]) in content


def test_dashboard_asks_for_no_pledge_once_the_results_are_announced(
    client, application, mss_reviewer
):
    assigned(application, mss_reviewer, pledged=False)
    set_phase(application.cycle, CyclePhase.ANNOUNCED)
    client.force_login(mss_reviewer.user)

    content = client.get(reverse("reviews:reviewer_dashboard")).content.decode()

    assert application.reference in content
    assert "Read and accept the pledge" not in content
    assert reverse("reviews:pledge", args=[application.cycle_id]) not in content


def test_dashboard_hides_proposed_and_declined_assignments(client, cycle, mss_reviewer):
    proposed = under_review(cycle)
    Assignment.objects.create(
        application=proposed, reviewer=mss_reviewer, status=AssignmentStatus.PROPOSED
    )
    client.force_login(mss_reviewer.user)

    content = client.get(reverse("reviews:reviewer_dashboard")).content.decode()

    assert proposed.reference not in content
    assert "No applications are assigned to you" in content


def test_navbar_links_reviewers_to_their_reviews(client, mss_reviewer, applicant):
    client.force_login(mss_reviewer.user)
    assert 'id="nav-reviews"' in client.get("/").content.decode()

    client.force_login(applicant)
    assert 'id="nav-reviews"' not in client.get("/").content.decode()


# --- Pledge ---------------------------------------------------------------------------------


def test_opening_an_application_without_the_pledge_leads_to_the_pledge_and_back(
    client, application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)
    review_url = reverse("reviews:review", args=[assignment.pk])

    response = client.get(review_url)

    pledge_url = reverse("reviews:pledge", args=[application.cycle_id])
    assert response.status_code == 302
    assert response["Location"].startswith(pledge_url)
    page = client.get(response["Location"]).content.decode()
    assert "Confidentiality" in page and "No contact with applicants" in page
    assert "Duty to declare interests" in page

    refused = client.post(pledge_url, {"next": review_url})
    assert refused.status_code == 400
    assert "Tick the box to accept the pledge." in refused.content.decode()
    assert not PledgeAcceptance.objects.exists()

    accepted = client.post(pledge_url, {"accept": "on", "next": review_url})
    assert accepted.status_code == 302 and accepted["Location"] == review_url
    assert PledgeAcceptance.objects.get().reviewer == mss_reviewer
    assert client.get(review_url).status_code == 200


def test_pledge_next_to_another_site_is_ignored(client, application, mss_reviewer):
    assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)

    response = client.post(
        reverse("reviews:pledge", args=[application.cycle_id]),
        {"accept": "on", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("reviews:reviewer_dashboard")


# --- Scoring page -----------------------------------------------------------------------------


def test_review_page_shows_the_application_beside_the_rubric(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    content = client.get(reverse("reviews:review", args=[assignment.pk])).content.decode()

    assert application.title in content
    assert "Hanbit Cell Therapeutics" in content  # not a blind cycle
    assert 'name="score_' in content and "Innovation (0–10)" in content
    assert 'name="comment_to_applicant"' in content and 'name="internal_comment"' in content
    assert 'name="recommendation"' in content
    document = application.documents.get()
    assert document.get_absolute_url() in content and document.original_name in content
    assert "The other reviewers' scores are shown once you submit your own." in content


def test_review_page_save_draft_then_submit_locks_it(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    innovation, team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:review", args=[assignment.pk])
    data = {
        f"score_{innovation.pk}": "7",
        f"score_{team.pk}": "",
        "comment_to_applicant": "Clear plan.",
        "internal_comment": "",
        "recommendation": "",
        "action": "save",
    }

    saved = client.post(url, data)
    page = client.get(url).content.decode()

    assert saved.status_code == 302
    assert 'value="7"' in page and "Clear plan." in page
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT

    incomplete = client.post(url, {**data, "action": "submit"})
    assert incomplete.status_code == 400
    text = incomplete.content.decode()
    assert "Score “Team” before submitting." in text
    assert "Choose a recommendation before submitting." in text

    complete = client.post(
        url,
        {
            **data,
            f"score_{team.pk}": "9",
            "recommendation": Recommendation.SUPPORT,
            "action": "submit",
        },
    )
    assert complete.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    locked_page = client.get(url).content.decode()
    assert 'id="review-form"' not in locked_page and 'id="locked-badge"' in locked_page

    again = client.post(url, {**data, f"score_{innovation.pk}": "1"})
    assert again.status_code == 302
    assert review.scores.get(criterion=innovation).score == 7


def test_review_page_keeps_what_was_typed_next_to_a_bad_score(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    innovation, team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)

    response = client.post(
        reverse("reviews:review", args=[assignment.pk]),
        {
            f"score_{innovation.pk}": "12",
            f"score_{team.pk}": "4",
            "comment_to_applicant": "Typed with care.",
            "action": "save",
        },
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "The score cannot be above 10." in content
    assert "Typed with care." in content and 'value="12"' in content
    assert not Review.objects.exists()


def test_other_reviews_appear_only_after_submitting_ones_own(
    client, application, mss_reviewer, ipark_reviewer
):
    mine = assigned(application, mss_reviewer)
    theirs = assigned(application, ipark_reviewer)
    _score(theirs, comment="Their comment to the applicant.")
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:review", args=[mine.pk])

    before = client.get(url).content.decode()
    _score(mine)
    after = client.get(url).content.decode()

    assert "Their comment to the applicant." not in before
    assert f"Internal note by {ipark_reviewer.user.email}" not in before
    assert 'id="other-reviews"' in after
    assert "Their comment to the applicant." in after
    assert f"Internal note by {ipark_reviewer.user.email}" in after
    assert str(ipark_reviewer.user) in after  # names are shown among reviewers…


def test_in_a_blind_cycle_reviewers_are_anonymous_to_each_other(
    client, mss_reviewer, ipark_reviewer
):
    cycle = review_cycle(blind_review=True)
    application = under_review(cycle)
    mine = assigned(application, mss_reviewer)
    _score(assigned(application, ipark_reviewer))
    _score(mine)
    client.force_login(mss_reviewer.user)

    content = client.get(reverse("reviews:review", args=[mine.pk])).content.decode()

    assert "iPark (Shonan Health Innovation Park) reviewer 1" in content
    assert ipark_reviewer.user.email not in content.replace(
        f"Internal note by {ipark_reviewer.user.email}", ""
    )
    assert str(ipark_reviewer.user) not in content.replace(
        f"Internal note by {ipark_reviewer.user.email}", ""
    )


def test_autosave_saves_the_draft_and_reports_bad_input(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    innovation, _team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:review_autosave", args=[assignment.pk])

    ok = client.post(
        url, {f"score_{innovation.pk}": "6", "comment_to_applicant": "Draft", "version": ""}
    )
    review = Review.objects.get()
    bad = client.post(
        url,
        {
            f"score_{innovation.pk}": "60",
            "comment_to_applicant": "Lost?",
            "version": review.version,
        },
    )

    assert ok.status_code == 200 and "Draft saved at" in ok.content.decode()
    # The new version goes back into the form, so the next autosave is not "stale".
    assert f'name="version" value="{review.version}"' in ok.content.decode()
    assert bad.status_code == 400 and "Not saved, please correct" in bad.content.decode()
    review.refresh_from_db()
    assert review.comment_to_applicant == "Draft"
    assert review.scores.get().score == 6


def test_autosave_of_a_draft_saved_elsewhere_since_is_refused_as_stale(
    client, application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer)
    innovation, _team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:review_autosave", args=[assignment.pk])
    first = client.post(url, {f"score_{innovation.pk}": "6", "version": ""})
    assert first.status_code == 200
    opened = Review.objects.get().version
    # Another tab saves on top of the version this page showed.
    assert client.post(url, {f"score_{innovation.pk}": "7", "version": opened}).status_code == 200
    current = Review.objects.get().version

    stale = client.post(url, {f"score_{innovation.pk}": "2", "version": opened})
    from_nothing = client.post(url, {f"score_{innovation.pk}": "3", "version": ""})

    assert stale.status_code == 409 and from_nothing.status_code == 409
    assert "saved elsewhere" in stale.content.decode()
    assert f'data-version="{current}"' in stale.content.decode()
    assert current != opened
    assert Review.objects.get().scores.get().score == 7


def test_review_page_save_with_a_stale_version_keeps_the_text_and_overwrites_nothing(
    client, application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer)
    _score(assignment, submit=False, comment="Saved in the other tab.")
    innovation, team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)

    response = client.post(
        reverse("reviews:review", args=[assignment.pk]),
        {
            f"score_{innovation.pk}": "1",
            f"score_{team.pk}": "1",
            "comment_to_applicant": "Typed here.",
            "action": "save",
            "version": "",
        },
    )

    assert response.status_code == 409
    assert "saved elsewhere" in response.content.decode()
    assert "Typed here." in response.content.decode()
    assert Review.objects.get().comment_to_applicant == "Saved in the other tab."


def test_autosave_with_an_expired_session_says_so(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)

    response = client.post(reverse("reviews:review_autosave", args=[assignment.pk]), {})

    assert response.status_code == 401
    assert "Your session expired" in response.content.decode()


def test_autosave_of_a_submitted_review_is_refused(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    _score(assignment)
    innovation, _team = _criteria(application.cycle)
    client.force_login(mss_reviewer.user)

    response = client.post(
        reverse("reviews:review_autosave", args=[assignment.pk]), {f"score_{innovation.pk}": "1"}
    )

    assert response.status_code == 409
    assert "submitted and locked" in response.content.decode()
    assert Review.objects.get().scores.get(criterion=innovation).score == 8


def test_decline_page_declares_the_conflict_and_the_application_closes(
    client, application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:decline", args=[assignment.pk])

    empty = client.post(url, {"reason": ""})
    declined = client.post(url, {"reason": "I hold shares."})

    assert empty.status_code == 400
    assert declined.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLINED
    assert ConflictDeclaration.objects.get().reason == "I hold shares."
    assert client.get(reverse("reviews:review", args=[assignment.pk])).status_code == 404
    assert client.get(application.get_absolute_url()).status_code == 404


def test_applicant_page_sends_an_assigned_reviewer_to_their_review(
    client, application, mss_reviewer
):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    response = client.get(application.get_absolute_url(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("reviews:review", args=[assignment.pk])


# --- Profile and conflicts -------------------------------------------------------------------


def test_profile_shows_organisation_expertise_and_declares_a_conflict(client, mss_reviewer):
    company = CompanyFactory(business_number="3148700012", name_en="Nurigene Inc.")
    client.force_login(mss_reviewer.user)
    url = reverse("reviews:reviewer_profile")

    page = client.get(url).content.decode()
    unknown = client.post(url, {"company": "Nobody Ltd", "reason": "x"})
    declared = client.post(url, {"company": "314-87-00012", "reason": "Former employer"})
    listed = client.get(url).content.decode()

    assert "MSS (Ministry of SMEs and Startups)" in page and "Cell therapy" in page
    assert unknown.status_code == 400
    assert "No company is registered under this number or name." in unknown.content.decode()
    assert declared.status_code == 302
    conflict = ConflictDeclaration.objects.get()
    assert (conflict.company, conflict.reason) == (company, "Former employer")
    assert "Nurigene Inc." in listed and "Former employer" in listed


def test_profile_finds_a_company_by_its_exact_name_in_either_language(client, mss_reviewer):
    company = CompanyFactory(name_en="Daon Regenerative", name_ko="다온재생의학")
    client.force_login(mss_reviewer.user)

    client.post(reverse("reviews:reviewer_profile"), {"company": " 다온재생의학 ", "reason": "x"})

    assert ConflictDeclaration.objects.get().company == company


def test_profile_names_a_blind_conflict_by_the_application_only(client, mss_reviewer):
    cycle = review_cycle(blind_review=True)
    application = under_review(cycle, name_en="Secret Bio")
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)
    client.post(reverse("reviews:decline", args=[assignment.pk]), {"reason": "Recognised it"})

    content = client.get(reverse("reviews:reviewer_profile")).content.decode()

    assert f"The company of application {application.reference}" in content
    assert "Secret Bio" not in content
    assert "An assignment was declined for it" in content


def test_profile_withdraws_a_conflict(client, mss_reviewer):
    conflict = ConflictDeclaration.objects.create(
        reviewer=mss_reviewer, company=CompanyFactory(), reason="Mistake"
    )
    client.force_login(mss_reviewer.user)

    client.post(reverse("reviews:conflict_withdraw", args=[conflict.pk]))

    assert not ConflictDeclaration.objects.exists()


def test_a_reviewer_cannot_withdraw_another_reviewers_conflict(client, mss_reviewer):
    other = ReviewerFactory()
    conflict = ConflictDeclaration.objects.create(
        reviewer=other, company=CompanyFactory(), reason="Theirs"
    )
    client.force_login(mss_reviewer.user)

    response = client.post(reverse("reviews:conflict_withdraw", args=[conflict.pk]))

    assert response.status_code == 404
    assert ConflictDeclaration.objects.filter(pk=conflict.pk).exists()


# --- Blind review leaks nothing --------------------------------------------------------------


def test_blind_review_hides_the_company_everywhere_a_reviewer_looks(client, mss_reviewer):
    cycle = review_cycle(blind_review=True)
    owner = UserFactory(email="ceo@hanbit-cell.example", display_name="Kim Min-ji CEO")
    application = under_review(
        cycle,
        owner=owner,
        name_en="Hanbit Cell Therapeutics",
        name_ko="한빛셀테라퓨틱스",
        business_number="1018612346",
        website="https://hanbit-cell.example",
        representative="Kim Min-ji",
        address="1 Pangyo-ro, Seongnam",
    )
    MembershipFactory(
        company=application.company, user=UserFactory(email="cto@hanbit-cell.example")
    )
    document = application.documents.get()
    document.original_name = "Hanbit-Cell-business-plan.pdf"
    document.save()
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    responses = {
        "dashboard": client.get(reverse("reviews:reviewer_dashboard")),
        "review": client.get(reverse("reviews:review", args=[assignment.pk])),
        "decline": client.get(reverse("reviews:decline", args=[assignment.pk])),
        "api_assignments": client.get("/api/v1/reviews/assignments/"),
        "api_assignment": client.get(f"/api/v1/reviews/assignments/{assignment.pk}/"),
        "api_applications": client.get("/api/v1/applications/"),
        "api_application": client.get(f"/api/v1/applications/{application.pk}/"),
    }
    download = client.get(document.get_absolute_url())

    secrets = [
        "Hanbit",
        "한빛셀",
        "1018612346",
        "101-86-12346",
        "hanbit-cell.example",
        "Kim Min-ji",
        "Pangyo",
        "ceo@",
        "cto@",
    ]
    for name, response in responses.items():
        assert response.status_code == 200, name
        content = response.content.decode()
        leaks = [secret for secret in secrets if secret in content]
        assert leaks == [], name
    assert application.reference in responses["review"].content.decode()
    assert download.status_code == 200
    assert "Hanbit" not in download["Content-Disposition"]
    assert (
        f"{application.reference}-business_plan-{document.pk}.pdf"
        in (download["Content-Disposition"])
    )
    download.close()


# --- Managers: screening ----------------------------------------------------------------------


def test_screening_lists_submitted_applications_and_marks_them_eligible_in_bulk(client, boss):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    first, second, third = (submitted_application(cycle=cycle) for _ in range(3))
    set_phase(cycle, CyclePhase.CLOSED)
    client.force_login(boss)
    url = reverse("reviews:screening", args=[cycle.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"applications": [first.pk, second.pk]})

    assert page.count('class="screening-row"') == 3
    assert response.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.UNDER_REVIEW, second.pk: S.UNDER_REVIEW, third.pk: S.SUBMITTED}
    remaining = client.get(url).content.decode()
    assert remaining.count('class="screening-row"') == 1


def test_screening_one_ineligible_needs_a_reason_and_tells_the_company(client, boss):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    application = submitted_application(cycle=cycle)
    client.force_login(boss)
    url = reverse("reviews:screen_application", args=[cycle.pk, application.pk])

    without = client.post(url, {"reason": ""})
    with_reason = client.post(url, {"reason": "Founded outside Korea."})

    assert without.status_code == 400
    assert with_reason.status_code == 302
    application.refresh_from_db()
    assert application.status == S.INELIGIBLE
    assert applicant_status(application) == S.INELIGIBLE
    row = StatusChange.objects.get(application=application, to_status=S.INELIGIBLE)
    assert (row.note, row.actor) == ("Founded outside Korea.", boss)


def test_screening_one_eligible(client, boss):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    application = submitted_application(cycle=cycle)
    client.force_login(boss)

    client.post(
        reverse("reviews:screen_application", args=[cycle.pk, application.pk]), {"eligible": "1"}
    )

    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW


def test_hub_phase_post_changes_nothing_and_leads_to_the_confirmation_page(client, cycle, boss):
    set_phase(cycle, CyclePhase.OPEN)
    client.force_login(boss)
    hub = reverse("reviews:manage_cycle", args=[cycle.pk])
    url = reverse("reviews:manage_cycle_phase", args=[cycle.pk])

    assert "Close the call now" in client.get(hub).content.decode()
    response = client.post(url, {"to": CyclePhase.CLOSED})
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.OPEN  # no one-click phase change
    assert response.url == reverse("programs:call_phase", args=[cycle.pk, "close"])
    set_phase(cycle, CyclePhase.CLOSED)
    response = client.post(url, {"to": CyclePhase.REVIEW})
    assert response.url == reverse("programs:call_phase", args=[cycle.pk, "start-review"])
    set_phase(cycle, CyclePhase.REVIEW)
    bogus = client.post(url, {"to": CyclePhase.ANNOUNCED}, follow=True)
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW
    assert "cannot go from" in bogus.content.decode()


# --- Managers: assignment ----------------------------------------------------------------------


def test_assignment_page_proposes_confirms_and_shows_loads(client, cycle, boss):
    applications = [under_review(cycle) for _ in range(3)]
    mss = [ReviewerFactory(organisation=Organisation.MSS) for _ in range(2)]
    ipark = [ReviewerFactory(organisation=Organisation.IPARK) for _ in range(2)]
    client.force_login(boss)
    url = reverse("reviews:assignment", args=[cycle.pk])

    empty = client.get(url).content.decode()
    client.post(url, {"action": "propose"})
    proposed = client.get(url).content.decode()
    client.post(url, {"action": "confirm"})

    assert 'id="incomplete-count">3 / 3' in empty
    assert 'id="confirm-button"' in proposed and "Confirm 6 proposed assignments" in proposed
    assert 'id="incomplete-count">0 / 3' in proposed
    assert Assignment.objects.filter(status=AssignmentStatus.ACTIVE).count() == 6
    # Three applications, one MSS and one iPark reviewer each: 2 + 1 per organisation.
    loads = sorted(
        Assignment.objects.filter(reviewer=reviewer).count() for reviewer in [*mss, *ipark]
    )
    assert loads == [1, 1, 2, 2]
    for application in applications:
        assert Assignment.objects.filter(application=application).count() == 2


def test_assignment_page_reports_an_infeasible_proposal(client, cycle, boss):
    stuck = under_review(cycle)
    ReviewerFactory(organisation=Organisation.MSS)
    client.force_login(boss)

    response = client.post(reverse("reviews:assignment", args=[cycle.pk]), {"action": "propose"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "nothing was proposed" in content
    assert stuck.reference in content and "No eligible iPark" in content
    assert not Assignment.objects.exists()


def test_assignment_page_adds_and_removes_reviewers_by_hand(client, application, boss):
    mss = ReviewerFactory(organisation=Organisation.MSS)
    conflicted = ReviewerFactory(organisation=Organisation.IPARK)
    ConflictDeclaration.objects.create(reviewer=conflicted, company=application.company, reason="x")
    client.force_login(boss)
    cycle = application.cycle

    page = client.get(reverse("reviews:assignment", args=[cycle.pk])).content.decode()
    add_url = reverse("reviews:assignment_add", args=[cycle.pk, application.pk])
    client.post(add_url, {"reviewer": mss.pk})
    refused = client.post(add_url, {"reviewer": conflicted.pk}, follow=True)

    row = re.search(rf'<tr id="row-{application.pk}".*?</tr>', page, re.S).group(0)
    assert f'value="{mss.pk}"' in row and f'value="{conflicted.pk}"' not in row
    assignment = Assignment.objects.get()
    assert (assignment.reviewer, assignment.is_manual) == (mss, True)
    assert "declared a conflict" in refused.content.decode()

    client.post(reverse("reviews:assignment_remove", args=[assignment.pk]))
    assert not Assignment.objects.exists()


def test_assignment_page_refuses_removing_a_submitted_review(client, application, boss):
    reviewer = ReviewerFactory()
    assignment = assigned(application, reviewer)
    _score(assignment)
    client.force_login(boss)

    response = client.post(reverse("reviews:assignment_remove", args=[assignment.pk]), follow=True)

    assert "cannot be removed" in response.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_assignment_page_shows_declined_assignments_with_the_reason(client, application, boss):
    reviewer = ReviewerFactory()
    assignment = assigned(application, reviewer)
    from reviews.services import assignment_decline

    assignment_decline(assignment=assignment, actor=reviewer.user, reason="Old colleague")
    client.force_login(boss)

    content = client.get(
        reverse("reviews:assignment", args=[application.cycle_id])
    ).content.decode()

    assert "Declined (conflict)" in content and "Old colleague" in content


# --- Managers: an application's reviews, reopen -------------------------------------------------


def test_manager_sees_every_review_with_scores_and_reopens_one(
    client, application, boss, mss_reviewer, ipark_reviewer
):
    mine = assigned(application, mss_reviewer)
    assigned(application, ipark_reviewer)
    _score(mine, innovation=8, team=6)
    client.force_login(boss)
    url = reverse("reviews:manage_application", args=[application.pk])

    page = client.get(url).content.decode()
    review = Review.objects.get()
    refused = client.post(reverse("reviews:review_reopen", args=[review.pk]), {"reason": ""})
    reopened = client.post(
        reverse("reviews:review_reopen", args=[review.pk]), {"reason": "Team score too low?"}
    )

    # 8/10 × 60 + 6/10 × 40 = 72.00
    assert 'class="review-total">72.00<' in page
    assert "Internal note by mss.reviewer@example.com" in page
    assert "Not started." in page
    assert refused.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert reopened.status_code == 302
    assert "Team score too low?" in client.get(url).content.decode()


# --- Permission matrix of every reviewing page --------------------------------------------------

PAGE_PERSONAS = [
    "anonymous",
    "applicant",
    "assigned_reviewer",
    "unassigned_reviewer",
    "conflicted_reviewer",
    "reviewer_without_pledge",
    "manager",
    "other_program_manager",
]


@pytest.fixture
def world(application, boss):
    reviewers = {
        name: ReviewerFactory(organisation=Organisation.IPARK)
        for name in PAGE_PERSONAS
        if name.endswith("reviewer") or name.endswith("pledge")
    }
    assignment = assigned(application, reviewers["assigned_reviewer"])
    assigned(application, reviewers["conflicted_reviewer"])
    ConflictDeclaration.objects.create(
        reviewer=reviewers["conflicted_reviewer"], company=application.company, reason="x"
    )
    assigned(application, reviewers["reviewer_without_pledge"], pledged=False)
    pledge(reviewers["unassigned_reviewer"], application.cycle)
    _score(assignment)
    people = {name: reviewer.user for name, reviewer in reviewers.items()}
    people["anonymous"] = None
    people["applicant"] = application.company.memberships.get().user
    people["manager"] = boss
    people["other_program_manager"] = ProgramManagerFactory(
        programs=[program_for(Track.OPEN_INNOVATION)]
    ).user
    return {"application": application, "assignment": assignment, "people": people}


def _urls(world):
    application = world["application"]
    assignment = world["assignment"]
    cycle = application.cycle
    review = assignment.review
    return {
        "review": ("get", reverse("reviews:review", args=[assignment.pk])),
        "autosave": ("post", reverse("reviews:review_autosave", args=[assignment.pk])),
        "decline": ("get", reverse("reviews:decline", args=[assignment.pk])),
        "document": ("get", application.documents.get().get_absolute_url()),
        "api_assignment": ("get", f"/api/v1/reviews/assignments/{assignment.pk}/"),
        "api_review": ("get", f"/api/v1/reviews/assignments/{assignment.pk}/review/"),
        "api_application": ("get", f"/api/v1/applications/{application.pk}/"),
        "screening": ("get", reverse("reviews:screening", args=[cycle.pk])),
        "screen_one": (
            "get",
            reverse("reviews:screen_application", args=[cycle.pk, application.pk]),
        ),
        "assignment": ("get", reverse("reviews:assignment", args=[cycle.pk])),
        "manage_application": ("get", reverse("reviews:manage_application", args=[application.pk])),
        "reopen": ("post", reverse("reviews:review_reopen", args=[review.pk])),
    }


# Who gets in (2xx or a redirect that is not to the login page); everyone else gets 404
# (logged in) or is sent to log in (anonymous). The API answers 401 to anonymous.
ALLOWED = {
    "review": {"assigned_reviewer"},
    "autosave": {"assigned_reviewer"},
    "decline": set(),  # the assigned reviewer has submitted: nothing left to decline
    "document": {"assigned_reviewer", "applicant", "manager"},
    "api_assignment": {"assigned_reviewer"},
    "api_review": {"assigned_reviewer"},
    "api_application": {"assigned_reviewer", "applicant", "manager"},
    "screening": {"manager"},
    "screen_one": {"manager"},
    "assignment": {"manager"},
    "manage_application": {"manager"},
    "reopen": {"manager"},
}
# How those who get in are answered when not 2xx/redirect: the assigned reviewer has
# submitted, so their autosave gets in and is refused as locked (the autosave protocol).
LET_IN_AS = {"autosave": {409}}


@pytest.mark.parametrize("page", list(ALLOWED))
@pytest.mark.parametrize("persona", PAGE_PERSONAS)
def test_reviewing_pages_permission_matrix(client, world, page, persona):
    method, url = _urls(world)[page]
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)

    response = getattr(client, method)(url, {"reason": "Matrix"} if page == "reopen" else {})

    if persona in ALLOWED[page]:
        assert response.status_code in LET_IN_AS.get(page, {200, 302}), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    elif user is None:
        if page.startswith("api_") or page == "autosave":
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404), response.status_code
        if response.status_code == 403:
            assert page.startswith("api_") or page == "reopen"
    if page == "reopen":
        expected = ReviewStatus.DRAFT if persona in ALLOWED["reopen"] else ReviewStatus.SUBMITTED
        assert Review.objects.get(pk=world["assignment"].review.pk).status == expected
    if response.streaming:
        response.close()  # a document download holds its file open until closed


@pytest.mark.parametrize("persona", ["applicant", "manager", "anonymous"])
def test_reviewer_pages_are_not_for_non_reviewers(client, world, persona):
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)

    dashboard = client.get(reverse("reviews:reviewer_dashboard"))
    profile = client.get(reverse("reviews:reviewer_profile"))
    pledge_page = client.get(reverse("reviews:pledge", args=[world["application"].cycle_id]))

    for response in (dashboard, profile, pledge_page):
        if user is None:
            assert response.status_code == 302
        else:
            assert response.status_code == 404


def test_pledge_page_of_a_cycle_without_assignments_is_404(client, world):
    client.force_login(world["people"]["unassigned_reviewer"])

    response = client.get(reverse("reviews:pledge", args=[world["application"].cycle_id]))

    assert response.status_code == 404


def test_another_reviewers_assignment_is_404_on_every_reviewer_url(client, world):
    assignment = world["assignment"]
    client.force_login(world["people"]["unassigned_reviewer"])

    for url in (
        reverse("reviews:review", args=[assignment.pk]),
        reverse("reviews:decline", args=[assignment.pk]),
        reverse("reviews:reviewer_application", args=[assignment.application_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_assignment_page_query_count_does_not_grow_with_applications(client, cycle, boss):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reviewers = [
        ReviewerFactory(organisation=org)
        for org in [Organisation.MSS] * 2 + [Organisation.IPARK] * 2
    ]
    client.force_login(boss)
    url = reverse("reviews:assignment", args=[cycle.pk])

    def measure(count):
        for _ in range(count):
            application = under_review(cycle)
            assigned(application, reviewers[0])
            assigned(application, reviewers[2])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    small = measure(2)
    large = measure(6)

    assert small == large


def test_assignment_page_filters_the_applications_lacking_reviewers(client, cycle, boss):
    covered = under_review(cycle)
    lacking = under_review(cycle)
    assigned(covered, ReviewerFactory(organisation=Organisation.MSS))
    assigned(covered, ReviewerFactory(organisation=Organisation.IPARK))
    client.force_login(boss)

    content = client.get(
        reverse("reviews:assignment", args=[cycle.pk]), {"show": "incomplete"}
    ).content.decode()

    assert f'id="row-{lacking.pk}"' in content
    assert f'id="row-{covered.pk}"' not in content


def test_adding_a_reviewer_returns_to_the_board_page_the_manager_was_on(client, application, boss):
    reviewer = ReviewerFactory()
    client.force_login(boss)
    board = reverse("reviews:assignment", args=[application.cycle_id])

    response = client.post(
        reverse("reviews:assignment_add", args=[application.cycle_id, application.pk]),
        {"reviewer": reviewer.pk, "next": f"{board}?show=all&page=2"},
    )

    assert response["Location"] == f"{board}?show=all&page=2#row-{application.pk}"
