"""Speed of the public pages with a large catalogue (run with `make bench`)."""

import pytest
from django.urls import reverse

from programs.enums import Track
from tests.factories import ChallengeFactory, TechnologyFactory, open_cycle, program_for

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]


@pytest.fixture
def big_catalogue():
    joint = open_cycle(program=program_for(Track.JOINT_RND))
    innovation = open_cycle(program=program_for(Track.OPEN_INNOVATION))
    joint.technologies.add(*TechnologyFactory.create_batch(2000))
    innovation.challenges.add(*ChallengeFactory.create_batch(2000))
    for track in Track:
        for _ in range(10):
            open_cycle(program=program_for(track))


@pytest.mark.parametrize(
    "url",
    [
        reverse("programs:home"),
        reverse("programs:technologies") + "?q=technology&trl_min=3&page=50",
        reverse("programs:challenges") + "?q=challenge&page=100",
    ],
)
def test_public_page_speed(benchmark, client, big_catalogue, url):
    response = benchmark(client.get, url)

    assert response.status_code == 200
