from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import DocumentKind, Track
from .models import Cycle


class CycleAdminForm(forms.ModelForm):
    """The cycle as managers edit it in the admin: document kinds as checkboxes, and the
    track's catalogue (technologies or challenges) only on the track that uses it."""

    required_document_kinds = forms.MultipleChoiceField(
        label=_("Required documents"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Cycle
        fields = [
            "program",
            "name",
            "slug",
            "code",
            "description",
            "opens_at",
            "closes_at",
            "review_due_at",
            "announce_at",
            "selection_quota",
            "reviews_per_application",
            "blind_review",
            "required_document_kinds",
            "technologies",
            "challenges",
        ]

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program")
        if program is not None:
            if cleaned.get("technologies") and program.track != Track.JOINT_RND:
                self.add_error(
                    "technologies", _("Only joint R&D cycles offer catalogue technologies.")
                )
            if cleaned.get("challenges") and program.track != Track.OPEN_INNOVATION:
                self.add_error("challenges", _("Only open innovation cycles offer challenges."))
        return cleaned
