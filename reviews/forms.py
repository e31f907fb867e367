from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from programs.enums import Field

from .models import Review, Reviewer
from .pledge import PLEDGE


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
        help_text=_("Its business registration number (e.g. 123-45-67890) or its full name."),
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

    class Meta:
        model = Review
        fields = ["comment_to_applicant", "internal_comment", "recommendation"]
        widgets = {
            "comment_to_applicant": forms.Textarea(attrs={"rows": 5}),
            "internal_comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
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
