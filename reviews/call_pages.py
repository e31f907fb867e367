"""Pages of running a call that belong to review and selection: the reviewer pool and the
confirmation page of announcing the results. (Kept apart from ``reviews/views`` while that
module is being split into a package; they join it afterwards.)"""

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application
from programs.selectors import get_call_for_manager

from . import selectors
from .forms import PoolForm
from .models import Reviewer
from .pool import POOL_PHASES, pool_set
from .services import missing_reviews


@login_required
def cycle_pool(request, cycle_pk: int):
    """The call's reviewer pool (managers of the call's program; anyone else gets 404)."""
    cycle = get_call_for_manager(request.user, cycle_pk)
    reviewers = Reviewer.objects.filter(is_active=True).select_related("user")
    pool_ids = set(cycle.reviewer_pool.values_list("reviewer_id", flat=True))
    form = PoolForm(request.POST or None, reviewers=reviewers, pool_ids=pool_ids)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                added, removed = pool_set(
                    cycle=cycle, actor=request.user, reviewers=form.reviewers()
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Reviewer pool saved: %(added)d invited, %(removed)d removed.")
                    % {"added": len(added), "removed": len(removed)},
                )
                return redirect("reviews:cycle_pool", cycle_pk=cycle.pk)
        status = 400
    return render(
        request,
        "reviews/manage/pool.html",
        {
            "cycle": cycle,
            "form": form,
            "has_pool": bool(pool_ids),
            "editable": cycle.phase in POOL_PHASES,
        },
        status=status,
    )


def announcement_audience(cycle) -> dict[str, int]:
    """What announcing tells whom: decided applications per outcome, their companies and
    the active members of those companies (who are e-mailed), in three queries."""
    decided = Application.objects.filter(cycle=cycle, status__in=DECIDED)
    counts = dict(decided.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    companies = decided.values("company_id").distinct()
    people = (
        get_user_model()
        .objects.filter(memberships__company__in=companies, is_active=True)
        .distinct()
        .count()
    )
    return {
        "selected": counts.get(ApplicationStatus.SELECTED, 0),
        "waitlisted": counts.get(ApplicationStatus.WAITLISTED, 0),
        "rejected": counts.get(ApplicationStatus.REJECTED, 0),
        "companies": companies.count(),
        "people": people,
    }


@login_required
def announce_confirm(request, cycle_pk: int):
    """What announcing will do and to whom, with counts; its form posts to
    ``reviews:announce`` (the announcing service)."""
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    if not rules.has_perm("reviews.announce_results", request.user, cycle):
        raise Http404
    return render(
        request,
        "reviews/manage/announce_confirm.html",
        {
            "cycle": cycle,
            "audience": announcement_audience(cycle),
            "readiness": selectors.announcement_readiness(cycle),
            "early": timezone.now() < cycle.announce_at,
            "overrides": selectors.overrides_of(cycle),
            "missing_reviews": missing_reviews(cycle),
        },
    )
