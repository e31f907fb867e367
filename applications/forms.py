"""Forms of the applicant pages. They parse and show; the rules live in the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field as LayoutField
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from programs.enums import DocumentKind, Track
from programs.questions import QuestionKind

from .consent import CONSENT_TEXTS, consent_kinds_for
from .enums import REQUIRED_CONSENTS
from .models import Application, Company
from .requirements import TRACK_FIELDS, step_fields
from .validators import (
    document_max_bytes,
    normalize_business_number,
    validate_business_number,
    validate_pdf,
)


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields:
        helper.layout = Layout(*fields)
    return helper


class CompanyForm(forms.ModelForm):
    business_number = forms.CharField(
        label=_("Business registration number"),
        max_length=14,
        help_text=_("10 digits, as on the certificate (e.g. 124-81-00998)."),
        validators=[validate_business_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = [
            "name_ko",
            "name_en",
            "business_number",
            "founded_on",
            "employees",
            "field",
            "website",
            "representative",
            "address",
            "description",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if self.instance.pk:
            self.initial["business_number"] = self.instance.business_number_display

    def clean_business_number(self) -> str:
        digits = normalize_business_number(self.cleaned_data["business_number"])
        taken = Company.objects.filter(business_number=digits).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "A company with this business registration number is already registered. "
                    "Ask its owner to invite you to its team."
                ),
                code="unique",
            )
        return digits


class VersionedStepForm(forms.ModelForm):
    """A step of the application form. Nothing is required to *save* a draft (partial
    answers are kept); ``requirements.submission_problems`` says what is required to
    submit. ``version`` carries the version the editor loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("instance", application)
        super().__init__(*args, **kwargs)
        self.application = application
        if not self.is_bound:
            self.initial["version"] = application.version
        for field in self.fields.values():
            field.required = False
        self.fields["version"].required = True
        self.helper = _helper(*self._layout())

    def _layout(self) -> list:
        return list(self.fields)

    def answers(self) -> dict:
        """The valid answers to save: everything except fields with errors."""
        names = [name for name in self.Meta.fields if name not in self.errors]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def _post_clean(self):
        # The form saves through the service; the instance stays as loaded.
        pass


class ProjectForm(VersionedStepForm):
    budget_krw = forms.IntegerField(
        label=_("Budget requested (KRW)"),
        min_value=1,
        max_value=10**13,
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "step": 1, "inputmode": "numeric"}),
        help_text=_("Total support you ask for, in Korean won, without separators."),
    )

    class Meta:
        model = Application
        fields = step_fields("project", Track.STARTUP_SUPPORT)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "team": forms.Textarea(attrs={"rows": 5}),
            "timeline": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "title": _("A short name for the project reviewers will see first."),
            "summary": _("What you will do and why it matters (up to 3,000 characters)."),
            "team": _("Who does the work: roles, experience, and partners if any."),
            "timeline": _("Main milestones and when you expect to reach them."),
        }


class StartupSupportForm(VersionedStepForm):
    class Meta:
        model = Application
        fields = TRACK_FIELDS[Track.STARTUP_SUPPORT]
        widgets = {
            "ipark_needs": forms.Textarea(attrs={"rows": 5}),
            "clinical_plan": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "ipark_needs": _("Labs, facilities, equipment and partners you need at iPark."),
            "clinical_plan": _(
                "The clinical trial or local demonstration you plan in Japan: design, sites, "
                "regulatory path and timing."
            ),
        }


class OfferChoiceField(forms.ModelChoiceField):
    """A technology or challenge offered in the cycle, shown with its details."""

    widget = forms.RadioSelect


class JointRndForm(VersionedStepForm):
    technology = OfferChoiceField(
        label=_("Technology"), queryset=None, empty_label=None, required=False
    )

    class Meta:
        model = Application
        fields = TRACK_FIELDS[Track.JOINT_RND]
        widgets = {"collaboration_plan": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "collaboration_plan": _(
                "How you will work with the technology holder: division of work, milestones, "
                "people, and how results and IP are shared."
            ),
        }

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        self.fields["technology"].queryset = application.cycle.technologies.filter(
            is_active=True
        ).order_by("title")

    def _layout(self):
        return [
            LayoutField("technology", template="applications/fields/offer_choice.html"),
            "collaboration_plan",
            "version",
        ]


class OpenInnovationForm(VersionedStepForm):
    challenge = OfferChoiceField(
        label=_("Challenge"), queryset=None, empty_label=None, required=False
    )

    class Meta:
        model = Application
        fields = TRACK_FIELDS[Track.OPEN_INNOVATION]
        widgets = {
            "proposed_solution": forms.Textarea(attrs={"rows": 8}),
            "poc_plan": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "proposed_solution": _("How your technology or product solves the problem as posed."),
            "poc_plan": _("Scope, data, timeline and success criteria of the proof of concept."),
        }

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        self.fields["challenge"].queryset = application.cycle.challenges.filter(
            is_active=True
        ).order_by("title")

    def _layout(self):
        return [
            LayoutField("challenge", template="applications/fields/offer_choice.html"),
            "proposed_solution",
            "poc_plan",
            "version",
        ]


TRACK_FORMS = {
    Track.STARTUP_SUPPORT: StartupSupportForm,
    Track.JOINT_RND: JointRndForm,
    Track.OPEN_INNOVATION: OpenInnovationForm,
}


def step_form_class(step_slug: str, track: str) -> type[VersionedStepForm] | None:
    if step_slug == "project":
        return ProjectForm
    if step_slug == "track":
        return TRACK_FORMS[track]
    return None


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_bytes or document_max_bytes()
        self.fields["file"].widget.attrs["data-max-bytes"] = str(limit)
        self.helper = _helper()

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_pdf(file)
        return file


class SubmitForm(forms.Form):
    """The consents, each its own checkbox (PIPA asks for the transfer abroad apart, and for
    the optional provision to a partner apart again)."""

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = (
            consent_kinds_for(application) if application is not None else list(REQUIRED_CONSENTS)
        )
        for kind in self.kinds:
            self.fields[f"consent_{kind}"] = forms.BooleanField(
                label=CONSENT_TEXTS[kind].agreement, required=False
            )

    def consents(self) -> list[str]:
        if not self.is_bound or not self.is_valid():
            return []
        return [kind for kind in self.kinds if self.cleaned_data.get(f"consent_{kind}")]

    def consent_rows(self):
        """(text, bound field) for the template: the full text above its checkbox."""
        return [(CONSENT_TEXTS[kind], self[f"consent_{kind}"]) for kind in self.kinds]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Telling the program team why helps them improve the program."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class StartForm(forms.Form):
    company = forms.ModelChoiceField(
        label=_("Apply for"),
        queryset=Company.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.helper = _helper()


class QuestionsForm(forms.Form):
    """The call's own questions (``programs.Question``), one field each, named
    ``q_<id>``; nothing required to save. ``values()`` gives what the service saves;
    ``chosen_files()`` the PDFs chosen; each value is checked by ``programs.questions``."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, application: Application, questions=None, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import answers_by_question, call_questions

        self.application = application
        self.questions = (
            questions if questions is not None else call_questions(application.cycle_id)
        )
        self.stored = answers if answers is not None else answers_by_question(application)
        if not self.is_bound:
            self.initial["version"] = application.version
        for question in self.questions:
            field = _question_field(question)
            field.required = False
            self.fields[question.field_name] = field
            answer = self.stored.get(question.pk)
            if not self.is_bound and answer is not None:
                self.initial[question.field_name] = _initial(question, answer)

    @property
    def file_field_names(self) -> str:
        """The PDF questions' fields, comma-separated (autosave leaves them out)."""
        return ",".join(q.field_name for q in self.questions if q.kind == QuestionKind.PDF)

    def rows(self):
        """(question, bound field, stored answer, shown-when attributes) for the template,
        in order, with a section heading where it changes."""
        by_id = {question.pk: question for question in self.questions}
        heading = None
        for question in self.questions:
            section = question.section or ""
            new_heading = section if section and section != heading else ""
            heading = section or heading
            parent = by_id.get(question.condition_question_id)
            yield {
                "question": question,
                "field": self[question.field_name],
                "answer": self.stored.get(question.pk),
                "heading": new_heading,
                "parent": parent.field_name if parent else "",
                "parent_value": question.condition_value if parent else "",
            }

    def clean(self):
        from programs.questions import clean_answer

        cleaned = super().clean()
        for question in self.questions:
            name = question.field_name
            if question.kind == QuestionKind.PDF or name in self.errors:
                continue
            raw = (
                self.data.getlist(name)
                if question.kind == QuestionKind.MULTIPLE_CHOICE and hasattr(self.data, "getlist")
                else self.data.get(name)
            )
            try:
                cleaned[name] = clean_answer(question, raw)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def values(self) -> dict[int, object]:
        """``{question id: value}`` of the valid, non-file answers."""
        return {
            question.pk: self.cleaned_data.get(question.field_name)
            for question in self.questions
            if question.kind != QuestionKind.PDF and question.field_name not in self.errors
        }

    def chosen_files(self) -> dict:
        """``{question: file or False (cleared)}`` of the PDF answers sent."""
        chosen = {}
        for question in self.questions:
            if question.kind != QuestionKind.PDF or question.field_name in self.errors:
                continue
            value = self.cleaned_data.get(question.field_name)
            if value is False or value:
                chosen[question] = value
        return chosen

    def differences(self, stored: dict) -> list[tuple[str, str]]:
        """(question, stored answer as text) where the stored answer differs from this
        form's (after a conflict)."""
        from programs.questions import answer_text

        differences = []
        for question in self.questions:
            name = question.field_name
            if question.kind == QuestionKind.PDF or name not in self.cleaned_data:
                continue
            answer = stored.get(question.pk)
            value = answer.value if answer else None
            if value != self.cleaned_data[name]:
                differences.append((question.label, answer_text(question, value)))
        return differences


def _initial(question, answer):
    if question.kind == QuestionKind.YES_NO:
        return {True: "yes", False: "no"}.get(answer.value, "")
    if question.kind == QuestionKind.PDF:
        return None
    return answer.value


def _question_field(question) -> forms.Field:
    from programs.questions import NO, YES, text_limit

    common = {"label": question.label, "help_text": question.help_text}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=text_limit(question), strip=False, **common)
    if kind == QuestionKind.LONG_TEXT:
        limit = text_limit(question)
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 5, "maxlength": limit}), strip=False, **common
        )
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=question.choice_items(), widget=forms.RadioSelect, **common
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=question.choice_items(), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common
        )
    if kind == QuestionKind.NUMBER:
        attrs = {"step": "any", "inputmode": "decimal"}
        if question.min_number is not None:
            attrs["min"] = str(question.min_number.normalize())
        if question.max_number is not None:
            attrs["max"] = str(question.max_number.normalize())
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind == QuestionKind.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    field = forms.FileField(
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,.pdf", "data-max-bytes": str(document_max_bytes())}
        ),
        **common,
    )
    return field


def questions_form_class(step_slug: str):
    return QuestionsForm if step_slug == "questions" else None
