"""Enumerations of the applications domain, the status machine as data, and its groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.enums import Field


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INELIGIBLE = "ineligible", _("Ineligible")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus

# The applicant may still change answers and documents.
EDITABLE = frozenset({S.DRAFT})
# Counts for "one application per company per cycle"; a withdrawn one frees the place.
LIVE = frozenset(set(S) - {S.WITHDRAWN})
# Outcomes of the selection.
DECIDED = frozenset({S.SELECTED, S.WAITLISTED, S.REJECTED})
# Staged outcomes: written by managers at once, shown to applicants only once the cycle is
# announced (until then they read "under review"). Screening out is not staged: the
# company is told at once, with the reason (issue 5), so that it can act on it.
STAGED = DECIDED
# Sent in: has a reference and belongs to the review pipeline.
SENT_IN = frozenset(set(S) - {S.DRAFT})


# The life of an application: which status may follow which. Deleting a draft is not a
# transition (the row goes away). Read at a glance; tested as data.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.INELIGIBLE, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.SELECTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    # An outcome is staged until the announcement, so the applicant, who still reads
    # "under review", may still withdraw; the service refuses once results are announced.
    # An ineligible application may be withdrawn to free the company's place in the cycle.
    S.INELIGIBLE: frozenset({S.WITHDRAWN}),
    # Until the announcement a manager may change a decision or take it back (under
    # review); once announced only AFTER_ANNOUNCEMENT below remains.
    S.SELECTED: frozenset({S.WAITLISTED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.SELECTED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN}),
    S.REJECTED: frozenset({S.SELECTED, S.WAITLISTED, S.UNDER_REVIEW, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}

# The manager's transitions out of a decision that remain once the cycle's results are
# announced: the waitlist moves (a promotion, or the final "not selected"), and the
# company is told at once. Every other announced outcome is final.
AFTER_ANNOUNCEMENT: frozenset[tuple[str, str]] = frozenset(
    {(S.WAITLISTED, S.SELECTED), (S.WAITLISTED, S.REJECTED)}
)


class Actor(models.TextChoices):
    """Who performs a transition: a member of the company or a manager of the program."""

    APPLICANT = "applicant", _("Applicant")
    MANAGER = "manager", _("Program manager")


A = Actor
# Who may perform each allowed transition (every edge of the table above, and no other).
TRANSITION_ACTORS: dict[tuple[str, str], Actor] = {
    (S.DRAFT, S.SUBMITTED): A.APPLICANT,
    (S.SUBMITTED, S.UNDER_REVIEW): A.MANAGER,
    (S.SUBMITTED, S.INELIGIBLE): A.MANAGER,
    (S.SUBMITTED, S.WITHDRAWN): A.APPLICANT,
    (S.UNDER_REVIEW, S.SELECTED): A.MANAGER,
    (S.UNDER_REVIEW, S.WAITLISTED): A.MANAGER,
    (S.UNDER_REVIEW, S.REJECTED): A.MANAGER,
    (S.UNDER_REVIEW, S.WITHDRAWN): A.APPLICANT,
    (S.INELIGIBLE, S.WITHDRAWN): A.APPLICANT,
    (S.SELECTED, S.WAITLISTED): A.MANAGER,
    (S.SELECTED, S.REJECTED): A.MANAGER,
    (S.SELECTED, S.UNDER_REVIEW): A.MANAGER,
    (S.SELECTED, S.WITHDRAWN): A.APPLICANT,
    (S.WAITLISTED, S.SELECTED): A.MANAGER,
    (S.WAITLISTED, S.REJECTED): A.MANAGER,
    (S.WAITLISTED, S.UNDER_REVIEW): A.MANAGER,
    (S.WAITLISTED, S.WITHDRAWN): A.APPLICANT,
    (S.REJECTED, S.SELECTED): A.MANAGER,
    (S.REJECTED, S.WAITLISTED): A.MANAGER,
    (S.REJECTED, S.UNDER_REVIEW): A.MANAGER,
    (S.REJECTED, S.WITHDRAWN): A.APPLICANT,
}


# The outcomes a manager records (``application_decide``): the decided statuses.
DECISIONS = DECIDED


class DevelopmentStage(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    PRECLINICAL = "preclinical", _("Preclinical")
    IND_FILED = "ind_filed", _("IND filed")
    PHASE_1 = "phase_1", _("Phase I")
    PHASE_2_PLUS = "phase_2_plus", _("Phase II or later")


# The startup-support track is for advanced biotech: its applicants choose among these.
BIOTECH_FIELDS = [
    (field.value, field.label)
    for field in (
        Field.CELL_THERAPY,
        Field.GENE_THERAPY,
        Field.REGENERATIVE_MEDICINE,
        Field.OTHER_BIOTECH,
    )
]


class ConsentKind(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("Collection and use of personal data")
    OVERSEAS_TRANSFER = "overseas_transfer", _("Transfer of personal data to Japan")
    # Optional, asked only when the application answers a challenge or names a technology
    # (issue 16): without it the proposal is reviewed as usual but never shown to the partner.
    PARTNER_PROVISION = "partner_provision", _("Provision of the proposal to the partner")


# Needed to submit; the partner provision is the applicant's free choice.
REQUIRED_CONSENTS: tuple[str, ...] = (ConsentKind.PERSONAL_DATA, ConsentKind.OVERSEAS_TRANSFER)
