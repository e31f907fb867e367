"""A benchmark call of N applications under review, for ``manage.py seed_scale``.

Everything is created through the real models with the values the services would write
(references, sequences, consents, status history, pledges, confirmed assignments, submitted
reviews with their history), in bulk so that 10,000 applications take seconds rather than
the hour the services would. Used by the benchmarks and by anyone measuring a page by hand.

The shape: one startup-support call in the review phase with a 4-criterion rubric; N
companies, each with an owner and a submitted (screened-in) application; 20 reviewers
(10 MSS, 10 iPark), every application with 3 submitted reviews (one MSS, one iPark, one of
either), loads balanced to within one.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from applications.consent import CONSENT_TEXTS
from applications.enums import (
    REQUIRED_CONSENTS,
    ApplicationStatus,
    DevelopmentStage,
    MembershipRole,
)
from applications.models import Application, Company, Consent, Membership, StatusChange
from applications.validators import business_number_check_digit
from programs.enums import TRACK_REFERENCE_PREFIX, CyclePhase, Field, Organisation, Track
from programs.models import Criterion, Cycle, Program, ProgramManager
from reviews import aggregates
from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
from reviews.models import (
    Assignment,
    CriterionScore,
    PledgeAcceptance,
    Review,
    Reviewer,
    ReviewStatusChange,
)
from reviews.pledge import PLEDGE_VERSION

REVIEWERS_PER_ORGANISATION = 10
REVIEWS_EACH = 3
PASSWORD = "scale-demo-2027"  # noqa: S105 — printed by the command; refused in production
FIELDS = [Field.CELL_THERAPY, Field.GENE_THERAPY, Field.REGENERATIVE_MEDICINE, Field.OTHER_BIOTECH]
RUBRIC = [("Innovation", "30"), ("Feasibility", "30"), ("Team", "20"), ("Fit with iPark", "20")]
BATCH = 2_000


@dataclass(frozen=True)
class ScaleCycle:
    cycle: Cycle
    manager_emails: list[str]
    reviewer_emails: list[str]


def _business_number(n: int) -> str:
    first_nine = f"{(300_000_000 + n * 7919) % 1_000_000_000:09d}"
    return first_nine + str(business_number_check_digit(first_nine))


def _users(emails: list[str], password_hash: str, language: str) -> list[User]:
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                display_name=email.split("@")[0],
                preferred_language=language,
                password=password_hash,
            )
            for email in emails
        ],
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users],
        batch_size=BATCH,
    )
    return users


@transaction.atomic
def seed_scale(*, applications: int, seed: int = 2027) -> ScaleCycle:
    """Create one benchmark call of ``applications`` applications (see the module docstring);
    a second run creates another call beside the first.

    Over 60 lines on purpose: one straight run of bulk inserts, each using the rows the
    one before it created; split up, the pieces would pass a dozen lists between them.
    """
    rnd = random.Random(seed)  # noqa: S311 — benchmark scores, not security
    now = timezone.now()
    program = Program.objects.get(track=Track.STARTUP_SUPPORT)
    run = Cycle.objects.filter(program=program, code__startswith="SCALE").count() + 1
    tag = f"scale{run}"
    cycle = Cycle.objects.create(
        program=program,
        name=f"Benchmark call {run} ({applications} applications)",
        slug=f"benchmark-{run}",
        code=f"SCALE{run}",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        review_due_at=now + timedelta(days=7),
        announce_at=now + timedelta(days=14),
        selection_quota=max(1, applications // 10),
        reviews_per_application=REVIEWS_EACH,
        required_document_kinds=[],
        phase=CyclePhase.REVIEW,
    )
    criteria = [
        Criterion.objects.create(
            cycle=cycle, name=name, weight=Decimal(weight), max_score=10, order=order
        )
        for order, (name, weight) in enumerate(RUBRIC, start=1)
    ]
    password_hash = make_password(PASSWORD)
    unusable = make_password(None)

    # Managers of both organisations, and the reviewers.
    manager_emails = [f"manager.{org}.{tag}@scale.mou-portal.example" for org in ("mss", "ipark")]
    for user, organisation in zip(
        _users(manager_emails, password_hash, "en"), Organisation.values, strict=True
    ):
        ProgramManager.objects.create(user=user, organisation=organisation).programs.add(program)
    reviewer_emails = [
        f"reviewer.{org}{n}.{tag}@scale.mou-portal.example"
        for org in ("mss", "ipark")
        for n in range(1, REVIEWERS_PER_ORGANISATION + 1)
    ]
    reviewer_users = _users(reviewer_emails, password_hash, "ko")
    reviewers = Reviewer.objects.bulk_create(
        Reviewer(
            user=user,
            organisation=(
                Organisation.MSS if n < REVIEWERS_PER_ORGANISATION else Organisation.IPARK
            ),
            expertise=[FIELDS[n % 4], FIELDS[(n + 1) % 4]],
        )
        for n, user in enumerate(reviewer_users)
    )
    PledgeAcceptance.objects.bulk_create(
        PledgeAcceptance(reviewer=r, cycle=cycle, text_version=PLEDGE_VERSION, accepted_at=now)
        for r in reviewers
    )
    mss = [r for r in reviewers if r.organisation == Organisation.MSS]
    ipark = [r for r in reviewers if r.organisation == Organisation.IPARK]

    # Companies, their owners, and their submitted applications.
    owners = _users(
        [f"owner{n}.{tag}@scale.mou-portal.example" for n in range(applications)], unusable, "ko"
    )
    companies = Company.objects.bulk_create(
        (
            Company(
                name_ko=f"스케일 바이오 {n}",
                name_en=f"Scale Bio {n}",
                business_number=_business_number(run * 100_000 + n),
                founded_on=(now - timedelta(days=900 + n % 1000)).date(),
                employees=5 + n % 40,
                field=FIELDS[n % 4],
                representative=f"Kim {n}",
                address="Pangyo Techno Valley, Seongnam (fictional address)",
                description="A fictional company of the benchmark call.",
                created_by=owner,
            )
            for n, owner in enumerate(owners)
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(company=company, user=owner, role=MembershipRole.OWNER)
            for company, owner in zip(companies, owners, strict=True)
        ),
        batch_size=BATCH,
    )
    prefix = TRACK_REFERENCE_PREFIX[program.track]
    submitted_from = cycle.opens_at + timedelta(days=1)
    apps = Application.objects.bulk_create(
        (
            Application(
                company=company,
                cycle=cycle,
                status=ApplicationStatus.UNDER_REVIEW,
                sequence=n + 1,
                reference=f"{prefix}-{cycle.code}-{n + 1:04d}",
                version=3,
                title=f"Scale project {n}",
                summary="A fictional project of the benchmark call.",
                team="Founder-CEO, CSO, four researchers.",
                budget_krw=100_000_000 + n,
                timeline="Months 1–3 set-up; months 4–12 main work.",
                biotech_field=FIELDS[n % 4],
                development_stage=DevelopmentStage.PRECLINICAL,
                ipark_needs="Lab space and a Japanese CRO.",
                clinical_plan="First-in-human study in 2029.",
                created_by=owner,
                updated_by=owner,
                submitted_at=submitted_from + timedelta(seconds=n * 60),
            )
            for n, (company, owner) in enumerate(zip(companies, owners, strict=True))
        ),
        batch_size=BATCH,
    )
    Consent.objects.bulk_create(
        (
            Consent(
                application=application,
                kind=kind,
                text_version=text.version,
                user=owner,
                given_at=application.submitted_at,
            )
            for application, owner in zip(apps, owners, strict=True)
            # The two every submission gives (the partner provision is asked only of
            # proposals to a partner's challenge or technology).
            for kind, text in CONSENT_TEXTS.items()
            if kind in REQUIRED_CONSENTS
        ),
        batch_size=BATCH,
    )
    manager = ProgramManager.objects.get(user__email=manager_emails[0])
    StatusChange.objects.bulk_create(
        (
            change
            for application, owner in zip(apps, owners, strict=True)
            for change in (
                StatusChange(
                    application=application,
                    from_status="",
                    to_status=ApplicationStatus.DRAFT,
                    actor=owner,
                    created_at=application.submitted_at - timedelta(days=1),
                ),
                StatusChange(
                    application=application,
                    from_status=ApplicationStatus.DRAFT,
                    to_status=ApplicationStatus.SUBMITTED,
                    actor=owner,
                    created_at=application.submitted_at,
                ),
                StatusChange(
                    application=application,
                    from_status=ApplicationStatus.SUBMITTED,
                    to_status=ApplicationStatus.UNDER_REVIEW,
                    actor=manager.user,
                    created_at=cycle.closes_at + timedelta(days=1),
                ),
            )
        ),
        batch_size=BATCH,
    )

    # Three reviewers per application (one MSS, one iPark, one of either), round-robin so
    # that loads differ by at most one; all submitted.
    # Reviewers alternate MSS, iPark, MSS, …: any three consecutive ones are distinct and
    # include both organisations, and dealing them in turn balances the loads.
    ring = [r for pair in zip(mss, ipark, strict=True) for r in pair]
    pairs = [
        (application, ring[(REVIEWS_EACH * n + k) % len(ring)])
        for n, application in enumerate(apps)
        for k in range(REVIEWS_EACH)
    ]
    assigned_at = cycle.closes_at + timedelta(days=2)
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(
                application=application,
                reviewer=reviewer,
                status=AssignmentStatus.ACTIVE,
                assigned_by=manager.user,
                created_at=assigned_at,
                confirmed_at=assigned_at,
            )
            for application, reviewer in pairs
        ),
        batch_size=BATCH,
    )
    recommendations = Recommendation.values
    reviews = Review.objects.bulk_create(
        (
            Review(
                assignment=assignment,
                status=ReviewStatus.SUBMITTED,
                comment_to_applicant="A clear plan; the budget needs more detail.",
                comment_language="en",
                internal_comment="",
                recommendation=rnd.choice(recommendations),
                submitted_at=now - timedelta(hours=1),
            )
            for assignment in assignments
        ),
        batch_size=BATCH,
    )
    by_reviewer = {r.pk: r.user for r in reviewers}
    ReviewStatusChange.objects.bulk_create(
        (
            ReviewStatusChange(
                review=review,
                from_status=ReviewStatus.DRAFT,
                to_status=ReviewStatus.SUBMITTED,
                actor=by_reviewer[assignment.reviewer_id],
            )
            for review, assignment in zip(reviews, assignments, strict=True)
        ),
        batch_size=BATCH,
    )
    CriterionScore.objects.bulk_create(
        (
            CriterionScore(review=review, criterion=criterion, score=rnd.randint(2, 10))
            for review in reviews
            for criterion in criteria
        ),
        batch_size=BATCH * 4,
    )
    # Written in bulk, so the stored scores and aggregates are built once at the end.
    aggregates.rebuild_cycle(cycle.pk)
    if connection.vendor == "postgresql":
        # After a bulk load the planner's row estimates are stale until autovacuum runs:
        # refresh them, or the first pages plan the ranking view as for an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ScaleCycle(cycle=cycle, manager_emails=manager_emails, reviewer_emails=reviewer_emails)
