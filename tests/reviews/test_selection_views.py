"""The managers' selection pages: ranking (sort, filter, decisions), decisions and
approvals, announcement, dashboard; and who may open them."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from programs.enums import CyclePhase, Field, Organisation, Track
from programs.models import Cycle
from reviews.models import DecisionApproval
from reviews.services import decisions_approve, decisions_set
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    TechnologyFactory,
    UserFactory,
    active_assignment,
    draft_application,
    program_for,
    submitted_application,
)
from tests.reviews.selection_helpers import (
    cycle_under_review,
    review_cycle,
    score_both,
    set_phase,
    standing,
    statuses,
    under_review,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus
OUT_OF_ORDER = "The panel chose these despite the rank."


@pytest.fixture
def scored(manager):
    """Four applications under review, scored so that the ranking is 2, 0, 1, 3."""
    cycle, applications = cycle_under_review(manager.user, count=4, quota=2, reviewed=False)
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)
    # combined: [0] 70.00, [1] 55.00, [2] 85.00, [3] none; MSS: 70, 60, 90; iPark: 70, 50, 80
    score_both(applications[0], mss=mss, ipark=ipark, mss_scores=(7, 7), ipark_scores=(7, 7))
    score_both(applications[1], mss=mss, ipark=ipark, mss_scores=(6, 6), ipark_scores=(5, 5))
    score_both(applications[2], mss=mss, ipark=ipark, mss_scores=(9, 9), ipark_scores=(8, 8))
    return cycle, applications


def _url(name, cycle, **query):
    url = reverse(f"reviews:{name}", args=[cycle.pk])
    return f"{url}?{urlencode(query)}" if query else url


def _order(response):
    return [row.application.pk for row in response.context["rows"]]


# --- Ranking: rows, sort, filters, query count ------------------------------------------


def test_ranking_lists_rows_in_rank_order_with_scores(client, manager, scored):
    cycle, apps = scored
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle))

    assert response.status_code == 200
    assert _order(response) == [apps[2].pk, apps[0].pk, apps[1].pk, apps[3].pk]
    html = response.content.decode()
    row = html[html.index(f'id="row-{apps[2].pk}"') :]
    row = row[: row.index("</tr>")]
    for figure in ("85.00", "90.00", "80.00", "2 of 2", apps[2].reference):
        assert figure in row
    assert apps[2].company.name_en in row
    assert "Selected 0 of 2" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "combined"}, [2, 0, 1, 3]),
        ({"sort": "combined", "order": "asc"}, [1, 0, 2, 3]),
        ({"sort": "ipark", "order": "asc"}, [1, 0, 2, 3]),
        ({"sort": "mss"}, [2, 0, 1, 3]),
        ({"sort": "rank", "order": "desc"}, [3, 1, 0, 2]),
        ({"sort": "reviews", "order": "asc"}, [3, 2, 0, 1]),
        ({"sort": "nonsense"}, [2, 0, 1, 3]),
    ],
)
def test_ranking_sorts_server_side_with_missing_scores_last(
    client, manager, scored, query, expected
):
    cycle, apps = scored
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle, **query))

    assert _order(response) == [apps[i].pk for i in expected]


def test_ranking_column_header_reverses_the_current_sort(client, manager, scored):
    cycle, _ = scored
    client.force_login(manager.user)

    links = client.get(_url("ranking", cycle, sort="combined", field="")).context["sort_links"]

    assert links["combined"] == "sort=combined&field=&order=asc"
    assert links["mss"] == "sort=mss&field="


def test_ranking_filters_by_status_and_keeps_the_overall_rank(client, manager, scored):
    cycle, apps = scored
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.WAITLISTED, actor=manager.user)
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle, status=S.WAITLISTED))

    assert _order(response) == [apps[0].pk]
    assert [row.score.rank for row in response.context["rows"]] == [2]
    assert "1 application matches the filters." in response.content.decode()


def test_ranking_filters_by_field(client, manager):
    cycle = review_cycle()
    gene = under_review(cycle, manager.user)
    cell = under_review(cycle, manager.user)
    type(gene).objects.filter(pk=gene.pk).update(biotech_field=Field.GENE_THERAPY)
    set_phase(cycle, CyclePhase.REVIEW)
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle, field=Field.GENE_THERAPY))
    unknown = client.get(_url("ranking", cycle, field="no-such-field"))

    assert _order(response) == [gene.pk]
    assert sorted(_order(unknown)) == sorted([gene.pk, cell.pk])


def test_ranking_filters_by_technology(client, manager):
    cycle = review_cycle(track=Track.JOINT_RND)
    first, second = TechnologyFactory(), TechnologyFactory()
    cycle.technologies.add(first, second)
    on_first = under_review(cycle, manager.user)
    on_second = under_review(cycle, manager.user)
    type(on_first).objects.filter(pk=on_second.pk).update(technology=second)
    type(on_first).objects.filter(pk=on_first.pk).update(technology=first)
    set_phase(cycle, CyclePhase.REVIEW)
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle, item=f"technology:{second.pk}"))

    assert _order(response) == [on_second.pk]
    assert str(second) in response.content.decode()


def test_ranking_query_count_does_not_grow_with_applications(client, manager):
    cycle = review_cycle(quota=5)
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)

    def add(n):
        set_phase(cycle, CyclePhase.OPEN)
        for _ in range(n):
            application = under_review(cycle, manager.user)
            score_both(application, mss=mss, ipark=ipark)
        set_phase(cycle, CyclePhase.REVIEW)

    client.force_login(manager.user)
    add(2)
    client.get(_url("ranking", cycle))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url("ranking", cycle, sort="combined")).status_code == 200
    add(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("ranking", cycle, sort="combined"))

    assert len(response.context["rows"]) == 14
    assert len(many) == len(few)


# --- Decisions from the ranking ---------------------------------------------------------


def test_row_button_records_the_decision_and_keeps_the_filters(client, manager, scored):
    cycle, apps = scored
    client.force_login(manager.user)
    url = _url("ranking", cycle, sort="combined")

    response = client.post(url, {"row": f"{apps[2].pk}:selected", "applications": [apps[1].pk]})

    assert response.status_code == 302
    assert response["Location"] == url
    assert statuses(apps) == [S.UNDER_REVIEW, S.UNDER_REVIEW, S.SELECTED, S.UNDER_REVIEW]
    page = client.get(url).content.decode()
    assert f"1 application is now “Selected”: {apps[2].reference}." in page
    assert "Selected 1 of 2" in page


def test_bulk_decision_applies_to_every_ticked_row_with_the_note(client, manager, scored):
    cycle, apps = scored
    client.force_login(manager.user)

    client.post(
        _url("ranking", cycle),
        {"applications": [apps[1].pk, apps[3].pk], "decision": S.REJECTED, "note": "Weak plan"},
    )

    assert statuses(apps) == [S.UNDER_REVIEW, S.REJECTED, S.UNDER_REVIEW, S.REJECTED]
    assert apps[1].status_changes.last().note == "Weak plan"


def test_bulk_over_the_quota_is_refused_and_keeps_what_was_ticked(client, manager, scored):
    cycle, apps = scored
    client.force_login(manager.user)

    response = client.post(
        _url("ranking", cycle),
        {
            "applications": [apps[0].pk, apps[1].pk, apps[2].pk],
            "decision": S.SELECTED,
            "note": "Top three",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The quota is 2 and 0 are already selected: selecting 3 more would exceed it." in html
    for application in apps[:3]:
        assert f'value="{application.pk}" aria-label="{application.reference}" checked' in html
    assert f'value="{apps[3].pk}" aria-label="{apps[3].reference}">' in html
    assert 'value="Top three"' in html
    assert statuses(apps) == [S.UNDER_REVIEW] * 4


def test_bulk_without_ticks_or_decision_says_what_is_missing(client, manager, scored):
    cycle, apps = scored
    before = statuses(apps)
    client.force_login(manager.user)

    response = client.post(_url("ranking", cycle), {"decision": "", "note": "kept"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Tick at least one application." in html
    assert "Choose a decision." in html
    assert 'value="kept"' in html
    assert statuses(apps) == before


def test_changing_a_decision_after_approval_warns_that_approvals_were_withdrawn(
    client, manager, ipark_manager, scored
):
    cycle, apps = scored
    decisions_set(
        cycle=cycle,
        applications=apps[:2],
        decision=S.SELECTED,
        actor=manager.user,
        reason=OUT_OF_ORDER,
    )
    decisions_set(cycle=cycle, applications=apps[2:], decision=S.REJECTED, actor=manager.user)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    client.force_login(manager.user)
    before = client.get(_url("ranking", cycle)).content.decode()

    client.post(_url("ranking", cycle), {"row": f"{apps[1].pk}:waitlisted"})

    assert "Changing any decision now withdraws the approvals already given" in before
    page = client.get(_url("ranking", cycle)).content.decode()
    assert "the approvals of MSS (Ministry of SMEs and Startups), iPark" in page
    assert standing(cycle) == set()


def test_after_announcement_only_waitlisted_rows_have_buttons(client, manager, scored):
    cycle, apps = scored
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.WAITLISTED, actor=manager.user)
    decisions_set(
        cycle=cycle,
        applications=[apps[1]],
        decision=S.SELECTED,
        actor=manager.user,
        reason=OUT_OF_ORDER,
    )
    set_phase(cycle, CyclePhase.ANNOUNCED)
    client.force_login(manager.user)

    html = client.get(_url("ranking", cycle)).content.decode()

    assert f'value="{apps[0].pk}:selected"' in html
    assert f'value="{apps[1].pk}:rejected"' not in html
    assert 'id="bulk-decision"' not in html


# --- Decisions page, approvals, announcement --------------------------------------------


def _all_decided(cycle, apps, manager):
    decisions_set(
        cycle=cycle,
        applications=apps[:2],
        decision=S.SELECTED,
        actor=manager.user,
        reason=OUT_OF_ORDER,
    )
    decisions_set(cycle=cycle, applications=apps[2:3], decision=S.WAITLISTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=apps[3:], decision=S.REJECTED, actor=manager.user)


def test_decisions_page_lists_outcomes_and_what_blocks_the_announcement(client, manager, scored):
    cycle, apps = scored
    decisions_set(
        cycle=cycle,
        applications=[apps[2]],
        decision=S.SELECTED,
        actor=manager.user,
        reason=OUT_OF_ORDER,
    )
    client.force_login(manager.user)

    response = client.get(_url("decisions", cycle))

    lists = response.context["lists"]
    assert [a.pk for a in lists[S.SELECTED]] == [apps[2].pk]
    assert len(lists[S.UNDER_REVIEW]) == 3
    html = response.content.decode()
    assert "3 applications are still under review" in html
    assert 'id="approve" disabled' in html
    assert 'id="announce" disabled' in html


def test_both_managers_approve_then_one_announces(client, manager, ipark_manager, scored):
    cycle, apps = scored
    _all_decided(cycle, apps, manager)

    client.force_login(manager.user)
    client.post(_url("decisions_approve", cycle))
    client.force_login(ipark_manager.user)
    client.post(_url("decisions_approve", cycle))
    page = client.get(_url("decisions", cycle)).content.decode()
    response = client.post(_url("announce", cycle))

    assert "You approved the decisions for iPark" in page
    assert 'id="announce-ready"' in page
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED
    assert "The results are announced" in client.get(_url("decisions", cycle)).content.decode()


def test_an_mss_manager_approves_for_mss_whatever_the_form_says(client, manager, scored):
    cycle, apps = scored
    _all_decided(cycle, apps, manager)
    client.force_login(manager.user)

    client.post(_url("decisions_approve", cycle), {"organisation": Organisation.IPARK})

    assert standing(cycle) == {Organisation.MSS}
    html = client.get(_url("decisions", cycle)).content.decode()
    assert "Approve for iPark" not in html
    assert 'id="withdraw-approval"' in html


def test_withdrawing_an_approval_from_the_page(client, manager, ipark_manager, scored):
    cycle, apps = scored
    _all_decided(cycle, apps, manager)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    client.force_login(ipark_manager.user)

    client.post(_url("decisions_approval_withdraw", cycle))

    assert standing(cycle) == set()
    html = client.get(_url("decisions", cycle)).content.decode()
    assert f"Withdrawn by {ipark_manager.user}." in html


def test_announce_refused_shows_every_reason(client, manager, scored):
    cycle, apps = scored
    _all_decided(cycle, apps, manager)
    decisions_approve(cycle=cycle, actor=manager.user)
    client.force_login(manager.user)

    response = client.post(_url("announce", cycle), follow=True)

    assert "A manager of iPark (Shonan Health Innovation Park) has not approved" in (
        response.content.decode()
    )
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW


def test_superuser_sees_the_pages_but_has_no_organisation_to_approve_for(client, scored):
    cycle, _ = scored
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(_url("decisions", cycle))
    approve = client.post(_url("decisions_approve", cycle))

    assert page.status_code == 200
    assert 'id="approve"' not in page.content.decode()
    assert approve.status_code == 404
    assert not DecisionApproval.objects.exists()


# --- Dashboard ----------------------------------------------------------------------------


def test_dashboard_counts_fields_progress_and_deadlines(client, manager):
    cycle = review_cycle(quota=2)
    apps = [under_review(cycle, manager.user) for _ in range(3)]
    type(apps[0]).objects.filter(pk=apps[0].pk).update(biotech_field=Field.GENE_THERAPY)
    draft_application(cycle=cycle)
    submitted_application(cycle=cycle)
    now = timezone.now()
    Cycle.objects.filter(pk=cycle.pk).update(
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=2),
        review_due_at=now + timedelta(days=3),
        announce_at=now + timedelta(days=10),
    )
    set_phase(cycle, CyclePhase.REVIEW)
    kim = ReviewerFactory(organisation=Organisation.MSS, user__display_name="Kim")
    sato = ReviewerFactory(organisation=Organisation.IPARK, user__display_name="Sato")
    score_both(apps[0], mss=kim, ipark=sato)
    active_assignment(apps[1], kim)
    active_assignment(apps[1], sato)
    decisions_set(cycle=cycle, applications=[apps[2]], decision=S.REJECTED, actor=manager.user)
    client.force_login(manager.user)

    response = client.get(_url("dashboard", cycle))

    board = response.context["board"]
    assert board.status_counts[S.UNDER_REVIEW] == 2
    assert board.status_counts[S.REJECTED] == 1
    assert board.status_counts[S.SUBMITTED] == 1
    assert board.drafts == 1
    assert board.by_field == [("Cell therapy", 3, 100), ("Gene therapy", 1, 33)]
    assert [(r.name, r.assigned, r.submitted, r.percent) for r in board.reviewers] == [
        ("Kim", 2, 1, 50),
        ("Sato", 2, 1, 50),
    ]
    assert [(o.organisation, o.assigned, o.submitted) for o in board.organisations] == [
        (Organisation.MSS, 2, 1),
        (Organisation.IPARK, 2, 1),
    ]
    assert [d.days for d in board.deadlines] == [-2, 3, 10]
    html = response.content.decode()
    assert "2 days ago" in html and "in 3 days" in html and "in 10 days" in html
    assert '<rect width="33" height="10">' in html


def test_cycle_page_shows_the_selection_panel(client, manager, scored):
    cycle, apps = scored
    decisions_set(
        cycle=cycle,
        applications=[apps[2]],
        decision=S.SELECTED,
        actor=manager.user,
        reason=OUT_OF_ORDER,
    )
    client.force_login(manager.user)

    html = client.get(reverse("reviews:manage_cycle", args=[cycle.pk])).content.decode()

    assert "Selected 1 of 2" in html
    assert reverse("reviews:ranking", args=[cycle.pk]) in html
    assert "MSS pending" in html


# --- Who may open what ------------------------------------------------------------------

PAGES = [
    ("get", "ranking"),
    ("post", "ranking"),
    ("get", "decisions"),
    ("post", "decisions_approve"),
    ("post", "decisions_approval_withdraw"),
    ("post", "announce"),
    ("get", "announce_confirm"),
    ("get", "announcement_progress"),
    ("get", "dashboard"),
]


def _person(who, cycle):
    if who == "applicant":
        return cycle.applications.first().company.memberships.get().user
    if who == "reviewer":
        application = cycle.applications.first()
        reviewer = ReviewerFactory(organisation=Organisation.MSS)
        active_assignment(application, reviewer)
        return reviewer.user
    if who == "other_program_manager":
        return ProgramManagerFactory(programs=[program_for(Track.OPEN_INNOVATION)]).user
    if who == "inactive_manager":
        return ProgramManagerFactory(is_active=False).user
    if who == "staff":
        return UserFactory(is_staff=True)
    raise AssertionError(who)


@pytest.mark.parametrize(("method", "name"), PAGES)
@pytest.mark.parametrize(
    "who", ["applicant", "reviewer", "other_program_manager", "inactive_manager", "staff"]
)
def test_selection_pages_are_404_to_everyone_but_the_programs_managers(
    client, manager, scored, method, name, who
):
    cycle, apps = scored
    client.force_login(_person(who, cycle))

    response = getattr(client, method)(
        _url(name, cycle), {"row": f"{apps[0].pk}:selected"} if method == "post" else {}
    )

    assert response.status_code == 404
    assert statuses(apps) == [S.UNDER_REVIEW] * 4


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_selection_pages_send_anonymous_visitors_to_log_in(client, scored, method, name):
    cycle, _ = scored

    response = getattr(client, method)(_url(name, cycle))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# What a manager gets from each page, with an empty POST: the page, the form again (400),
# or a redirect to where the action continues (→ page name), and never a change.
MANAGER_GETS = {
    ("get", "ranking"): 200,
    ("post", "ranking"): 400,  # nothing chosen
    ("get", "decisions"): 200,
    ("post", "decisions_approve"): "decisions",  # refused there: all are undecided
    ("post", "decisions_approval_withdraw"): "decisions",  # none stood
    ("post", "announce"): "announce_confirm",  # announcing is confirmed on its own page
    ("get", "announce_confirm"): 200,
    ("get", "announcement_progress"): 200,
    ("get", "dashboard"): 200,
}


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_selection_pages_open_to_the_programs_managers(client, manager, scored, method, name):
    cycle, apps = scored
    client.force_login(manager.user)

    response = getattr(client, method)(_url(name, cycle))

    expected = MANAGER_GETS[(method, name)]
    if isinstance(expected, int):
        assert response.status_code == expected
    else:
        assert response.status_code == 302
        assert response["Location"] == _url(expected, cycle)
    assert statuses(apps) == [S.UNDER_REVIEW] * 4
    assert not DecisionApproval.objects.exists()
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW


def test_every_selection_page_has_its_expected_answer():
    assert set(MANAGER_GETS) == set(PAGES)


@pytest.mark.parametrize(
    ("who", "shown"),
    [("manager", True), ("inactive_manager", False), ("applicant", False), ("superuser", True)],
)
def test_navbar_leads_managers_to_their_cycles(client, who, shown):
    user = {
        "manager": lambda: ProgramManagerFactory().user,
        "inactive_manager": lambda: ProgramManagerFactory(is_active=False).user,
        "applicant": lambda: UserFactory(),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    client.force_login(user)

    html = client.get(reverse("programs:home")).content.decode()

    assert ('id="nav-manage"' in html) is shown
