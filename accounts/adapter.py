from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.utils import translation

from .language import is_portal_language
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails (verification, password reset, …) in the recipient's language:
    the one they chose if the address belongs to a known user, else the language the
    request is in."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        with translation.override(self.language_for(email, context.get("user"))):
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
