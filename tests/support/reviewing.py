"""Builders for the reviewing tests: a cycle under review with its rubric, applications
screened in, reviewers assigned with or without the pledge. Plain functions (not fixtures)
so that every test module states its own fixtures.

Statuses that other tests already cover through their services are written here directly
(as ``tests.factories.reviews.active_assignment`` does): these builders set the scene for
what reads them.
"""

import pytest

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Organisation
from programs.models import Cycle
from reviews.models import PledgeAcceptance
from reviews.pledge import PLEDGE_VERSION
from tests.factories import (
    CompanyFactory,
    ReviewerFactory,
    UserFactory,
    active_assignment,
    open_cycle,
    submitted_application,
)


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT (import it as an autouse fixture:
    ``from tests.support.reviewing import private_media`` and ``pytestmark``'s
    ``usefixtures``)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def review_cycle(**kwargs) -> Cycle:
    """A cycle in the review phase with the two-criterion rubric of ``open_cycle``
    (Innovation weight 60, Team weight 40, both 0–10)."""
    cycle = open_cycle(**kwargs)
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.REVIEW)
    cycle.refresh_from_db()
    return cycle


def set_phase(cycle: Cycle, phase: str) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


def under_review(cycle: Cycle, *, company=None, owner=None, **company_fields) -> Application:
    """A submitted application of a new company (or ``company``), screened in.

    The cycle must accept applications while it is submitted: the builder opens it for the
    moment and puts its phase back.
    """
    phase = cycle.phase
    set_phase(cycle, CyclePhase.OPEN)
    if company is None:
        owner = owner or UserFactory()
        company = CompanyFactory(owner=owner, **company_fields)
    application = submitted_application(company=company, cycle=cycle)
    set_phase(cycle, phase)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    application.refresh_from_db()
    return application


def pledge(reviewer, cycle: Cycle) -> PledgeAcceptance:
    return PledgeAcceptance.objects.create(
        reviewer=reviewer, cycle=cycle, text_version=PLEDGE_VERSION
    )


def assigned(application: Application, reviewer, *, pledged: bool = True):
    """An active assignment, with the cycle's pledge accepted unless ``pledged=False``."""
    assignment = active_assignment(application, reviewer)
    if pledged and not reviewer.pledges.filter(cycle=application.cycle).exists():
        pledge(reviewer, application.cycle)
    return assignment


def reviewers(count: int, organisation: str = Organisation.MSS, **kwargs) -> list:
    return [ReviewerFactory(organisation=organisation, **kwargs) for _ in range(count)]
