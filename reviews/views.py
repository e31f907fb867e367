"""Pages of review and selection. Sections: the managers' hub, then the reviewing side
(reviewers, screening, assignment), then the selection side (ranking, decisions,
approvals, announcement, dashboard, exports)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors

# --- Managers' hub -----------------------------------------------------------------------


@login_required
def manage_cycles(request):
    cycles = selectors.cycles_managed_by(request.user)
    return render(request, "reviews/manage/cycles.html", {"cycles": cycles})


@login_required
def manage_cycle(request, cycle_pk: int):
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    return render(request, "reviews/manage/cycle.html", {"cycle": cycle})


# =========================================================================================
# Reviewing: reviewers, screening, assignment
# =========================================================================================


# =========================================================================================
# Selection: ranking, decisions, approvals, announcement, dashboard, exports
# =========================================================================================
