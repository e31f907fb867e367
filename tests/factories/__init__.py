"""factory_boy factories without surprises: every default is plain and valid."""

from .accounts import UserFactory
from .programs import (
    ChallengeFactory,
    CriterionFactory,
    CycleFactory,
    ProgramManagerFactory,
    TechnologyFactory,
    open_cycle,
    program_for,
)
from .reviews import ReviewerFactory

__all__ = [
    "ChallengeFactory",
    "CriterionFactory",
    "CycleFactory",
    "ProgramManagerFactory",
    "ReviewerFactory",
    "TechnologyFactory",
    "UserFactory",
    "open_cycle",
    "program_for",
]
