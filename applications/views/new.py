"""A new application: the empty form until the first save creates the draft, and the
autosave that creates it and then continues on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from programs.selectors import cycles_public
from programs.services import TransitionError

from .. import selectors, services
from ..forms import step_form_class
from ..models import Application
from ..requirements import COMPANY, PROJECT, STEP_SLUGS, TRACK
from ._common import _steps_context
from .wizard import application_autosave, application_edit

# --- A new application: the empty form until the first save ------------------------------
#
# Choosing the company opens the form of an application that does not exist yet: the draft
# is created by the first save (a button or the autosave), never by the choice itself, so
# that nothing untitled piles up on the dashboard. A live application of the company in the
# call is used instead wherever one exists (a teammate or another tab saved first).

NEW_STEPS = (COMPANY.slug, PROJECT.slug, TRACK.slug)


def _new_target(request, cycle: int, company: int):
    """(cycle, company, the live application or None); 404 for a company the user is not a
    member of or a call that is not public."""
    cycle_obj = get_object_or_404(cycles_public().select_related("program"), pk=cycle)
    company_obj = get_object_or_404(selectors.companies_of(request.user), pk=company)
    return cycle_obj, company_obj, selectors.live_application_for(company_obj, cycle_obj)


def new_application_urls(cycle: int, company: int, step: str) -> dict:
    return {
        "edit": reverse("applications:new", args=[cycle, company, step]),
        "autosave": reverse("applications:new_autosave", args=[cycle, company, step]),
    }


@login_required
def application_new(request, cycle: int, company: int, step: str):
    """A step of the application not started yet (company, project, program section)."""
    if step not in STEP_SLUGS:
        raise Http404
    cycle_obj, company_obj, existing = _new_target(request, cycle, company)
    if existing is not None:
        if request.method == "POST" and step_form_class(step, existing.track) is not None:
            return application_edit(request, existing.pk, step)
        return redirect("applications:edit", pk=existing.pk, step=step)
    if step not in NEW_STEPS:
        messages.info(
            request, _("Save your first answers to start the draft; then add its documents.")
        )
        return redirect("applications:new", cycle=cycle, company=company, step=PROJECT.slug)
    if not cycle_obj.is_accepting_applications():
        messages.error(request, _("This call is not accepting applications."))
        return redirect(cycle_obj)
    application = Application(company=company_obj, cycle=cycle_obj)
    form_class = step_form_class(step, application.track)
    if form_class is not None and request.method == "POST":
        form = form_class(request.POST, application=application)
        form.is_valid()
        if "version" not in form.errors:
            saved = _first_save(request, form, cycle_obj, company_obj)
            if saved is not None:
                # Saved like any later save: errors shown, then on to the chosen step.
                return application_edit(request, saved.pk, step)
        action = request.POST.get("action")
        if action in ("continue", "back"):
            step = STEP_SLUGS[STEP_SLUGS.index(step) + (1 if action == "continue" else -1)]
        else:
            messages.info(
                request, _("Nothing to save yet: the draft starts with your first answer.")
            )
        return redirect("applications:new", cycle=cycle, company=company, step=step)
    context = _new_steps_context(application, step)
    if form_class is None:
        return render(
            request, "applications/edit/company.html", {"application": application, **context}
        )
    return render(
        request,
        "applications/edit/answers.html",
        {
            "application": application,
            "form": form_class(application=application),
            "autosave": True,
            "autosave_url": new_application_urls(cycle, company, step)["autosave"],
            "unsaved": True,
            **context,
        },
    )


def _first_save(request, form, cycle, company) -> Application | None:
    """Create the draft with the form's valid answers (``None`` when nothing was typed). If
    the company has a live application by now, it is returned unchanged and the caller
    saves into it as usual (which shows a conflict, or that it was submitted)."""
    try:
        application, _created = services.application_first_save(
            company=company,
            cycle=cycle,
            actor=request.user,
            data=form.answers(),
            expected_version=form.cleaned_data["version"],
        )
    except (services.StaleVersion, services.NotEditable):
        return selectors.live_application_for(company, cycle)
    return application


def _new_steps_context(application: Application, step: str) -> dict:
    def url(slug: str) -> str:
        # The documents and the last step need the draft: no link before the first save.
        if slug not in NEW_STEPS:
            return ""
        return new_application_urls(application.cycle_id, application.company_id, slug)["edit"]

    return _steps_context(application, step, [], url=url)


def application_new_autosave(request, cycle: int, company: int, step: str):
    """htmx: the autosave of a new application. The first one creates the draft and tells
    the page where the draft's own autosave is (``#draft-created``); later ones continue
    on the draft."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if step not in NEW_STEPS:
        raise Http404
    if not request.user.is_authenticated:
        return render(request, "applications/edit/_autosave.html", {"state": "expired"}, status=401)
    cycle_obj, company_obj, existing = _new_target(request, cycle, company)
    application = existing
    if application is None:
        unsaved = Application(company=company_obj, cycle=cycle_obj)
        form_class = step_form_class(step, unsaved.track)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, application=unsaved)
        form.is_valid()
        if "version" in form.errors:
            return render(
                request, "applications/edit/_autosave.html", {"state": "error"}, status=400
            )
        try:
            application = _first_save(request, form, cycle_obj, company_obj)
        except TransitionError:
            return render(
                request, "applications/edit/_autosave.html", {"state": "error"}, status=400
            )
        if application is None:
            return HttpResponse(status=204)  # nothing typed yet: nothing to create
    response = application_autosave(request, application.pk, step)
    if response.status_code == 200:
        response.content += render_to_string(
            "applications/edit/_draft_created.html",
            {
                "autosave_url": reverse("applications:autosave", args=[application.pk, step]),
                "edit_url": reverse("applications:edit", args=[application.pk, step]),
            },
        ).encode()
    return response
