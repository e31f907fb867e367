"""Writes of the reviews domain: keyword-only services taking the acting user, each in one
transaction, with their side effects in the docstring.

By sub-domain: ``reviewing`` (pledges, conflicts, screening, reviews), ``assigning``
(reviewer assignment), ``selection`` (decisions, approvals, announcement). Callers import
from ``reviews.services``.
"""

from .announcing import (
    announcement_run_process,
    announcement_run_step,
    announcement_runs_resume,
)
from .assigning import (
    AssignmentsIncomplete,
    assignment_add,
    assignment_propose,
    assignment_remove,
    assignments_confirm,
)
from .exporting import export_build, export_request, exports_sweep_expired
from .guards import StaleDecision, missing_reviews, passed_over
from .reviewing import (
    HUB_PHASE_MOVES,
    ReviewLocked,
    applications_screen_in,
    assignment_decline,
    conflict_declare,
    conflict_withdraw,
    cycle_advance,
    pledge_accept,
    review_reopen,
    review_save,
    review_submit,
)
from .selection import (
    DecisionOutcome,
    QuotaExceeded,
    cycle_announce,
    decisions_approval_withdraw,
    decisions_approve,
    decisions_set,
    decisions_set_one,
    results_notify,
)

__all__ = [
    "HUB_PHASE_MOVES",
    "AssignmentsIncomplete",
    "DecisionOutcome",
    "QuotaExceeded",
    "ReviewLocked",
    "StaleDecision",
    "announcement_run_process",
    "announcement_run_step",
    "announcement_runs_resume",
    "applications_screen_in",
    "assignment_add",
    "assignment_decline",
    "assignment_propose",
    "assignment_remove",
    "assignments_confirm",
    "conflict_declare",
    "conflict_withdraw",
    "cycle_advance",
    "cycle_announce",
    "decisions_approval_withdraw",
    "decisions_approve",
    "decisions_set",
    "decisions_set_one",
    "export_build",
    "export_request",
    "exports_sweep_expired",
    "missing_reviews",
    "passed_over",
    "pledge_accept",
    "results_notify",
    "review_reopen",
    "review_save",
    "review_submit",
]
