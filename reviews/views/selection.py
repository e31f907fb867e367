"""Pages of the selection side: ranking, decisions, approvals, announcement, dashboard,
exports."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications.enums import ApplicationStatus
from common.storage import open_for_streaming
from partners.selectors import interest_labels

from .. import exports, scoring, selectors, services
from ..enums import DECISION_PHASES, ExportStatus
from ..forms import (
    DecisionForm,
    RankingFilterForm,
)
from ..models import ExportFile

RANKING_PAGE_SIZE = 100
# The figures the ranking's help panel quotes, from the module that computes them.
FORMULA_CONSTANTS = {
    "threshold": scoring.DISAGREEMENT_THRESHOLD,
    "centre": scoring.NORMALISED_CENTRE,
    "scale": scoring.NORMALISED_SCALE,
}


def _cycle_with_perm(request, cycle_pk: int, perm: str):
    """The cycle if the user manages it and ``perm`` allows it, else 404. The rule itself
    decides, without Django's superuser shortcut: a superuser has no organisation to
    approve for."""
    cycle = selectors.get_cycle_for_manager(request.user, cycle_pk)
    if not rules.has_perm(perm, request.user, cycle):
        raise Http404
    return cycle


def _sort_links(query: QueryDict, sort: str, descending: bool | None) -> dict[str, str]:
    """Column → query string sorting by it; clicking the sorted column reverses it."""
    links = {}
    for column in selectors.RANKING_SORTS:
        params = query.copy()
        params.pop("page", None)
        params["sort"] = "" if column == "rank" else column
        natural = column in selectors.RANKING_SORT_DEFAULT_DESCENDING
        current = descending if descending is not None else natural
        if (sort or "rank") == column:
            params["order"] = "asc" if current else "desc"
        else:
            params.pop("order", None)
        links[column] = params.urlencode()
    return links


@login_required
def ranking(request, cycle_pk: int):
    """The cycle's ranking with decisions per row and in bulk (POST, then back here with
    the same filters). A refused decision re-renders the page with what was ticked.

    Over 60 lines on purpose: the filter form, the page, the POST of decisions and the
    re-rendering with what was ticked share their context; the decisions themselves are
    one service call.
    """
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    track_items = selectors.track_items_of(cycle)
    filters = RankingFilterForm(request.GET or None, track_items=track_items)
    sort = filters.value("sort")
    descending = filters.descending
    rows = selectors.ranking_queryset(
        cycle,
        field=filters.value("field"),
        status=filters.value("status"),
        item=filters.value("item"),
        sort=sort,
        descending=descending,
    )
    decision_form = None
    reason_asked = False
    if request.method == "POST":
        if not rules.has_perm("reviews.decide_applications", request.user, cycle):
            raise Http404
        decision_form = DecisionForm(request.POST, application_ids=selectors.ranked_ids(cycle))
        if decision_form.is_valid():
            try:
                outcome = services.decisions_set(
                    cycle=cycle,
                    applications=decision_form.cleaned_data["applications"],
                    decision=decision_form.cleaned_data["decision"],
                    note=decision_form.cleaned_data["note"],
                    reason=decision_form.cleaned_data["reason"],
                    versions=decision_form.versions(),
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                decision_form.add_error(None, getattr(error, "messages", [str(error)]))
                reason_asked = "reason_required" in _codes(error)
            else:
                _decision_messages(request, outcome, decision_form.cleaned_data["decision"])
                return redirect(request.get_full_path())
    paginator = Paginator(rows, RANKING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.ranking_rows(cycle, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    ticked = set(decision_form.data.getlist("applications")) if decision_form else set()
    return render(
        request,
        "reviews/manage/ranking.html",
        {
            "cycle": cycle,
            "page": page,
            "rows": page.object_list,
            "total": paginator.count,
            "filters": filters,
            "filtered": any(filters.value(name) for name in ("field", "status", "item")),
            "sort": sort or "rank",
            "descending": descending
            if descending is not None
            else (sort in selectors.RANKING_SORT_DEFAULT_DESCENDING),
            "sort_links": _sort_links(request.GET, sort, descending),
            "query": query.urlencode(),
            "decision_form": decision_form or DecisionForm(application_ids=[]),
            "ticked": ticked,
            "reason_asked": reason_asked,
            "selected": selectors.selected_count(cycle),
            "readiness": selectors.announcement_readiness(cycle),
            "announced": cycle.results_announced,
            "deciding": cycle.phase in DECISION_PHASES,
            "can_decide": rules.has_perm("reviews.decide_applications", request.user, cycle),
            "formula": FORMULA_CONSTANTS,
            "S": ApplicationStatus,
            # Its own column, no part of the score (issue 16).
            "partner_interest": interest_labels([row.application.pk for row in page]),
        },
        status=400 if decision_form is not None and decision_form.errors else 200,
    )


def _codes(error) -> set[str]:
    return {getattr(item, "code", "") or "" for item in getattr(error, "error_list", [])}


def _decision_messages(request, outcome, decision: str) -> None:
    label = ApplicationStatus(decision).label
    if outcome.changed:
        messages.success(
            request,
            ngettext(
                "%(count)d application is now “%(status)s”: %(references)s.",
                "%(count)d applications are now “%(status)s”: %(references)s.",
                len(outcome.changed),
            )
            % {
                "count": len(outcome.changed),
                "status": label,
                "references": ", ".join(a.reference for a in outcome.changed),
            },
        )
    else:
        messages.info(request, _("Nothing changed: already “%(status)s”.") % {"status": label})
    if outcome.approvals_withdrawn:
        messages.warning(
            request,
            _(
                "The decisions changed, so the approvals of %(organisations)s were withdrawn: "
                "they must approve again before the results can be announced."
            )
            % {
                "organisations": ", ".join(
                    approval.get_organisation_display() for approval in outcome.approvals_withdrawn
                )
            },
        )


def _guard_context(cycle) -> dict:
    """What approvers and the announcer read: every override, the applications still
    lacking their reviews without one, and the background announcement's progress."""
    overrides = selectors.overrides_of(cycle)
    return {
        "overrides": overrides,
        "overrides_seen": max((o.pk for o in overrides), default=0),
        "missing_reviews": services.missing_reviews(cycle),
        "run": selectors.announcement_run_of(cycle),
    }


@login_required
def announcement_progress(request, cycle_pk: int):
    """The background announcement's progress (polled by the decisions page)."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    return render(
        request,
        "reviews/manage/_announcement_progress.html",
        {"cycle": cycle, "run": selectors.announcement_run_of(cycle)},
    )


def _service_action(request, cycle_pk: int, perm: str, call, success) -> HttpResponse:
    cycle = _cycle_with_perm(request, cycle_pk, perm)
    try:
        result = call(cycle=cycle, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, success(result))
    return redirect("reviews:decisions", cycle_pk=cycle.pk)


def _seen(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_POST
def decisions_approve(request, cycle_pk: int):
    """Approve for one's organisation; the page sends the override reason (when
    applications lack their reviews) and the last override it showed."""
    return _service_action(
        request,
        cycle_pk,
        "reviews.approve_decisions",
        lambda cycle, actor: services.decisions_approve(
            cycle=cycle,
            actor=actor,
            override_reason=request.POST.get("override_reason", "")[:2000],
            overrides_seen=_seen(request.POST.get("overrides_seen")),
        ),
        lambda approval: (
            _("You approved the decisions for %(organisation)s.")
            % {"organisation": approval.get_organisation_display()}
        ),
    )


@login_required
@require_POST
def decisions_approval_withdraw(request, cycle_pk: int):
    return _service_action(
        request,
        cycle_pk,
        "reviews.approve_decisions",
        services.decisions_approval_withdraw,
        lambda approval: (
            _("The approval of %(organisation)s was withdrawn.")
            % {"organisation": approval.get_organisation_display()}
            if approval is not None
            else _("There was no approval to withdraw.")
        ),
    )


@login_required
@require_POST
def announce(request, cycle_pk: int):
    """Announce from the confirmation page (override reason, early confirmation); a
    refusal goes back to that page with its reasons, success to the decisions page where
    the background run's progress shows."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.announce_results")
    try:
        services.cycle_announce(
            cycle=cycle,
            actor=request.user,
            override_reason=request.POST.get("override_reason", "")[:2000],
            confirm_early=request.POST.get("confirm_early") == "on",
        )
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect("reviews:announce_confirm", cycle_pk=cycle.pk)
    messages.success(
        request,
        _(
            "The results are announced: every applicant can now read their result. Their "
            "teams are being notified in the background; the progress shows below."
        ),
    )
    return redirect("reviews:decisions", cycle_pk=cycle.pk)


@login_required
def dashboard(request, cycle_pk: int):
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.view_ranking")
    return render(
        request,
        "reviews/manage/dashboard.html",
        {"cycle": cycle, "board": selectors.cycle_dashboard(cycle)},
    )


@login_required
def export(request, cycle_pk: int, kind: str, fmt: str):
    """The ranking or the application list of the cycle as CSV, streamed: the byte-order
    mark and the header at once, then the rows in chunks (``exports.csv_lines``)."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.export_cycle")
    table = exports.table_of(cycle, kind)
    return exports.csv_response(table, filename=f"{cycle.program.slug}-{cycle.code}-{kind}.csv")


@login_required
@require_POST
def export_start(request, cycle_pk: int, kind: str):
    """Ask for the .xlsx export; it is built in the background, its page shows progress."""
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.export_cycle")
    export_file = services.export_request(
        cycle=cycle, kind=kind, actor=request.user, language=request.LANGUAGE_CODE
    )
    return redirect("reviews:export_detail", cycle_pk=cycle.pk, export_pk=export_file.pk)


def _export_for(request, cycle_pk: int, export_pk: int):
    cycle = _cycle_with_perm(request, cycle_pk, "reviews.export_cycle")
    export_file = get_object_or_404(
        ExportFile.objects.select_related("cycle__program"), pk=export_pk, cycle=cycle
    )
    return cycle, export_file


@login_required
def export_detail(request, cycle_pk: int, export_pk: int):
    """An export's progress (polled with htmx while it is built) and its download link."""
    cycle, export_file = _export_for(request, cycle_pk, export_pk)
    context = {"cycle": cycle, "export": export_file, "expired": export_file.is_expired()}
    if request.htmx:
        return render(request, "reviews/manage/_export_progress.html", context)
    context["others"] = [
        other for other in selectors.downloadable_exports(cycle) if other.pk != export_file.pk
    ]
    return render(request, "reviews/manage/export.html", context)


@login_required
def export_download(request, cycle_pk: int, export_pk: int):
    """The built file, streamed from storage to the cycle's managers; 410 once expired."""
    cycle, export_file = _export_for(request, cycle_pk, export_pk)
    if export_file.is_expired():
        context = {"cycle": cycle, "export": export_file, "expired": True}
        return render(request, "reviews/manage/export.html", context, status=410)
    if export_file.status != ExportStatus.READY:
        return redirect("reviews:export_detail", cycle_pk=cycle.pk, export_pk=export_file.pk)
    content, length = open_for_streaming(export_file.file.storage, export_file.file.name)
    response = FileResponse(
        content,
        as_attachment=True,
        filename=export_file.filename,
        content_type=exports.XLSX_CONTENT_TYPE,
    )
    if length is not None:
        response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    return response
