"""Demo data of the selection side: a pilot cycle under review with scored applications."""

from io import StringIO

import pytest
from django.core.management import call_command

from applications.enums import ApplicationStatus
from programs.enums import CyclePhase, Organisation, Track
from programs.models import Cycle, ProgramManager
from reviews.selectors import cycle_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_seed_demo_gives_managers_a_cycle_to_rank_and_decide():
    call_command("seed_demo", stdout=StringIO())

    cycle = Cycle.objects.get(program__track=Track.STARTUP_SUPPORT, phase=CyclePhase.REVIEW)
    rows = cycle_ranking(cycle)
    assert len(rows) == 7
    assert all(row.application.status == ApplicationStatus.UNDER_REVIEW for row in rows)
    assert sum(row.score.combined is not None for row in rows) == 5
    waiting = [row for row in rows if row.score.combined is None]
    assert [row.score.missing_organisations for row in waiting] == [(Organisation.IPARK,)] * 2
    assert len({row.score.combined for row in rows if row.score.combined is not None}) > 1
    # Managers run their calls in the portal, never in the Django admin.
    for manager in ProgramManager.objects.select_related("user"):
        assert not manager.user.is_staff and not manager.user.is_superuser
        assert not manager.user.groups.exists()


def test_the_demo_manager_opens_the_pilot_ranking(client):
    call_command("seed_demo", stdout=StringIO())
    cycle = Cycle.objects.get(program__track=Track.STARTUP_SUPPORT, phase=CyclePhase.REVIEW)
    client.login(email="manager.ipark@demo.mou-portal.example", password="demo-manager-2027")

    for name in ("ranking", "decisions", "dashboard"):
        assert client.get(f"/manage/cycles/{cycle.pk}/{name}/").status_code == 200
