"""Demo reviewers: one of MSS and one of iPark, with different expertise; and work for
them: the submitted applications of the startup-support call screened in and assigned to
them (through the services, as a manager would)."""

from accounts.demo import demo_user
from applications import demo as applications_demo
from applications.enums import ApplicationStatus
from applications.models import Application
from applications.services import application_screen
from common.demo import DemoLogin, upsert
from programs.enums import Field, Organisation, Track
from programs.models import Cycle, ProgramManager

from . import services
from .enums import SCORING_PHASES, AssignmentStatus
from .models import Assignment, Reviewer

REVIEWERS = [
    (
        Organisation.MSS,
        "reviewer.mss@demo.mou-portal.example",
        "Lee Seo-yeon (MSS reviewer)",
        "ko",
        [Field.CELL_THERAPY, Field.GENE_THERAPY, Field.ICT],
    ),
    (
        Organisation.IPARK,
        "reviewer.ipark@demo.mou-portal.example",
        "Tanaka Kenji (iPark reviewer)",
        "ja",
        [Field.REGENERATIVE_MEDICINE, Field.CELL_THERAPY, Field.OTHER_BIOTECH],
    ),
]


def seed() -> list[DemoLogin]:
    logins = []
    password = "demo-reviewer-2027"
    for organisation, email, name, language, expertise in REVIEWERS:
        user = demo_user(email=email, password=password, display_name=name, language=language)
        upsert(
            Reviewer,
            {"user": user},
            {"organisation": organisation, "expertise": [str(field) for field in expertise]},
        )
        label = "MSS" if organisation == Organisation.MSS else "iPark"
        logins.append(DemoLogin(f"reviewer ({label})", email, password))
    _seed_assignments()
    return logins


# --- Reviewing: work for the demo reviewers ---------------------------------------------------

# The call whose applications the demo reviewers review (not blind, so that a first look
# shows everything; the open-innovation call is the blind one).
ASSIGNED_TRACK = Track.STARTUP_SUPPORT


def _seed_assignments() -> None:
    """Screen in the call's submitted applications and confirm reviewers for them, as the
    demo MSS manager. Running it again changes nothing: only submitted applications are
    screened, and only applications still lacking reviewers are proposed and confirmed."""
    cycle = (
        Cycle.objects.filter(program__track=ASSIGNED_TRACK, phase__in=SCORING_PHASES)
        .order_by("-opens_at")
        .first()
    )
    manager = (
        ProgramManager.objects.filter(
            organisation=Organisation.MSS, programs=cycle.program, is_active=True
        )
        .select_related("user")
        .first()
        if cycle
        else None
    )
    if cycle is None or manager is None:
        return
    # The demo companies' applications only: what a visitor submits stays theirs to follow.
    for application in Application.objects.filter(
        cycle=cycle,
        status=ApplicationStatus.SUBMITTED,
        company__business_number__in=applications_demo.SUBMITTED[ASSIGNED_TRACK],
    ).order_by("reference"):
        application_screen(application=application, actor=manager.user, eligible=True)
    under_review = Application.objects.filter(cycle=cycle, status=ApplicationStatus.UNDER_REVIEW)
    covered = Assignment.objects.filter(
        application__in=under_review, status=AssignmentStatus.ACTIVE
    ).values("application_id")
    if not under_review.exclude(pk__in=covered).exists():
        return
    services.assignment_propose(cycle=cycle, actor=manager.user)
    if Assignment.objects.filter(
        application__cycle=cycle, status=AssignmentStatus.PROPOSED
    ).exists():
        services.assignments_confirm(cycle=cycle, actor=manager.user)
