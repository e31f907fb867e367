from html import unescape as html_unescape

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext

from notifications.enums import NotificationKind
from notifications.rendering import Rendered
from notifications.services import notify_address

from .language import is_portal_language
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails (verification, password reset, …) in the recipient's language:
    the one they chose if the address belongs to a known user, else the language the
    request is in."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Rendered here, in the recipient's language, and handed to the outbox
        (``notify_address``): the request never waits on, or fails with, the SMTP server;
        the e-mail is retried like every notification. It never appears in an inbox
        (it may carry a password reset link)."""
        language = self.language_for(email, context.get("user"))
        with translation.override(language):
            # allauth names the site after the request's host ("127.0.0.1:8000") in its
            # greetings: the portal's name and public address instead.
            context = {**context, "current_site": PortalSite()}
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        subject = message.subject
        prefix = self.format_email_subject("")
        if prefix and subject.startswith(prefix):
            # The outbox adds the portal's prefix itself.
            subject = subject[len(prefix) :]
        if message.content_subtype == "html":
            html, body = message.body, strip_tags(message.body)
        else:
            body = message.body
        notify_address(
            kind=NotificationKind.ACCOUNT_EMAIL,
            email=email,
            language=language,
            event_key=template_prefix.rpartition("/")[2][:100],
            rendered=Rendered(subject=html_unescape(subject), body=body, body_html=html),
        )

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
