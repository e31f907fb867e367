"""Reminders of the reviewing side (walked by ``notifications.send_reminders``)."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import F, Q
from django.urls import reverse

from notifications.enums import NotificationKind
from notifications.reminders import Due, reminder

from .enums import REVIEWABLE_STATUSES, SCORING_PHASES, AssignmentStatus, ReviewStatus
from .models import Assignment


@reminder(kind=NotificationKind.REVIEW_REMINDER, offsets=[timedelta(days=3), timedelta(days=1)])
def reviews_before_due(*, now, until):
    """Reviewers with active assignments whose review is not submitted, in cycles whose
    reviews are due soon: one reminder per reviewer and cycle, listing the references."""
    pending = (
        Assignment.objects.filter(
            status=AssignmentStatus.ACTIVE,
            reviewer__is_active=True,
            application__status__in=REVIEWABLE_STATUSES,
            application__cycle__phase__in=SCORING_PHASES,
            application__cycle__review_due_at__gt=now,
            application__cycle__review_due_at__lte=until,
        )
        .filter(Q(review__isnull=True) | Q(review__status=ReviewStatus.DRAFT))
        # A declared conflict closes the application: nothing to remind of.
        .exclude(application__company__reviewer_conflicts__reviewer=F("reviewer"))
        .select_related("reviewer__user", "application__cycle__program")
        .order_by("application__cycle_id", "reviewer_id", "application__reference")
    )
    grouped: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in pending:
        grouped[(assignment.application.cycle_id, assignment.reviewer_id)].append(assignment)
    for assignments in grouped.values():
        cycle = assignments[0].application.cycle
        yield Due(
            target=cycle,
            deadline=cycle.review_due_at,
            recipients=[assignments[0].reviewer.user],
            context={
                "references": [a.application.reference for a in assignments],
                "url": reverse("reviews:reviewer_dashboard"),
            },
        )
