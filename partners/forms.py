"""Forms of the partner pages (crispy forms, no tag: the templates hold the <form>)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from programs.enums import Field, HolderType, IPStatus
from programs.models import Challenge, Technology

from .enums import Interest, PartnerKind
from .nda import NDA


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class NdaForm(_Form):
    accept = forms.BooleanField(
        label=NDA.agreement,
        error_messages={"required": _("Tick the box to accept the agreement.")},
    )


class InterestForm(_Form):
    level = forms.ChoiceField(
        label=_("Your interest"), choices=Interest.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment for the program managers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConflictForm(_Form):
    business_number = forms.CharField(
        label=_("Business registration number of the company"),
        max_length=20,
        help_text=_("10 digits, as on the certificate (e.g. 124-81-00998)."),
    )
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class ChallengeForm(_Form):
    title = forms.CharField(label=_("title"), max_length=200)
    problem_statement = forms.CharField(label=_("problem statement"), widget=forms.Textarea)
    expected_outcome = forms.CharField(label=_("expected outcome"), widget=forms.Textarea)
    field = forms.ChoiceField(label=_("field"), choices=Field.choices)
    poc_terms = forms.CharField(label=_("PoC terms"), widget=forms.Textarea(attrs={"rows": 3}))


class TechnologyForm(_Form):
    title = forms.CharField(label=_("title"), max_length=200)
    holder_type = forms.ChoiceField(label=_("holder type"), choices=HolderType.choices)
    field = forms.ChoiceField(label=_("field"), choices=Field.choices)
    trl = forms.IntegerField(label=_("TRL"), min_value=1, max_value=9)
    ip_status = forms.ChoiceField(label=_("IP status"), choices=IPStatus.choices)
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea)


def entry_form_class(kind: str) -> type[_Form]:
    return ChallengeForm if kind == "challenge" else TechnologyForm


class DecisionForm(_Form):
    note = forms.CharField(
        label=_("Note to the partner (needed to reject)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerForm(_Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=PartnerKind.choices)
    contact_name = forms.CharField(label=_("contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("contact e-mail"))


class InviteForm(_Form):
    email = forms.EmailField(label=_("e-mail address"))
    language = forms.ChoiceField(
        label=_("language of the e-mail"), choices=settings.LANGUAGES, initial="ja"
    )


class LinkForm(_Form):
    """A manager hands an already published challenge or technology, owned by no partner,
    to the partner."""

    item = forms.ModelChoiceField(label=_("Published entry owned by no partner"), queryset=None)

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        model = Challenge if partner.entry_kind == "challenge" else Technology
        self.fields["item"].queryset = model.objects.filter(
            is_active=True, partner_entry__isnull=True
        ).order_by("title")
