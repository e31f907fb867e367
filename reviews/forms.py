from django import forms
from django.utils.translation import gettext_lazy as _

from programs.enums import Field

from .models import Reviewer


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
