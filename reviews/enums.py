"""Enumerations of the reviews domain, with the state tables as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import DECIDED, ApplicationStatus
from programs.enums import CyclePhase


class AssignmentStatus(models.TextChoices):
    # Proposed by the automatic assignment (or added by hand to a proposal), not yet
    # confirmed by a manager: invisible to the reviewer.
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Assigned")
    # The reviewer declined for a conflict of interest; kept as a record and so that the
    # next automatic assignment does not propose them again.
    DECLINED = "declined", _("Declined (conflict)")


ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.PROPOSED: frozenset({AssignmentStatus.ACTIVE}),
    AssignmentStatus.ACTIVE: frozenset({AssignmentStatus.DECLINED}),
    AssignmentStatus.DECLINED: frozenset(),
}
# Removing a proposed or active assignment by hand deletes the row (only while its review
# has not been submitted); that is not a state.


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
    # A manager reopens a submitted review; the reviewer edits and submits again.
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.DRAFT}),
}


# When reviewers work: from the moment applications come in until the decisions are made.
# Once a cycle is decided (or announced, archived) reviews and assignments are frozen.
SCORING_PHASES = frozenset({CyclePhase.OPEN, CyclePhase.CLOSED, CyclePhase.REVIEW})
# Applications a reviewer may open (when assigned): screened in, decided or not yet. A
# withdrawn or screened-out application closes for them.
REVIEWABLE_STATUSES = frozenset({ApplicationStatus.UNDER_REVIEW}) | DECIDED


class Recommendation(models.TextChoices):
    STRONGLY_SUPPORT = "strongly_support", _("Strongly support")
    SUPPORT = "support", _("Support")
    NEUTRAL = "neutral", _("Neutral")
    DO_NOT_SUPPORT = "do_not_support", _("Do not support")


# --- Selection ---------------------------------------------------------------------------

# Phases in which managers record decisions (staged until the announcement) and may
# announce them. Once announced, only the waitlist moves (applications.enums).
DECISION_PHASES = frozenset({CyclePhase.REVIEW, CyclePhase.DECIDED})


class OverrideKind(models.TextChoices):
    """Why a manager wrote a reason on the selection (``SelectionOverride``)."""

    # A selected or waitlisted application lacks its required reviews.
    MISSING_REVIEWS = "missing_reviews", _("Required reviews missing")
    # Selected below a better-ranked eligible application that is not selected.
    RANK_ORDER = "rank_order", _("Selected out of rank order")


class AnnouncementRunStatus(models.TextChoices):
    RUNNING = "running", _("Recording and e-mailing the results")
    DONE = "done", _("Done")


class ExportKind(models.TextChoices):
    RANKING = "ranking", _("Ranking")
    APPLICATIONS = "applications", _("Application list")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


# An export still being worked on: its page polls for progress.
EXPORT_IN_PROGRESS = frozenset({ExportStatus.PENDING, ExportStatus.RUNNING})
