"""factory_boy factories without surprises: every default is plain and valid."""

from .accounts import UserFactory
from .applications import (
    CompanyFactory,
    MembershipFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_bytes,
    pdf_upload,
    submitted_application,
)
from .programs import (
    ChallengeFactory,
    CriterionFactory,
    CycleFactory,
    ProgramManagerFactory,
    TechnologyFactory,
    open_cycle,
    program_for,
)
from .reviews import ReviewerFactory, active_assignment, submitted_review

__all__ = [
    "ChallengeFactory",
    "CompanyFactory",
    "CriterionFactory",
    "CycleFactory",
    "MembershipFactory",
    "ProgramManagerFactory",
    "ReviewerFactory",
    "TechnologyFactory",
    "UserFactory",
    "active_assignment",
    "complete_application",
    "cycle_for",
    "draft_application",
    "open_cycle",
    "pdf_bytes",
    "pdf_upload",
    "program_for",
    "submitted_application",
    "submitted_review",
]
