"""What the account flows set off: the UI language follows the user at login, and a
confirmed address gets the welcome notification."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from notifications.enums import NotificationKind
from notifications.services import notify

from .language import follow_language


@receiver(user_logged_in, dispatch_uid="accounts.follow_language_on_login")
def follow_language_on_login(sender, request, user, response=None, **kwargs):
    # allauth sends this before it adds its "signed in" message, so that message is
    # already in the user's language.
    if response is not None:
        follow_language(response, user.preferred_language)


@receiver(email_confirmed, dispatch_uid="accounts.welcome_on_email_confirmed")
def welcome_on_email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    # Only the login address: confirming an extra address later is not a new account.
    # Once per user: notify() is idempotent on (kind, target, recipient).
    if email_address.email.lower() != user.email.lower():
        return
    notify(
        kind=NotificationKind.WELCOME,
        target=user,
        recipients=[user],
        context={"url": reverse("programs:home")},
    )
