"""Demo data for ranking and selection: a closed pilot cycle of the startup-support program,
under review, with applications scored by MSS and iPark reviewers, so that the ranking,
the decisions and the dashboard have something to show. Idempotent: a second run changes
nothing."""

import random
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from accounts.demo import demo_user
from applications import services as application_services
from applications.demo import COMPANIES, TRACK_ANSWERS, _company, _pdf
from applications.enums import LIVE, ApplicationStatus, ConsentKind, MembershipRole
from applications.models import Application, Company
from common.demo import DemoLogin, translated, upsert
from programs.demo import REQUIRED_DOCUMENTS, seed_rubric
from programs.enums import CyclePhase, Field, Organisation, Track
from programs.models import Cycle, Program, ProgramManager
from programs.services import cycle_transition

from . import services
from .enums import AssignmentStatus, Recommendation
from .models import Assignment, Review, Reviewer

# Fictional companies that applied to the pilot round only:
# (business number, Korean name, English name, field, owner e-mail, owner name).
PILOT_COMPANIES = [
    (
        "2208134566",
        "세림바이오로직스 (가상)",
        "Serim Biologics (fictional)",
        Field.CELL_THERAPY,
        "ceo@serim.demo.mou-portal.example",
        "Lim Do-hyun (Serim)",
    ),
    (
        "1348211110",
        "하람진테크 (가상)",
        "Haram GeneTech (fictional)",
        Field.GENE_THERAPY,
        "ceo@haram.demo.mou-portal.example",
        "Yoon Seo-ah (Haram)",
    ),
    (
        "4108625557",
        "온누리리젠 (가상)",
        "Onnuri Regen (fictional)",
        Field.REGENERATIVE_MEDICINE,
        "ceo@onnuri.demo.mou-portal.example",
        "Kang Tae-min (Onnuri)",
    ),
    (
        "1058177772",
        "비추셀 (가상)",
        "Bichu Cell (fictional)",
        Field.CELL_THERAPY,
        "ceo@bichu.demo.mou-portal.example",
        "Seo Yu-na (Bichu)",
    ),
]
# Demo companies of the open cycles that also applied to the pilot round.
RETURNING = ["3148700012", "5098724683", "6038113579"]
BIOTECH_FIELDS = [
    Field.CELL_THERAPY,
    Field.GENE_THERAPY,
    Field.REGENERATIVE_MEDICINE,
    Field.OTHER_BIOTECH,
]

# Extra reviewers so that each organisation has more than one (no printed login).
EXTRA_REVIEWERS = [
    (
        Organisation.MSS,
        "reviewer2.mss@demo.mou-portal.example",
        "Han Ji-won (MSS reviewer)",
        "ko",
        [Field.GENE_THERAPY, Field.REGENERATIVE_MEDICINE],
    ),
    (
        Organisation.IPARK,
        "reviewer2.ipark@demo.mou-portal.example",
        "Kobayashi Aoi (iPark reviewer)",
        "ja",
        [Field.CELL_THERAPY, Field.GENE_THERAPY],
    ),
]
MAIN_REVIEWERS = ["reviewer.mss@demo.mou-portal.example", "reviewer.ipark@demo.mou-portal.example"]

COMMENTS = [
    "Convincing preclinical package; the plan for GMP manufacturing in Japan needs detail.",
    "Clear fit with iPark's facilities. The budget for the clinical phase looks optimistic.",
    "Strong team. Please quantify the milestones of the first twelve months.",
    "Novel platform, but the competitive landscape in Japan is not addressed.",
]
INTERNAL = [
    "Compare with last year's cell-therapy applicants before deciding.",
    "Could be a strong candidate if the CRO partnership is confirmed.",
    "Scored conservatively: evidence is thin on the regulatory route.",
]


def pilot_timeline(today=None) -> dict[str, datetime]:
    """Opened two months ago, closed four weeks ago; reviews due in three days."""
    today = today or timezone.now().date()
    nine_utc = time(9, 0, tzinfo=UTC)
    closes = datetime.combine(today - timedelta(days=28), nine_utc)
    return {
        "opens_at": closes - timedelta(days=35),
        "closes_at": closes,
        "review_due_at": datetime.combine(today + timedelta(days=3), nine_utc),
        "announce_at": datetime.combine(today + timedelta(days=14), nine_utc),
    }


def _pilot_cycle() -> Cycle:
    program = Program.objects.get(track=Track.STARTUP_SUPPORT)
    existing = Cycle.objects.filter(program=program, slug__endswith="-pilot-round").first()
    if existing is not None:
        return existing
    timeline = pilot_timeline()
    year = timeline["opens_at"].year
    cycle = Cycle.objects.create(
        program=program,
        slug=f"{year}-pilot-round",
        **translated("name", f"{year} Pilot round", f"{year}년 시범 공모", f"{year}年 試行公募"),
        code=f"{year}P",
        **translated(
            "description",
            "The pilot call of the startup-support program: reviews are under way.",
            "스타트업 지원 프로그램의 시범 공모입니다. 현재 심사가 진행 중입니다.",
            "スタートアップ支援プログラムの試行公募です。現在、審査が進行中です。",
        ),
        selection_quota=3,
        reviews_per_application=2,
        required_document_kinds=[str(kind) for kind in REQUIRED_DOCUMENTS[Track.STARTUP_SUPPORT]],
        **timeline,
    )
    seed_rubric(cycle)
    return cycle


def _apply(company: Company, cycle: Cycle, field: str, now: datetime) -> Application:
    """A complete application submitted while the call was open (``now`` in its window)."""
    existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
    if existing is not None:
        return existing
    owner = company.memberships.get(role=MembershipRole.OWNER).user
    application, _ = application_services.application_start(
        company=company, cycle=cycle, actor=owner, now=now
    )
    answers = {
        "title": f"{company.name_en.split(' (')[0]}: first-in-human preparation at iPark",
        "summary": "A fictional project written for the demo of the MOU Portal.",
        "team": "Founder-CEO (PhD), CSO, CMC lead, five researchers.",
        "budget_krw": 200_000_000 + 10_000_000 * (company.pk % 7),
        "timeline": "Months 1–4 process transfer; months 5–12 GLP studies at iPark.",
        **TRACK_ANSWERS[Track.STARTUP_SUPPORT],
        "biotech_field": field,
    }
    application_services.application_update(
        application=application, actor=owner, data=answers, expected_version=application.version
    )
    for kind in cycle.required_document_kinds:
        application_services.document_upload(
            application=application, actor=owner, kind=kind, file=_pdf(f"{kind}-{company.pk}")
        )
    return application_services.application_submit(
        application=application, actor=owner, consents=ConsentKind.values, now=now
    )


def _reviewers() -> list[Reviewer]:
    for organisation, email, name, language, expertise in EXTRA_REVIEWERS:
        user = demo_user(
            email=email,
            password="demo-reviewer-2027",  # noqa: S106 (demo data, refused in production)
            display_name=name,
            language=language,
        )
        upsert(
            Reviewer,
            {"user": user},
            {"organisation": organisation, "expertise": [str(f) for f in expertise]},
        )
    return list(
        Reviewer.objects.filter(
            user__email__in=MAIN_REVIEWERS + [spec[1] for spec in EXTRA_REVIEWERS]
        ).order_by("organisation", "user__email")
    )


def _review(assignment: Assignment, rnd: random.Random, *, submit: bool) -> None:
    """Score through the reviewing services, as the reviewer (after the pledge)."""
    if Review.objects.filter(assignment=assignment).exists():
        return
    reviewer, application = assignment.reviewer, assignment.application
    services.pledge_accept(reviewer=reviewer, cycle=application.cycle, actor=reviewer.user)
    # Each application has a quality; reviewers add their own temperament and noise.
    quality = 4 + (application.pk * 7919) % 5
    temper = 1 if reviewer.organisation == Organisation.MSS else -1
    services.review_save(
        assignment=assignment,
        actor=reviewer.user,
        scores={
            criterion.pk: max(0, min(criterion.max_score, quality + temper + rnd.randint(-1, 2)))
            for criterion in application.cycle.criteria.order_by("order")
        },
        comment_to_applicant=rnd.choice(COMMENTS),
        comment_language="en",  # the demo comments are written in English
        internal_comment=rnd.choice(INTERNAL),
        recommendation=rnd.choice(Recommendation.values),
    )
    if submit:
        services.review_submit(assignment=assignment, actor=reviewer.user)


def seed() -> list[DemoLogin]:
    cycle = _pilot_cycle()
    if cycle.phase == CyclePhase.DRAFT:
        cycle_transition(cycle=cycle, to=CyclePhase.OPEN, actor=None, note="Demo data")
    specs = [spec for spec in COMPANIES if spec[0] in RETURNING] + PILOT_COMPANIES
    companies = [
        Company.objects.filter(business_number=spec[0]).first() or _company(*spec) for spec in specs
    ]
    if cycle.phase == CyclePhase.OPEN:
        submitted_at = cycle.opens_at + timedelta(days=10)
        for index, company in enumerate(companies):
            _apply(
                company,
                cycle,
                BIOTECH_FIELDS[index % len(BIOTECH_FIELDS)],
                submitted_at + timedelta(hours=index),
            )
        cycle_transition(cycle=cycle, to=CyclePhase.CLOSED, actor=None, note="Demo data")
        cycle_transition(cycle=cycle, to=CyclePhase.REVIEW, actor=None, note="Demo data")
    if cycle.phase != CyclePhase.REVIEW:
        return []

    manager = ProgramManager.objects.filter(
        user__email="manager.mss@demo.mou-portal.example"
    ).first()
    if manager is None:
        return []
    _reviewers()
    for application in Application.objects.filter(
        cycle=cycle, status=ApplicationStatus.SUBMITTED
    ).order_by("reference"):
        application_services.application_screen(
            application=application, actor=manager.user, eligible=True
        )
    if not Assignment.objects.filter(application__cycle=cycle).exists():
        services.assignment_propose(cycle=cycle, actor=manager.user)
        services.assignments_confirm(cycle=cycle, actor=manager.user)
    rnd = random.Random(2027)  # noqa: S311 (repeatable demo scores, not a secret)
    applications = list(Application.objects.filter(cycle=cycle).order_by("reference"))
    for index, application in enumerate(applications):
        for assignment in application.assignments.filter(
            status=AssignmentStatus.ACTIVE
        ).select_related("reviewer__user", "application__cycle"):
            # The last two still wait for their iPark review (a draft so far).
            waiting = index >= len(applications) - 2
            _review(
                assignment,
                rnd,
                submit=not (waiting and assignment.reviewer.organisation == Organisation.IPARK),
            )
    return []
