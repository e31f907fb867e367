from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.templatetags.portal import local_dt

from . import forms, selectors, services
from .activity import activity_csv_response, describe_activity
from .catalogue import KINDS, missing_languages
from .enums import CyclePhase
from .filters import ChallengeFilter, TechnologyFilter

PAGE_SIZE = 12


def home(request):
    programs = selectors.programs_with_public_cycles()
    return render(request, "programs/home.html", {"programs": programs})


def program_detail(request, program: str):
    program_obj = selectors.program_for_public(program)
    return render(request, "programs/program_detail.html", {"program": program_obj})


def cycle_detail(request, program: str, cycle: str):
    cycle_obj = selectors.cycle_for_public(program, cycle)
    return render(
        request,
        "programs/cycle_detail.html",
        {"cycle": cycle_obj, "program": cycle_obj.program, "rubric": cycle_obj.rubric()},
    )


def _catalogue(request, *, filterset, relation: str, template: str):
    """A filtered, paginated catalogue page (technologies or challenges) whose items carry
    the public cycles offering them."""
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    items = selectors.attach_offering_cycles(page.object_list, relation)
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "items": items, "query": query.urlencode()},
    )


def technology_list(request):
    return _catalogue(
        request,
        filterset=TechnologyFilter(request.GET, queryset=selectors.technologies_public()),
        relation="technologies",
        template="programs/technology_list.html",
    )


def technology_detail(request, pk: int):
    technology = get_object_or_404(selectors.technologies_public(), pk=pk)
    selectors.attach_offering_cycles([technology], "technologies")
    return render(request, "programs/technology_detail.html", {"technology": technology})


def challenge_list(request):
    return _catalogue(
        request,
        filterset=ChallengeFilter(request.GET, queryset=selectors.challenges_public()),
        relation="challenges",
        template="programs/challenge_list.html",
    )


def challenge_detail(request, pk: int):
    challenge = get_object_or_404(selectors.challenges_public(), pk=pk)
    selectors.attach_offering_cycles([challenge], "challenges")
    return render(request, "programs/challenge_detail.html", {"challenge": challenge})


# =========================================================================================
# Managers: setting up and running a call (never the Django admin)
# =========================================================================================

ACTIVITY_PAGE_SIZE = 50
SECTION_FORMS = [
    forms.TextsForm,
    forms.TimelineForm,
    forms.SelectionForm,
    forms.DocumentsForm,
    forms.OfferedItemsForm,
]


def _messages_of(error) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def call_new(request):
    """A new call of a program the manager manages, or a copy of a previous call."""
    programs = selectors.programs_managed_by(request.user)
    if not programs.exists():
        raise Http404
    copying = request.GET.get("copy") == "1" or bool(request.POST.get("copy_from"))
    calls = selectors.calls_managed_by(request.user)
    initial = {}
    if source_pk := request.GET.get("from", "").strip():
        source = calls.filter(pk=source_pk if source_pk.isdigit() else 0).first()
        if source is not None:
            initial = {"copy_from": source.pk, "program": source.program_id}
    if programs.count() == 1:
        initial.setdefault("program", programs.get().pk)
    form = forms.CallCreateForm(
        request.POST or None, initial=initial, programs=programs, calls=calls, copying=copying
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(
                program=form.cleaned_data["program"],
                actor=request.user,
                values=form.values(),
                copy_from=form.cleaned_data["copy_from"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The call “%(name)s” was created as a draft. Set it up, then open it.")
                % {"name": cycle.name},
            )
            return redirect("programs:call_setup", cycle_pk=cycle.pk)
    return render(
        request,
        "programs/manage/call_new.html",
        {"form": form, "copying": copying},
        status=400 if form.is_bound and form.errors else 200,
    )


def _locked_settings(cycle) -> dict[str, str]:
    """Setting → why it cannot change now (the same rules the services enforce)."""
    if cycle.phase == CyclePhase.DRAFT:
        return {}
    locks = services.setting_locks(cycle)
    reason = _("Fixed once the call is open: applicants rely on it.")
    locked = {}
    for name in [
        *services.setup.SCALAR_SETTINGS,
        *services.setup.ITEM_SETTINGS,
    ]:
        if cycle.phase == CyclePhase.ARCHIVED or name not in services.CHANGEABLE_AFTER_OPENING:
            locked[name] = reason
    if cycle.phase != CyclePhase.OPEN:
        locked["closes_at"] = _(
            "The closing date can change only while the call is open (see Extend the deadline)."
        )
    if "quota" in locks:
        locked["selection_quota"] = locks["quota"]
    return locked


def _rubric_lock(cycle) -> str:
    """Why the rubric cannot change at all now, or ''."""
    if cycle.phase == CyclePhase.DRAFT:
        return ""
    return services.setting_locks(cycle).get("rubric", "")


def _setup_context(request, cycle, bound=None, rubric=None) -> dict:
    locked = _locked_settings(cycle)
    sections = []
    for form_class in SECTION_FORMS:
        if bound is not None and isinstance(bound, form_class):
            form = bound
        else:
            form = form_class(cycle=cycle, locked=locked)
        if form.fields:
            sections.append(form)
    rubric_lock = _rubric_lock(cycle)
    if rubric is None:
        rubric = forms.RubricFormSet(initial=forms.rubric_initial(cycle), prefix="rubric")
    return {
        "cycle": cycle,
        "program": cycle.program,
        "sections": sections,
        "rubric": rubric,
        "rubric_lock": rubric_lock,
        "rubric_texts_only": cycle.phase != CyclePhase.DRAFT and not rubric_lock,
        "checklist": services.cycle_preflight(cycle) if cycle.phase == CyclePhase.DRAFT else [],
        "actions": services.phase_actions(cycle),
        "is_draft": cycle.phase == CyclePhase.DRAFT,
        **_questions_context(cycle),
    }


@login_required
def call_setup(request, cycle_pk: int):
    """The set-up page of a call: one form per section, each saved on its own (POST with
    ``section``), and the rubric."""
    cycle = selectors.get_call_for_manager(request.user, cycle_pk)
    if request.method != "POST":
        return render(request, "programs/manage/call_setup.html", _setup_context(request, cycle))
    section = request.POST.get("section", "")
    if section == "rubric":
        return _save_rubric(request, cycle)
    form_class = next((f for f in SECTION_FORMS if f.section == section), None)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, cycle=cycle, locked=_locked_settings(cycle))
    if form.is_valid():
        try:
            outcome = services.cycle_update(cycle=cycle, actor=request.user, changes=form.changes())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _settings_saved_message(request, outcome)
            return redirect(f"{reverse('programs:call_setup', args=[cycle.pk])}#{section}")
    return render(
        request,
        "programs/manage/call_setup.html",
        _setup_context(request, cycle, bound=form),
        status=400,
    )


def _settings_saved_message(request, outcome) -> None:
    if not outcome.changed:
        messages.info(request, _("Nothing changed."))
        return
    messages.success(
        request,
        _("Saved: %(settings)s.")
        % {"settings": ", ".join(services.setting_label(name) for name in outcome.changed)},
    )
    if outcome.notified:
        messages.info(
            request,
            ngettext(
                "%(count)d member of a company with a draft was told of the new closing date.",
                "%(count)d members of companies with drafts were told of the new closing date.",
                outcome.notified,
            )
            % {"count": outcome.notified},
        )


def _save_rubric(request, cycle):
    formset = forms.RubricFormSet(
        request.POST, initial=forms.rubric_initial(cycle), prefix="rubric"
    )
    if formset.is_valid():
        try:
            changed = services.rubric_save(
                cycle=cycle, actor=request.user, criteria=formset.criteria()
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            if changed:
                messages.success(request, _("The rubric was saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{reverse('programs:call_setup', args=[cycle.pk])}#rubric")
    cycle = selectors.get_call_for_manager(request.user, cycle.pk)
    return render(
        request,
        "programs/manage/call_setup.html",
        _setup_context(request, cycle, rubric=formset),
        status=400,
    )


PHASE_FORMS = {"extend": forms.ExtendForm, "reopen": forms.ReopenForm}


@login_required
def call_phase(request, cycle_pk: int, action: str):
    """A phase control: GET states what will happen and to whom (with counts, and for
    opening the pre-flight checklist); POST does it."""
    cycle = selectors.get_call_for_manager(request.user, cycle_pk)
    if action not in services.PHASE_ACTIONS:
        raise Http404
    source, label = services.PHASE_ACTIONS[action]
    form_class = PHASE_FORMS.get(action)
    form = form_class(request.POST or None) if form_class else None
    if form is not None and request.method != "POST":
        form = form_class(initial={"closes_at": cycle.closes_at})
    status = 200
    if request.method == "POST":
        if cycle.phase != source:
            messages.error(
                request,
                _("This cannot be done now: the call is “%(phase)s”.")
                % {"phase": cycle.get_phase_display()},
            )
            return redirect("programs:call_setup", cycle_pk=cycle.pk)
        if form is None or form.is_valid():
            try:
                result = _do_phase_action(request, cycle, action, form)
            except (ValidationError, PermissionDenied) as error:
                for message in _messages_of(error):
                    messages.error(request, message)
                status = 400
            else:
                messages.success(request, result)
                return redirect("reviews:manage_cycle", cycle_pk=cycle.pk)
        else:
            status = 400
    return render(
        request,
        "programs/manage/call_phase.html",
        {
            "cycle": cycle,
            "action": action,
            "label": label,
            "available": cycle.phase == source,
            "form": form,
            "checklist": services.cycle_preflight(cycle) if action == "open" else [],
            "consequences": selectors.call_phase_consequences(cycle, action),
        },
        status=status,
    )


def _do_phase_action(request, cycle, action: str, form) -> str:
    user = request.user
    if action == "open":
        services.cycle_open(cycle=cycle, actor=user)
        return _("The call is open.")
    if action == "close":
        _cycle, notified = services.cycle_close(cycle=cycle, actor=user)
        return ngettext(
            "The call is closed; %(count)d person was told.",
            "The call is closed; %(count)d people were told.",
            notified,
        ) % {"count": notified}
    if action == "reopen":
        services.cycle_reopen(cycle=cycle, actor=user, closes_at=form.cleaned_data["closes_at"])
        return _("The call is open again until %(closes)s.") % {
            "closes": local_dt(form.cleaned_data["closes_at"])
        }
    if action == "extend":
        outcome = services.cycle_update(
            cycle=cycle, actor=user, changes={"closes_at": form.cleaned_data["closes_at"]}
        )
        return ngettext(
            "The deadline is now %(closes)s; %(count)d person was told.",
            "The deadline is now %(closes)s; %(count)d people were told.",
            outcome.notified,
        ) % {"closes": local_dt(cycle.closes_at), "count": outcome.notified}
    services.cycle_start_review(cycle=cycle, actor=user)
    return _("The review has started: screen the applications, then assign reviewers.")


@login_required
def call_activity(request, cycle_pk: int):
    """The call's activity log (both organisations see the same), filtered, paginated; as
    CSV with ``?format=csv`` (streamed)."""
    cycle = selectors.get_call_for_manager(request.user, cycle_pk)
    filters = forms.ActivityFilterForm(
        request.GET or None, actors=selectors.call_activity_actors(cycle)
    )
    lines = selectors.call_activity(cycle, **filters.filters())
    if request.GET.get("format") == "csv":
        return activity_csv_response(
            lines, filename=f"{cycle.program.slug}-{cycle.code}-activity.csv"
        )
    paginator = Paginator(lines, ACTIVITY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "programs/manage/call_activity.html",
        {
            "cycle": cycle,
            "filters": filters,
            "page": page,
            "lines": [describe_activity(line) for line in page.object_list],
            "query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
        },
    )


# =========================================================================================
# The catalogue's texts in three languages (managers of the program that offers them)
# =========================================================================================


def _catalogue_kinds(user) -> list[str]:
    """The kinds of catalogue item ``user`` keeps; 404 for anyone who keeps none."""
    kinds = [kind for kind in KINDS if services.catalogue_editable_by(user, kind)]
    if not kinds:
        raise Http404
    return kinds


@login_required
def catalogue_manage(request):
    """The technologies or challenges a manager keeps, with the translations missing."""
    kinds = _catalogue_kinds(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0]
    paginator = Paginator(KINDS[kind].objects.order_by("title_en", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(item, missing_languages(item)) for item in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/manage/catalogue.html",
        {"kinds": kinds, "kind": kind, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def catalogue_edit(request, kind: str, pk: int):
    """The texts of one item in English, Korean and Japanese."""
    if kind not in _catalogue_kinds(request.user):
        raise Http404
    item = get_object_or_404(KINDS[kind], pk=pk)
    form = forms.CatalogueTextsForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.catalogue_texts_update(
                item=item, actor=request.user, texts=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The texts are saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{reverse('programs:catalogue_manage')}?kind={kind}")
    return render(
        request,
        "programs/manage/catalogue_edit.html",
        {"item": item, "kind": kind, "form": form},
        status=400 if form.is_bound else 200,
    )


def _questions_context(cycle) -> dict:
    return {
        "questions": selectors.call_questions_for_setup(cycle),
        "questions_after_submission": services.call_has_submissions(cycle),
    }
