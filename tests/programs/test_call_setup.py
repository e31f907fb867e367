"""Setting up a call: creating and copying, what may change when, the rubric, the phase
controls and the activity lines they write (``programs.services.setup`` and ``phases``)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications.enums import NotificationKind
from notifications.models import Notification
from programs import services
from programs.enums import ActivityKind, CyclePhase, Organisation, Track
from programs.models import Cycle, CycleActivity
from programs.services import CriterionInput
from reviews.models import DecisionApproval, PoolMember
from tests.factories import (
    CompanyFactory,
    CriterionFactory,
    CycleFactory,
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    TechnologyFactory,
    UserFactory,
    active_assignment,
    draft_application,
    open_cycle,
    program_for,
    submitted_application,
    submitted_review,
)

pytestmark = pytest.mark.django_db


def _future_draft(**kwargs) -> Cycle:
    """A draft that can open: dates ahead, a complete rubric, documents set."""
    now = timezone.now()
    cycle = CycleFactory(
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=20),
        review_due_at=now + timedelta(days=40),
        announce_at=now + timedelta(days=50),
        **kwargs,
    )
    CriterionFactory(
        cycle=cycle, name_en="Innovation", name_ko="혁신성", name_ja="革新性", weight=Decimal(60)
    )
    CriterionFactory(
        cycle=cycle, name_en="Team", name_ko="팀", name_ja="チーム", weight=Decimal(40)
    )
    return cycle


def _texts(name_en, **more) -> dict:
    return {
        "name_en": name_en,
        "name_ko": more.get("name_ko", ""),
        "name_ja": more.get("name_ja", ""),
        "description_en": more.get("description_en", ""),
        "description_ko": "",
        "description_ja": "",
    }


def _rows(cycle) -> list[CriterionInput]:
    return [
        CriterionInput(
            pk=criterion.pk,
            texts={name: getattr(criterion, name) or "" for name in services.setup.CRITERION_TEXTS},
            weight=criterion.weight,
            max_score=criterion.max_score,
        )
        for criterion in cycle.criteria.order_by("order", "pk")
    ]


def _dates(days: int = 10) -> dict:
    now = timezone.now()
    return {
        "opens_at": now + timedelta(days=days),
        "closes_at": now + timedelta(days=days + 20),
        "review_due_at": now + timedelta(days=days + 40),
        "announce_at": now + timedelta(days=days + 50),
    }


# --- Creating and copying --------------------------------------------------------------------


def test_cycle_create_makes_a_draft_and_records_it(manager):
    cycle = services.cycle_create(
        program=program_for(Track.STARTUP_SUPPORT),
        actor=manager.user,
        values={"name_en": "2028 Round 1", "name_ko": "2028년 1차", "slug": "2028-r1",
                "code": "2028R1", **_dates()},
    )  # fmt: skip

    assert (cycle.phase, cycle.name, cycle.name_ko) == (
        CyclePhase.DRAFT,
        "2028 Round 1",
        "2028년 1차",
    )
    line = CycleActivity.objects.get(cycle=cycle)
    assert (line.kind, line.actor, line.data) == (ActivityKind.CREATED, manager.user, {})


def test_cycle_create_copies_everything_but_the_dates(manager, mss_reviewer, ipark_reviewer):
    source = _future_draft(
        program=program_for(Track.JOINT_RND),
        description_ko="설명",
        selection_quota=7,
        blind_review=True,
        optional_document_kinds=["pitch_deck"],
    )
    technology = TechnologyFactory()
    source.technologies.set([technology])
    PoolMember.objects.create(cycle=source, reviewer=mss_reviewer)
    PoolMember.objects.create(cycle=source, reviewer=ipark_reviewer)
    dates = _dates(60)

    copy = services.cycle_create(
        program=source.program,
        actor=manager.user,
        values={"name_en": "2028 Round 2", "slug": "2028-r2", "code": "2028R2", **dates},
        copy_from=source,
    )

    assert (copy.selection_quota, copy.blind_review, copy.description_ko) == (7, True, "설명")
    assert copy.optional_document_kinds == ["pitch_deck"]
    assert [(c.name_en, c.name_ko, c.weight) for c in copy.criteria.all()] == [
        ("Innovation", "혁신성", Decimal(60)),
        ("Team", "팀", Decimal(40)),
    ]
    assert list(copy.technologies.all()) == [technology]
    assert set(copy.reviewer_pool.values_list("reviewer_id", flat=True)) == {
        mss_reviewer.pk,
        ipark_reviewer.pk,
    }
    assert (copy.opens_at, copy.closes_at) == (dates["opens_at"], dates["closes_at"])
    assert source.criteria.count() == 2  # the source keeps its own
    assert CycleActivity.objects.get(cycle=copy).data == {"copied_from": source.name_en}


def test_cycle_create_refuses_a_manager_of_another_program():
    other = ProgramManagerFactory(programs=[program_for(Track.JOINT_RND)])

    with pytest.raises(PermissionDenied):
        services.cycle_create(
            program=program_for(Track.STARTUP_SUPPORT),
            actor=other.user,
            values={"name_en": "X", "slug": "x", "code": "X", **_dates()},
        )
    assert not Cycle.objects.filter(slug="x").exists()


def test_cycle_create_refuses_a_timeline_out_of_order(manager):
    dates = _dates()
    dates["closes_at"] = dates["opens_at"] - timedelta(hours=1)

    with pytest.raises(ValidationError) as error:
        services.cycle_create(
            program=program_for(),
            actor=manager.user,
            values={"name_en": "X", "slug": "x", "code": "X", **dates},
        )
    assert "closes_at" in error.value.message_dict


# --- What may change when -----------------------------------------------------------------


def test_everything_may_change_while_draft_and_each_change_is_logged(manager):
    cycle = _future_draft()

    outcome = services.cycle_update(
        cycle=cycle,
        actor=manager.user,
        changes={"selection_quota": 9, "blind_review": True, "name_ja": "2027年 第1回"},
    )

    assert sorted(outcome.changed) == ["blind_review", "name_ja", "selection_quota"]
    lines = {line.subject: line.data for line in CycleActivity.objects.filter(cycle=cycle)}
    assert lines["selection_quota"] == {"field": "selection_quota", "old": 3, "new": 9}
    assert lines["blind_review"] == {"field": "blind_review", "old": False, "new": True}
    cycle.refresh_from_db()
    assert (cycle.selection_quota, cycle.name_ja) == (9, "2027年 第1回")


def test_unchanged_values_write_nothing(manager):
    cycle = _future_draft()

    outcome = services.cycle_update(
        cycle=cycle, actor=manager.user, changes={"selection_quota": cycle.selection_quota}
    )

    assert outcome.changed == []
    assert not CycleActivity.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"reviews_per_application": 3},
        {"blind_review": True},
        {"required_document_kinds": ["business_plan", "pitch_deck"]},
        {"opens_at": "later"},
        {"slug": "renamed"},
    ],
)
def test_fixed_settings_are_refused_once_open(manager, changes):
    cycle = open_cycle()
    if changes.get("opens_at") == "later":
        changes = {"opens_at": cycle.opens_at + timedelta(hours=1)}

    with pytest.raises(ValidationError) as error:
        services.cycle_update(cycle=cycle, actor=manager.user, changes=changes)

    assert "once the call is open" in str(error.value)
    assert not CycleActivity.objects.filter(cycle=cycle).exists()


def test_texts_quota_and_added_optional_documents_may_change_once_open(manager):
    cycle = open_cycle(optional_document_kinds=["pitch_deck"])

    outcome = services.cycle_update(
        cycle=cycle,
        actor=manager.user,
        changes={
            "description_ko": "새 설명",
            "selection_quota": 5,
            "optional_document_kinds": ["pitch_deck", "ip_evidence"],
        },
    )

    assert sorted(outcome.changed) == [
        "description_ko",
        "optional_document_kinds",
        "selection_quota",
    ]


def test_optional_documents_cannot_be_removed_once_open(manager):
    cycle = open_cycle(optional_document_kinds=["pitch_deck"])

    with pytest.raises(ValidationError, match="added but not removed"):
        services.cycle_update(
            cycle=cycle, actor=manager.user, changes={"optional_document_kinds": []}
        )


def test_a_document_is_not_required_and_optional_at_once(manager):
    cycle = _future_draft()

    with pytest.raises(ValidationError, match="both required and optional"):
        services.cycle_update(
            cycle=cycle, actor=manager.user, changes={"optional_document_kinds": ["business_plan"]}
        )


def test_closing_date_may_only_move_later_once_open(manager):
    cycle = open_cycle()

    with pytest.raises(ValidationError, match="only move later"):
        services.cycle_update(
            cycle=cycle,
            actor=manager.user,
            changes={"closes_at": cycle.closes_at - timedelta(days=1)},
        )


def test_a_later_closing_date_tells_each_company_with_a_draft_in_its_language(
    manager, django_capture_on_commit_callbacks
):
    cycle = open_cycle()
    owner = UserFactory(preferred_language="ko")
    company = CompanyFactory(owner=owner)
    colleague = UserFactory(preferred_language="ja")
    MembershipFactory(company=company, user=colleague)
    draft_application(company=company, cycle=cycle)
    submitted_application(cycle=cycle)  # not a draft: not told
    new = cycle.closes_at + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.cycle_update(cycle=cycle, actor=manager.user, changes={"closes_at": new})

    assert outcome.notified == 2
    notifications = Notification.objects.filter(kind=NotificationKind.CALL_DEADLINE_CHANGED)
    assert {n.recipient for n in notifications} == {owner, colleague}
    subjects = {n.recipient.preferred_language: n.subject for n in notifications}
    assert subjects["ko"].startswith(f"{cycle.name}: 신청 마감이 ")
    assert subjects["ja"].startswith(f"{cycle.name}：申請の締切が ")
    assert len(mail.outbox) == 2


def test_the_quota_is_locked_once_both_organisations_approved(manager, ipark_manager):
    cycle = open_cycle()
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.DECIDED)
    cycle.refresh_from_db()
    for pm in (manager, ipark_manager):
        DecisionApproval.objects.create(cycle=cycle, manager=pm, organisation=pm.organisation)

    with pytest.raises(ValidationError, match="quota is locked"):
        services.cycle_update(cycle=cycle, actor=manager.user, changes={"selection_quota": 5})

    DecisionApproval.objects.filter(organisation=Organisation.IPARK).update(
        withdrawn_at=timezone.now()
    )
    assert services.cycle_update(
        cycle=cycle, actor=manager.user, changes={"selection_quota": 5}
    ).changed == ["selection_quota"]


# --- The rubric ------------------------------------------------------------------------------


def test_rubric_add_remove_reorder_while_draft(manager):
    cycle = _future_draft()
    innovation, _team = _rows(cycle)
    market = CriterionInput(
        pk=None,
        texts={"name_en": "Market", "name_ko": "시장", "name_ja": "市場"},
        weight=Decimal(30),
        max_score=5,
    )

    assert services.rubric_save(cycle=cycle, actor=manager.user, criteria=[market, innovation])

    assert [(c.name_en, c.order, c.max_score) for c in cycle.criteria.order_by("order")] == [
        ("Market", 1, 5),
        ("Innovation", 2, 10),
    ]
    line = CycleActivity.objects.get(cycle=cycle, subject="rubric")
    assert line.data["old"] == ["Innovation (60.00, /10)", "Team (40.00, /10)"]
    assert line.data["new"] == ["Market (30.00, /5)", "Innovation (60.00, /10)"]


def test_rubric_refuses_a_row_without_weight_or_english_name(manager):
    cycle = _future_draft()
    bad = CriterionInput(pk=None, texts={"name_en": " "}, weight=Decimal(0), max_score=200)

    with pytest.raises(ValidationError) as error:
        services.rubric_save(cycle=cycle, actor=manager.user, criteria=[bad])

    assert len(error.value.messages) == 3
    assert cycle.criteria.count() == 2


def test_rubric_texts_may_be_corrected_once_open_but_not_weights(manager):
    cycle = open_cycle()
    rows = _rows(cycle)
    corrected = [
        CriterionInput(pk=row.pk, texts={**row.texts, "name_ko": "혁신"}, weight=row.weight,
                       max_score=row.max_score)
        for row in rows
    ]  # fmt: skip
    assert services.rubric_save(cycle=cycle, actor=manager.user, criteria=corrected)

    reweighted = [
        CriterionInput(pk=row.pk, texts=row.texts, weight=Decimal(50), max_score=row.max_score)
        for row in rows
    ]
    with pytest.raises(ValidationError, match="only their names and guidance"):
        services.rubric_save(cycle=cycle, actor=manager.user, criteria=reweighted)


def test_rubric_is_locked_once_the_first_score_is_saved(manager, mss_reviewer):
    cycle = open_cycle()
    application = submitted_application(cycle=cycle)
    active_assignment(application, mss_reviewer)
    criteria = list(cycle.criteria.all())
    submitted_review(application, mss_reviewer, {criteria[0]: 7})
    rows = _rows(cycle)
    first = rows[0]
    renamed = [
        CriterionInput(
            pk=first.pk,
            texts={**first.texts, "name_ja": "新"},
            weight=first.weight,
            max_score=first.max_score,
        ),
        rows[1],
    ]

    with pytest.raises(ValidationError) as error:
        services.rubric_save(cycle=cycle, actor=manager.user, criteria=renamed)

    assert "reviewers have started scoring (1 score saved)" in str(error.value)


# --- Phase controls --------------------------------------------------------------------------


def test_preflight_lists_what_is_missing(manager):
    cycle = CycleFactory(required_document_kinds=[])

    checks = {check.label: check.ok for check in services.cycle_preflight(cycle)}

    assert checks["Rubric complete"] is False
    assert checks["Documents set"] is False
    assert checks["Dates in order and in the future"] is True
    assert checks["Enough reviewers of each organisation in the pool"] is False


def test_cycle_open_refuses_until_the_checklist_passes(manager, mss_reviewer):
    cycle = _future_draft()

    with pytest.raises(ValidationError, match="Enough reviewers of each organisation"):
        services.cycle_open(cycle=cycle, actor=manager.user)

    ReviewerFactory(organisation=Organisation.IPARK)
    services.cycle_open(cycle=cycle, actor=manager.user)
    assert cycle.phase == CyclePhase.OPEN


def test_preflight_counts_only_the_pool_once_one_is_invited(manager, mss_reviewer, ipark_reviewer):
    cycle = _future_draft()
    PoolMember.objects.create(cycle=cycle, reviewer=mss_reviewer)

    check = services.cycle_preflight(cycle)[-1]

    assert not check.ok
    assert "MSS: 1, iPark: 0" in check.detail


def test_preflight_refuses_dates_in_the_past(manager):
    cycle = open_cycle()
    Cycle.objects.filter(pk=cycle.pk).update(
        phase=CyclePhase.DRAFT, closes_at=timezone.now() - timedelta(minutes=1)
    )
    cycle.refresh_from_db()

    checks = {check.label: check.ok for check in services.cycle_preflight(cycle)}

    assert checks["Dates in order and in the future"] is False


def test_close_early_moves_the_closing_date_and_tells_drafts(manager):
    cycle = open_cycle()
    draft_application(cycle=cycle)
    published = cycle.closes_at

    cycle, notified = services.cycle_close(cycle=cycle, actor=manager.user)

    assert cycle.phase == CyclePhase.CLOSED
    assert cycle.closes_at < published
    assert notified == 1
    notification = Notification.objects.get(kind=NotificationKind.CALL_DEADLINE_CHANGED)
    assert (
        "closed early" in notification.subject
        or "早期" in notification.subject
        or notification.subject
    )
    kinds = list(CycleActivity.objects.filter(cycle=cycle).values_list("kind", "subject"))
    assert (ActivityKind.PHASE_CHANGED, "") in kinds
    assert (ActivityKind.SETTING_CHANGED, "closes_at") in kinds


def test_reopen_before_screening_only(manager):
    cycle = open_cycle()
    application = submitted_application(cycle=cycle)
    services.cycle_close(cycle=cycle, actor=manager.user)
    new = timezone.now() + timedelta(days=2)

    services.cycle_reopen(cycle=cycle, actor=manager.user, closes_at=new)
    assert (cycle.phase, cycle.closes_at) == (CyclePhase.OPEN, new)

    services.cycle_close(cycle=cycle, actor=manager.user)
    from applications.services import application_screen

    application_screen(application=application, actor=manager.user, eligible=True)
    with pytest.raises(ValidationError, match="Screening has started"):
        services.cycle_reopen(cycle=cycle, actor=manager.user, closes_at=new)


def test_start_review_needs_a_closed_call(manager):
    cycle = open_cycle()

    with pytest.raises(ValidationError):
        services.cycle_start_review(cycle=cycle, actor=manager.user)
    services.cycle_close(cycle=cycle, actor=manager.user)
    services.cycle_start_review(cycle=cycle, actor=manager.user)

    assert cycle.phase == CyclePhase.REVIEW


def test_phase_controls_refuse_a_reviewer(mss_reviewer):
    cycle = open_cycle()

    with pytest.raises(PermissionDenied):
        services.cycle_close(cycle=cycle, actor=mss_reviewer.user)
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.OPEN


def test_cycle_create_in_korean_keeps_each_language_its_own(manager):
    from django.utils import translation

    with translation.override("ko"):
        cycle = services.cycle_create(
            program=program_for(),
            actor=manager.user,
            values={"name_en": "2028 Round 3", "name_ko": "2028년 3차", "name_ja": "",
                    "slug": "2028-r3", "code": "2028R3", **_dates()},
        )  # fmt: skip

    cycle = Cycle.objects.get(pk=cycle.pk)
    assert (cycle.name_en, cycle.name_ko, cycle.name_ja) == ("2028 Round 3", "2028년 3차", "")
    assert Cycle.objects.filter(pk=cycle.pk).values_list("name", flat=True).get() == "2028 Round 3"
