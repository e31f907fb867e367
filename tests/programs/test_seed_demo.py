import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import translation

from accounts.models import User
from applications.enums import ApplicationStatus
from applications.models import Application, Company, Document, Membership, StatusChange
from notifications.enums import NotificationKind
from programs.enums import TRACK_REFERENCE_PREFIX, CyclePhase, Track
from programs.models import Challenge, Criterion, Cycle, Technology
from reviews.enums import AssignmentStatus
from reviews.models import Assignment, Reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Demo documents are written to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path


def _snapshot():
    return {
        "users": User.objects.count(),
        "cycles": Cycle.objects.count(),
        "criteria": Criterion.objects.count(),
        "technologies": Technology.objects.count(),
        "challenges": Challenge.objects.count(),
        "reviewers": Reviewer.objects.count(),
        "companies": Company.objects.count(),
        "memberships": Membership.objects.count(),
        "applications": sorted(Application.objects.values_list("reference", "status", "version")),
        "documents": sorted(Document.objects.values_list("sha256", "file")),
        "status_changes": StatusChange.objects.count(),
        "companies_updated": Company.objects.aggregate(m=Max("updated_at"))["m"],
        "cycles_updated": Cycle.objects.aggregate(m=Max("updated_at"))["m"],
        "passwords": sorted(User.objects.values_list("password", flat=True)),
    }


def test_seed_demo_creates_an_open_cycle_per_program_and_prints_logins():
    out = StringIO()

    call_command("seed_demo", stdout=out)

    for track in Track:
        cycle = Cycle.objects.get(program__track=track, phase=CyclePhase.OPEN)
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


def test_seed_demo_gives_the_applicant_a_company_and_reviewers_submitted_work():
    call_command("seed_demo", stdout=StringIO())

    company = Company.objects.get(memberships__user__email="applicant@demo.mou-portal.example")
    assert company.memberships.get().role == "owner"
    assert not company.applications.exists()  # the journey is the demo applicant's to try
    for track in Track:
        # The startup-support ones are screened in and assigned to the demo reviewers.
        status = (
            ApplicationStatus.UNDER_REVIEW
            if track == Track.STARTUP_SUPPORT
            else ApplicationStatus.SUBMITTED
        )
        submitted = Application.objects.filter(cycle__program__track=track, status=status).exclude(
            cycle__slug__endswith="-pilot-round"
        )  # the selection demo's own cycle
        assert submitted.count() == 2
        for application in submitted:
            prefix = TRACK_REFERENCE_PREFIX[track]
            assert (
                application.reference
                == f"{prefix}-{application.cycle.code}-000{application.sequence}"
            )
            assert application.documents.count() == len(application.cycle.required_document_kinds)
            # The two required consents, and the demo companies also agree to their
            # proposal being provided to the partner where there is one (issue 16).
            partner = bool(application.challenge_id or application.technology_id)
            assert application.consents.count() == (3 if partner else 2)


def test_seed_demo_sends_each_demo_receipt_once(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    receipts = sorted(
        m.subject
        for m in mailoutbox
        if m.extra_headers["X-MOU-Portal-Kind"] == NotificationKind.APPLICATION_SUBMITTED
    )
    references = sorted(
        Application.objects.exclude(reference=None).values_list("reference", flat=True)
    )
    # Six in the open calls, seven in the pilot round under review.
    assert len(receipts) == len(references) == 13
    for subject, reference in zip(receipts, references, strict=True):
        assert subject.endswith(reference)


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


def test_seed_demo_gives_the_demo_reviewers_confirmed_assignments():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    # The selection demo's pilot cycle has reviewers of its own.
    outside_pilot = Assignment.objects.exclude(application__cycle__slug__endswith="-pilot-round")
    assignments = outside_pilot.filter(application__cycle__program__track=Track.STARTUP_SUPPORT)
    assert assignments.count() == 4
    assert set(assignments.values_list("status", flat=True)) == {AssignmentStatus.ACTIVE}
    assert set(assignments.values_list("reviewer__user__email", flat=True)) == {
        "reviewer.mss@demo.mou-portal.example",
        "reviewer.ipark@demo.mou-portal.example",
    }
    assert not outside_pilot.exclude(
        application__cycle__program__track=Track.STARTUP_SUPPORT
    ).exists()


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_seed_demo_describes_its_cycles_and_rubrics_in_korean_and_japanese(language):
    """A Korean applicant and a Japanese reviewer read the demo in their language: every
    seeded cycle and criterion has its own name and description, not the English."""
    call_command("seed_demo", stdout=StringIO())
    script = {"ko": r"[\uac00-\ud7a3]", "ja": r"[\u3040-\u30ff\u4e00-\u9fff]"}[language]

    with translation.override(language):
        texts = [
            (str(item), item.name, item.description)
            for item in [*Cycle.objects.all(), *Criterion.objects.all()]
        ]

    assert len(texts) >= 18
    untranslated = [
        label for label, name, description in texts
        if not (re.search(script, name) and re.search(script, description))
    ]  # fmt: skip
    assert untranslated == []
