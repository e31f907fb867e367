"""Speed of the managers' selection pages and exports on a cycle of thousands of
applications (``make bench``). Rows are bulk-inserted (not through the services) so that
setting up takes seconds; what is measured is the real page or export."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, MembershipRole
from applications.models import Application, Company, Membership
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.enums import CyclePhase, Field, Organisation, Track
from programs.models import Criterion, Cycle
from reviews import aggregates
from reviews.enums import AssignmentStatus, OverrideKind, ReviewStatus
from reviews.models import (
    AnnouncementRun,
    Assignment,
    CriterionScore,
    DecisionApproval,
    ExportFile,
    Review,
    Reviewer,
    SelectionOverride,
)
from reviews.services import announcement_run_step, cycle_announce, export_build
from tests.factories import CycleFactory, ProgramManagerFactory, UserFactory, program_for
from tests.factories.applications import business_number

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

APPLICATIONS = 3_000
REVIEWERS = 60
REVIEWS_EACH = 3
FIELDS = [Field.CELL_THERAPY, Field.GENE_THERAPY, Field.REGENERATIVE_MEDICINE, Field.OTHER_BIOTECH]


@pytest.fixture
def big_cycle():
    rnd = random.Random(2027)
    cycle = CycleFactory(program=program_for(Track.STARTUP_SUPPORT), selection_quota=20)
    criteria = [
        Criterion.objects.create(
            cycle=cycle, name=f"Criterion {i}", weight=Decimal(w), max_score=10, order=i
        )
        for i, w in enumerate(["30", "25", "20", "15", "10"], start=1)
    ]
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.REVIEW)
    cycle.refresh_from_db()
    companies = Company.objects.bulk_create(
        Company(
            name_ko=f"벤치 바이오 {n}",
            name_en=f"Bench Bio {n}",
            business_number=business_number(500_000 + n),
            founded_on=timezone.now().date(),
            employees=10,
            field=FIELDS[n % 4],
            representative="Kim",
            address="Seoul",
            description="Benchmark company.",
        )
        for n in range(APPLICATIONS)
    )
    start = timezone.now() - timedelta(days=30)
    applications = Application.objects.bulk_create(
        Application(
            company=company,
            cycle=cycle,
            status=ApplicationStatus.UNDER_REVIEW,
            sequence=n + 1,
            reference=f"SS-{cycle.code}-{n + 1:04d}",
            title=f"Project {n}",
            biotech_field=FIELDS[n % 4],
            submitted_at=start + timedelta(minutes=n),
        )
        for n, company in enumerate(companies)
    )
    users = [UserFactory.build(email=f"bench{n}@example.com") for n in range(REVIEWERS)]
    type(users[0]).objects.bulk_create(users)
    reviewers = Reviewer.objects.bulk_create(
        Reviewer(user=user, organisation=Organisation.values[n % 2], expertise=[FIELDS[n % 4]])
        for n, user in enumerate(users)
    )
    mss = [r for r in reviewers if r.organisation == Organisation.MSS]
    ipark = [r for r in reviewers if r.organisation == Organisation.IPARK]
    pairs = []
    for application in applications:
        chosen = [rnd.choice(mss), rnd.choice(ipark)]
        chosen.append(rnd.choice([r for r in reviewers if r not in chosen]))
        pairs.extend((application, reviewer) for reviewer in chosen)
    assignments = Assignment.objects.bulk_create(
        Assignment(application=a, reviewer=r, status=AssignmentStatus.ACTIVE) for a, r in pairs
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(
            assignment=assignment,
            status=ReviewStatus.SUBMITTED,
            submitted_at=now,
            comment_to_applicant="Clear plan.",
        )
        for assignment in assignments
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=criterion, score=rnd.randint(2, 10))
        for review in reviews
        for criterion in criteria
    )
    aggregates.rebuild_cycle(cycle.pk)  # rows written in bulk: the stored scores once
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's estimates after the bulk load
    return cycle


@pytest.fixture
def manager_client(client):
    client.force_login(ProgramManagerFactory().user)
    return client


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("ranking", ""),
        ("ranking", "?sort=normalised&field=gene_therapy&page=3"),
        ("dashboard", ""),
        ("decisions", ""),
    ],
)
def test_bench_selection_page_3000_applications(benchmark, manager_client, big_cycle, name, query):
    url = reverse(f"reviews:{name}", args=[big_cycle.pk]) + query

    response = benchmark.pedantic(manager_client.get, args=(url,), rounds=5, warmup_rounds=1)

    assert response.status_code == 200


def test_bench_ranking_api_3000_applications(benchmark, manager_client, big_cycle):
    url = reverse("api_cycle_ranking", args=[big_cycle.pk]) + "?sort=combined"

    response = benchmark.pedantic(manager_client.get, args=(url,), rounds=5, warmup_rounds=1)

    assert response.json()["count"] == APPLICATIONS


@pytest.mark.parametrize("kind", ["ranking", "applications"])
def test_bench_export_csv_3000_applications(benchmark, manager_client, big_cycle, kind):
    url = reverse("reviews:export", kwargs={"cycle_pk": big_cycle.pk, "kind": kind, "fmt": "csv"})

    def download():
        return b"".join(manager_client.get(url).streaming_content)

    content = benchmark.pedantic(download, rounds=3, warmup_rounds=1)

    assert len(content) > APPLICATIONS * 50


@pytest.mark.parametrize("kind", ["ranking", "applications"])
def test_bench_export_xlsx_task_3000_applications(benchmark, big_cycle, kind, settings, tmp_path):
    """The background .xlsx build (the task's service), progress saved as it goes."""
    settings.MEDIA_ROOT = tmp_path

    def build():
        export = ExportFile.objects.create(cycle=big_cycle, kind=kind)
        return export_build(export_id=export.pk)

    export = benchmark.pedantic(build, rounds=3, warmup_rounds=1)

    assert export.total == APPLICATIONS and export.file.size > APPLICATIONS * 50


def test_bench_announce_1000_decided_applications(benchmark, django_capture_on_commit_callbacks):
    """The announcing request (the selected applications' missing reviews overridden, as
    a manager would): it moves the phase and starts the background run, and returns. The
    run's chunks then record one result notification per member (checked, not timed)."""
    cycle = CycleFactory(program=program_for(Track.OPEN_INNOVATION), selection_quota=10)
    Criterion.objects.create(cycle=cycle, name="Fit", weight=Decimal(1), max_score=10, order=1)
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.REVIEW)
    count = 1_000
    companies = Company.objects.bulk_create(
        Company(
            name_ko=f"발표 {n}",
            name_en=f"Announce Bio {n}",
            business_number=business_number(800_000 + n),
            founded_on=timezone.now().date(),
            employees=5,
            field=Field.ICT,
            representative="Lee",
            address="Busan",
            description="Benchmark company.",
        )
        for n in range(count)
    )
    users = [UserFactory.build(email=f"member{n}@example.com") for n in range(count)]
    type(users[0]).objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(company=company, user=user, role=MembershipRole.OWNER)
        for company, user in zip(companies, users, strict=True)
    )
    Application.objects.bulk_create(
        Application(
            company=company,
            cycle=cycle,
            status=ApplicationStatus.SELECTED if n < 10 else ApplicationStatus.REJECTED,
            sequence=n + 1,
            reference=f"OI-{cycle.code}-{n + 1:04d}",
            submitted_at=timezone.now(),
        )
        for n, company in enumerate(companies)
    )
    mss = ProgramManagerFactory(organisation=Organisation.MSS)
    ipark = ProgramManagerFactory(organisation=Organisation.IPARK)
    SelectionOverride.objects.bulk_create(
        SelectionOverride(
            cycle=cycle,
            application=application,
            kind=OverrideKind.MISSING_REVIEWS,
            reason="Benchmark: scored outside the portal.",
            actor=mss.user,
            organisation=Organisation.MSS,
        )
        for application in Application.objects.filter(
            cycle=cycle, status=ApplicationStatus.SELECTED
        )
    )
    for manager in (mss, ipark):
        DecisionApproval.objects.create(
            cycle=cycle, manager=manager, organisation=manager.organisation
        )
    cycle.refresh_from_db()

    def announce():
        with django_capture_on_commit_callbacks(execute=False):
            return cycle_announce(cycle=cycle, actor=mss.user, confirm_early=True)

    announced = benchmark.pedantic(announce, rounds=1, iterations=1)

    assert announced.phase == CyclePhase.ANNOUNCED
    run = AnnouncementRun.objects.get(cycle=cycle)
    assert run.total == count
    with django_capture_on_commit_callbacks(execute=False):
        while not announcement_run_step(run_id=run.pk):
            pass
    assert Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED).count() == count
