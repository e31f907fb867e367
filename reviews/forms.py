from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus
from programs.enums import Field, Organisation

from .models import Review, Reviewer
from .pledge import PLEDGE
from .selectors import RANKED_STATUS_ORDER


class ReviewerAdminForm(forms.ModelForm):
    expertise = forms.MultipleChoiceField(
        label=_("Expertise fields"),
        choices=Field.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Reviewer
        fields = ["user", "organisation", "expertise", "is_active"]


# =========================================================================================
# Reviewing
# =========================================================================================


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class PledgeForm(forms.Form):
    accept = forms.BooleanField(
        label=PLEDGE.agreement,
        error_messages={"required": _("Tick the box to accept the pledge.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ConflictForm(forms.Form):
    """A conflict declared in the profile: the company is named exactly (its registration
    number or its full name), so that reviewers need not browse a list of applicants."""

    company = forms.CharField(
        label=_("Company"),
        max_length=200,
        help_text=_("Its business registration number (e.g. 124-81-00998) or its full name."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “I advise this company” or “my former employer (until 2025)”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_company(self):
        from .selectors import find_company

        company = find_company(self.cleaned_data["company"])
        if company is None:
            raise forms.ValidationError(
                _(
                    "No company is registered under this number or name. Check the number, "
                    "or write the name exactly as registered."
                )
            )
        return company


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, label=None, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        self.helper = _helper()


class ReviewForm(forms.ModelForm):
    """The rubric form: a score per criterion (0..its maximum), the comments and the
    recommendation. Every field is optional here (drafts may be partial); what a
    submission needs is checked by ``reviews.services.review_submit``. It only parses: the
    services write (``service_arguments``)."""

    comment_language = forms.ChoiceField(
        label=_("Language of your comment to the applicant"),
        choices=settings.LANGUAGES,
        required=False,
    )

    class Meta:
        model = Review
        fields = ["comment_to_applicant", "comment_language", "internal_comment", "recommendation"]
        widgets = {
            "comment_to_applicant": forms.Textarea(attrs={"rows": 5}),
            "internal_comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, criteria, company_language="", reviewer_language="", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        language = self.fields["comment_language"]
        # Defaults to the reviewer's own language; the hint says what the company reads.
        if not self.initial.get("comment_language"):
            self.initial["comment_language"] = reviewer_language or settings.LANGUAGE_CODE
        if company_language:
            names = dict(settings.LANGUAGES)
            language.help_text = _(
                "This company reads %(language)s. The applicant sees which language each "
                "comment is written in."
            ) % {"language": names.get(company_language, company_language)}
        scores = {}
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            scores[name] = forms.IntegerField(
                label=_("%(name)s (0–%(max)d)")
                % {"name": criterion.name, "max": criterion.max_score},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                help_text=criterion.description,
                error_messages={
                    "invalid": _("Enter a whole number from 0 to %(max)d.")
                    % {"max": criterion.max_score},
                    "min_value": _("The score cannot be below 0."),
                    "max_value": _("The score cannot be above %(max)d.")
                    % {"max": criterion.max_score},
                },
                widget=forms.NumberInput(attrs={"min": 0, "max": criterion.max_score, "step": 1}),
            )
        # Scores first, in rubric order.
        self.fields = {**scores, **self.fields}
        self.helper = _helper()

    @staticmethod
    def initial_for(review, criteria) -> dict:
        if review is None:
            return {}
        initial = {
            "comment_to_applicant": review.comment_to_applicant,
            "comment_language": review.comment_language,
            "internal_comment": review.internal_comment,
            "recommendation": review.recommendation,
        }
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
        return initial

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {
                criterion.pk: data.get(f"score_{criterion.pk}") for criterion in self.criteria
            },
            "comment_to_applicant": data.get("comment_to_applicant", ""),
            "comment_language": data.get("comment_language", ""),
            "internal_comment": data.get("internal_comment", ""),
            "recommendation": data.get("recommendation", ""),
        }


class ScreenOutForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            label=_("Why is the application ineligible?"),
            help_text=_("The company is told at once, with this reason."),
            **kwargs,
        )


# =========================================================================================
# Selection
# =========================================================================================

RANKING_SORT_CHOICES = [
    ("", _("Rank")),
    ("combined", _("Combined score")),
    ("normalised", _("Normalised score")),
    ("mean", _("Weighted mean")),
    ("mss", _("MSS mean")),
    ("ipark", _("iPark mean")),
    ("spread", _("Disagreement (spread)")),
    ("reviews", _("Completed reviews")),
]
DECISION_CHOICES = [
    (ApplicationStatus.SELECTED.value, _("Select")),
    (ApplicationStatus.WAITLISTED.value, _("Waitlist")),
    (ApplicationStatus.REJECTED.value, _("Do not select")),
    (ApplicationStatus.UNDER_REVIEW.value, _("Back to under review")),
]


class RankingFilterForm(forms.Form):
    """The ranking's filters and sort (GET). Unknown values are ignored, not errors: a
    shared link with a stale filter still shows the ranking."""

    field = forms.ChoiceField(label=_("Field"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    item = forms.ChoiceField(label=_("Technology or challenge"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=RANKING_SORT_CHOICES)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Natural")), ("desc", _("Highest first")), ("asc", _("Lowest first"))],
    )

    def __init__(self, *args, track_items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Every field")), *Field.choices]
        self.fields["status"].choices = [
            ("", _("Every status")),
            *[(s, ApplicationStatus(s).label) for s in RANKED_STATUS_ORDER],
        ]
        self.fields["item"].choices = [("", _("Every technology or challenge")), *track_items]
        if not track_items:
            del self.fields["item"]

    def value(self, name: str) -> str:
        """The cleaned value of ``name``, or "" when it was missing or not a choice."""
        if not self.is_bound:
            return ""
        self.is_valid()  # valid fields stay in cleaned_data even when others are not
        return self.cleaned_data.get(name, "") or ""

    @property
    def descending(self) -> bool | None:
        return {"desc": True, "asc": False}.get(self.value("order"))


class DecisionForm(forms.Form):
    """Decisions from the ranking: ticked rows and a bulk decision, or one row's button
    (``row`` = ``<application id>:<decision>``), with an optional note for the history."""

    applications = forms.TypedMultipleChoiceField(coerce=int, required=False)
    decision = forms.ChoiceField(choices=DECISION_CHOICES, required=False)
    row = forms.CharField(required=False)
    note = forms.CharField(
        label=_("Note for the history (optional)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput,
    )
    reason = forms.CharField(
        label=_("Reason for selecting out of rank order"),
        help_text=_(
            "Asked when a selection passes over a better-ranked application; shown to the "
            "other organisation's approver."
        ),
        required=False,
        max_length=1000,
        widget=forms.TextInput,
    )

    def __init__(self, *args, application_ids: Iterable[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

    def versions(self) -> dict[int, int]:
        """The version of each row as the page showed it (``version-<id>``): a decision
        changed since is refused rather than overwritten."""
        versions = {}
        for key, value in self.data.items():
            pk = key.removeprefix("version-")
            if key.startswith("version-") and pk.isdigit() and str(value).isdigit():
                versions[int(pk)] = int(value)
        return versions

    def clean(self):
        data = super().clean()
        row = data.get("row", "")
        if row:
            pk, _sep, decision = row.partition(":")
            if not pk.isdigit() or decision not in dict(DECISION_CHOICES):
                raise forms.ValidationError(_("Choose a decision."))
            if int(pk) not in {choice for choice, _label in self.fields["applications"].choices}:
                raise forms.ValidationError(_("That application is not in the ranking."))
            data["applications"] = [int(pk)]
            data["decision"] = decision
            return data
        if not data.get("applications"):
            self.add_error("applications", _("Tick at least one application."))
        if not data.get("decision"):
            self.add_error("decision", _("Choose a decision."))
        return data


# =========================================================================================
# The reviewer pool of a call
# =========================================================================================


class PoolForm(forms.Form):
    """The reviewers invited to a call, one checkbox list per organisation."""

    def __init__(self, *args, reviewers, pool_ids, **kwargs):
        super().__init__(*args, **kwargs)
        for organisation, label in Organisation.choices:
            self.fields[organisation] = forms.ModelMultipleChoiceField(
                label=label,
                queryset=reviewers.filter(organisation=organisation),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=list(pool_ids),
            )
        self.helper = _helper()

    def reviewers(self) -> list:
        return [reviewer for name in self.fields for reviewer in self.cleaned_data[name]]


class BulkDecisionForm(forms.Form):
    """One decision for every application matching the decisions page's filter; the
    confirmation sends back the count it showed (``expected``)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the history (optional)"), required=False, max_length=1000
    )
    reason = forms.CharField(
        label=_("Reason for selecting out of rank order"),
        help_text=_(
            "Asked when a selection passes over a better-ranked application; shown to the "
            "other organisation's approver."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
