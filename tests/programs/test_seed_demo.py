from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from accounts.models import User
from programs.enums import Track
from programs.models import Challenge, Criterion, Cycle, Technology
from reviews.models import Reviewer

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "users": User.objects.count(),
        "cycles": Cycle.objects.count(),
        "criteria": Criterion.objects.count(),
        "technologies": Technology.objects.count(),
        "challenges": Challenge.objects.count(),
        "reviewers": Reviewer.objects.count(),
        "cycles_updated": Cycle.objects.aggregate(m=Max("updated_at"))["m"],
        "passwords": sorted(User.objects.values_list("password", flat=True)),
    }


def test_seed_demo_creates_an_open_cycle_per_program_and_prints_logins():
    out = StringIO()

    call_command("seed_demo", stdout=out)

    for track in Track:
        cycle = Cycle.objects.get(program__track=track)
        assert cycle.is_accepting_applications()
        assert cycle.criteria.count() == 5
    assert Cycle.objects.get(program__track=Track.JOINT_RND).technologies.count() >= 5
    assert Cycle.objects.get(program__track=Track.OPEN_INNOVATION).challenges.count() >= 5
    printed = out.getvalue()
    for email in [
        "applicant@demo.mou-portal.example",
        "reviewer.mss@demo.mou-portal.example",
        "reviewer.ipark@demo.mou-portal.example",
        "manager.mss@demo.mou-portal.example",
        "admin@demo.mou-portal.example",
    ]:
        assert email in printed
        assert User.objects.get(email=email).emailaddress_set.get().verified
    assert "demo-applicant-2027" in printed


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = _snapshot()

    call_command("seed_demo", stdout=StringIO())

    assert _snapshot() == before


def test_seed_demo_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_logins_work(client):
    call_command("seed_demo", stdout=StringIO())

    response = client.post(
        "/accounts/login/",
        {"login": "applicant@demo.mou-portal.example", "password": "demo-applicant-2027"},
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
