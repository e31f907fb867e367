from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from programs.enums import CyclePhase, Field, HolderType, IPStatus, Organisation, Track
from programs.models import Challenge, Criterion, Cycle, Program, ProgramManager, Technology

from .accounts import UserFactory


def program_for(track: str = Track.STARTUP_SUPPORT) -> Program:
    """The program of a track (the three exist from the data migration)."""
    return Program.objects.get(track=track)


class CycleFactory(factory.django.DjangoModelFactory):
    """A draft cycle open from an hour ago for three weeks; ``phase`` via ``open_cycle``."""

    class Meta:
        model = Cycle

    program = factory.LazyFunction(program_for)
    name = factory.Sequence(lambda n: f"2027 Round {n}")
    slug = factory.Sequence(lambda n: f"2027-round-{n}")
    code = factory.Sequence(lambda n: f"2027R{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=21))
    review_due_at = factory.LazyAttribute(lambda o: o.closes_at + timedelta(days=21))
    announce_at = factory.LazyAttribute(lambda o: o.review_due_at + timedelta(days=14))
    selection_quota = 3
    reviews_per_application = 2
    required_document_kinds = factory.LazyFunction(lambda: ["business_plan"])


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    cycle = factory.SubFactory(CycleFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "What the reviewer looks for."
    weight = Decimal("1.00")
    max_score = 10
    order = factory.Sequence(int)


def open_cycle(**kwargs) -> Cycle:
    """A cycle in the open phase with a two-criterion rubric, accepting applications now."""
    cycle = CycleFactory(**kwargs)
    CriterionFactory(cycle=cycle, name="Innovation", weight=Decimal("60"), order=1)
    CriterionFactory(cycle=cycle, name="Team", weight=Decimal("40"), order=2)
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.OPEN)
    cycle.refresh_from_db()
    return cycle


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology

    title = factory.Sequence(lambda n: f"Technology {n}")
    holder = "Example University (fictional)"
    holder_type = HolderType.UNIVERSITY
    field = Field.GENE_THERAPY
    trl = 4
    ip_status = IPStatus.PENDING
    summary = "A technology summary."


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    company = "Example Pharma (fictional)"
    title = factory.Sequence(lambda n: f"Challenge {n}")
    problem_statement = "A problem."
    expected_outcome = "An outcome."
    field = Field.ICT
    poc_terms = "Three months."


class ProgramManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramManager
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = Organisation.MSS

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        if create:
            self.programs.set(extracted if extracted is not None else Program.objects.all())


__all__ = [
    "ChallengeFactory",
    "CriterionFactory",
    "CycleFactory",
    "ProgramManagerFactory",
    "TechnologyFactory",
    "Track",
    "open_cycle",
    "program_for",
]
