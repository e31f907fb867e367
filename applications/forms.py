"""Forms of the applicant pages. They parse and show; the rules live in the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field as LayoutField
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from programs.enums import DocumentKind, Track

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
