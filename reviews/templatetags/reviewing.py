"""Template helpers of the reviewing pages (reviewers, screening, assignment)."""

from django import template
from django.utils.translation import gettext_lazy as _

from programs.enums import CyclePhase
from reviews import selectors
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.services import HUB_PHASE_MOVES

register = template.Library()

# Where a reviewer's work stands (``selectors.review_state``), with a badge colour.
REVIEW_STATES = {
    "not_started": (_("Not started"), "text-bg-light border"),
    ReviewStatus.DRAFT: (_("Draft"), "text-bg-warning"),
    ReviewStatus.SUBMITTED: (_("Submitted"), "text-bg-success"),
}
ASSIGNMENT_BADGES = {
    AssignmentStatus.PROPOSED: "text-bg-info",
    AssignmentStatus.ACTIVE: "text-bg-primary",
    AssignmentStatus.DECLINED: "text-bg-danger",
}


@register.inclusion_tag("reviews/reviewer/_badge.html")
def review_state_badge(assignment):
    label, css = REVIEW_STATES[selectors.review_state(assignment)]
    return {"label": label, "css": css}


@register.inclusion_tag("reviews/reviewer/_badge.html")
def assignment_badge(assignment):
    return {
        "label": AssignmentStatus(assignment.status).label,
        "css": ASSIGNMENT_BADGES[assignment.status],
    }


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None (scores by criterion id in templates)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag
def reviewing_summary(cycle) -> dict:
    """Screening and review figures of a cycle for the managers' hub, and the phase move
    offered there."""
    counts = selectors.screening_counts(cycle)
    progress = selectors.review_progress(cycle)
    next_phase = HUB_PHASE_MOVES.get(cycle.phase)
    return {
        "counts": counts,
        "progress": progress,
        "next_phase": next_phase,
        "closes_call": next_phase == CyclePhase.CLOSED,
    }
