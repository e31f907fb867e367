from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from programs.enums import CyclePhase
from programs.models import Cycle
from tests.factories import CriterionFactory, CycleFactory, TechnologyFactory, open_cycle

pytestmark = pytest.mark.django_db


def _timeline(**shifts):
    start = timezone.now()
    moments = {
        "opens_at": start,
        "closes_at": start + timedelta(days=10),
        "review_due_at": start + timedelta(days=20),
        "announce_at": start + timedelta(days=30),
    }
    moments.update(shifts)
    return moments


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("closes_at", "opens_at"),  # closes at the very moment it opens
        ("review_due_at", "closes_at"),
        ("announce_at", "review_due_at"),
    ],
)
def test_cycle_clean_rejects_timeline_out_of_order(field, moment):
    timeline = _timeline()
    timeline[field] = timeline[moment]
    cycle = CycleFactory.build(**timeline)

    with pytest.raises(ValidationError) as error:
        cycle.clean()

    assert list(error.value.message_dict) == [field]


def test_cycle_clean_accepts_ordered_timeline():
    CycleFactory.build(**_timeline()).clean()


def test_cycle_timeline_constraint_holds_in_database():
    timeline = _timeline()
    timeline["announce_at"] = timeline["opens_at"] - timedelta(days=1)

    with pytest.raises(IntegrityError):
        CycleFactory(**timeline)


def test_cycle_needs_two_reviews_per_application_in_database():
    with pytest.raises(IntegrityError):
        CycleFactory(reviews_per_application=1)


@pytest.mark.parametrize(
    ("offset", "accepting"),
    [
        (timedelta(seconds=-1), False),  # a second before opening
        (timedelta(0), True),  # the opening second
        ("close-1s", True),  # one second before the deadline
        ("close", False),  # the deadline itself is too late
        ("close+1s", False),
    ],
)
def test_cycle_accepting_applications_at_the_boundaries(offset, accepting):
    cycle = open_cycle()
    if offset == "close-1s":
        now = cycle.closes_at - timedelta(seconds=1)
    elif offset == "close":
        now = cycle.closes_at
    elif offset == "close+1s":
        now = cycle.closes_at + timedelta(seconds=1)
    else:
        now = cycle.opens_at + offset

    assert cycle.is_accepting_applications(now) is accepting


@pytest.mark.parametrize("phase", [p for p in CyclePhase if p != CyclePhase.OPEN])
def test_cycle_accepting_applications_needs_open_phase(phase):
    cycle = open_cycle()
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()

    assert cycle.is_accepting_applications(cycle.opens_at + timedelta(hours=1)) is False


def test_cycle_rubric_shares_of_total_weight():
    cycle = CycleFactory()
    CriterionFactory(cycle=cycle, weight=Decimal("3"), order=1)
    CriterionFactory(cycle=cycle, weight=Decimal("1"), order=2)
    CriterionFactory(cycle=cycle, weight=Decimal("2"), order=3)

    shares = [share for _, share in cycle.rubric()]

    assert shares == [Decimal("50.0"), Decimal("16.7"), Decimal("33.3")]


def test_cycle_visitor_status():
    accepting = open_cycle()
    upcoming = open_cycle(opens_at=timezone.now() + timedelta(days=2))
    past = open_cycle(opens_at=timezone.now() - timedelta(days=40))

    assert [accepting.visitor_status, upcoming.visitor_status, past.visitor_status] == [
        "accepting",
        "upcoming",
        "closed",
    ]


def test_criterion_weight_must_be_positive():
    with pytest.raises(IntegrityError):
        CriterionFactory(weight=Decimal("0"))


def test_technology_trl_outside_1_to_9_is_rejected():
    with pytest.raises(IntegrityError):
        TechnologyFactory(trl=10)


def test_cycle_required_documents_must_be_known_kinds():
    cycle = CycleFactory.build(required_document_kinds=["business_plan", "selfie"])

    with pytest.raises(ValidationError) as error:
        cycle.full_clean(exclude=["program"])

    assert "required_document_kinds" in error.value.message_dict
