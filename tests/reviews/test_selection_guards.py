"""The guards of the selection (issue 10): missing reviews need an override reason that
the other organisation sees before approving; selecting out of rank order needs a reason;
a stale page cannot overwrite a decision; announcing early needs a confirmation; times
after the lock; every step in the activity log; the announcement runs in the background
in idempotent chunks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import StatusChange
from common.exceptions import TransitionError
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.enums import ActivityKind, CyclePhase, Organisation
from programs.models import Cycle, CycleActivity
from reviews.aggregates import rebuild_cycle
from reviews.enums import AnnouncementRunStatus, OverrideKind
from reviews.models import AnnouncementRun, DecisionApproval, SelectionOverride
from reviews.services import (
    StaleDecision,
    announcement_run_step,
    announcement_runs_resume,
    cycle_announce,
    decisions_approval_withdraw,
    decisions_approve,
    decisions_set,
)
from tests.factories import MembershipFactory, ProgramManagerFactory
from tests.reviews.selection_helpers import announce, cycle_under_review, standing, statuses

pytestmark = pytest.mark.django_db
S = ApplicationStatus
REASON = "The MSS reviewer fell ill; the iPark review and the pitch are conclusive."


@pytest.fixture
def colleague(db):
    """A second MSS manager of the program."""
    return ProgramManagerFactory(organisation=Organisation.MSS)


@pytest.fixture
def ranked(manager):
    """Four reviewed applications, ranked in list order; quota 2."""
    return cycle_under_review(manager.user, count=4, quota=2)


@pytest.fixture
def half_reviewed(manager):
    """Two applications; the first has only its iPark review (the MSS one missing)."""
    cycle, apps = cycle_under_review(manager.user, count=2, quota=1)
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=[apps[1]], decision=S.REJECTED, actor=manager.user)
    apps[0].assignments.filter(reviewer__organisation=Organisation.MSS).delete()
    rebuild_cycle(cycle.pk)  # rows deleted directly: the stored aggregates follow
    return cycle, apps


def _kinds(cycle) -> list[str]:
    return list(
        CycleActivity.objects.filter(cycle=cycle).order_by("pk").values_list("kind", flat=True)
    )


# --- Missing reviews ----------------------------------------------------------------------


def test_approval_refused_while_a_selected_application_lacks_its_mss_review(half_reviewed, manager):
    cycle, apps = half_reviewed

    with pytest.raises(TransitionError) as refused:
        decisions_approve(cycle=cycle, actor=manager.user)

    assert refused.value.code == "missing_reviews"
    assert f"{apps[0].reference} (1/2)" in refused.value.messages[0]
    assert not DecisionApproval.objects.filter(cycle=cycle).exists()


def test_an_override_reason_lets_approval_through_and_is_recorded_and_logged(
    half_reviewed, manager
):
    cycle, apps = half_reviewed

    approval = decisions_approve(cycle=cycle, actor=manager.user, override_reason=REASON)

    override = SelectionOverride.objects.get(cycle=cycle)
    assert (override.application, override.kind, override.reason) == (
        apps[0],
        OverrideKind.MISSING_REVIEWS,
        REASON,
    )
    assert override.organisation == Organisation.MSS
    assert approval.organisation == Organisation.MSS
    assert _kinds(cycle)[-2:] == [ActivityKind.OVERRIDE, ActivityKind.APPROVAL]
    line = CycleActivity.objects.get(cycle=cycle, kind=ActivityKind.OVERRIDE)
    assert (line.subject, line.note, line.data["reviews"]) == (apps[0].reference, REASON, "1/2")


def test_an_override_withdraws_the_other_organisations_approval_so_it_sees_it(
    half_reviewed, manager, ipark_manager
):
    cycle, _apps = half_reviewed
    # iPark approved first, having recorded the override itself.
    decisions_approve(cycle=cycle, actor=ipark_manager.user, override_reason="iPark's reason")
    # A second override, by MSS, is news to iPark: its approval goes.
    SelectionOverride.objects.all().delete()

    decisions_approve(cycle=cycle, actor=manager.user, override_reason=REASON)

    assert standing(cycle) == {Organisation.MSS}
    withdrawn = DecisionApproval.objects.get(organisation=Organisation.IPARK)
    assert "recorded an override" in withdrawn.withdrawn_reason
    assert withdrawn.withdrawn_at >= withdrawn.approved_at


def test_an_approver_whose_page_predates_an_override_is_refused_and_shown_it(
    half_reviewed, manager, ipark_manager
):
    cycle, apps = half_reviewed
    seen = 0  # iPark's page showed no override
    decisions_approve(cycle=cycle, actor=manager.user, override_reason=REASON)

    with pytest.raises(TransitionError) as refused:
        decisions_approve(cycle=cycle, actor=ipark_manager.user, overrides_seen=seen)

    assert refused.value.code == "unseen_overrides"
    assert apps[0].reference in refused.value.messages[0]
    assert REASON in refused.value.messages[0]
    newest = SelectionOverride.objects.get().pk
    approval = decisions_approve(cycle=cycle, actor=ipark_manager.user, overrides_seen=newest)
    assert approval.organisation == Organisation.IPARK


def test_announcement_refused_when_reviews_went_missing_after_approval(
    half_reviewed, manager, ipark_manager
):
    cycle, apps = half_reviewed
    decisions_approve(cycle=cycle, actor=manager.user, override_reason=REASON)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    # A review of the other application is taken back after both approved.
    apps[0].assignments.all().delete()
    rebuild_cycle(cycle.pk)
    SelectionOverride.objects.all().delete()

    with pytest.raises(TransitionError) as refused:
        cycle_announce(cycle=cycle, actor=manager.user)

    assert refused.value.code == "missing_reviews"
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW
    # The reason recorded at the announcement withdraws iPark's approval: it must see it.
    with pytest.raises(TransitionError) as again:
        cycle_announce(cycle=cycle, actor=manager.user, override_reason=REASON)
    assert "has not approved the decisions" in " ".join(again.value.messages)
    assert SelectionOverride.objects.filter(cycle=cycle).count() == 1
    assert standing(cycle) == {Organisation.MSS}


# --- Rank order ---------------------------------------------------------------------------


def test_selecting_below_a_better_ranked_application_asks_for_a_reason(ranked, manager):
    cycle, apps = ranked

    with pytest.raises(TransitionError) as refused:
        decisions_set(cycle=cycle, applications=[apps[2]], decision=S.SELECTED, actor=manager.user)

    assert refused.value.code == "reason_required"
    assert f"{apps[2].reference} (rank 3) is below {apps[0].reference} (rank 1)" in str(
        refused.value.messages[0]
    )
    assert statuses(apps) == [S.UNDER_REVIEW] * 4


def test_the_reason_is_in_the_history_the_overrides_and_the_log(ranked, manager):
    cycle, apps = ranked

    decisions_set(
        cycle=cycle, applications=[apps[2]], decision=S.SELECTED, actor=manager.user, reason=REASON
    )

    assert statuses(apps)[2] == S.SELECTED
    change = StatusChange.objects.filter(application=apps[2]).latest("pk")
    assert REASON in change.note
    override = SelectionOverride.objects.get(application=apps[2])
    assert override.kind == OverrideKind.RANK_ORDER
    line = CycleActivity.objects.get(cycle=cycle, kind=ActivityKind.OVERRIDE)
    assert line.data == {
        "override": OverrideKind.RANK_ORDER,
        "rank": 3,
        "above": apps[0].reference,
        "above_rank": 1,
    }
    decision = CycleActivity.objects.get(cycle=cycle, kind=ActivityKind.DECISION)
    assert decision.data == {"from": S.UNDER_REVIEW, "to": S.SELECTED}


def test_selecting_in_rank_order_asks_nothing(ranked, manager):
    cycle, apps = ranked

    decisions_set(cycle=cycle, applications=apps[:2], decision=S.SELECTED, actor=manager.user)

    assert not SelectionOverride.objects.exists()


def test_a_rejected_better_ranked_application_still_makes_it_out_of_order(ranked, manager):
    cycle, apps = ranked
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.REJECTED, actor=manager.user)

    with pytest.raises(TransitionError):
        decisions_set(cycle=cycle, applications=[apps[1]], decision=S.SELECTED, actor=manager.user)


# --- Stale pages --------------------------------------------------------------------------


def test_the_second_manager_on_a_stale_page_is_refused_with_the_current_decision(
    ranked, manager, colleague
):
    cycle, apps = ranked
    page_versions = {apps[0].pk: apps[0].version}  # both managers loaded the ranking

    decisions_set(
        cycle=cycle,
        applications=[apps[0]],
        decision=S.SELECTED,
        actor=manager.user,
        versions=page_versions,
    )
    with pytest.raises(StaleDecision) as refused:
        decisions_set(
            cycle=cycle,
            applications=[apps[0]],
            decision=S.REJECTED,
            actor=colleague.user,
            versions=page_versions,
        )

    assert refused.value.code == "stale"
    assert f"{apps[0].reference} — Selected" in refused.value.messages[0]
    assert statuses(apps)[0] == S.SELECTED


# --- Announcing early, times, the log -----------------------------------------------------


def test_announcing_before_the_published_date_needs_a_confirmation(ranked, manager, ipark_manager):
    cycle, apps = ranked
    Cycle.objects.filter(pk=cycle.pk).update(announce_at=timezone.now() + timedelta(hours=3))
    decisions_set(cycle=cycle, applications=apps, decision=S.REJECTED, actor=manager.user)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)

    with pytest.raises(TransitionError) as refused:
        cycle_announce(cycle=cycle, actor=manager.user)
    assert refused.value.code == "before_announcement_date"

    announce(cycle, manager.user, confirm_early=True)
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED
    line = CycleActivity.objects.get(cycle=cycle, kind=ActivityKind.ANNOUNCEMENT)
    assert line.data == {"results": 4, "before_announcement_date": True}


def test_withdrawal_is_never_timed_before_the_approval(ranked, manager):
    cycle, apps = ranked
    decisions_set(cycle=cycle, applications=apps, decision=S.REJECTED, actor=manager.user)
    approval = decisions_approve(cycle=cycle, actor=manager.user)

    withdrawn = decisions_approval_withdraw(cycle=cycle, actor=manager.user)

    assert withdrawn.pk == approval.pk
    assert withdrawn.withdrawn_at >= approval.approved_at
    assert _kinds(cycle)[-2:] == [ActivityKind.APPROVAL, ActivityKind.APPROVAL_WITHDRAWN]


# --- The announcement in the background ---------------------------------------------------


@pytest.fixture
def approved(ranked, manager, ipark_manager):
    cycle, apps = ranked
    decisions_set(cycle=cycle, applications=apps[:2], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=apps[2:], decision=S.REJECTED, actor=manager.user)
    for application in apps:
        MembershipFactory(company=application.company)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    return cycle, apps


def test_announcing_returns_with_a_run_and_records_nothing_itself(
    approved, manager, django_capture_on_commit_callbacks
):
    cycle, _apps = approved

    with django_capture_on_commit_callbacks(execute=False) as queued:
        cycle_announce(cycle=cycle, actor=manager.user)

    run = AnnouncementRun.objects.get(cycle=cycle)
    assert (run.status, run.total, run.done) == (AnnouncementRunStatus.RUNNING, 4, 0)
    assert len(queued) == 1  # the task, after commit
    assert not Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED).exists()


def test_the_run_goes_in_chunks_and_a_repeated_chunk_records_nothing_twice(
    approved, manager, settings, django_capture_on_commit_callbacks
):
    settings.ANNOUNCEMENT_CHUNK_SIZE = 3
    cycle, apps = approved
    with django_capture_on_commit_callbacks(execute=False):
        cycle_announce(cycle=cycle, actor=manager.user)
    run = AnnouncementRun.objects.get(cycle=cycle)
    results = Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED)

    assert announcement_run_step(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.done, run.notifications) == (3, 6)  # owner and one member each
    # A worker that died after recording but before the cursor moved would redo the chunk:
    AnnouncementRun.objects.filter(pk=run.pk).update(last_application_id=0, done=0)
    assert announcement_run_step(run_id=run.pk) is False
    assert results.count() == 6
    run.refresh_from_db()
    assert announcement_run_step(run_id=run.pk) is False  # the fourth application
    assert announcement_run_step(run_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.done) == (AnnouncementRunStatus.DONE, 4)
    assert results.count() == 8
    assert set(results.values_list("target_id", flat=True)) == {a.pk for a in apps}
    assert results.values("recipient", "target_id").distinct().count() == 8


def test_unfinished_runs_are_queued_again(approved, manager, django_capture_on_commit_callbacks):
    cycle, _apps = approved
    with django_capture_on_commit_callbacks(execute=False):
        cycle_announce(cycle=cycle, actor=manager.user)

    assert announcement_runs_resume() == 1  # eager here: the run completes
    run = AnnouncementRun.objects.get(cycle=cycle)
    assert run.status == AnnouncementRunStatus.DONE
    assert announcement_runs_resume() == 0


# --- Pages ---------------------------------------------------------------------------------


def test_the_ranking_page_refuses_a_stale_decision_and_shows_the_current_one(
    client, ranked, manager, colleague
):
    cycle, apps = ranked
    url = reverse("reviews:ranking", args=[cycle.pk])
    stale = {"row": f"{apps[0].pk}:{S.REJECTED}", f"version-{apps[0].pk}": apps[0].version}
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.SELECTED, actor=manager.user)
    client.force_login(colleague.user)

    response = client.post(url, stale)

    assert response.status_code == 400
    assert f"{apps[0].reference} — Selected" in response.content.decode()
    assert statuses(apps)[0] == S.SELECTED


def test_the_ranking_page_asks_for_the_reason_then_records_it(client, ranked, manager):
    cycle, apps = ranked
    url = reverse("reviews:ranking", args=[cycle.pk])
    client.force_login(manager.user)

    asked = client.post(url, {"row": f"{apps[3].pk}:{S.SELECTED}"})
    done = client.post(url, {"row": f"{apps[3].pk}:{S.SELECTED}", "reason": REASON})

    assert asked.status_code == 400
    assert "Give a reason for selecting out of rank order" in asked.content.decode()
    assert done.status_code == 302
    assert statuses(apps)[3] == S.SELECTED


def test_the_other_approver_reads_every_override_on_the_decisions_page(
    client, half_reviewed, manager, ipark_manager
):
    cycle, _apps = half_reviewed
    decisions_approve(cycle=cycle, actor=manager.user, override_reason=REASON)
    client.force_login(ipark_manager.user)

    page = client.get(reverse("reviews:decisions", args=[cycle.pk])).content.decode()

    assert REASON in page
    assert f'name="overrides_seen" value="{SelectionOverride.objects.get().pk}"' in page


def test_the_approve_form_sends_the_override_reason(client, half_reviewed, manager):
    cycle, apps = half_reviewed
    client.force_login(manager.user)
    decisions = reverse("reviews:decisions", args=[cycle.pk])
    approve = reverse("reviews:decisions_approve", args=[cycle.pk])

    assert apps[0].reference in client.get(decisions).content.decode()  # listed as missing
    refused = client.post(approve, {"overrides_seen": "0"}, follow=True)
    assert "lacks its required reviews" in refused.content.decode()
    client.post(approve, {"overrides_seen": "0", "override_reason": REASON})
    assert standing(cycle) == {Organisation.MSS}


def test_the_confirmation_page_asks_to_confirm_an_early_announcement(client, approved, manager):
    cycle, _apps = approved
    Cycle.objects.filter(pk=cycle.pk).update(announce_at=timezone.now() + timedelta(days=2))
    client.force_login(manager.user)
    confirm = reverse("reviews:announce_confirm", args=[cycle.pk])
    url = reverse("reviews:announce", args=[cycle.pk])

    assert 'name="confirm_early"' in client.get(confirm).content.decode()
    refused = client.post(url)
    assert refused.url == confirm
    with TestCaseCapture():
        done = client.post(url, {"confirm_early": "on"})
    assert done.url == reverse("reviews:decisions", args=[cycle.pk])
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED
    progress = client.get(reverse("reviews:announcement_progress", args=[cycle.pk]))
    assert "All 4 results recorded" in progress.content.decode()


class TestCaseCapture:
    """Run what the request queued after commit (the background announcement)."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


# --- The API enforces the same guards with the same parameters -----------------------------


def _api(name, cycle):
    return f"/api/v1/manage/cycles/{cycle.pk}/{name}/"


def test_decisions_api_asks_for_the_reason_and_refuses_a_stale_version(client, ranked, manager):
    cycle, apps = ranked
    client.force_login(manager.user)
    body = {"applications": [apps[2].pk], "decision": S.SELECTED}

    asked = client.post(_api("decisions", cycle), body, content_type="application/json")
    done = client.post(
        _api("decisions", cycle), {**body, "reason": REASON}, content_type="application/json"
    )
    stale = client.post(
        _api("decisions", cycle),
        {"applications": [apps[2].pk], "decision": S.REJECTED, "versions": {apps[2].pk: 0}},
        content_type="application/json",
    )

    assert asked.status_code == 409
    assert asked.json()["code"] == "reason_required"
    assert done.status_code == 200
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert statuses(apps)[2] == S.SELECTED


def test_approval_api_needs_the_override_reason_and_sees_new_overrides(
    client, half_reviewed, manager, ipark_manager
):
    cycle, _apps = half_reviewed
    client.force_login(manager.user)

    refused = client.post(_api("approval", cycle), {}, content_type="application/json")
    approved = client.post(
        _api("approval", cycle), {"override_reason": REASON}, content_type="application/json"
    )
    client.force_login(ipark_manager.user)
    unseen = client.post(
        _api("approval", cycle), {"overrides_seen": 0}, content_type="application/json"
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "missing_reviews"
    assert approved.status_code == 200
    assert unseen.status_code == 409
    assert unseen.json()["code"] == "unseen_overrides"
    assert standing(cycle) == {Organisation.MSS}


def test_announce_api_needs_the_early_confirmation(client, approved, manager):
    cycle, _apps = approved
    Cycle.objects.filter(pk=cycle.pk).update(announce_at=timezone.now() + timedelta(days=2))
    client.force_login(manager.user)

    early = client.post(_api("announce", cycle), {}, content_type="application/json")
    with TestCaseCapture():
        confirmed = client.post(
            _api("announce", cycle), {"confirm_early": True}, content_type="application/json"
        )

    assert early.status_code == 409
    assert early.json()["code"] == "before_announcement_date"
    assert confirmed.status_code == 200
    assert confirmed.json()["phase"] == CyclePhase.ANNOUNCED
    assert AnnouncementRun.objects.get(cycle=cycle).status == AnnouncementRunStatus.DONE
