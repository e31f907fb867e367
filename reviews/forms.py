from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus
from programs.enums import Field

from .models import Reviewer
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

    def __init__(self, *args, application_ids: Iterable[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

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
