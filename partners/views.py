"""Partner pages (/partner/...): a partner user's calls, agreement, proposals, interest,
entries and conflicts; a company's partner contacts after the announcement; the managers'
partner pages. Thin: every rule is in ``selectors`` and ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.downloads import pdf_response
from applications.selectors import answer_sections
from common.exceptions import TransitionError

from . import selectors, services
from .enums import EditState
from .forms import (
    ConflictForm,
    DecisionForm,
    InterestForm,
    InviteForm,
    LinkForm,
    NdaForm,
    PartnerForm,
    entry_form_class,
)
from .models import PartnerInvitation
from .nda import NDA

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- partner users ----------------------------------------------------------------------


@login_required
def home(request):
    partner = selectors.partner_of(request.user)
    return render(
        request,
        "partners/home.html",
        {
            "partner": partner,
            "calls": selectors.calls_for(request.user, partner),
            "entries": selectors.entries_of(partner),
        },
    )


@login_required
def agreement(request, cycle_pk: int):
    partner = selectors.partner_of(request.user)
    cycle = selectors.get_call_for(partner, cycle_pk)
    accepted = partner.ndas.filter(user=request.user, cycle=cycle).first()
    form = NdaForm(request.POST or None)
    if request.method == "POST" and accepted is None and form.is_valid():
        services.nda_accept(actor=request.user, partner=partner, cycle=cycle)
        messages.success(request, _("Thank you: the proposals of this call are open to you."))
        return redirect("partners:call", cycle_pk=cycle.pk)
    return render(
        request,
        "partners/agreement.html",
        {"partner": partner, "cycle": cycle, "nda": NDA, "accepted": accepted, "form": form},
        status=400 if request.method == "POST" and accepted is None else 200,
    )


@login_required
def call(request, cycle_pk: int):
    partner = selectors.partner_of(request.user)
    cycle = selectors.get_call_for(partner, cycle_pk)
    if not selectors.has_accepted_nda(request.user, partner, cycle):
        return redirect("partners:agreement", cycle_pk=cycle.pk)
    proposals = selectors.proposals_visible_to(request.user, cycle=cycle)
    page = _page(request, proposals)
    interests = {
        i.application_id: i for i in partner.interests.filter(application__in=[a.pk for a in page])
    }
    rows = [(proposal, interests.get(proposal.pk)) for proposal in page]
    return render(
        request,
        "partners/call.html",
        {"partner": partner, "cycle": cycle, "page": page, "rows": rows},
    )


@login_required
def proposal(request, pk: int):
    application = selectors.get_proposal_for(request.user, pk)
    partner = selectors.partner_of(request.user)
    interest = selectors.interest_of(partner, application)
    initial = {"level": interest.level, "comment": interest.comment} if interest else None
    form = InterestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.interest_mark(
            actor=request.user,
            application=application,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Your interest is saved; the program managers see it."))
        return redirect("partners:proposal", pk=application.pk)
    revealed = selectors.contact_revealed(application)
    return render(
        request,
        "partners/proposal.html",
        {
            "partner": partner,
            "application": application,
            "answers": answer_sections(application),
            "documents": application.documents.order_by("kind", "pk"),
            "form": form,
            "interest": interest,
            "contacts": selectors.company_contact(application) if revealed else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def proposal_document(request, pk: int, document: int):
    application = selectors.get_proposal_for(request.user, pk)
    document_obj = get_object_or_404(application.documents, pk=document)
    # The partner reads the document, not the file's metadata (authors, software).
    return pdf_response(document_obj.file, document_obj.neutral_name, strip_metadata=True)


@login_required
@require_POST
def proposal_conflict(request, pk: int):
    application = selectors.get_proposal_for(request.user, pk)
    partner = selectors.partner_of(request.user)
    services.conflict_declare(
        actor=request.user,
        partner=partner,
        company=application.company,
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Conflict declared: this company's proposals are hidden from you."))
    return redirect("partners:call", cycle_pk=application.cycle_id)


@login_required
def conflicts(request):
    partner = selectors.partner_of(request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare_by_number(
                actor=request.user,
                partner=partner,
                business_number=form.cleaned_data["business_number"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded. A company with this number, if it applies, is hidden from you."),
            )
            return redirect("partners:conflicts")
    return render(
        request,
        "partners/conflicts.html",
        {
            "partner": partner,
            "form": form,
            "conflicts": partner.conflicts.select_related("company").order_by("-declared_at"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def entry_edit(request, pk: int | None = None):
    partner = selectors.partner_of(request.user)
    entry = selectors.get_entry_for(request.user, pk) if pk is not None else None
    form_class = entry_form_class(partner.entry_kind)
    initial = None
    if entry is not None:
        item = entry.item
        initial = {name: getattr(item, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_propose(
                actor=request.user, partner=partner, data=form.cleaned_data, entry=entry
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request, _("Sent for approval: it is published once a program manager approves it.")
            )
            return redirect("partners:home")
    history = entry.edits.select_related("proposed_by", "decided_by") if entry else []
    return render(
        request,
        "partners/entry_form.html",
        {"partner": partner, "entry": entry, "form": form, "history": history},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def invitation(request, token: str):
    invitation_obj = get_object_or_404(PartnerInvitation, token=token)
    if request.method == "POST":
        try:
            services.partner_invitation_accept(invitation=invitation_obj, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("Welcome: you are now a user of %(partner)s.")
                % {"partner": invitation_obj.partner.name},
            )
            return redirect("partners:home")
    return render(request, "partners/invitation.html", {"invitation": invitation_obj})


# --- companies: their partner after the announcement -----------------------------------------


@login_required
def matches(request):
    rows = [
        (application, selectors.partner_of_application(application))
        for application in selectors.matches_of_company_member(request.user)
    ]
    return render(request, "partners/matches.html", {"rows": rows})


# --- managers -----------------------------------------------------------------------------


def _manager_or_404(request) -> None:
    if not request.user.has_perm("partners.manage_partners"):
        raise Http404


@login_required
def manage(request):
    _manager_or_404(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error("kind", str(error))
        except ValidationError as error:
            _errors(form, error)
        else:
            return redirect("partners:manage_partner", pk=partner.pk)
    return render(
        request,
        "partners/manage/list.html",
        {
            "partners": selectors.partners_managed_by(request.user).order_by("name"),
            "edits": selectors.edits_to_approve(request.user),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def manage_partner(request, pk: int):
    _manager_or_404(request)
    partner = selectors.get_managed_partner(request.user, pk)
    linking = request.method == "POST" and "item" in request.POST
    link_form = LinkForm(request.POST if linking else None, partner=partner)
    if linking and link_form.is_valid():
        services.entry_link(
            actor=request.user, partner=partner, item=link_form.cleaned_data["item"]
        )
        messages.success(request, _("The entry now belongs to %(partner)s.") % {"partner": partner})
        return redirect("partners:manage_partner", pk=partner.pk)
    form = InviteForm(request.POST if request.method == "POST" and not linking else None)
    if request.method == "POST" and not linking and form.is_valid():
        try:
            services.partner_invite(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("partners:manage_partner", pk=partner.pk)
    return render(
        request,
        "partners/manage/partner.html",
        {
            "partner": partner,
            "form": form,
            "link_form": link_form,
            "members": partner.memberships.select_related("user"),
            "invitations": partner.invitations.filter(accepted_at__isnull=True),
            "entries": selectors.entries_of(partner),
            "edits": partner.edits.select_related("proposed_by", "decided_by")[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def manage_edit(request, pk: int):
    _manager_or_404(request)
    edit = selectors.get_edit_for_manager(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_edit_decide(
                actor=request.user,
                edit=edit,
                approve=request.POST.get("decision") == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _errors(form, error)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Decision saved."))
            return redirect("partners:manage")
    current = edit.entry.item if edit.entry else None
    labels = {name: field.label for name, field in entry_form_class(edit.kind).base_fields.items()}
    rows = [
        (labels.get(name, name), getattr(current, name, "") if current else "", value)
        for name, value in edit.data.items()
    ]
    return render(
        request,
        "partners/manage/edit.html",
        {
            "edit": edit,
            "rows": rows,
            "form": form,
            "pending": edit.state == EditState.PENDING,
        },
        status=400 if request.method == "POST" else 200,
    )
