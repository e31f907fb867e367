from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from .language import is_portal_language
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails (verification, password reset, …) in the recipient's language:
    the one they chose if the address belongs to a known user, else the language the
    request is in."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        with translation.override(self.language_for(email, context.get("user"))):
            # allauth names the site after the request's host ("127.0.0.1:8000") in its
            # greetings: the portal's name and public address instead.
            context = {**context, "current_site": PortalSite()}
            super().send_mail(template_prefix, email, context)

    def language_for(self, email: str, user: User | None = None) -> str:
        if user is None:
            address = (
                EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
            )
            user = address.user if address else User.objects.filter(email__iexact=email).first()
        if user is not None and is_portal_language(user.preferred_language):
            return user.preferred_language
        return translation.get_language()


class PortalSite:
    """What allauth's e-mail templates read of ``current_site``: the portal's name (in
    the language being rendered) and its public address."""

    @property
    def name(self) -> str:
        return gettext("MSS–iPark MOU Portal")

    @property
    def domain(self) -> str:
        return settings.SITE_URL
