"""Who may do what in review and selection (django-rules).

Pages, the API and the services check these named permissions. Sections: shared
predicates, then the reviewing side (reviewers, screening, assignment), then the
selection side (ranking, decisions, approvals, announcement, dashboard, exports).
"""

import rules

from applications.rules import manages_program

# --- Shared ------------------------------------------------------------------------------


@rules.predicate
def is_cycle_manager(user, cycle) -> bool:
    """A program manager of the cycle's program (superusers count as managers)."""
    return cycle is not None and manages_program(user, cycle.program_id)


rules.add_perm("reviews.manage_cycle", is_cycle_manager)

# =========================================================================================
# Reviewing
# =========================================================================================


# =========================================================================================
# Selection
# =========================================================================================
