"""Speed of the reviewing services and pages with the database, at the size the portal must
handle: 2,000 applications under review, 60 reviewers, a few conflicts each (``make bench``).

Measured, not asserted: the assertions only check that each run did the whole job."""

import random

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus
from applications.models import Application, Company
from programs.enums import Field, Organisation
from reviews.enums import AssignmentStatus
from reviews.models import Assignment, ConflictDeclaration
from reviews.services import assignment_propose, assignments_confirm
from tests.factories import ProgramManagerFactory, ReviewerFactory
from tests.factories.applications import business_number
from tests.support.reviewing import review_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

FIELDS = [Field.CELL_THERAPY, Field.GENE_THERAPY, Field.REGENERATIVE_MEDICINE, Field.OTHER_BIOTECH]


def big_cycle(applications=2_000, reviewers=60, conflicts_each=3):
    rnd = random.Random(2027)
    cycle = review_cycle()
    companies = Company.objects.bulk_create(
        Company(
            name_ko=f"벤치 {n}",
            name_en=f"Bench Bio {n}",
            business_number=business_number(50_000 + n),
            founded_on="2020-01-01",
            employees=10,
            field=rnd.choice(FIELDS),
            representative="Bench",
            address="Seoul",
            description="Benchmark company.",
        )
        for n in range(applications)
    )
    Application.objects.bulk_create(
        Application(
            company=company,
            cycle=cycle,
            status=ApplicationStatus.UNDER_REVIEW,
            reference=f"SS-{cycle.code}-{n:04d}",
            sequence=n,
            title=f"Project {n}",
            biotech_field=company.field,
        )
        for n, company in enumerate(companies, start=1)
    )
    pool = [
        ReviewerFactory(
            organisation=(Organisation.MSS, Organisation.IPARK)[n % 2],
            expertise=rnd.sample([str(f) for f in FIELDS], 2),
        )
        for n in range(reviewers)
    ]
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(reviewer=reviewer, company=company, reason="Benchmark")
        for reviewer in pool
        for company in rnd.sample(companies, conflicts_each)
    )
    manager = ProgramManagerFactory(programs=[cycle.program]).user
    return cycle, manager


def test_bench_assignment_propose_2000_applications_60_reviewers(benchmark):
    cycle, manager = big_cycle()

    proposal = benchmark.pedantic(
        assignment_propose, kwargs={"cycle": cycle, "actor": manager}, rounds=3, iterations=1
    )

    assert proposal.new_assignments == 4_000
    assert Assignment.objects.filter(status=AssignmentStatus.PROPOSED).count() == 4_000
    assert proposal.load_spread <= 1


def test_bench_assignment_confirm_2000_applications(benchmark):
    cycle, manager = big_cycle()

    def propose_then_confirm():
        assignment_propose(cycle=cycle, actor=manager)
        return assignments_confirm(cycle=cycle, actor=manager)

    confirmed = benchmark.pedantic(propose_then_confirm, rounds=1, iterations=1)

    assert confirmed == 4_000


def test_bench_assignment_page_2000_applications(benchmark, client):
    cycle, manager = big_cycle()
    assignment_propose(cycle=cycle, actor=manager)
    client.force_login(manager)
    url = reverse("reviews:assignment", args=[cycle.pk])

    response = benchmark.pedantic(client.get, args=[url], rounds=3, iterations=1)

    assert response.status_code == 200
    assert response.content.decode().count('class="assignment-row') == 50
