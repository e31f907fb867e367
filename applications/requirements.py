"""The steps of the application form, which answers each track asks for, and what must be
complete before an application can be submitted — in one place, used by the forms, the
review step and the submit service alike."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programs.enums import DocumentKind, Track


@dataclass(frozen=True)
class Step:
    slug: str
    label: Promise


COMPANY = Step("company", _("Company"))
PROJECT = Step("project", _("Project"))
TRACK = Step("track", _("Program section"))
QUESTIONS = Step("questions", _("Questions for this call"))
DOCUMENTS = Step("documents", _("Documents"))
REVIEW = Step("review", _("Review and submit"))
# Every step there is; ``steps_of`` says which an application has (the call's own
# questions only when the call asks any).
STEPS: list[Step] = [COMPANY, PROJECT, TRACK, QUESTIONS, DOCUMENTS, REVIEW]
STEP_SLUGS = [step.slug for step in STEPS]


def steps_of(application) -> list[Step]:
    """The steps of ``application``'s form: ``QUESTIONS`` only when its call asks any."""
    asks = application.cycle.questions.filter(retired=False).exists()
    return [step for step in STEPS if step is not QUESTIONS or asks]


TRACK_STEP_LABELS: dict[str, Promise] = {
    Track.STARTUP_SUPPORT: _("Development and iPark plan"),
    Track.JOINT_RND: _("Technology and collaboration"),
    Track.OPEN_INNOVATION: _("Challenge and solution"),
}

PROJECT_FIELDS = ["title", "summary", "team", "budget_krw", "timeline"]
# Each track's own section. Every field listed is required to submit.
TRACK_FIELDS: dict[str, list[str]] = {
    Track.STARTUP_SUPPORT: ["biotech_field", "development_stage", "ipark_needs", "clinical_plan"],
    Track.JOINT_RND: ["technology", "collaboration_plan"],
    Track.OPEN_INNOVATION: ["challenge", "proposed_solution", "poc_plan"],
}


def step_label(step: Step, track: str) -> Promise:
    return TRACK_STEP_LABELS[track] if step is TRACK else step.label


def step_fields(step_slug: str, track: str) -> list[str]:
    """The answer fields edited on a step (empty for steps without typed answers)."""
    if step_slug == PROJECT.slug:
        return PROJECT_FIELDS
    if step_slug == TRACK.slug:
        return TRACK_FIELDS[track]
    return []


def answer_fields(track: str) -> list[str]:
    return PROJECT_FIELDS + TRACK_FIELDS[track]


@dataclass(frozen=True)
class Problem:
    """Something that blocks submission, and where to fix it."""

    step: str
    field: str
    message: str

    @property
    def anchor(self) -> str:
        """Where on the step's page the problem is fixed."""
        if self.step == DOCUMENTS.slug:
            return "required-documents"
        if self.step == QUESTIONS.slug:
            return f"question-{self.field}"
        return f"div_id_{self.field}"


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def submission_problems(application) -> list[Problem]:
    """Every missing answer, invalid choice and missing required document, in step order.

    Consents and the deadline are checked by the submit service itself: they concern the
    act of submitting, not the content.
    """
    from .models import Application

    problems: list[Problem] = []
    track = application.track
    for step_slug in (PROJECT.slug, TRACK.slug):
        for name in step_fields(step_slug, track):
            if _is_empty(getattr(application, f"{name}_id" if _is_fk(name) else name)):
                label = Application._meta.get_field(name).verbose_name  # type: ignore[union-attr]
                problems.append(
                    Problem(
                        step_slug,
                        name,
                        str(_("%(field)s: this answer is required.") % {"field": capfirst(label)}),
                    )
                )
    cycle = application.cycle
    if (
        track == Track.JOINT_RND
        and application.technology_id
        and not cycle.technologies.filter(pk=application.technology_id, is_active=True).exists()
    ):
        problems.append(
            Problem(
                TRACK.slug,
                "technology",
                str(_("The technology you chose is no longer offered in this call.")),
            )
        )
    if (
        track == Track.OPEN_INNOVATION
        and application.challenge_id
        and not cycle.challenges.filter(pk=application.challenge_id, is_active=True).exists()
    ):
        problems.append(
            Problem(
                TRACK.slug,
                "challenge",
                str(_("The challenge you chose is no longer offered in this call.")),
            )
        )
    problems.extend(question_problems(application))
    present = set(application.documents.values_list("kind", flat=True))
    labels = dict(DocumentKind.choices)
    for kind in cycle.required_document_kinds:
        if kind not in present:
            problems.append(
                Problem(
                    DOCUMENTS.slug,
                    kind,
                    str(_("Required document missing: %(document)s.") % {"document": labels[kind]}),
                )
            )
    return problems


def _is_fk(name: str) -> bool:
    return name in ("technology", "challenge")


def question_problems(application) -> list[Problem]:
    """The call's required questions shown (conditions met) but not answered; a PDF
    question is answered by its file. ``Problem.field`` is the question's form field."""
    from programs.questions import QuestionKind, is_empty, shown_questions

    questions = list(application.cycle.questions.filter(retired=False).order_by("order", "pk"))
    if not questions:
        return []
    answers = {answer.question_id: answer for answer in application.question_answers.all()}
    values = {pk: answer.value for pk, answer in answers.items()}
    problems = []
    for question in shown_questions(questions, values):
        if not question.required:
            continue
        answer = answers.get(question.pk)
        if question.kind == QuestionKind.PDF:
            missing = answer is None or not answer.file
        else:
            missing = answer is None or is_empty(answer.value)
        if missing:
            problems.append(
                Problem(
                    QUESTIONS.slug,
                    question.field_name,
                    str(_("%(question)s: this answer is required.") % {"question": question.label}),
                )
            )
    return problems
