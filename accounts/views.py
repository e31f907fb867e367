from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import selectors, services
from .forms import ApiTokenForm, UserSettingsForm
from .language import follow_language


def _settings_page(request, *, form=None, token_form=None, new_token=None, status=200):
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form or UserSettingsForm(instance=request.user),
            "token_form": token_form or ApiTokenForm(),
            "tokens": selectors.api_tokens_of(request.user),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
def user_settings(request):
    form = UserSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_update_settings(
            user=request.user, actor=request.user, **form.cleaned_data
        )
        response = redirect("accounts:settings")
        # The page and the confirmation below switch to the new language at once.
        follow_language(response, user.preferred_language)
        messages.success(request, _("Your settings are saved."))
        return response
    return _settings_page(request, form=form)


@login_required
@require_POST
def api_token_create(request):
    """Create a token and show it, this once: only its hash is kept."""
    token_form = ApiTokenForm(request.POST)
    if not token_form.is_valid():
        return _settings_page(request, token_form=token_form, status=400)
    row, token = services.api_token_create(
        user=request.user, actor=request.user, **token_form.cleaned_data
    )
    return _settings_page(request, new_token={"row": row, "token": token})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:settings")


def set_language(request):
    """Django's ``set_language`` for everyone; a logged-in user's choice is also saved as
    their preferred language, so e-mails and their next login follow it."""
    response = django_set_language(request)
    switched = settings.LANGUAGE_COOKIE_NAME in response.cookies
    if request.method == "POST" and switched and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language"))
    return response
