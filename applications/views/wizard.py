"""The multi-step application form: step pages, autosave with stale-edit detection, and
the review-and-submit step. What the applicant typed is never lost."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.http import request_arrived_at
from common.storage import StorageUnavailable
from programs.services import TransitionError

from .. import selectors, services
from ..consent import CONSENT_TEXTS
from ..forms import (
    QuestionsForm,
    SubmitForm,
    step_form_class,
)
from ..models import Application
from ..requirements import (
    DOCUMENTS,
    QUESTIONS,
    REVIEW,
    STEP_SLUGS,
    steps_of,
    submission_problems,
)
from ._common import _editable_application, _keep_unsaved_post, _stash_key, _steps_context
from .documents import _documents_context


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
    if step == QUESTIONS.slug:
        if QUESTIONS not in steps_of(application):
            raise Http404
        return _answers_step(request, application, step, QuestionsForm)
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
        form = _bind(form_class, request.POST, request.FILES, application)
        result = _save_answers(request, application, form)
        if result["saved"] and not form.errors:
            request.session.pop(_stash_key(application.pk, step), None)
            messages.success(request, _("Saved."))
            target = _next_step(application, step, request.POST.get("action", "save"))
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
            form = _bind(form_class, data, None, conflict["current"])
            form.is_valid()
            application = conflict["current"]
    else:
        form, restored = _unbound_or_restored(request, application, step, form_class)
    context = _steps_context(application, step, submission_problems(application))
    return render(
        request,
        "applications/edit/questions.html"
        if isinstance(form, QuestionsForm)
        else "applications/edit/answers.html",
        {
            "application": application,
            "form": form,
            "autosave_url": reverse(
                "applications:autosave", kwargs={"pk": application.pk, "step": step}
            ),
            "conflict": conflict,
            "restored": restored,
            # Autosaving over someone else's version must be a deliberate click.
            "autosave": conflict is None,
            **context,
        },
        status=409 if conflict is not None else 200,
    )


def _next_step(application: Application, step: str, action: str) -> str:
    """The step to show after saving ``step``: the next or the previous, or the same."""
    slugs = [item.slug for item in steps_of(application)]
    index = slugs.index(step)
    if action == "continue" and index + 1 < len(slugs):
        return slugs[index + 1]
    if action == "back" and index > 0:
        return slugs[index - 1]
    return step


def _unbound_or_restored(request, application: Application, step: str, form_class):
    """The step's form, holding what was typed before a session expired if it was kept
    (then ``True``)."""
    stashed = request.session.pop(_stash_key(application.pk, step), None)
    if not stashed:
        return form_class(application=application), False
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in stashed.items():
        data.setlist(key, values)
    form = _bind(form_class, data, None, application)
    form.is_valid()
    return form, True


def _bind(form_class, data, files, application: Application):
    if form_class is QuestionsForm:
        return QuestionsForm(data, files, application=application)
    return form_class(data, application=application)


def _save_answers(request, application: Application, form, *, with_files: bool = True) -> dict:
    """Validate and save what is valid. Returns {saved, conflict, frozen}."""
    form.is_valid()
    if "version" in form.errors:
        return {"saved": False, "conflict": None}
    try:
        if isinstance(form, QuestionsForm):
            _save_questions(request, application, form, with_files=with_files)
        else:
            services.application_update(
                application=application,
                actor=request.user,
                data=form.answers(),
                expected_version=form.cleaned_data["version"],
            )
    except services.StaleVersion as stale:
        return {"saved": False, "conflict": _conflict(form, stale.current, frozen=False)}
    except ValidationError as error:
        # A question retired or changed meanwhile: say so beside the fields.
        form.add_error(None, error)
        return {"saved": False, "conflict": None}
    except services.NotEditable:
        current = Application.objects.get(pk=application.pk)
        return {"saved": False, "conflict": _conflict(form, current, frozen=True)}
    return {"saved": True, "conflict": None}


def _save_questions(request, application: Application, form, *, with_files: bool) -> None:
    services.answers_save(
        application=application,
        actor=request.user,
        values=form.values(),
        expected_version=form.cleaned_data["version"],
    )
    if not with_files:
        return
    for question, file in form.chosen_files().items():
        try:
            if file is False:
                services.answer_file_delete(
                    application=application, actor=request.user, question=question
                )
            else:
                services.answer_file_upload(
                    application=application, actor=request.user, question=question, file=file
                )
        except ValidationError as error:
            form.add_error(question.field_name, error)
        except StorageUnavailable as error:
            # The answers are saved; the file can be sent again once the store answers.
            form.add_error(question.field_name, str(error))


def _conflict(form, current: Application, *, frozen: bool) -> dict:
    """What differs between the typed answers and the stored ones, to show side by side."""
    if isinstance(form, QuestionsForm):
        from ..selectors import answers_by_question

        differences = form.differences(answers_by_question(current))
        return {
            "current": current,
            "by": current.updated_by,
            "at": current.updated_at,
            "differences": differences,
            "frozen": frozen,
        }
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
    form_class = (
        QuestionsForm if step == QUESTIONS.slug else step_form_class(step, application.track)
    )
    if form_class is None:
        raise Http404
    # A member of a submitted application gets the "frozen" answer below; others nothing.
    is_member = selectors.companies_of(request.user).filter(pk=application.company_id).exists()
    if not is_member:
        raise PermissionDenied
    # Files are sent with a deliberate Save only, never while typing.
    form = _bind(form_class, request.POST, None, application)
    result = _save_answers(request, application, form, with_files=False)
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


def _review_step(request, application: Application):
    now = request_arrived_at(request)  # the deadline is judged by when the request arrived
    refused = None
    if request.method == "POST":
        form = SubmitForm(request.POST, application=application)
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
        form = SubmitForm(application=application)
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
            "question_answers": selectors.question_answers_for(request.user, application),
            "documents": selectors.documents_of(application),
            "consent_texts": CONSENT_TEXTS,
            **context,
        },
        status=400 if refused else 200,
    )
