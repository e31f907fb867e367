import pytest
from django.urls import reverse

from programs.enums import CyclePhase, Track
from programs.models import Cycle, CyclePhaseChange
from tests.factories import (
    ChallengeFactory,
    CycleFactory,
    TechnologyFactory,
    UserFactory,
    open_cycle,
    program_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["program", "cycle", "technology", "challenge", "programmanager"])
def test_admin_changelists_render(admin_client, model):
    open_cycle()
    response = admin_client.get(reverse(f"admin:programs_{model}_changelist"))

    assert response.status_code == 200


def test_admin_cycle_change_page_has_rubric_inline_and_translated_names(admin_client):
    cycle = open_cycle()

    response = admin_client.get(reverse("admin:programs_cycle_change", args=[cycle.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="criteria-0-weight"' in content
    assert 'name="name_ko"' in content and 'name="name_ja"' in content


def test_admin_action_opens_a_cycle_through_the_service(admin_client):
    cycle = CycleFactory()
    cycle.criteria.create(name="Only", weight=1, max_score=10)

    admin_client.post(
        reverse("admin:programs_cycle_changelist"),
        {"action": "move_to_open", "_selected_action": [cycle.pk]},
    )

    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.OPEN
    assert CyclePhaseChange.objects.filter(cycle=cycle, to_phase=CyclePhase.OPEN).count() == 1


def test_admin_action_refuses_to_open_without_rubric(admin_client):
    cycle = CycleFactory()

    response = admin_client.post(
        reverse("admin:programs_cycle_changelist"),
        {"action": "move_to_open", "_selected_action": [cycle.pk]},
        follow=True,
    )

    assert Cycle.objects.get(pk=cycle.pk).phase == CyclePhase.DRAFT
    assert "Add at least one rubric criterion" in response.content.decode()


def test_admin_cycle_form_refuses_challenges_on_a_joint_rnd_cycle(admin_client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    challenge = ChallengeFactory()
    technology = TechnologyFactory()
    url = reverse("admin:programs_cycle_change", args=[cycle.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "program": cycle.program.pk,
            "opens_at_0": "2027-01-01",
            "opens_at_1": "09:00",
            "closes_at_0": "2027-02-01",
            "closes_at_1": "09:00",
            "review_due_at_0": "2027-03-01",
            "review_due_at_1": "09:00",
            "announce_at_0": "2027-04-01",
            "announce_at_1": "09:00",
            "challenges": [challenge.pk],
            "technologies": [technology.pk],
            "required_document_kinds": ["business_plan"],
            "criteria-TOTAL_FORMS": 0,
            "criteria-INITIAL_FORMS": 0,
            "phase_changes-TOTAL_FORMS": 0,
            "phase_changes-INITIAL_FORMS": 0,
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Only open innovation cycles offer challenges." in response.content.decode()
    assert not cycle.challenges.exists()
