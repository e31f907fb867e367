import pytest
from django.urls import reverse

from programs.enums import Organisation, Track
from tests.factories import ProgramManagerFactory, UserFactory, open_cycle, program_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return open_cycle(program=program_for(Track.JOINT_RND))


def test_manager_sees_the_cycles_of_their_programs_only(client, cycle):
    other = open_cycle(program=program_for(Track.OPEN_INNOVATION), name="Other call")
    manager = ProgramManagerFactory(
        organisation=Organisation.IPARK, programs=[program_for(Track.JOINT_RND)]
    )
    client.force_login(manager.user)

    response = client.get(reverse("reviews:manage_cycles"))

    assert list(response.context["cycles"]) == [cycle]
    assert client.get(reverse("reviews:manage_cycle", args=[other.pk])).status_code == 404
    assert client.get(reverse("reviews:manage_cycle", args=[cycle.pk])).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "applicant", "inactive_manager"])
def test_manage_pages_are_closed_to_others(client, cycle, who):
    if who == "applicant":
        client.force_login(UserFactory())
    elif who == "inactive_manager":
        client.force_login(ProgramManagerFactory(is_active=False).user)

    listing = client.get(reverse("reviews:manage_cycles"))
    detail = client.get(reverse("reviews:manage_cycle", args=[cycle.pk]))

    if who == "anonymous":
        assert listing.status_code == 302 and detail.status_code == 302
    else:
        assert listing.status_code == 404
        assert detail.status_code == 404


def test_manage_hub_is_open_to_a_manager_without_cycles_and_to_operators(client):
    client.force_login(ProgramManagerFactory(programs=[]).user)
    assert client.get(reverse("reviews:manage_cycles")).status_code == 200

    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("reviews:manage_cycles")).status_code == 200
