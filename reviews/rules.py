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


@rules.predicate
def approves_for_an_organisation(user, cycle) -> bool:
    """An active program manager of the cycle's program, who approves the decisions for
    their own organisation (MSS or iPark). A superuser without that profile does not."""
    if cycle is None or not user.is_authenticated:
        return False
    manager = getattr(user, "program_manager", None)
    return (
        manager is not None
        and manager.is_active
        and manager.programs.filter(pk=cycle.program_id).exists()
    )


rules.add_perm("reviews.view_ranking", is_cycle_manager)
rules.add_perm("reviews.decide_applications", is_cycle_manager)
rules.add_perm("reviews.approve_decisions", approves_for_an_organisation)
rules.add_perm("reviews.announce_results", is_cycle_manager)
rules.add_perm("reviews.export_cycle", is_cycle_manager)
