from allauth.account.forms import SignupForm as AllauthSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .language import is_portal_language
from .models import ApiTokenScope, User


def _programs():
    """The Program model, through the token's relation: accounts sits below programs in
    the apps' layering (``tests/test_architecture.py``), so it names no programs module."""
    from .models import ApiToken

    return ApiToken._meta.get_field("programs").related_model


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (e-mail and password twice) plus the name and language."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        help_text=_("How your name is shown to others in the portal, e.g. “Kim Min-ji”."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("For the pages when you log in and for the e-mails we send you."),
    )

    field_order = ["email", "display_name", "preferred_language", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = translation.get_language()
        self.fields["preferred_language"].initial = (
            current if is_portal_language(current) else settings.LANGUAGE_CODE
        )
        self.fields["display_name"].widget.attrs["autocomplete"] = "name"

    def custom_signup(self, request, user):
        # Called before the verification e-mail goes out, so that e-mail is already in
        # the chosen language.
        user.display_name = self.cleaned_data["display_name"].strip()
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["display_name", "preferred_language"])


class UserSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "email_opt_out"]
        labels = {"email_opt_out": _("Send me only essential e-mails")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "settings-form"
        self.helper.add_input(Submit("save", _("Save settings")))


class ApiTokenForm(forms.Form):
    """A new personal API token: a name to recognise it by, its scope and, optionally,
    the programs it is limited to."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What uses it, e.g. “Program office sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
    )
    programs = forms.ModelMultipleChoiceField(
        label=_("Limit to programs"),
        queryset=_programs().objects.order_by("order", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every program you may see."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "api-token-form"
        self.helper.form_action = reverse_lazy("accounts:api_token_create")
        self.helper.add_input(Submit("create", _("Create token")))
