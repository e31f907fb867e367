"""The manager's pages for a call's own questions: add, edit, move, retire, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors, services
from .question_forms import QuestionForm
from .views import _add_errors, _messages_of, _questions_context


def _question_of(cycle, question_pk: int):
    return get_object_or_404(cycle.questions.all(), pk=question_pk)


@login_required
def call_question(request, cycle_pk: int, question_pk: int | None = None):
    """Add a question to a call (``question_pk`` None) or change one; the rules of what
    may change once applications answered are the service's, refused with its message."""
    cycle = selectors.get_call_for_manager(request.user, cycle_pk)
    question = _question_of(cycle, question_pk) if question_pk else None
    form = QuestionForm(request.POST or None, cycle=cycle, question=question)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.question_save(
                    cycle=cycle, actor=request.user, values=form.values(), question=question
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The question was added.") if saved.created else _("The question was saved."),
                )
                for warning in saved.warnings:
                    messages.warning(request, warning)
                return redirect(f"{reverse('programs:call_setup', args=[cycle.pk])}#questions")
        status = 400
    return render(
        request,
        "programs/manage/call_question.html",
        {
            "cycle": cycle,
            "program": cycle.program,
            "question": question,
            "form": form,
            "answered": question is not None and services.question_is_answered(question),
            "here": _("Edit a question") if question else _("Add a question"),
            **_questions_context(cycle),
        },
        status=status,
    )


QUESTION_ACTIONS = ("up", "down", "retire", "restore", "delete")


@login_required
def call_question_action(request, cycle_pk: int, question_pk: int, action: str):
    """POST: move a question up or down, retire it, bring it back, or delete it."""
    cycle = selectors.get_call_for_manager(request.user, cycle_pk)
    if action not in QUESTION_ACTIONS:
        raise Http404
    if request.method != "POST":
        return redirect(f"{reverse('programs:call_setup', args=[cycle.pk])}#questions")
    question = _question_of(cycle, question_pk)
    try:
        if action in ("up", "down"):
            services.questions_move(
                question=question, actor=request.user, step=-1 if action == "up" else 1
            )
            messages.success(request, _("The order of the questions was saved."))
        elif action == "delete":
            services.question_delete(question=question, actor=request.user)
            messages.success(request, _("The question was deleted."))
        else:
            services.question_retire(
                question=question, actor=request.user, retired=action == "retire"
            )
            messages.success(
                request,
                _("The question was retired: new applicants do not see it; answers are kept.")
                if action == "retire"
                else _("The question is asked again."),
            )
    except (ValidationError, PermissionDenied) as error:
        for message in _messages_of(error):
            messages.error(request, message)
    return redirect(f"{reverse('programs:call_setup', args=[cycle.pk])}#questions")
