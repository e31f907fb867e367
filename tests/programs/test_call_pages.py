"""The managers' pages of setting up and running a call: who may open them (a truth table
per page), and what each does."""

import csv
import io
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.enums import ActivityKind, CyclePhase, Track
from programs.models import Cycle, CycleActivity
from programs.services import activity_record
from tests.factories import (
    CriterionFactory,
    CycleFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    TechnologyFactory,
    UserFactory,
    draft_application,
    open_cycle,
    program_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    now = timezone.now()
    cycle = CycleFactory(
        program=program_for(Track.STARTUP_SUPPORT),
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=20),
        review_due_at=now + timedelta(days=40),
        announce_at=now + timedelta(days=50),
    )
    CriterionFactory(cycle=cycle, name_en="Innovation", name_ko="혁신성", name_ja="革新性")
    return cycle


def _persona(name, manager, mss_reviewer, applicant):
    if name == "manager":
        return manager.user
    if name == "other_program_manager":
        return ProgramManagerFactory(programs=[program_for(Track.JOINT_RND)]).user
    if name == "reviewer":
        return mss_reviewer.user
    if name == "applicant":
        return applicant
    if name == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    return None


PERSONAS = [
    ("manager", 200),
    ("other_program_manager", 404),
    ("reviewer", 404),
    ("applicant", 404),
    ("superuser", 404),
    ("anonymous", 302),
]
PAGES = [
    ("programs:call_setup", {}),
    ("programs:call_phase", {"action": "open"}),
    ("programs:call_activity", {}),
    ("reviews:cycle_pool", {}),
]


@pytest.mark.parametrize(("persona", "status"), PERSONAS)
@pytest.mark.parametrize(("page", "kwargs"), PAGES)
def test_call_pages_truth_table(
    client, call, manager, mss_reviewer, applicant, persona, status, page, kwargs
):
    user = _persona(persona, manager, mss_reviewer, applicant)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse(page, kwargs={"cycle_pk": call.pk, **kwargs}))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    # A manager of another program may create calls of their own program.
    [(p, 200 if p == "other_program_manager" else s) for p, s in PERSONAS],
)
def test_new_call_page_truth_table(client, manager, mss_reviewer, applicant, persona, status):
    user = _persona(persona, manager, mss_reviewer, applicant)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("programs:call_new"))

    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), PERSONAS[1:])
def test_posts_by_others_change_nothing(
    client, call, manager, mss_reviewer, applicant, persona, status
):
    user = _persona(persona, manager, mss_reviewer, applicant)
    if user is not None:
        client.force_login(user)
    url = reverse("programs:call_setup", kwargs={"cycle_pk": call.pk})

    response = client.post(url, {"section": "selection", "selection_quota": 99,
                                 "reviews_per_application": 2})  # fmt: skip

    assert response.status_code == status
    call.refresh_from_db()
    assert call.selection_quota == 3


def test_new_call_is_created_as_a_draft(client, manager):
    client.force_login(manager.user)
    program = program_for(Track.STARTUP_SUPPORT)

    response = client.post(
        reverse("programs:call_new"),
        {
            "program": program.pk,
            "name_en": "2028 Round 1",
            "name_ko": "2028년 1차",
            "name_ja": "2028年 第1回",
            "code": "2028R1",
            "opens_at": "2028-01-10T09:00",
            "closes_at": "2028-02-10T18:00",
            "review_due_at": "2028-03-10T18:00",
            "announce_at": "2028-04-01T10:00",
        },
    )

    cycle = Cycle.objects.get(code="2028R1")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:call_setup", kwargs={"cycle_pk": cycle.pk})
    assert (cycle.phase, cycle.slug, cycle.program) == (CyclePhase.DRAFT, "2028-round-1", program)
    # Entered in KST/JST (UTC+9), stored in UTC.
    assert cycle.closes_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == "2028-02-10 09:00"


def test_new_call_refuses_dates_out_of_order(client, manager):
    client.force_login(manager.user)

    response = client.post(
        reverse("programs:call_new"),
        {
            "program": program_for().pk,
            "name_en": "Bad",
            "code": "BAD",
            "opens_at": "2028-02-10T09:00",
            "closes_at": "2028-01-10T18:00",
            "review_due_at": "2028-03-10T18:00",
            "announce_at": "2028-04-01T10:00",
        },
    )

    assert response.status_code == 400
    assert "The call must close after it opens." in response.content.decode()
    assert not Cycle.objects.filter(code="BAD").exists()


def test_copy_page_offers_only_calls_of_programs_managed(client, call):
    other = CycleFactory(program=program_for(Track.JOINT_RND), name="Joint call")
    manager = ProgramManagerFactory(programs=[call.program])
    client.force_login(manager.user)

    response = client.get(reverse("programs:call_new") + "?copy=1")

    content = response.content.decode()
    assert call.name in content
    assert other.name not in content


def test_setup_section_saves_through_the_service(client, call, manager):
    client.force_login(manager.user)
    url = reverse("programs:call_setup", kwargs={"cycle_pk": call.pk})

    response = client.post(url, {"section": "selection", "selection_quota": 8,
                                 "reviews_per_application": 2, "blind_review": "on"})  # fmt: skip

    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.selection_quota, call.blind_review) == (8, True)
    assert CycleActivity.objects.filter(cycle=call, subject="selection_quota").exists()


def test_setup_of_an_open_call_shows_fixed_settings_disabled_and_refuses_them(client, manager):
    cycle = open_cycle()
    client.force_login(manager.user)
    url = reverse("programs:call_setup", kwargs={"cycle_pk": cycle.pk})

    page = client.get(url).content.decode()
    response = client.post(url, {"section": "selection", "selection_quota": 4,
                                 "reviews_per_application": 5})  # fmt: skip

    assert 'name="reviews_per_application"' in page and "disabled" in page
    assert response.status_code == 302
    cycle.refresh_from_db()
    # The disabled field keeps its value; the quota changes.
    assert (cycle.selection_quota, cycle.reviews_per_application) == (4, 2)


def test_rubric_formset_adds_reorders_and_deletes(client, call, manager):
    client.force_login(manager.user)
    url = reverse("programs:call_setup", kwargs={"cycle_pk": call.pk})
    existing = call.criteria.get()
    data = {
        "section": "rubric",
        "rubric-TOTAL_FORMS": "2",
        "rubric-INITIAL_FORMS": "1",
        "rubric-MIN_NUM_FORMS": "0",
        "rubric-MAX_NUM_FORMS": "1000",
        "rubric-0-id": existing.pk,
        "rubric-0-name_en": "Innovation",
        "rubric-0-name_ko": "혁신성",
        "rubric-0-name_ja": "革新性",
        "rubric-0-weight": "60",
        "rubric-0-max_score": "10",
        "rubric-0-ORDER": "2",
        "rubric-1-name_en": "Market",
        "rubric-1-name_ko": "시장",
        "rubric-1-name_ja": "市場",
        "rubric-1-weight": "40",
        "rubric-1-max_score": "5",
        "rubric-1-ORDER": "1",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert [(c.name_en, c.weight) for c in call.criteria.order_by("order")] == [
        ("Market", Decimal(40)),
        ("Innovation", Decimal(60)),
    ]
    data["rubric-0-DELETE"] = "on"
    data["rubric-0-id"] = call.criteria.get(name_en="Innovation").pk
    data["rubric-1-id"] = call.criteria.get(name_en="Market").pk
    data["rubric-INITIAL_FORMS"] = "2"
    client.post(url, data)
    assert list(call.criteria.values_list("name_en", flat=True)) == ["Market"]


def test_open_confirmation_shows_the_checklist_and_opens(client, call, manager, mss_reviewer,
                                                          ipark_reviewer):  # fmt: skip
    client.force_login(manager.user)
    url = reverse("programs:call_phase", kwargs={"cycle_pk": call.pk, "action": "open"})

    page = client.get(url).content.decode()
    response = client.post(url)

    assert "Pre-flight checklist" in page and "Rubric complete" in page
    assert "every active reviewer (1 of MSS and 1 of iPark)" in page
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.phase == CyclePhase.OPEN


def test_close_confirmation_states_drafts_and_people(client, manager):
    cycle = open_cycle()
    draft_application(cycle=cycle)
    draft_application(cycle=cycle)
    client.force_login(manager.user)
    url = reverse("programs:call_phase", kwargs={"cycle_pk": cycle.pk, "action": "close"})

    page = client.get(url).content.decode()

    assert "2 drafts can no longer be submitted; 2 members of 2 companies will be e-mailed." in page
    assert client.post(url).status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.CLOSED


def test_phase_control_refused_in_the_wrong_phase(client, call, manager):
    client.force_login(manager.user)
    url = reverse("programs:call_phase", kwargs={"cycle_pk": call.pk, "action": "close"})

    assert 'id="not-available"' in client.get(url).content.decode()
    client.post(url)
    call.refresh_from_db()
    assert call.phase == CyclePhase.DRAFT


def test_activity_log_filters_paginates_and_renders_any_kind(client, call, manager, ipark_manager):
    activity_record(
        cycle=call,
        kind=ActivityKind.OVERRIDE,
        actor=ipark_manager.user,
        subject="SS-2027R1-0001",
        data={"missing": ["mss"]},
        note="Agreed by phone",
    )
    for quota in range(60):
        activity_record(
            cycle=call,
            kind=ActivityKind.SETTING_CHANGED,
            actor=manager.user,
            data={"field": "selection_quota", "old": quota, "new": quota + 1},
        )
    client.force_login(ipark_manager.user)
    url = reverse("programs:call_activity", kwargs={"cycle_pk": call.pk})

    first = client.get(url).content.decode()
    override = client.get(url, {"kind": ActivityKind.OVERRIDE}).content.decode()

    assert "Page 1 of 2" in first
    assert "selection quota" in first and "59</span> → <span>60" in first
    assert "Agreed by phone" in override and "missing: mss" in override
    assert "selection quota" not in override


def test_activity_csv_is_streamed_and_safe(client, call, manager):
    activity_record(cycle=call, kind=ActivityKind.OVERRIDE, actor=manager.user,
                    note="=HYPERLINK(\"http://evil\")")  # fmt: skip
    client.force_login(manager.user)

    response = client.get(
        reverse("programs:call_activity", kwargs={"cycle_pk": call.pk}), {"format": "csv"}
    )

    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "\ufeffTime"
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'


def test_pool_page_saves_the_pool(client, call, manager):
    mss = ReviewerFactory()
    client.force_login(manager.user)

    response = client.post(
        reverse("reviews:cycle_pool", kwargs={"cycle_pk": call.pk}), {"mss": [mss.pk]}
    )

    assert response.status_code == 302
    assert list(call.reviewer_pool.values_list("reviewer_id", flat=True)) == [mss.pk]
    assert CycleActivity.objects.filter(cycle=call, subject="reviewer_pool").exists()


def test_items_section_offers_technologies_on_joint_rnd_only(client, manager):
    joint = CycleFactory(program=program_for(Track.JOINT_RND))
    startup = CycleFactory(program=program_for(Track.STARTUP_SUPPORT))
    technology = TechnologyFactory(title="Exosome loading platform")
    client.force_login(manager.user)
    joint_url = reverse("programs:call_setup", kwargs={"cycle_pk": joint.pk})

    startup_page = client.get(reverse("programs:call_setup", kwargs={"cycle_pk": startup.pk}))
    response = client.post(joint_url, {"section": "items", "technologies": [technology.pk]})

    assert 'id="items"' not in startup_page.content.decode()
    assert response.status_code == 302
    assert list(joint.technologies.all()) == [technology]
    line = CycleActivity.objects.get(cycle=joint, subject="technologies")
    assert line.data == {"field": "technologies", "old": [], "new": [technology.pk]}


def test_setup_page_in_korean_shows_kst_times_and_the_checklist(client, call, manager):
    manager.user.preferred_language = "ko"
    manager.user.save()
    client.force_login(manager.user)
    client.cookies["django_language"] = "ko"

    page = client.get(reverse("programs:call_setup", kwargs={"cycle_pk": call.pk})).content.decode()

    local = timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page
    assert "공모를 시작할 준비가 되었습니까?" in page
    assert "한국/일본 시간(KST/JST, UTC+9)." in page


@pytest.mark.parametrize(("persona", "status"), PERSONAS[:5])
def test_announce_confirmation_truth_table(
    client, call, manager, mss_reviewer, applicant, persona, status
):
    user = _persona(persona, manager, mss_reviewer, applicant)
    client.force_login(user)

    response = client.get(reverse("reviews:announce_confirm", kwargs={"cycle_pk": call.pk}))

    # Superusers manage every cycle in the selection pages (unchanged by this page).
    assert response.status_code == (200 if persona == "superuser" else status)


def test_announce_confirmation_counts_results_and_people(client, manager):
    from applications.services import application_decide, application_screen
    from tests.factories import MembershipFactory, submitted_application

    cycle = open_cycle()
    applications = [submitted_application(cycle=cycle) for _ in range(3)]
    MembershipFactory(company=applications[0].company, user=UserFactory())
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.DECIDED)
    for application, outcome in zip(
        applications, ["selected", "waitlisted", "rejected"], strict=True
    ):
        application_screen(application=application, actor=manager.user, eligible=True)
        application_decide(application=application, actor=manager.user, decision=outcome)
    client.force_login(manager.user)

    page = client.get(reverse("reviews:announce_confirm", kwargs={"cycle_pk": cycle.pk}))

    content = page.content.decode()
    assert "1 selected, 1 waitlisted, 1 not selected" in content
    assert "4 members of 3 companies will be e-mailed" in content
