"""Company, team and invitation pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import (
    CompanyForm,
    InvitationForm,
)
from ..models import Invitation, Membership
from ._common import _safe_cycle


@login_required
def company_create(request):
    cycle = _safe_cycle(request)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(company)s has been created.") % {"company": company})
            if cycle is not None:
                return redirect("applications:start", cycle=cycle.pk)
            return redirect(company)
    return render(
        request, "applications/company_form.html", {"form": form, "cycle": cycle, "company": None}
    )


@login_required
def company_edit(request, pk: int):
    company = selectors.get_company_for(request.user, pk)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The company profile has been saved."))
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect(company)
    return render(
        request,
        "applications/company_form.html",
        {"form": form, "company": company, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@login_required
def company_detail(request, pk: int):
    company = selectors.get_company_for(request.user, pk)
    is_owner = request.user.has_perm("applications.manage_team", company)
    return render(
        request,
        "applications/company_detail.html",
        {
            "company": company,
            "members": selectors.members_of(company),
            "invitations": selectors.open_invitations_of(company) if is_owner else [],
            "is_owner": is_owner,
            "invite_form": InvitationForm(),
            "applications": selectors.applications_of_member(request.user).filter(company=company),
        },
    )


@login_required
@require_POST
def invitation_create(request, pk: int):
    company = selectors.get_company_for(request.user, pk)
    if not request.user.has_perm("applications.manage_team", company):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                company=company,
                actor=request.user,
                email=form.cleaned_data["email"],
                language=get_language() or "en",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(company)


@login_required
@require_POST
def invitation_revoke(request, pk: int, invitation: int):
    company = selectors.get_company_for(request.user, pk)
    invitation_obj = get_object_or_404(company.invitations, pk=invitation)
    services.invitation_revoke(invitation=invitation_obj, actor=request.user)
    messages.success(request, _("The invitation has been cancelled."))
    return redirect(company)


@login_required
@require_POST
def membership_remove(request, pk: int, membership: int):
    company = selectors.get_company_for(request.user, pk)
    membership_obj = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership, company=company
    )
    try:
        services.membership_remove(membership=membership_obj, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s has been removed from the team.") % {"user": membership_obj.user},
        )
    return redirect(company)


def invitation_accept(request, token: str):
    """Anyone with the link sees whom it is for; accepting needs that very account."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("company", "invited_by"), token=token
    )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(invitation=invitation, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("Welcome to the team of %(company)s.") % {"company": membership.company},
            )
            return redirect(membership.company)
    email_matches = (
        request.user.is_authenticated
        and request.user.emailaddress_set.filter(
            email__iexact=invitation.email, verified=True
        ).exists()
    )
    return render(
        request,
        "applications/invitation.html",
        {
            "invitation": invitation,
            "email_matches": email_matches,
            "already_member": request.user.is_authenticated
            and invitation.company.memberships.filter(user=request.user).exists(),
            "status_open": invitation.is_open,
        },
    )
