"""Helpers shared by the applicant pages: the editable-application guard, the unsaved-POST
stash and the step navigation context."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from programs.selectors import cycles_public

from .. import selectors
from ..models import Application
from ..requirements import step_label, steps_of


def _continue_url(application: Application) -> str:
    if application.is_editable:
        return reverse("applications:edit", kwargs={"pk": application.pk, "step": "company"})
    return application.get_absolute_url()


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


def _safe_cycle(request):
    raw = request.GET.get("cycle") or request.POST.get("cycle")
    if raw and raw.isdigit():
        return cycles_public().filter(pk=int(raw)).first()
    return None


def _steps_context(application: Application, current: str, problems, url=None) -> dict:
    """The step navigation; ``url(slug)`` gives each step's address ("" for none), by
    default the draft's own step pages."""
    url = url or (
        lambda slug: reverse("applications:edit", kwargs={"pk": application.pk, "step": slug})
    )
    by_step: dict[str, int] = {}
    for problem in problems:
        by_step[problem.step] = by_step.get(problem.step, 0) + 1
    application_steps = steps_of(application)
    slugs = [step.slug for step in application_steps]
    index = slugs.index(current) if current in slugs else 0
    steps = [
        {
            "slug": step.slug,
            "number": number,
            "label": step_label(step, application.track),
            "url": url(step.slug),
            "current": step.slug == current,
            "problems": by_step.get(step.slug, 0),
        }
        for number, step in enumerate(application_steps, start=1)
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
