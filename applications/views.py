"""Applicant pages: thin views that parse the request, call a service or selector, render.

What the applicant typed is never lost: step forms save what is valid and show the rest
with its error; a stale version is reported with both versions on screen; a POST from an
expired session is kept in the (new) session and restored after logging in again.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import request_arrived_at
from programs.enums import DocumentKind
from programs.selectors import cycles_accepting, cycles_public
from programs.services import TransitionError

from . import selectors, services
from .consent import CONSENT_TEXTS
from .forms import (
    CompanyForm,
    DocumentUploadForm,
    InvitationForm,
    StartForm,
    SubmitForm,
    WithdrawForm,
    step_form_class,
)
from .models import Application, Invitation, Membership
from .pdf_safety import pdf_without_metadata
from .requirements import DOCUMENTS, REVIEW, STEP_SLUGS, STEPS, step_label, submission_problems
from .validators import document_max_bytes

# --- Dashboard and starting -------------------------------------------------------------


@login_required
def dashboard(request):
    applications = selectors.applications_of_member(request.user).order_by("-updated_at", "-pk")
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
    """Choose the company and start a draft; a second attempt leads to the existing one."""
    cycle_obj = get_object_or_404(cycles_public(), pk=cycle)
    companies = selectors.companies_of(request.user).order_by("name_en")
    if not companies.exists():
        messages.info(request, _("First tell us about your company; then you can apply."))
        return redirect(f"{reverse('applications:company_create')}?cycle={cycle_obj.pk}")
    if request.method == "POST":
        form = StartForm(request.POST, companies=companies)
        if form.is_valid():
            try:
                application, created = services.application_start(
                    company=form.cleaned_data["company"], cycle=cycle_obj, actor=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(cycle_obj)
            if not created:
                messages.info(
                    request,
                    _("%(company)s already has an application to this call; here it is.")
                    % {"company": application.company},
                )
            return redirect(_continue_url(application))
    else:
        if companies.count() == 1:
            existing = selectors.live_application_for(companies.first(), cycle_obj)
            if existing is not None:
                return redirect(_continue_url(existing))
        form = StartForm(companies=companies, initial={"company": companies.first()})
    return render(request, "applications/start.html", {"cycle": cycle_obj, "form": form})


def _continue_url(application: Application) -> str:
    if application.is_editable:
        return reverse("applications:edit", kwargs={"pk": application.pk, "step": "company"})
    return application.get_absolute_url()


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
        },
    )


# --- Editing: the multi-step form ---------------------------------------------------------


def _stash_key(pk: int, step: str) -> str:
    return f"applications:unsaved:{pk}:{step}"


def _keep_unsaved_post(request, pk: int, step: str) -> None:
    """Keep a POST from an expired session in the (new) session: logging in keeps the
    session's data, and the step page restores it for the user who may edit it."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    request.session[_stash_key(pk, step)] = data


def _editable_application(request, pk: int) -> Application | HttpResponse:
    """The draft if the user may edit it; a member of a sent-in application is sent to
    its (read-only) page; anyone else gets 404 or 403."""
    application = selectors.get_application_for(request.user, pk)
    if request.user.has_perm("applications.change_application", application):
        return application
    if selectors.companies_of(request.user).filter(pk=application.company_id).exists():
        messages.info(request, _("This application has been submitted and is now read-only."))
        return redirect(application)
    raise PermissionDenied


def _steps_context(application: Application, current: str, problems) -> dict:
    by_step: dict[str, int] = {}
    for problem in problems:
        by_step[problem.step] = by_step.get(problem.step, 0) + 1
    index = STEP_SLUGS.index(current)
    steps = [
        {
            "slug": step.slug,
            "number": number,
            "label": step_label(step, application.track),
            "url": reverse("applications:edit", kwargs={"pk": application.pk, "step": step.slug}),
            "current": step.slug == current,
            "problems": by_step.get(step.slug, 0),
        }
        for number, step in enumerate(STEPS, start=1)
    ]
    return {
        "steps": steps,
        "step": steps[index],
        "previous_step": steps[index - 1] if index else None,
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "progress": round(100 * (index + 1) / len(steps)),
        "problems": problems,
        "accepting": application.cycle.is_accepting_applications(),
    }


def application_edit(request, pk: int, step: str):
    if step not in STEP_SLUGS:
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            _keep_unsaved_post(request, pk, step)
            messages.warning(
                request,
                _(
                    "Your session expired before your changes were saved. Log in again: "
                    "what you typed has been kept and will be back in the form."
                ),
            )
        return redirect_to_login(request.get_full_path())
    application = _editable_application(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form_class = step_form_class(step, application.track)
    if form_class is not None:
        return _answers_step(request, application, step, form_class)
    if step == REVIEW.slug:
        return _review_step(request, application)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    context = _steps_context(application, step, submission_problems(application))
    if step == DOCUMENTS.slug:
        context.update(_documents_context(application, kind=request.GET.get("kind", "")))
    return render(
        request, f"applications/edit/{step}.html", {"application": application, **context}
    )


def _answers_step(request, application: Application, step: str, form_class):
    conflict = None
    restored = False
    if request.method == "POST":
        form = form_class(request.POST, application=application)
        result = _save_answers(request, application, form)
        if result["saved"] and not form.errors:
            request.session.pop(_stash_key(application.pk, step), None)
            messages.success(request, _("Saved."))
            action = request.POST.get("action", "save")
            target = step
            index = STEP_SLUGS.index(step)
            if action == "continue" and index + 1 < len(STEP_SLUGS):
                target = STEP_SLUGS[index + 1]
            elif action == "back" and index > 0:
                target = STEP_SLUGS[index - 1]
            return redirect("applications:edit", pk=application.pk, step=target)
        conflict = result.get("conflict")
        if result["saved"]:
            request.session.pop(_stash_key(application.pk, step), None)
            messages.warning(
                request, _("Saved, except the answers marked below: please correct them.")
            )
        if conflict is not None:
            # Re-bind with the latest version: saving again replaces theirs, knowingly.
            data = request.POST.copy()
            data["version"] = str(conflict["current"].version)
            form = form_class(data, application=conflict["current"])
            form.is_valid()
            application = conflict["current"]
    else:
        stashed = request.session.pop(_stash_key(application.pk, step), None)
        if stashed:
            from django.http import QueryDict

            data = QueryDict(mutable=True)
            for key, values in stashed.items():
                data.setlist(key, values)
            form = form_class(data, application=application)
            form.is_valid()
            restored = True
        else:
            form = form_class(application=application)
    context = _steps_context(application, step, submission_problems(application))
    return render(
        request,
        "applications/edit/answers.html",
        {
            "application": application,
            "form": form,
            "conflict": conflict,
            "restored": restored,
            # Autosaving over someone else's version must be a deliberate click.
            "autosave": conflict is None,
            **context,
        },
        status=409 if conflict is not None else 200,
    )


def _save_answers(request, application: Application, form) -> dict:
    """Validate and save what is valid. Returns {saved, conflict, frozen}."""
    form.is_valid()
    if "version" in form.errors:
        return {"saved": False, "conflict": None}
    try:
        services.application_update(
            application=application,
            actor=request.user,
            data=form.answers(),
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleVersion as stale:
        return {"saved": False, "conflict": _conflict(form, stale.current, frozen=False)}
    except services.NotEditable:
        current = Application.objects.get(pk=application.pk)
        return {"saved": False, "conflict": _conflict(form, current, frozen=True)}
    return {"saved": True, "conflict": None}


def _conflict(form, current: Application, *, frozen: bool) -> dict:
    """What differs between the typed answers and the stored ones, to show side by side."""
    differences = []
    for name in form.Meta.fields:
        if name not in form.cleaned_data:
            continue
        stored = getattr(current, name)
        if stored != form.cleaned_data[name]:
            field = Application._meta.get_field(name)
            shown = getattr(current, f"get_{name}_display")() if field.choices else stored
            differences.append((field.verbose_name, shown))
    return {
        "current": current,
        "by": current.updated_by,
        "at": current.updated_at,
        "differences": differences,
        "frozen": frozen,
    }


def application_autosave(request, pk: int, step: str):
    """htmx: save the step's valid answers as the user types; answer with a small status.

    401 when the session expired (the text stays on the page), 409 for a stale version
    or a submitted application (nothing is overwritten), else 200 with the time saved and
    the new version swapped into the form.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if step not in STEP_SLUGS:
        raise Http404
    if not request.user.is_authenticated:
        _keep_unsaved_post(request, pk, step)
        return render(request, "applications/edit/_autosave.html", {"state": "expired"}, status=401)
    application = selectors.get_application_for(request.user, pk)
    form_class = step_form_class(step, application.track)
    if form_class is None:
        raise Http404
    # A member of a submitted application gets the "frozen" answer below; others nothing.
    is_member = selectors.companies_of(request.user).filter(pk=application.company_id).exists()
    if not is_member:
        raise PermissionDenied
    form = form_class(request.POST, application=application)
    result = _save_answers(request, application, form)
    if result["conflict"] is not None:
        state = "frozen" if result["conflict"]["frozen"] else "conflict"
        return render(
            request,
            "applications/edit/_autosave.html",
            {"state": state, "conflict": result["conflict"]},
            status=409,
        )
    if not result["saved"]:
        return render(request, "applications/edit/_autosave.html", {"state": "error"}, status=400)
    request.session.pop(_stash_key(application.pk, step), None)
    return render(
        request,
        "applications/edit/_autosave.html",
        {
            "state": "saved",
            "application": application,
            "saved_at": application.updated_at,
            "errors": [(form[name].label, form.errors[name]) for name in form.errors],
        },
    )


def _documents_context(application: Application, form=None, kind: str = "") -> dict:
    documents = list(selectors.documents_of(application))
    present = {document.kind for document in documents}
    required = [
        (kind, label, kind in present)
        for kind, label in DocumentUploadForm.base_fields["kind"].choices
        if kind in application.cycle.required_document_kinds
    ]
    if form is None:
        missing = [kind for kind, _label, done in required if not done]
        form = DocumentUploadForm(
            initial={"kind": kind or (missing[0] if missing else DocumentKind.OTHER)}
        )
    return {
        "documents": documents,
        "required": required,
        "upload_form": form,
        "max_bytes": document_max_bytes(),
    }


@require_POST
def document_upload(request, pk: int):
    if not request.user.is_authenticated:
        messages.warning(request, _("Your session expired. Log in again and upload the file."))
        return redirect_to_login(
            reverse("applications:edit", kwargs={"pk": pk, "step": "documents"})
        )
    application = _editable_application(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                application=application,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("Uploaded “%(name)s” as %(kind)s.")
                % {"name": document.original_name, "kind": document.get_kind_display()},
            )
            return redirect("applications:edit", pk=application.pk, step=DOCUMENTS.slug)
    context = _steps_context(application, DOCUMENTS.slug, submission_problems(application))
    context.update(_documents_context(application, form))
    return render(
        request,
        "applications/edit/documents.html",
        {"application": application, **context},
        status=400,
    )


@login_required
def document_download(request, pk: int, document: int):
    document_obj = selectors.get_document_for(request.user, pk, document)
    filename = selectors.document_name_for(request.user, document_obj)
    if request.user.has_perm("applications.view_company_identity", document_obj.application):
        content = document_obj.file.open("rb")
    else:
        # Blind review: the file's metadata (Author, Title, XMP…) would name the company.
        with document_obj.file.open("rb") as original:
            content = io.BytesIO(pdf_without_metadata(original))
    response = FileResponse(
        content, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request, pk: int, document: int):
    document_obj = selectors.get_document_for(request.user, pk, document)
    if not request.user.has_perm("applications.change_document", document_obj):
        raise PermissionDenied
    services.document_delete(document=document_obj, actor=request.user)
    messages.success(request, _("Deleted “%(name)s”.") % {"name": document_obj.original_name})
    return redirect("applications:edit", pk=pk, step=DOCUMENTS.slug)


def _review_step(request, application: Application):
    now = request_arrived_at(request)  # the deadline is judged by when the request arrived
    refused = None
    if request.method == "POST":
        form = SubmitForm(request.POST)
        try:
            services.application_submit(
                application=application, actor=request.user, consents=form.consents(), now=now
            )
        except services.SubmissionRefused as error:
            refused = error
            for kind in error.missing_consents:
                form.add_error(
                    f"consent_{kind}", _("Tick this box to give your consent; it is required.")
                )
        except TransitionError as error:
            # Someone (or this same person, in another tab or a double click) submitted
            # first: say so and show the application as it is now.
            application.refresh_from_db()
            if application.reference:
                messages.info(
                    request,
                    _(
                        "This application has already been submitted. "
                        "Its reference is %(reference)s."
                    )
                    % {"reference": application.reference},
                )
            else:
                messages.error(request, " ".join(error.messages))
            return redirect(application)
        else:
            messages.success(
                request,
                _(
                    "Your application has been submitted. Its reference is %(reference)s; "
                    "every member of %(company)s receives a receipt."
                )
                % {"reference": application.reference, "company": application.company},
            )
            return redirect(application)
    else:
        form = SubmitForm()
    problems = refused.problems if refused else submission_problems(application)
    context = _steps_context(application, REVIEW.slug, problems)
    return render(
        request,
        "applications/edit/review.html",
        {
            "application": application,
            "form": form,
            "refused": refused,
            "answers": selectors.answer_sections(application),
            "documents": selectors.documents_of(application),
            "consent_texts": CONSENT_TEXTS,
            **context,
        },
        status=400 if refused else 200,
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


# --- Companies and teams ----------------------------------------------------------------


def _safe_cycle(request):
    raw = request.GET.get("cycle") or request.POST.get("cycle")
    if raw and raw.isdigit():
        return cycles_public().filter(pk=int(raw)).first()
    return None


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
        services.company_update(company=company, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The company profile has been saved."))
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect(company)
    return render(
        request,
        "applications/company_form.html",
        {"form": form, "company": company, "next": request.GET.get("next", "")},
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
