"""The applicant's dashboard, starting an application, the application page, withdrawing
and deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from programs.selectors import cycles_accepting, cycles_public

from .. import selectors, services
from ..forms import (
    StartForm,
    WithdrawForm,
)
from ._common import _continue_url

# --- Dashboard and starting -------------------------------------------------------------


@login_required
def dashboard(request):
    applications = selectors.dashboard_applications_of(request.user)
    return render(
        request,
        "applications/dashboard.html",
        {
            "applications": applications,
            "companies": selectors.companies_of(request.user).order_by("name_en"),
            "open_cycles": cycles_accepting().order_by("closes_at"),
        },
    )


@login_required
def application_start(request, cycle: int):
    """Choose the company and open the empty application form (the first save creates
    the draft); a second attempt leads to the existing application."""
    cycle_obj = get_object_or_404(cycles_public(), pk=cycle)
    companies = selectors.companies_of(request.user).order_by("name_en")
    if not companies.exists():
        messages.info(request, _("First tell us about your company; then you can apply."))
        return redirect(f"{reverse('applications:company_create')}?cycle={cycle_obj.pk}")
    if request.method == "POST":
        form = StartForm(request.POST, companies=companies)
        if form.is_valid():
            company = form.cleaned_data["company"]
            application = selectors.live_application_for(company, cycle_obj)
            if application is not None:
                messages.info(
                    request,
                    _("%(company)s already has an application to this call; here it is.")
                    % {"company": application.company},
                )
                return redirect(_continue_url(application))
            if not cycle_obj.is_accepting_applications():
                messages.error(request, _("This call is not accepting applications."))
                return redirect(cycle_obj)
            # The empty form: the draft is created by the first save, not by this choice.
            return redirect(
                "applications:new", cycle=cycle_obj.pk, company=company.pk, step="company"
            )
    else:
        if companies.count() == 1:
            existing = selectors.live_application_for(companies.first(), cycle_obj)
            if existing is not None:
                return redirect(_continue_url(existing))
        form = StartForm(companies=companies, initial={"company": companies.first()})
    return render(request, "applications/start.html", {"cycle": cycle_obj, "form": form})


# --- The application page ---------------------------------------------------------------


@login_required
def application_detail(request, pk: int):
    application = selectors.get_application_for(request.user, pk)
    user = request.user
    if not user.has_perm("applications.view_application_page", application):
        # A reviewer: their page of the application is the review page.
        return redirect("reviews:reviewer_application", application=application.pk)
    view = selectors.application_view_for(user, application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "status": view.status,
            "show_result": view.show_result,
            "result_note": view.result_note,
            "documents": selectors.documents_of(application),
            "timeline": view.timeline,
            "consents": application.consents.select_related("user"),
            "can_edit": user.has_perm("applications.change_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "can_delete": user.has_perm("applications.delete_application", application),
            "answers": selectors.answer_sections(application),
            "question_answers": selectors.question_answers_for(user, application),
        },
    )


@login_required
def application_withdraw(request, pk: int):
    application = selectors.get_application_for(
        request.user, pk, perm="applications.withdraw_application"
    )
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect(application)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
def application_delete(request, pk: int):
    application = selectors.get_application_for(
        request.user, pk, perm="applications.delete_application"
    )
    if request.method == "POST":
        services.application_delete(application=application, actor=request.user)
        messages.success(request, _("The draft has been deleted."))
        return redirect("applications:dashboard")
    return render(request, "applications/delete.html", {"application": application})
