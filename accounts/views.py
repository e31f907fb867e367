from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from . import services
from .forms import UserSettingsForm
from .language import follow_language


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
    return render(request, "accounts/settings.html", {"form": form})


def set_language(request):
    """Django's ``set_language`` for everyone; a logged-in user's choice is also saved as
    their preferred language, so e-mails and their next login follow it."""
    response = django_set_language(request)
    switched = settings.LANGUAGE_COOKIE_NAME in response.cookies
    if request.method == "POST" and switched and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language"))
    return response
