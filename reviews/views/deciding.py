"""The decisions page: each outcome's list paginated and filtered (``DecisionFilter``),
and one decision applied to every application matching the filter, across pages, after a
confirmation that states how many."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import Organisation

from .. import selectors, services
from ..filters import DecisionFilter
from ..forms import BulkDecisionForm
from .selection import _codes, _cycle_with_perm, _decision_messages, _guard_context

DECISIONS_PAGE_SIZE = 25
FILTER_PARAMS = ("q", "status", "field")


def _matching(request_data, cycle):
    """The filter of the request and the cycle's ranked applications it matches."""
    base = Application.objects.filter(cycle=cycle, status__in=selectors.RANKED_STATUSES)
    decision_filter = DecisionFilter(request_data, queryset=base)
    return decision_filter, decision_filter.matching()


def _filter_params(data) -> list[tuple[str, str]]:
    """The filter's non-empty parameters alone (no page numbers, no decision)."""
    return [(key, data.get(key)) for key in FILTER_PARAMS if data.get(key)]


def _filter_query(data) -> str:
    return urlencode(_filter_params(data))


def _page_link(data, param: str, number: int) -> str:
    query = data.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


def _status_lists(request, matching) -> list[dict]:
    """Per outcome: a page of its matching applications (two queries each), with links to
    the neighbouring pages that keep the filter and the other lists' pages."""
    lists = []
    for status in selectors.RANKED_STATUS_ORDER:
        param = f"page_{status}"
        queryset = matching.filter(status=status).select_related("company").order_by("reference")
        page = Paginator(queryset, DECISIONS_PAGE_SIZE).get_page(request.GET.get(param))
        lists.append(
            {
                "status": status,
                "label": ApplicationStatus(status).label,
                "page": page,
                "previous": _page_link(request.GET, param, page.number - 1)
                if page.has_previous()
                else "",
                "next": _page_link(request.GET, param, page.number + 1) if page.has_next() else "",
            }
        )
    return lists


@login_required
def decisions(request, cycle_pk: int):
    """The decision list: outcomes (each list paginated, all filtered by one form), the
    quota, both organisations' approvals and the announcement."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    readiness = selectors.announcement_readiness(cycle)
    manager = getattr(request.user, "program_manager", None)
    decision_filter, matching = _matching(request.GET, cycle)
    filter_query = _filter_query(request.GET)
    status_lists = _status_lists(request, matching)
    return render(
        request,
        "reviews/manage/decisions.html",
        {
            "cycle": cycle,
            "filter": decision_filter,
            "filtered": bool(filter_query),
            "filter_query": filter_query,
            "filter_params": _filter_params(request.GET),
            "status_lists": status_lists,
            # Status → the page shown of its list (iterates over its applications).
            "lists": {entry["status"]: entry["page"] for entry in status_lists},
            "selected": selectors.selected_count(cycle),
            "readiness": readiness,
            "history": selectors.approval_history(cycle),
            "organisations": [
                (value, label, readiness.approvals.get(value))
                for value, label in Organisation.choices
            ],
            "my_organisation": manager.organisation if manager is not None else "",
            "can_approve": rules.has_perm("reviews.approve_decisions", request.user, cycle),
            "can_announce": rules.has_perm("reviews.announce_results", request.user, cycle),
            "can_decide": rules.has_perm("reviews.decide_applications", request.user, cycle),
            "bulk_form": BulkDecisionForm(),
            "S": ApplicationStatus,
            **_guard_context(cycle),
        },
    )


@login_required
def decisions_bulk(request, cycle_pk: int):
    """One decision for every application matching the decisions page's filter, on every
    page. GET: the confirmation, with how many applications it changes. POST: applied by
    ``decisions_set`` (all or nothing; the quota, the phase and the guards apply), unless
    the matching applications changed since the confirmation counted them."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.decide_applications")
    data = request.POST if request.method == "POST" else request.GET
    decision_filter, matching = _matching(data, cycle)
    form = BulkDecisionForm(data)
    if not form.is_valid():
        messages.error(request, _("Choose the decision to apply."))
        return redirect(_back(cycle, data))
    decision = form.cleaned_data["decision"]
    ids = list(matching.values_list("pk", flat=True))
    reason_asked = False
    if request.method == "POST":
        if form.cleaned_data["expected"] != len(ids):
            form.add_error(
                None,
                _(
                    "The applications matching the filter changed since you confirmed: "
                    "%(count)d match now. Check the count and confirm again."
                )
                % {"count": len(ids)},
            )
        else:
            try:
                outcome = services.decisions_set(
                    cycle=cycle,
                    applications=ids,
                    decision=decision,
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "messages", [str(error)]))
                reason_asked = "reason_required" in _codes(error)
            else:
                _decision_messages(request, outcome, decision)
                return redirect(_back(cycle, data))
    return render(
        request,
        "reviews/manage/decisions_bulk.html",
        {
            "cycle": cycle,
            "form": form,
            "filter": decision_filter,
            "filter_params": _filter_params(data),
            "filter_query": _filter_query(data),
            "filter_shown": _filter_shown(decision_filter, data),
            "count": len(ids),
            "examples": matching.order_by("reference").values_list("reference", flat=True)[:10],
            "decision_label": ApplicationStatus(decision).label,
            "reason_asked": reason_asked or bool(form.data.get("reason")),
        },
        status=400 if form.errors else 200,
    )


def _filter_shown(decision_filter, data) -> list[tuple]:
    """The filter's conditions as (label, value shown) pairs, for the confirmation."""
    return [
        (
            decision_filter.form.fields[name].label,
            dict(getattr(decision_filter.form.fields[name], "choices", [])).get(value, value),
        )
        for name, value in _filter_params(data)
    ]


def _back(cycle, data) -> str:
    query = _filter_query(data)
    url = reverse("reviews:decisions", kwargs={"cycle_pk": cycle.pk})
    return f"{url}?{query}" if query else url
